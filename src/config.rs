//! The config file: where it is, its `[defaults]` and `[profiles.NAME]` tables, and the
//! resolved `Profile` the rest of authctl uses. Values are read through serde into typed
//! structs (`Shared` and `Own` here, each provider's settings in its own file); one
//! validation pass then checks what types alone cannot (URL schemes, lifetimes). A profile
//! is read only when a command needs it, so the cached path reads one profile however many
//! the file holds; line and column are worked out only for an error message.

mod outline;

use std::cell::OnceCell;
use std::fmt;
use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::providers::{Kind, Provider, Settings};
use crate::secret::{SecretSpec, default_env_name};
use crate::settings::{Argv, Endpoint, Period, Text, field_names};
use outline::{Outline, ReadSeek};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(60);
pub const DEFAULT_TTL: Duration = Duration::from_secs(15 * 60);

/// A place in the config file, shown as `FILE:LINE:COLUMN`.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot find a home directory for the config file; use --config PATH or set AUTHCTL_CONFIG")]
    NoHome,
    #[error("cannot read config file {}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no config file at {}; create one with `authctl config init` (or point --config / AUTHCTL_CONFIG at one)", path.display())]
    Missing { path: PathBuf },
    #[error("{} already exists; not overwriting it (edit it, or move it away first)", path.display())]
    Exists { path: PathBuf },
    #[error("invalid TOML at {at}: {message}")]
    Syntax { at: Location, message: String },
    #[error("config error at {at}: {section}, key {key}: {problem}")]
    Key {
        at: Location,
        section: String,
        key: String,
        problem: String,
    },
    #[error("config error at {at}: {section}: unknown key {key} (known keys: {known})")]
    UnknownKey {
        at: Location,
        section: String,
        key: String,
        known: String,
    },
    #[error("config error in {}: {section} is missing required key {key} ({hint})", file.display())]
    MissingKey {
        file: PathBuf,
        section: String,
        key: String,
        hint: &'static str,
    },
    #[error("config error at {at}: {problem}")]
    Shape { at: Location, problem: String },
    #[error("unknown profile `{arg}` in {}; profiles: {names}", file.display())]
    UnknownProfile { arg: String, file: PathBuf, names: String },
    #[error("`{arg}` matches several {arg} profiles ({names}) in {}; name one of them", file.display())]
    AmbiguousProvider { arg: String, file: PathBuf, names: String },
    #[error("no profile given and no default_profile in {}; name one of: {names}", file.display())]
    NoProfileGiven { file: PathBuf, names: String },
    #[error("profile {profile} uses provider {uses}, not {wanted}")]
    WrongProvider { profile: String, uses: Kind, wanted: Kind },
    #[error("no profile in {} uses provider {provider}; add one (config.example.toml shows its keys)", file.display())]
    NoProfileOfProvider { file: PathBuf, provider: Kind },
    #[error("several profiles use provider {provider} ({names}); choose one with --profile")]
    SeveralOfProvider { provider: Kind, names: String },
    /// Something a command needs that the profile does not say.
    #[error("profile {profile}: {problem}")]
    Profile { profile: String, problem: String },
    #[error("cannot read ca_file {}", path.display())]
    CaFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("ca_file {} holds no usable PEM certificate", path.display())]
    CaFilePem { path: PathBuf },
}

type Result<T, E = ConfigError> = std::result::Result<T, E>;

/// Settings that `[defaults]` may give and any profile may override.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Shared {
    timeout: Option<Spanned<Period>>,
    refresh_before: Option<Period>,
    default_ttl: Option<Spanned<Period>>,
    allow_http: Option<bool>,
    ca_file: Option<Text>,
}

/// Keys of `[defaults]` alone.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultsOwn {
    default_profile: Option<Spanned<Text>>,
}

/// Keys every profile has besides its provider's and the shared ones.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Own {
    #[allow(dead_code)] // read before the rest, to know the provider; kept for the key list
    provider: Text,
    secret_env: Option<Text>,
    secret_command: Option<Argv>,
}

/// A profile as the rest of authctl uses it: validated, defaults applied.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub settings: Settings,
    pub timeout: Duration,
    pub refresh_before: Duration,
    pub default_ttl: Duration,
    pub ca_file: Option<PathBuf>,
    pub secret: SecretSpec,
}

impl Profile {
    pub fn kind(&self) -> Kind {
        self.settings.kind()
    }

    pub fn provider(&self) -> &dyn Provider {
        self.settings.provider()
    }
}

/// The config file, opened once; the whole of it read and parsed only when a command
/// needs more than one profile (see `outline` for the quick path).
pub struct Config {
    pub path: PathBuf,
    /// `None` when no file exists at `path`: fine until a profile is needed.
    input: Option<Input>,
    text: OnceCell<&'static str>,
    doc: OnceCell<Document>,
}

enum Input {
    File(File),
    Text(&'static str),
}

impl Input {
    /// A regular file is read as needed; anything else (a pipe from `<(…)`, a FIFO,
    /// `/dev/stdin`) cannot seek, and is read whole now, up to `MAX_STREAMED` bytes.
    fn of(file: File) -> std::io::Result<Input> {
        const MAX_STREAMED: u64 = 16 * 1024 * 1024;
        if file.metadata()?.is_file() {
            return Ok(Input::File(file));
        }
        let mut text = String::new();
        file.take(MAX_STREAMED + 1).read_to_string(&mut text)?;
        if text.len() as u64 > MAX_STREAMED {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "it is not a regular file and goes on past 16 MiB",
            ));
        }
        Ok(Input::Text(Box::leak(text.into_boxed_str())))
    }

    fn reader(&self) -> Box<dyn ReadSeek + '_> {
        match self {
            Input::File(file) => Box::new(file),
            Input::Text(text) => Box::new(Cursor::new(text.as_bytes())),
        }
    }
}

struct Document {
    defaults: Defaults,
    profiles: DeTable<'static>,
}

/// What `[defaults]` says.
#[derive(Default)]
struct Defaults {
    shared: Shared,
    default_profile: Option<Spanned<Text>>,
}

/// The text a table was parsed from, kept for the run (parsed tables borrow from it):
/// the whole file, or on the quick path one section of it. Spans are relative to it.
#[derive(Clone, Copy)]
struct Source<'a> {
    file: &'a Path,
    text: &'static str,
}

impl Source<'_> {
    fn at(&self, offset: usize) -> Location {
        locate(self.file, self.text, offset)
    }
}

/// `--config`, else `$AUTHCTL_CONFIG` (clap fills `flag` from it), else the platform
/// config dir.
pub fn path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = flag.filter(|p| !p.as_os_str().is_empty()) {
        return Ok(p.to_path_buf());
    }
    let dirs = directories::ProjectDirs::from("", "", "authctl").ok_or(ConfigError::NoHome)?;
    Ok(dirs.config_dir().join("config.toml"))
}

impl Config {
    pub fn load(flag: Option<&Path>) -> Result<Config> {
        let path = path(flag)?;
        let input = match File::open(&path) {
            Ok(file) => Some(Input::of(file).map_err(|source| ConfigError::Unreadable {
                path: path.clone(),
                source,
            })?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => return Err(ConfigError::Unreadable { path, source }),
        };
        Ok(Config {
            path,
            input,
            text: OnceCell::new(),
            doc: OnceCell::new(),
        })
    }

    /// A config of `text` as if read from `path`, parsed only as far as each call needs.
    pub fn read_lazily(path: &Path, text: Option<String>) -> Config {
        Config {
            path: path.to_path_buf(),
            input: text.map(|t| Input::Text(Box::leak(t.into_boxed_str()))),
            text: OnceCell::new(),
            doc: OnceCell::new(),
        }
    }

    /// `text` as if read from `path`, parsed whole at once (for tests).
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let config = Config::read_lazily(path, Some(text.to_string()));
        config.doc()?;
        Ok(config)
    }

    pub fn exists(&self) -> bool {
        self.input.is_some()
    }

    /// The whole file, read once and kept for the run: parsed tables borrow from it.
    fn text(&self) -> Result<&'static str> {
        if let Some(text) = self.text.get() {
            return Ok(text);
        }
        let text = match &self.input {
            None => {
                return Err(ConfigError::Missing {
                    path: self.path.clone(),
                });
            }
            Some(Input::Text(text)) => text,
            Some(Input::File(file)) => {
                let (mut file, mut text) = (file, String::new());
                file.seek(SeekFrom::Start(0))
                    .and_then(|_| file.read_to_string(&mut text))
                    .map_err(|source| ConfigError::Unreadable {
                        path: self.path.clone(),
                        source,
                    })?;
                &*Box::leak(text.into_boxed_str())
            }
        };
        Ok(self.text.get_or_init(|| text))
    }

    fn source(&self, text: &'static str) -> Source<'_> {
        Source { file: &self.path, text }
    }

    /// The whole file, parsed and its `[defaults]` read, once.
    fn doc(&self) -> Result<&Document> {
        if let Some(doc) = self.doc.get() {
            return Ok(doc);
        }
        let doc = Document::parse(self.source(self.text()?))?;
        Ok(self.doc.get_or_init(|| doc))
    }

    /// The names of every profile, in file order; none when there is no file.
    pub fn names(&self) -> Result<Vec<&str>> {
        if !self.exists() {
            return Ok(Vec::new());
        }
        Ok(self.doc()?.profiles.iter().map(|(k, _)| k.get_ref().as_ref()).collect())
    }

    fn names_text(&self) -> String {
        match self.names().unwrap_or_default().as_slice() {
            [] => "none".to_string(),
            names => names.join(", "),
        }
    }

    /// The variables the profiles' `secret_env` keys name, read without validating the
    /// profiles: they are kept out of every child's environment. A file that does not
    /// parse is an error: no child may start when it cannot be told which variables hold
    /// secrets.
    pub fn secret_envs(&self) -> Result<Vec<String>> {
        if !self.exists() {
            return Ok(Vec::new());
        }
        Ok(self
            .doc()?
            .profiles
            .iter()
            .filter_map(|(_, v)| match v.get_ref() {
                DeValue::Table(t) => match t.get("secret_env")?.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                },
                _ => None,
            })
            .collect())
    }

    /// Every profile, each validated: for `config check`, `status` and `logout --all`.
    pub fn profiles(&self) -> Result<Vec<Profile>> {
        if !self.exists() {
            return Ok(Vec::new());
        }
        let doc = self.doc()?;
        doc.profiles
            .iter()
            .map(|(name, value)| doc.read_profile(self.source(self.text()?), name, value))
            .collect()
    }

    /// A profile by name, or by provider name when exactly one profile uses that provider.
    pub fn profile(&self, arg: &str) -> Result<Profile> {
        match self.quick(Some(arg)) {
            Some(profile) => Ok(profile),
            None => self.full_profile(arg),
        }
    }

    fn full_profile(&self, arg: &str) -> Result<Profile> {
        let doc = self.doc()?;
        if let Some((name, value)) = doc.profiles.get_key_value(arg) {
            return doc.read_profile(self.source(self.text()?), name, value);
        }
        if let Some(kind) = Kind::from_name(arg) {
            let users: Vec<&str> = doc.names_of(kind);
            match users.as_slice() {
                [one] => return self.full_profile(one),
                [] => {}
                many => {
                    return Err(ConfigError::AmbiguousProvider {
                        arg: arg.to_string(),
                        file: self.path.clone(),
                        names: many.join(", "),
                    });
                }
            }
        }
        Err(ConfigError::UnknownProfile {
            arg: arg.to_string(),
            file: self.path.clone(),
            names: self.names_text(),
        })
    }

    /// The quick path: in a file of the plain layout, parse only `[defaults]` and the
    /// section of the profile named (or of `default_profile` when none is), so the cost
    /// does not grow with the number of profiles. `None` leaves it to the full parse,
    /// which also gives every error its message; other profiles are not looked at.
    fn quick(&self, arg: Option<&str>) -> Option<Profile> {
        if self.doc.get().is_some() {
            return None;
        }
        let input = self.input.as_ref()?;
        // From the start, as the full parse reads it, wherever an earlier call left off.
        let mut reader = input.reader();
        reader.seek(SeekFrom::Start(0)).ok()?;
        let outline = Outline::scan(&mut reader)?;
        // A section is parsed on its own: its spans, and the places in any error, are
        // within it. No error from here is shown: the full parse gives it, with its place.
        let parse = |text: &'static str, key: &str| {
            let (_, value) = DeTable::parse(text)
                .ok()?
                .into_inner()
                .into_iter()
                .find(|(k, _)| k.get_ref() == key)?;
            Some((self.source(text), value))
        };
        let defaults = match outline.section(&mut input.reader(), "").ok()? {
            Some(text) => {
                let (source, table) = parse(text, "defaults")?;
                Defaults::read(source, &table).ok()?
            }
            None => Defaults::default(),
        };
        // A `default_profile` that names no profile is an error of the whole file.
        if let Some(d) = &defaults.default_profile
            && !outline.has(&d.get_ref().0)
        {
            return None;
        }
        let name = match arg {
            Some(name) => name,
            None => &defaults.default_profile.as_ref()?.get_ref().0,
        };
        let (source, profiles) = parse(outline.section(&mut input.reader(), name).ok()??, "profiles")?;
        let DeValue::Table(profiles) = profiles.get_ref() else {
            return None;
        };
        let (name, value) = profiles.get_key_value(name)?;
        read_profile(source, &defaults.shared, name, value).ok()
    }

    /// The profile a command uses: `arg`, else `$AUTHCTL_PROFILE` (which clap also
    /// shows on the commands that take it as their PROFILE), else `default_profile`, else
    /// the only one.
    pub fn resolve(&self, arg: Option<&str>) -> Result<Profile> {
        let from_env = std::env::var("AUTHCTL_PROFILE").ok();
        let arg = arg.or(from_env.as_deref()).filter(|a| !a.is_empty());
        if let Some(profile) = self.quick(arg) {
            return Ok(profile);
        }
        if let Some(a) = arg {
            return self.full_profile(a);
        }
        let doc = self.doc()?;
        if let Some(d) = &doc.defaults.default_profile {
            return self.full_profile(d.get_ref());
        }
        match self.names()?.as_slice() {
            [one] => self.full_profile(one),
            _ => Err(ConfigError::NoProfileGiven {
                file: self.path.clone(),
                names: self.names_text(),
            }),
        }
    }

    /// The profile of a provider subcommand (`authctl midigator auth [--profile P]`): the
    /// one named, else `$AUTHCTL_PROFILE` or `default_profile` if it is of this provider,
    /// else the only one of this provider.
    pub fn resolve_for(&self, kind: Kind, arg: Option<&str>) -> Result<Profile> {
        if let Some(a) = arg {
            let p = self.profile(a)?;
            if p.kind() != kind {
                return Err(ConfigError::WrongProvider {
                    uses: p.kind(),
                    profile: p.name,
                    wanted: kind,
                });
            }
            return Ok(p);
        }
        let doc = self.doc()?;
        let default = std::env::var("AUTHCTL_PROFILE").ok().filter(|v| !v.is_empty()).or(doc
            .defaults
            .default_profile
            .as_ref()
            .map(|d| d.get_ref().0.clone()));
        if let Some(p) = default.map(|d| self.profile(&d)).transpose()?
            && p.kind() == kind
        {
            return Ok(p);
        }
        match doc.names_of(kind).as_slice() {
            [one] => self.profile(one),
            [] => Err(ConfigError::NoProfileOfProvider {
                file: self.path.clone(),
                provider: kind,
            }),
            many => Err(ConfigError::SeveralOfProvider {
                provider: kind,
                names: many.join(", "),
            }),
        }
    }
}

/// Byte offset → 1-based line and column, for messages only.
fn locate(file: &Path, text: &str, offset: usize) -> Location {
    let before = &text[..offset.min(text.len())];
    Location {
        file: file.to_path_buf(),
        line: before.matches('\n').count() + 1,
        column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
    }
}

fn valid_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Tokens and secrets travel only over TLS, except to this machine.
pub fn check_scheme(url: &Endpoint, allow_http: bool) -> std::result::Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http || url.is_loopback() => Ok(()),
        "http" => Err(format!(
            "plain http:// is refused for {} (secrets would cross the network unencrypted); use https:// or set allow_http = true",
            url.host_str().unwrap_or("?")
        )),
        other => Err(format!("unsupported URL scheme {other}:// (use https://)")),
    }
}

/// One table of the file being read, for reading its keys into structs with messages
/// that name the file, the section, the key and where it is.
struct Section<'a> {
    source: Source<'a>,
    name: String,
    table: &'a DeTable<'static>,
    span: Range<usize>,
}

impl Section<'_> {
    fn at(&self, offset: usize) -> Location {
        self.source.at(offset)
    }

    fn key_error(&self, key: &str, span: Range<usize>, problem: impl Into<String>) -> ConfigError {
        ConfigError::Key {
            at: self.at(span.start),
            section: self.name.clone(),
            key: key.to_string(),
            problem: problem.into(),
        }
    }

    /// Every key must be in one of `known`; the first that is not is reported.
    fn reject_unknown(&self, known: &[&[&'static str]]) -> Result<()> {
        let is_known = |k: &str| known.iter().any(|group| group.contains(&k));
        match self.table.iter().find(|(k, _)| !is_known(k.get_ref())) {
            None => Ok(()),
            Some((k, _)) => {
                let mut all: Vec<&str> = known.iter().flat_map(|g| g.iter().copied()).collect();
                all.sort_unstable();
                Err(ConfigError::UnknownKey {
                    at: self.at(k.span().start),
                    section: self.name.clone(),
                    key: k.get_ref().to_string(),
                    known: all.join(", "),
                })
            }
        }
    }

    /// Reads the keys in `keys` into `read`'s struct.
    fn read<T>(
        &self,
        keys: &[&'static str],
        hint: impl Fn(&str) -> &'static str,
        read: impl FnOnce(ValueDeserializer<'static>) -> std::result::Result<T, toml::de::Error>,
    ) -> Result<T> {
        let part: DeTable<'static> = self
            .table
            .iter()
            .filter(|(k, _)| keys.contains(&k.get_ref().as_ref()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let value = Spanned::new(self.span.clone(), DeValue::Table(part));
        read(ValueDeserializer::from(value)).map_err(|e| self.serde_error(&e, hint))
    }

    /// A zero `timeout` or `default_ttl` would make every request fail or every token stale.
    fn check_lifetimes(&self, shared: &Shared) -> Result<()> {
        for (key, value) in [("timeout", &shared.timeout), ("default_ttl", &shared.default_ttl)] {
            if let Some(v) = value.as_ref().filter(|v| v.get_ref().0.is_zero()) {
                return Err(self.key_error(key, v.span(), "must be longer than zero"));
            }
        }
        Ok(())
    }

    fn serde_error(&self, e: &toml::de::Error, hint: impl Fn(&str) -> &'static str) -> ConfigError {
        // serde's derive reports an absent required field as "missing field `NAME`".
        if let Some(key) = e
            .message()
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            return ConfigError::MissingKey {
                file: self.source.file.to_path_buf(),
                section: self.name.clone(),
                key: key.to_string(),
                hint: hint(key),
            };
        }
        let span = e.span().unwrap_or(self.span.clone());
        let key = self
            .table
            .iter()
            .find(|(k, v)| k.span().start <= span.start && span.end <= v.span().end.max(k.span().end))
            .map_or("?", |(k, _)| k.get_ref().as_ref());
        self.key_error(key, span, crate::log::one_line(e.message(), 300))
    }
}

impl Document {
    fn parse(source: Source<'_>) -> Result<Document> {
        let text = source.text;
        let doc = DeTable::parse(text).map_err(|e| ConfigError::Syntax {
            at: source.at(e.span().map_or(0, |s| s.start)),
            message: crate::log::one_line(e.message(), 200),
        })?;
        let mut document = Document {
            defaults: Defaults::default(),
            profiles: DeTable::default(),
        };
        for (key, value) in doc.into_inner() {
            let shape = |problem: String| ConfigError::Shape {
                at: source.at(key.span().start),
                problem,
            };
            match (key.get_ref().as_ref(), value.get_ref()) {
                ("defaults", DeValue::Table(_)) => document.defaults = Defaults::read(source, &value)?,
                ("profiles", DeValue::Table(_)) => {
                    if let DeValue::Table(t) = value.into_inner() {
                        document.profiles = t;
                    }
                }
                (name @ ("defaults" | "profiles"), other) => {
                    return Err(shape(format!("`{name}` must be a table, found {}", other.type_str())));
                }
                (other, _) => {
                    return Err(shape(format!(
                        "unknown top-level key {other} (expected [defaults] or [profiles.NAME])"
                    )));
                }
            }
        }
        document.check_default_profile(source)?;
        Ok(document)
    }

    fn check_default_profile(&self, source: Source<'_>) -> Result<()> {
        match &self.defaults.default_profile {
            Some(d) if !self.profiles.contains_key(&*d.get_ref().0) && Kind::from_name(d.get_ref()).is_none() => {
                Err(ConfigError::Key {
                    at: source.at(d.span().start),
                    section: "[defaults]".into(),
                    key: "default_profile".into(),
                    problem: format!("no profile named `{}`", d.get_ref().0),
                })
            }
            _ => Ok(()),
        }
    }

    /// The profiles whose `provider` is `kind`, without reading them further.
    fn names_of(&self, kind: Kind) -> Vec<&str> {
        self.profiles
            .iter()
            .filter(|(_, v)| match v.get_ref() {
                DeValue::Table(t) => t
                    .get("provider")
                    .is_some_and(|p| matches!(p.get_ref(), DeValue::String(s) if s.as_ref() == kind.name())),
                _ => false,
            })
            .map(|(k, _)| k.get_ref().as_ref())
            .collect()
    }

    fn read_profile(
        &self,
        source: Source<'_>,
        name: &Spanned<toml::de::DeString<'static>>,
        value: &Spanned<DeValue<'static>>,
    ) -> Result<Profile> {
        read_profile(source, &self.defaults.shared, name, value)
    }
}

impl Defaults {
    /// Reads the `[defaults]` table `value`.
    fn read(source: Source<'_>, value: &Spanned<DeValue<'static>>) -> Result<Defaults> {
        let DeValue::Table(table) = value.get_ref() else {
            return Ok(Defaults::default());
        };
        let section = Section {
            source,
            name: "[defaults]".into(),
            table,
            span: value.span(),
        };
        let shared_keys = field_names::<Shared>();
        let own_keys = field_names::<DefaultsOwn>();
        section.reject_unknown(&[shared_keys, own_keys])?;
        let shared = section.read(shared_keys, |_| "", Shared::deserialize)?;
        section.check_lifetimes(&shared)?;
        let own = section.read(own_keys, |_| "", DefaultsOwn::deserialize)?;
        Ok(Defaults {
            shared,
            default_profile: own.default_profile,
        })
    }
}

/// Reads the profile `name` from its table `value`, over `defaults`.
fn read_profile(
    source: Source<'_>,
    defaults: &Shared,
    name: &Spanned<toml::de::DeString<'static>>,
    value: &Spanned<DeValue<'static>>,
) -> Result<Profile> {
    let name_str = name.get_ref().as_ref();
    let shape = |problem: String| ConfigError::Shape {
        at: source.at(name.span().start),
        problem,
    };
    if !valid_profile_name(name_str) {
        return Err(shape(format!(
            "profile name `{name_str}` may use only letters, digits, `-`, `_` and `.`"
        )));
    }
    let DeValue::Table(table) = value.get_ref() else {
        return Err(shape(format!(
            "profiles.{name_str} must be a table ([profiles.{name_str}])"
        )));
    };
    let section = Section {
        source,
        name: format!("profile {name_str}"),
        table,
        span: value.span(),
    };
    ProfileReader { section, defaults }.read(name_str)
}

/// Reads one profile table into a `Profile`: its provider, its keys, then the checks.
struct ProfileReader<'a> {
    section: Section<'a>,
    defaults: &'a Shared,
}

impl ProfileReader<'_> {
    fn read(&self, name: &str) -> Result<Profile> {
        let section = &self.section;
        let kind = self.kind()?;
        let own_keys = field_names::<Own>();
        let shared_keys = field_names::<Shared>();
        section.reject_unknown(&[own_keys, shared_keys, kind.keys()])?;
        let own = section.read(own_keys, |_| "", Own::deserialize)?;
        let shared = section.read(shared_keys, |_| "", Shared::deserialize)?;
        let settings = section.read(kind.keys(), |k| kind.hint(k), |d| kind.read_settings(d))?;
        self.check(&shared, &settings)?;

        let timeout = shared.timeout.as_ref().or(self.defaults.timeout.as_ref());
        let default_ttl = shared.default_ttl.as_ref().or(self.defaults.default_ttl.as_ref());
        Ok(Profile {
            name: name.to_string(),
            timeout: timeout.map_or(DEFAULT_TIMEOUT, |t| t.get_ref().0),
            refresh_before: shared
                .refresh_before
                .or(self.defaults.refresh_before)
                .map_or(DEFAULT_REFRESH_BEFORE, |p| p.0),
            default_ttl: default_ttl.map_or(DEFAULT_TTL, |t| t.get_ref().0),
            ca_file: shared
                .ca_file
                .or(self.defaults.ca_file.clone())
                .map(|t| PathBuf::from(t.0)),
            secret: SecretSpec {
                profile: name.to_string(),
                what: kind.secret_name(),
                env: own.secret_env.map_or_else(|| default_env_name(name), |t| t.0),
                command: own.secret_command.map(|a| a.0),
            },
            settings,
        })
    }

    fn kind(&self) -> Result<Kind> {
        let section = &self.section;
        let Some(value) = section.table.get("provider") else {
            return Err(ConfigError::MissingKey {
                file: section.source.file.to_path_buf(),
                section: section.name.clone(),
                key: "provider".into(),
                hint: "one of midigator, midway, mediroutes, nugios, oauth2",
            });
        };
        match value.get_ref() {
            DeValue::String(s) => Kind::from_name(s).ok_or_else(|| {
                section.key_error(
                    "provider",
                    value.span(),
                    format!("unknown provider \"{s}\" (expected {})", Kind::names()),
                )
            }),
            other => Err(section.key_error(
                "provider",
                value.span(),
                format!("expected a string, found {}", other.type_str()),
            )),
        }
    }

    /// The one validation pass over what the types could not check.
    fn check(&self, shared: &Shared, settings: &Settings) -> Result<()> {
        let section = &self.section;
        section.check_lifetimes(shared)?;
        let allow_http = shared.allow_http.or(self.defaults.allow_http).unwrap_or(false);
        let provider = settings.provider();
        for (key, url) in provider.endpoints() {
            check_scheme(url.get_ref(), allow_http).map_err(|msg| section.key_error(key, url.span(), msg))?;
            if !url.get_ref().username().is_empty() || url.get_ref().password().is_some() {
                return Err(section.key_error(
                    key,
                    url.span(),
                    "the URL holds a user name or password (user:password@host); secrets never go in a URL: \
                     keep them with `authctl secret set`, AUTHCTL_SECRET_<PROFILE> or secret_command",
                ));
            }
        }
        provider
            .check()
            .map_err(|invalid| section.key_error(invalid.key, invalid.span, invalid.problem))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config> {
        Config::parse(Path::new("/c.toml"), text)
    }

    fn profile(text: &str, name: &str) -> Result<Profile> {
        parse_str(text)?.profile(name)
    }

    #[test]
    fn locate_counts_from_one() {
        let at = locate(Path::new("/c"), "a\nbc\nd", 3);
        assert_eq!((at.line, at.column), (2, 2));
        let at = locate(Path::new("/c"), "abc", 0);
        assert_eq!((at.line, at.column), (1, 1));
    }

    #[test]
    fn unknown_key_names_file_line_profile_and_key() {
        let err = profile(
            "[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://x\"\ntiemout = \"3s\"\n",
            "mg",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("/c.toml:4:1"), "{err}");
        assert!(err.contains("profile mg"), "{err}");
        assert!(err.contains("unknown key tiemout"), "{err}");
        assert!(
            err.contains("base_url") && err.contains("timeout"),
            "known keys listed: {err}"
        );
    }

    #[test]
    fn plain_http_is_refused_unless_loopback_or_allowed() {
        let remote = "[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"http://example.com\"\n";
        let err = profile(remote, "mg").unwrap_err().to_string();
        assert!(err.contains("plain http://") && err.contains("/c.toml:3:"), "{err}");
        assert!(profile(&format!("{remote}allow_http = true\n"), "mg").is_ok());
        let allowed_by_default = format!("[defaults]\nallow_http = true\n{remote}");
        assert!(profile(&allowed_by_default, "mg").is_ok());
        for host in ["127.0.0.1:8080", "127.9.9.9", "[::1]:80", "localhost:1"] {
            let text = format!("[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"http://{host}\"\n");
            assert!(profile(&text, "mg").is_ok(), "{host}");
        }
    }

    #[test]
    fn defaults_apply_and_profiles_override() {
        let p = profile(
            "[defaults]\ntimeout = \"5s\"\nrefresh_before = \"2m\"\n[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://x\"\ntimeout = \"7s\"\n",
            "mg",
        )
        .unwrap();
        assert_eq!(p.timeout, Duration::from_secs(7));
        assert_eq!(p.refresh_before, Duration::from_secs(120));
        assert_eq!(p.default_ttl, DEFAULT_TTL);
        assert_eq!(p.secret.env, "AUTHCTL_SECRET_MG");
    }

    #[test]
    fn a_missing_key_gets_the_providers_hint() {
        let err = profile("[profiles.x]\nprovider = \"midigator\"\n", "x")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("profile x is missing required key base_url (Midigator publishes no base URL"),
            "{err}"
        );
    }

    #[test]
    fn only_the_profile_asked_for_is_validated() {
        let text = "[profiles.good]\nprovider = \"midigator\"\nbase_url = \"https://x\"\n[profiles.bad]\nprovider = \"midigator\"\n";
        let cfg = parse_str(text).unwrap();
        assert!(cfg.profile("good").is_ok());
        assert!(cfg.profile("bad").is_err());
        assert!(cfg.profiles().is_err(), "config check still sees every profile");
    }

    #[test]
    fn one_profile_is_read_without_parsing_the_rest_of_a_plain_file() {
        let text = "[defaults]\ntimeout = \"5s\"\n[profiles.good]\nprovider = \"midigator\"\nbase_url = \"https://x\"\n[profiles.broken]\nprovider = \"midigator\nbase_url = [\n";
        let cfg = Config::read_lazily(Path::new("/c.toml"), Some(text.to_string()));
        let good = cfg.profile("good").unwrap();
        assert_eq!(good.timeout, Duration::from_secs(5));
        assert!(cfg.doc.get().is_none(), "the whole file was parsed");
        let err = cfg.profile("broken").unwrap_err().to_string();
        assert!(err.starts_with("invalid TOML at /c.toml:"), "{err}");
        assert!(cfg.profiles().is_err());
    }

    #[test]
    fn errors_on_the_quick_path_come_from_the_whole_file_with_its_lines() {
        let text = "[profiles.a]\nprovider = \"midigator\"\nbase_url = \"https://x\"\n\n[profiles.b]\nprovider = \"midigator\"\nbase_url = \"http://example.com\"\n";
        let cfg = Config::read_lazily(Path::new("/c.toml"), Some(text.to_string()));
        let err = cfg.profile("b").unwrap_err().to_string();
        assert!(err.contains("/c.toml:7:12") && err.contains("plain http://"), "{err}");
    }

    #[test]
    fn secret_variables_come_from_the_whole_file_or_not_at_all() {
        let text = "[profiles.a]\nprovider = \"midigator\"\nbase_url = \"https://a.invalid\"\nsecret_env = \"MY_TOKEN\"\n[profiles.b]\nsecret_env = 'OTHER'\n";
        let cfg = Config::read_lazily(Path::new("/c.toml"), Some(text.to_string()));
        assert_eq!(cfg.secret_envs().unwrap(), ["MY_TOKEN", "OTHER"]);
        let broken = format!("{text}[profiles.c]\nsecret_env = THIRD\n");
        let cfg = Config::read_lazily(Path::new("/c.toml"), Some(broken));
        assert!(cfg.profile("a").is_ok(), "the quick path still reads a");
        assert!(cfg.secret_envs().is_err());
    }

    /// Each lookup reads the file from its start, as the full parse does, and a file with
    /// a profile given twice is refused however the lookups go.
    #[test]
    fn every_lookup_reads_the_file_from_its_start() {
        let b = |url: &str| format!("[profiles.b]\nprovider = \"midigator\"\nbase_url = \"{url}\"\n");
        let a = "[profiles.a]\nprovider = \"midigator\"\nbase_url = \"https://a.invalid\"\n";
        let text = format!(
            "{}[defaults]\ntimeout = \"7s\"\n{a}{}",
            b("https://one.invalid"),
            b("https://two.invalid")
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, text).unwrap();
        let cfg = Config::load(Some(&path)).unwrap();
        assert_eq!(cfg.profile("a").unwrap().timeout, Duration::from_secs(7));
        let err = cfg.profile("b").unwrap_err().to_string();
        assert!(err.contains("duplicate"), "{err}");
    }

    /// Above the first header TOML allows comments without control characters; a file
    /// the quick path cannot vouch for that way is parsed whole, and refused.
    #[test]
    fn control_characters_above_the_first_header_are_left_to_the_full_parse() {
        for above in ["\x0c\n", "# a \x01 comment\n", "\x0b\n"] {
            let text = format!("{above}[profiles.a]\nprovider = \"midigator\"\nbase_url = \"https://a.invalid\"\n");
            let cfg = Config::read_lazily(Path::new("/c.toml"), Some(text));
            assert!(cfg.profile("a").is_err(), "{above:?}");
        }
    }

    #[test]
    fn the_example_config_parses_and_every_profile_is_valid() {
        let cfg = parse_str(include_str!("../config.example.toml")).unwrap();
        assert_eq!(cfg.profiles().unwrap().len(), 5);
    }
}

//! The config file: where it is, whether it may be trusted, its `[defaults]` and
//! `[profiles.NAME]` tables, and the resolved `Profile` the rest of authctl uses.
//!
//! The file is read once into memory (`read`): one snapshot, judged for who could have
//! written it, that every lookup of the run works from. On the cached path only the
//! sections needed are found in it (`outline`) and parsed, so the cost does not grow
//! with the number of profiles; anything else parses it whole. Tables become profiles in
//! `resolve`; `error` says what can be wrong. A renewal, a child process or a secret
//! sent needs the whole file valid (`Config::vouch`): a cached token alone may be served
//! while another profile is broken.

mod error;
mod outline;
mod read;
mod resolve;

use std::cell::OnceCell;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::de::{DeTable, DeValue};

use crate::providers::{Kind, Provider, Settings};
use crate::secret::SecretSpec;
use outline::Outline;
use resolve::{Defaults, Document, Source};

pub use error::{ConfigError, Location};
pub use read::{OWNER_VAR, path};
pub use resolve::{check_no_userinfo, check_scheme};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(60);
pub const DEFAULT_TTL: Duration = Duration::from_secs(15 * 60);

type Result<T, E = ConfigError> = std::result::Result<T, E>;

/// A profile as the rest of authctl uses it: validated, defaults applied.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub settings: Settings,
    pub timeout: Duration,
    pub refresh_before: Duration,
    pub default_ttl: Duration,
    pub ca_file: Option<PathBuf>,
    /// Plain http to hosts other than loopback is allowed (URLs a server gives too).
    pub allow_http: bool,
    /// `shared_cache`: the fleet's Redis URL, checked (`$AUTHCTL_SHARED_CACHE` overrides it).
    pub shared_cache: Option<String>,
    /// The API its tokens are for (`api_url`), which `authctl proxy` serves.
    pub api_url: Option<crate::settings::Endpoint>,
    pub secret: SecretSpec,
}

impl Profile {
    pub fn kind(&self) -> Kind {
        self.settings.kind()
    }

    pub fn provider(&self) -> &dyn Provider {
        self.settings.provider()
    }

    /// Whether a renewal may be a person signing in (a browser or device sign-in), which
    /// takes minutes rather than seconds.
    pub fn signs_a_person_in(&self) -> bool {
        match &self.settings {
            Settings::Oauth2(o) => o.grant().signs_a_person_in(),
            _ => false,
        }
    }

    /// What the profile's one secret is called in messages: the provider's word for it,
    /// or for an `oauth2` profile what its grant and client authentication make it (a
    /// private key, a client secret).
    pub fn secret_name(&self) -> &'static str {
        match &self.settings {
            Settings::Oauth2(o) => o.secret_needed().unwrap_or(Kind::Oauth2.secret_name()),
            _ => self.kind().secret_name(),
        }
    }
}

/// The config of this run: one snapshot of the file, and what was learnt from it.
pub struct Config {
    pub path: PathBuf,
    /// The file's text; `None` when no file exists at `path`: fine until a profile is
    /// needed.
    text: Option<String>,
    /// The whole file as `config check` accepts it, once it has been checked.
    whole: OnceCell<Whole>,
}

/// What the whole file, every profile valid, says beyond any one profile.
struct Whole {
    /// The variables profiles take their secrets from: none may reach a child.
    secret_envs: Vec<String>,
}

impl Config {
    /// Reads the config file (`--config`, `$AUTHCTL_CONFIG` or the platform's) once.
    pub fn load(flag: Option<&Path>) -> Result<Config> {
        let path = path(flag)?;
        let text = read::snapshot(&path)?;
        Ok(Config::from_text(&path, text))
    }

    /// A config of `text` as if read from `path` (`None`: no file there).
    pub fn from_text(path: &Path, text: Option<String>) -> Config {
        Config {
            path: path.to_path_buf(),
            text,
            whole: OnceCell::new(),
        }
    }

    pub fn exists(&self) -> bool {
        self.text.is_some()
    }

    fn source(&self) -> Result<Source<'_>> {
        match &self.text {
            Some(text) => Ok(Source {
                file: &self.path,
                text,
                offset: 0,
            }),
            None => Err(ConfigError::Missing {
                path: self.path.clone(),
            }),
        }
    }

    /// The whole file, parsed.
    fn document(&self) -> Result<Document<'_>> {
        Document::parse(self.source()?)
    }

    /// The names of every profile, in file order; none when there is no file.
    pub fn names(&self) -> Result<Vec<String>> {
        if !self.exists() {
            return Ok(Vec::new());
        }
        Ok(self.document()?.names())
    }

    /// Every profile, each validated: for `config check`, `status` and `logout --all`.
    pub fn profiles(&self) -> Result<Vec<Profile>> {
        if !self.exists() {
            return Ok(Vec::new());
        }
        self.document()?.every_profile()
    }

    /// Every mistake in the file, for `config check`: one that stops the parse, else
    /// each profile's.
    pub fn every_error(&self) -> Vec<ConfigError> {
        match self.document() {
            Ok(doc) => doc.every_error(),
            Err(e) => vec![e],
        }
    }

    /// The whole file as `config check` judges it, checked once for the run.
    fn whole(&self) -> Result<&Whole> {
        if let Some(whole) = self.whole.get() {
            return Ok(whole);
        }
        let whole = Whole {
            secret_envs: self.profiles()?.into_iter().map(|p| p.secret.env).collect(),
        };
        Ok(self.whole.get_or_init(|| whole))
    }

    /// Before a token is renewed, a secret sent or a child started: the whole file must be
    /// one `config check` accepts, not only the profile asked for.
    pub fn vouch(&self) -> Result<()> {
        match self.whole() {
            Ok(_) => Ok(()),
            Err(e) => Err(ConfigError::NotWhole { inner: Box::new(e) }),
        }
    }

    /// The variables every profile takes its secret from: kept out of every child's
    /// environment. Only a file that is valid as a whole can say; anything else is an
    /// error, and no child starts.
    pub fn secret_envs(&self) -> Result<Vec<String>> {
        self.vouch()?;
        Ok(self.whole()?.secret_envs.clone())
    }

    /// A profile by name, or by provider name when exactly one profile uses that provider.
    pub fn profile(&self, arg: &str) -> Result<Profile> {
        match self.quick(Some(arg)) {
            Some(profile) => Ok(profile),
            None => self.find(&self.document()?, arg),
        }
    }

    /// `arg` in the parsed file: a profile's name, else a provider's that one profile uses.
    fn find(&self, doc: &Document<'_>, arg: &str) -> Result<Profile> {
        if let Some(profile) = doc.profile(arg) {
            return profile;
        }
        if let Some(kind) = Kind::from_name(arg) {
            match doc.names_of(kind).as_slice() {
                [one] => return self.find(doc, one),
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
        let names = doc.names();
        Err(ConfigError::UnknownProfile {
            arg: arg.to_string(),
            file: self.path.clone(),
            suggestion: error::closest(arg, names.iter().map(String::as_str)).map(str::to_string),
            names: names_text(&names),
        })
    }

    /// The quick path: in a file of the plain layout, parse only `[defaults]` and the
    /// section of the profile named (or of `default_profile` when none is). `None`
    /// leaves it to the full parse, which also gives every error its message.
    fn quick(&self, arg: Option<&str>) -> Option<Profile> {
        let text = self.text.as_deref()?;
        let outline = Outline::scan(text)?;
        // A section is parsed on its own; its spans are offset into the whole text.
        let parse = |range: Range<usize>, key: &str| {
            let (_, value) = DeTable::parse(&text[range.clone()])
                .ok()?
                .into_inner()
                .into_iter()
                .find(|(k, _)| k.get_ref() == key)?;
            let source = Source {
                file: &self.path,
                text,
                offset: range.start,
            };
            Some((source, value))
        };
        let defaults = match outline.section("").ok()? {
            Some(range) => {
                let (source, table) = parse(range, "defaults")?;
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
        let (source, profiles) = parse(outline.section(name).ok()??, "profiles")?;
        let DeValue::Table(profiles) = profiles.get_ref() else {
            return None;
        };
        let (name, value) = profiles.get_key_value(name)?;
        resolve::read_profile(source, &defaults.shared, name, value).ok()
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
        let doc = self.document()?;
        if let Some(a) = arg {
            return self.find(&doc, a);
        }
        if let Some(d) = &doc.defaults.default_profile {
            return self.find(&doc, d.get_ref());
        }
        match doc.names().as_slice() {
            [one] => self.find(&doc, one),
            names => Err(ConfigError::NoProfileGiven {
                file: self.path.clone(),
                names: names_text(names),
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
        let doc = self.document()?;
        let default = std::env::var("AUTHCTL_PROFILE").ok().filter(|v| !v.is_empty()).or(doc
            .defaults
            .default_profile
            .as_ref()
            .map(|d| d.get_ref().0.clone()));
        if let Some(p) = default.map(|d| self.find(&doc, &d)).transpose()?
            && p.kind() == kind
        {
            return Ok(p);
        }
        match doc.names_of(kind).as_slice() {
            [one] => self.find(&doc, one),
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

fn names_text(names: &[String]) -> String {
    match names {
        [] => "none".to_string(),
        names => names.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config> {
        Ok(Config::from_text(Path::new("/c.toml"), Some(text.to_string())))
    }

    fn profile(text: &str, name: &str) -> Result<Profile> {
        parse_str(text)?.profile(name)
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
        let err = cfg.vouch().unwrap_err().to_string();
        assert!(err.contains("profile bad is missing required key base_url"), "{err}");
        assert!(err.contains("renews no token and starts no command"), "{err}");
        assert!(cfg.secret_envs().is_err(), "no child starts from it");
    }

    #[test]
    fn one_profile_is_read_without_parsing_the_rest_of_a_plain_file() {
        let text = "[defaults]\ntimeout = \"5s\"\n[profiles.good]\nprovider = \"midigator\"\nbase_url = \"https://x\"\n[profiles.broken]\nprovider = \"midigator\nbase_url = [\n";
        let cfg = parse_str(text).unwrap();
        let good = cfg.profile("good").unwrap();
        assert_eq!(
            good.timeout,
            Duration::from_secs(5),
            "the whole file does not even parse"
        );
        let err = cfg.profile("broken").unwrap_err().to_string();
        assert!(err.starts_with("invalid TOML at /c.toml:"), "{err}");
        assert!(cfg.profiles().is_err());
    }

    #[test]
    fn errors_on_the_quick_path_come_from_the_whole_file_with_its_lines() {
        let text = "[profiles.a]\nprovider = \"midigator\"\nbase_url = \"https://x\"\n\n[profiles.b]\nprovider = \"midigator\"\nbase_url = \"http://example.com\"\n";
        let cfg = parse_str(text).unwrap();
        let err = cfg.profile("b").unwrap_err().to_string();
        assert!(err.contains("/c.toml:7:12") && err.contains("plain http://"), "{err}");
    }

    #[test]
    fn secret_variables_come_from_the_whole_file_or_not_at_all() {
        let text = "[profiles.a]\nprovider = \"midigator\"\nbase_url = \"https://a.invalid\"\nsecret_env = \"MY_TOKEN\"\n[profiles.b]\nsecret_env = 'OTHER'\n";
        let cfg = parse_str(text).unwrap();
        assert!(cfg.secret_envs().is_err(), "profile b has no provider");
        let text = text.replace(
            "secret_env = 'OTHER'",
            "provider = 'midigator'\nbase_url = 'https://b.invalid'\nsecret_env = 'OTHER'",
        );
        let cfg = parse_str(&text).unwrap();
        assert_eq!(cfg.secret_envs().unwrap(), ["MY_TOKEN", "OTHER"]);
        let broken = format!("{text}[profiles.c]\nsecret_env = THIRD\n");
        let cfg = parse_str(&broken).unwrap();
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
            let cfg = parse_str(&text).unwrap();
            assert!(cfg.profile("a").is_err(), "{above:?}");
        }
    }

    #[test]
    fn the_example_config_parses_and_every_profile_is_valid() {
        let cfg = parse_str(include_str!("../../config.example.toml")).unwrap();
        assert_eq!(cfg.profiles().unwrap().len(), 5);
    }
}

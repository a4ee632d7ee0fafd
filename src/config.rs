//! TOML profiles: where the file is, what every key means, and validation that names
//! the file, the profile and the key (with line and column) in every message.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{self, Result};
use crate::providers::{Kind, Options};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(60);
pub const DEFAULT_TTL: Duration = Duration::from_secs(15 * 60);

/// Settings that `[defaults]` may give and any profile may override.
#[derive(Debug, Clone, Default)]
struct Overrides {
    timeout: Option<Duration>,
    refresh_before: Option<Duration>,
    default_ttl: Option<Duration>,
    allow_http: Option<bool>,
    ca_file: Option<PathBuf>,
}

/// A profile as the rest of the program uses it: validated, defaults applied.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub kind: Kind,
    pub timeout: Duration,
    pub refresh_before: Duration,
    pub default_ttl: Duration,
    pub ca_file: Option<PathBuf>,
    pub secret_env: Option<String>,
    pub secret_command: Option<Vec<String>>,
    pub options: Options,
}

#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    /// False when no file exists at `path`: fine until a profile is needed.
    pub exists: bool,
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, Profile>,
}

/// `--config`, else `$AUTHCTL_CONFIG`, else the platform config dir.
pub fn path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("AUTHCTL_CONFIG").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dirs = directories::ProjectDirs::from("", "", "authctl").ok_or_else(|| {
        error::config("cannot find a home directory for the config file; use --config PATH or set AUTHCTL_CONFIG")
    })?;
    Ok(dirs.config_dir().join("config.toml"))
}

impl Config {
    pub fn load(flag: Option<&Path>) -> Result<Config> {
        let path = path(flag)?;
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config {
                    path,
                    exists: false,
                    default_profile: None,
                    profiles: BTreeMap::new(),
                });
            }
            Err(e) => {
                return Err(error::config(format!(
                    "cannot read config file {}: {e}",
                    path.display()
                )));
            }
        };
        parse(&path, &text)
    }

    fn require_file(&self) -> Result<()> {
        if self.exists {
            Ok(())
        } else {
            Err(error::config(format!(
                "no config file at {}; create one with `authctl config init` (or point --config / AUTHCTL_CONFIG at one)",
                self.path.display()
            )))
        }
    }

    fn names(&self) -> String {
        if self.profiles.is_empty() {
            "none".to_string()
        } else {
            self.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
        }
    }

    /// A profile by name, or by provider name when exactly one profile uses that provider.
    pub fn profile(&self, arg: &str) -> Result<&Profile> {
        self.require_file()?;
        if let Some(p) = self.profiles.get(arg) {
            return Ok(p);
        }
        if let Some(kind) = Kind::from_name(arg) {
            let users: Vec<&Profile> = self.profiles.values().filter(|p| p.kind == kind).collect();
            match users.as_slice() {
                [one] => return Ok(one),
                [] => {}
                many => {
                    let names: Vec<&str> = many.iter().map(|p| p.name.as_str()).collect();
                    return Err(error::config(format!(
                        "`{arg}` matches several {arg} profiles ({}) in {}; name one of them",
                        names.join(", "),
                        self.path.display()
                    )));
                }
            }
        }
        Err(error::config(format!(
            "unknown profile `{arg}` in {}; profiles: {}",
            self.path.display(),
            self.names()
        )))
    }

    /// The profile a command uses when none was named: `$AUTHCTL_PROFILE`, else
    /// `default_profile`, else the only one.
    pub fn resolve(&self, arg: Option<&str>) -> Result<&Profile> {
        if let Some(a) = arg {
            return self.profile(a);
        }
        if let Some(env) = std::env::var("AUTHCTL_PROFILE").ok().filter(|v| !v.is_empty()) {
            return self.profile(&env);
        }
        if let Some(d) = &self.default_profile {
            return self.profile(d);
        }
        self.require_file()?;
        match self.profiles.values().collect::<Vec<_>>().as_slice() {
            [one] => Ok(one),
            _ => Err(error::config(format!(
                "no profile given and no default_profile in {}; name one of: {}",
                self.path.display(),
                self.names()
            ))),
        }
    }

    /// The profile for a provider subcommand (`authctl midigator auth [--profile P]`):
    /// the one named, else the default if it is of this provider, else the only one of it.
    pub fn resolve_for(&self, kind: Kind, arg: Option<&str>) -> Result<&Profile> {
        let chosen = match arg {
            Some(a) => Some(self.profile(a)?),
            None => {
                let default = std::env::var("AUTHCTL_PROFILE")
                    .ok()
                    .filter(|v| !v.is_empty())
                    .or(self.default_profile.clone());
                match default.map(|d| self.profile(&d)).transpose()? {
                    Some(p) if p.kind == kind => Some(p),
                    _ => None,
                }
            }
        };
        if let Some(p) = chosen {
            if p.kind != kind {
                return Err(error::config(format!(
                    "profile {} uses provider {}, not {}",
                    p.name,
                    p.kind.name(),
                    kind.name()
                )));
            }
            return Ok(p);
        }
        self.require_file()?;
        let of_kind: Vec<&Profile> = self.profiles.values().filter(|p| p.kind == kind).collect();
        match of_kind.as_slice() {
            [one] => Ok(one),
            [] => Err(error::config(format!(
                "no profile in {} uses provider {}; add one (config.example.toml shows its keys)",
                self.path.display(),
                kind.name()
            ))),
            many => Err(error::config(format!(
                "several profiles use provider {} ({}); choose one with --profile",
                kind.name(),
                many.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }
}

/// Byte offset → 1-based line and column.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Reads one table's keys, remembering which were used so the rest can be reported
/// as unknown. Every error carries file:line:col, the section and the key.
pub struct Keys<'a> {
    file: &'a Path,
    text: &'a str,
    section: String,
    table: &'a DeTable<'a>,
    used: Vec<&'static str>,
    allow_http: bool,
}

impl<'a> Keys<'a> {
    fn new(file: &'a Path, text: &'a str, section: String, table: &'a DeTable<'a>) -> Self {
        Keys {
            file,
            text,
            section,
            table,
            used: Vec::new(),
            allow_http: false,
        }
    }

    fn at(&self, offset: usize) -> String {
        let (line, col) = line_col(self.text, offset);
        format!("{}:{line}:{col}", self.file.display())
    }

    /// An error about a key: `config error at FILE:L:C: profile mg, key timeout: MSG`.
    pub fn error(&self, key: &str, msg: impl std::fmt::Display) -> crate::error::Error {
        let offset = self.entry(key).map_or(0, |(k, _)| k.span().start);
        error::config(format!(
            "config error at {}: {}, key {key}: {msg}",
            self.at(offset),
            self.section
        ))
    }

    fn missing(&self, key: &str, hint: &str) -> crate::error::Error {
        error::config(format!(
            "config error in {}: {} is missing required key {key} ({hint})",
            self.file.display(),
            self.section
        ))
    }

    fn entry(&self, key: &str) -> Option<(&'a Spanned<toml::de::DeString<'a>>, &'a Spanned<DeValue<'a>>)> {
        let table: &'a DeTable<'a> = self.table;
        table.iter().find(|(k, _)| k.get_ref().as_ref() == key)
    }

    fn value(&mut self, key: &'static str) -> Option<&'a DeValue<'a>> {
        self.used.push(key);
        self.entry(key).map(|(_, v)| v.get_ref())
    }

    pub fn string(&mut self, key: &'static str) -> Result<Option<String>> {
        match self.value(key) {
            None => Ok(None),
            Some(DeValue::String(s)) if s.trim().is_empty() => Err(self.error(key, "must not be empty")),
            Some(DeValue::String(s)) => Ok(Some(s.to_string())),
            Some(other) => Err(self.error(key, format!("expected a string, found {}", other.type_str()))),
        }
    }

    pub fn required_string(&mut self, key: &'static str, hint: &str) -> Result<String> {
        self.string(key)?.ok_or_else(|| self.missing(key, hint))
    }

    pub fn bool(&mut self, key: &'static str) -> Result<Option<bool>> {
        match self.value(key) {
            None => Ok(None),
            Some(DeValue::Boolean(b)) => Ok(Some(*b)),
            Some(other) => Err(self.error(key, format!("expected true or false, found {}", other.type_str()))),
        }
    }

    pub fn integer(&mut self, key: &'static str) -> Result<Option<i64>> {
        match self.value(key) {
            None => Ok(None),
            Some(DeValue::Integer(i)) => {
                let digits = i.as_str().replace('_', "");
                let digits = digits
                    .trim_start_matches("0x")
                    .trim_start_matches("0o")
                    .trim_start_matches("0b");
                i64::from_str_radix(digits, i.radix())
                    .map(Some)
                    .map_err(|_| self.error(key, "integer out of range"))
            }
            Some(other) => Err(self.error(key, format!("expected an integer, found {}", other.type_str()))),
        }
    }

    pub fn duration(&mut self, key: &'static str) -> Result<Option<Duration>> {
        match self.value(key) {
            None => Ok(None),
            Some(DeValue::String(s)) => humantime::parse_duration(s.trim()).map(Some).map_err(|e| {
                self.error(
                    key,
                    format!("invalid duration \"{s}\" ({e}); write e.g. \"30s\", \"5m\" or \"1h 30m\""),
                )
            }),
            Some(other) => Err(self.error(
                key,
                format!("expected a duration string such as \"30s\", found {}", other.type_str()),
            )),
        }
    }

    pub fn string_array(&mut self, key: &'static str) -> Result<Option<Vec<String>>> {
        match self.value(key) {
            None => Ok(None),
            Some(DeValue::Array(items)) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) => out.push(s.to_string()),
                        other => {
                            return Err(self.error(
                                key,
                                format!("expected an array of strings, found a {} in it", other.type_str()),
                            ));
                        }
                    }
                }
                if out.is_empty() || out[0].is_empty() {
                    return Err(self.error(
                        key,
                        "needs at least the program to run, e.g. [\"pass\", \"show\", \"authctl/mg\"]",
                    ));
                }
                Ok(Some(out))
            }
            Some(other) => Err(self.error(
                key,
                format!(
                    "expected an array of strings (the command is run without a shell), found {}",
                    other.type_str()
                ),
            )),
        }
    }

    /// A URL: `https://`, or plain `http://` only to loopback or with `allow_http = true`.
    pub fn url(&mut self, key: &'static str) -> Result<Option<Url>> {
        let Some(raw) = self.string(key)? else { return Ok(None) };
        let url = Url::parse(raw.trim()).map_err(|e| self.error(key, format!("invalid URL \"{raw}\": {e}")))?;
        check_scheme(&url, self.allow_http).map_err(|msg| self.error(key, msg))?;
        Ok(Some(url))
    }

    pub fn url_or(&mut self, key: &'static str, default: &str) -> Result<Url> {
        Ok(self
            .url(key)?
            .unwrap_or_else(|| Url::parse(default).expect("built-in URL")))
    }

    pub fn required_url(&mut self, key: &'static str, hint: &str) -> Result<Url> {
        self.url(key)?.ok_or_else(|| self.missing(key, hint))
    }

    /// Every key not read so far is unknown to this section.
    fn reject_unknown(&self) -> Result<()> {
        for (k, _) in self.table.iter() {
            let name = k.get_ref().as_ref();
            if !self.used.contains(&name) {
                let mut known = self.used.clone();
                known.sort_unstable();
                return Err(error::config(format!(
                    "config error at {}: {}: unknown key {name} (known keys: {})",
                    self.at(k.span().start),
                    self.section,
                    known.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// True for 127.0.0.0/8, ::1 and `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Tokens and secrets travel only over TLS, except to this machine.
pub fn check_scheme(url: &Url, allow_http: bool) -> std::result::Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http || is_loopback(url) => Ok(()),
        "http" => Err(format!(
            "plain http:// is refused for {} (secrets would cross the network unencrypted); use https:// or set allow_http = true",
            url.host_str().unwrap_or("?")
        )),
        other => Err(format!("unsupported URL scheme {other}:// (use https://)")),
    }
}

fn read_overrides(keys: &mut Keys<'_>) -> Result<Overrides> {
    Ok(Overrides {
        timeout: keys.duration("timeout")?,
        refresh_before: keys.duration("refresh_before")?,
        default_ttl: keys.duration("default_ttl")?,
        allow_http: keys.bool("allow_http")?,
        ca_file: keys.string("ca_file")?.map(PathBuf::from),
    })
}

fn valid_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Parses and validates a whole config file.
pub fn parse(path: &Path, text: &str) -> Result<Config> {
    let doc = DeTable::parse(text).map_err(|e| {
        let at = e.span().map(|s| line_col(text, s.start));
        let msg = crate::error::one_line(e.message(), 200);
        match at {
            Some((l, c)) => error::config(format!("invalid TOML at {}:{l}:{c}: {msg}", path.display())),
            None => error::config(format!("invalid TOML in {}: {msg}", path.display())),
        }
    })?;
    let doc = doc.get_ref();

    let mut defaults = Overrides::default();
    let mut default_profile = None;
    let mut profiles = BTreeMap::new();

    for (key, value) in doc.iter() {
        let (line, col) = line_col(text, key.span().start);
        let where_ = format!("{}:{line}:{col}", path.display());
        match (key.get_ref().as_ref(), value.get_ref()) {
            ("defaults", DeValue::Table(t)) => {
                let mut keys = Keys::new(path, text, "[defaults]".into(), t);
                defaults = read_overrides(&mut keys)?;
                default_profile = keys.string("default_profile")?;
                keys.reject_unknown()?;
            }
            ("profiles", DeValue::Table(t)) => {
                for (name, body) in t.iter() {
                    let name_str = name.get_ref().as_ref();
                    let (pl, pc) = line_col(text, name.span().start);
                    if !valid_profile_name(name_str) {
                        return Err(error::config(format!(
                            "config error at {}:{pl}:{pc}: profile name `{name_str}` may use only letters, digits, `-`, `_` and `.`",
                            path.display()
                        )));
                    }
                    let DeValue::Table(body) = body.get_ref() else {
                        return Err(error::config(format!(
                            "config error at {}:{pl}:{pc}: profiles.{name_str} must be a table ([profiles.{name_str}])",
                            path.display()
                        )));
                    };
                    let keys = Keys::new(path, text, format!("profile {name_str}"), body);
                    let profile = parse_profile(name_str, keys, &defaults)?;
                    profiles.insert(name_str.to_string(), profile);
                }
            }
            ("defaults" | "profiles", other) => {
                return Err(error::config(format!(
                    "config error at {where_}: `{}` must be a table, found {}",
                    key.get_ref(),
                    other.type_str()
                )));
            }
            (other, _) => {
                return Err(error::config(format!(
                    "config error at {where_}: unknown top-level key {other} (expected [defaults] or [profiles.NAME])"
                )));
            }
        }
    }

    if let Some(d) = &default_profile
        && !profiles.contains_key(d)
        && Kind::from_name(d).is_none()
    {
        return Err(error::config(format!(
            "config error in {}: [defaults], key default_profile: no profile named `{d}`",
            path.display()
        )));
    }
    Ok(Config {
        path: path.to_path_buf(),
        exists: true,
        default_profile,
        profiles,
    })
}

fn parse_profile(name: &str, mut keys: Keys<'_>, defaults: &Overrides) -> Result<Profile> {
    let provider = keys.required_string("provider", "one of midigator, midway, mediroutes, nugios, oauth2")?;
    let kind = Kind::from_name(&provider).ok_or_else(|| {
        keys.error(
            "provider",
            format!("unknown provider \"{provider}\" (expected midigator, midway, mediroutes, nugios or oauth2)"),
        )
    })?;
    let own = read_overrides(&mut keys)?;
    keys.allow_http = own.allow_http.or(defaults.allow_http).unwrap_or(false);
    let secret_env = keys.string("secret_env")?;
    let secret_command = keys.string_array("secret_command")?;
    let options = Options::parse(kind, &mut keys)?;
    keys.reject_unknown()?;

    let refresh_before = own
        .refresh_before
        .or(defaults.refresh_before)
        .unwrap_or(DEFAULT_REFRESH_BEFORE);
    let default_ttl = own.default_ttl.or(defaults.default_ttl).unwrap_or(DEFAULT_TTL);
    if default_ttl.is_zero() {
        return Err(keys.error("default_ttl", "must be longer than zero"));
    }
    let timeout = own.timeout.or(defaults.timeout).unwrap_or(DEFAULT_TIMEOUT);
    if timeout.is_zero() {
        return Err(keys.error("timeout", "must be longer than zero"));
    }
    Ok(Profile {
        name: name.to_string(),
        kind,
        timeout,
        refresh_before,
        default_ttl,
        ca_file: own.ca_file.or_else(|| defaults.ca_file.clone()),
        secret_env,
        secret_command,
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config> {
        parse(Path::new("/c.toml"), text)
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("a\nbc\nd", 3), (2, 2));
        assert_eq!(line_col("abc", 0), (1, 1));
    }

    #[test]
    fn unknown_key_names_file_line_profile_and_key() {
        let err = parse_str("[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://x\"\ntiemout = \"3s\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/c.toml:4:1"), "{err}");
        assert!(err.contains("profile mg"), "{err}");
        assert!(err.contains("unknown key tiemout"), "{err}");
    }

    #[test]
    fn plain_http_is_refused_unless_loopback_or_allowed() {
        let remote = "[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"http://example.com\"\n";
        assert!(parse_str(remote).unwrap_err().to_string().contains("plain http://"));
        let allowed = format!("{remote}allow_http = true\n");
        assert!(parse_str(&allowed).is_ok());
        for host in ["127.0.0.1:8080", "127.9.9.9", "[::1]:80", "localhost:1"] {
            let text = format!("[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"http://{host}\"\n");
            assert!(parse_str(&text).is_ok(), "{host}");
        }
    }

    #[test]
    fn defaults_apply_and_profiles_override() {
        let cfg = parse_str(
            "[defaults]\ntimeout = \"5s\"\nrefresh_before = \"2m\"\n[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://x\"\ntimeout = \"7s\"\n",
        )
        .unwrap();
        let p = &cfg.profiles["mg"];
        assert_eq!(p.timeout, Duration::from_secs(7));
        assert_eq!(p.refresh_before, Duration::from_secs(120));
        assert_eq!(p.default_ttl, DEFAULT_TTL);
    }
}

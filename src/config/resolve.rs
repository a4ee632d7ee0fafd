//! From TOML tables to the `Profile` the rest of authctl uses: the keys of
//! `[defaults]` and of each `[profiles.NAME]`, read through serde into typed structs
//! (`Shared` and `Own` here, each provider's settings in its own file), then one
//! validation pass for what types alone cannot check (URL schemes, lifetimes). Every
//! table borrows from the one snapshot of the file; spans are offsets into it, so each
//! message names file:line:col even when only a section was parsed.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue, ValueDeserializer};

use super::error::{ConfigError, Location, locate};
use super::{DEFAULT_REFRESH_BEFORE, DEFAULT_TIMEOUT, DEFAULT_TTL, Profile};
use crate::providers::{Kind, Settings};
use crate::secret::{SecretSpec, default_env_name};
use crate::settings::{Argv, Endpoint, Period, Text, field_names};

type Result<T, E = ConfigError> = std::result::Result<T, E>;

/// Where a parsed piece of the file sits in the whole: `offset` is where the parsed text
/// starts in `text` (the whole file), so a span of the piece plus `offset` is a place in
/// the file.
#[derive(Clone, Copy)]
pub struct Source<'t> {
    pub file: &'t Path,
    pub text: &'t str,
    pub offset: usize,
}

impl Source<'_> {
    pub fn at(&self, offset: usize) -> Location {
        locate(self.file, self.text, self.offset + offset)
    }
}

/// The whole file, parsed, its `[defaults]` read; profiles read only when asked for.
pub struct Document<'t> {
    source: Source<'t>,
    pub defaults: Defaults,
    pub profiles: DeTable<'t>,
}

/// Settings that `[defaults]` may give and any profile may override.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shared {
    timeout: Option<Spanned<Period>>,
    refresh_before: Option<Period>,
    default_ttl: Option<Spanned<Period>>,
    allow_http: Option<bool>,
    ca_file: Option<Text>,
    /// The fleet's Redis (README "Many machines").
    shared_cache: Option<Spanned<Text>>,
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
    /// The API the profile's tokens are for, which `authctl proxy` serves.
    api_url: Option<Spanned<Endpoint>>,
}

/// What `[defaults]` says.
#[derive(Default)]
pub struct Defaults {
    pub shared: Shared,
    pub default_profile: Option<Spanned<Text>>,
}

impl<'t> Document<'t> {
    /// Parses the whole file.
    pub fn parse(source: Source<'t>) -> Result<Document<'t>> {
        let doc = DeTable::parse(source.text).map_err(|e| ConfigError::Syntax {
            at: source.at(e.span().map_or(0, |s| s.start)),
            message: crate::log::one_line(e.message(), 200),
        })?;
        let mut document = Document {
            source,
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

    fn check_default_profile(&self, source: Source<'t>) -> Result<()> {
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
    pub fn names_of(&self, kind: Kind) -> Vec<&str> {
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

    /// The profile `name` exactly as the file names it, if there is one.
    pub fn profile(&self, name: &str) -> Option<Result<Profile>> {
        let (key, value) = self.profiles.get_key_value(name)?;
        Some(read_profile(self.source, &self.defaults.shared, key, value))
    }

    /// The name of every profile, in file order.
    pub fn names(&self) -> Vec<String> {
        self.profiles.iter().map(|(k, _)| k.get_ref().to_string()).collect()
    }

    /// Every profile, each validated: what `config check` accepts.
    pub fn every_profile(&self) -> Result<Vec<Profile>> {
        self.profiles
            .iter()
            .map(|(name, value)| read_profile(self.source, &self.defaults.shared, name, value))
            .collect()
    }

    /// What is wrong with each profile, in file order: every mistake `config check` reports.
    pub fn every_error(&self) -> Vec<ConfigError> {
        self.profiles
            .iter()
            .filter_map(|(name, value)| read_profile(self.source, &self.defaults.shared, name, value).err())
            .collect()
    }
}

impl Defaults {
    /// Reads the `[defaults]` table `value`.
    pub fn read<'t>(source: Source<'t>, value: &Spanned<DeValue<'t>>) -> Result<Defaults> {
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
pub fn read_profile<'t>(
    source: Source<'t>,
    defaults: &Shared,
    name: &Spanned<DeString<'t>>,
    value: &Spanned<DeValue<'t>>,
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
    if name_str == crate::shared_cache::KEYRING_USER {
        return Err(shape(format!(
            "profile name `{name_str}` is taken: the OS keyring keeps the shared cache's password under it; rename the profile"
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
struct ProfileReader<'a, 't> {
    section: Section<'a, 't>,
    defaults: &'a Shared,
}

impl ProfileReader<'_, '_> {
    fn read(&self, name: &str) -> Result<Profile> {
        let section = &self.section;
        let kind = self.kind()?;
        let own_keys = field_names::<Own>();
        let shared_keys = field_names::<Shared>();
        section.reject_unknown(&[own_keys, shared_keys, kind.keys()])?;
        let own = section.read(own_keys, |_| "", Own::deserialize)?;
        let shared = section.read(shared_keys, |_| "", Shared::deserialize)?;
        let settings = section.read(kind.keys(), |k| kind.hint(k), |d| kind.read_settings(d))?;
        self.check(&shared, &settings, own.api_url.as_ref())?;

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
            allow_http: shared.allow_http.or(self.defaults.allow_http).unwrap_or(false),
            shared_cache: (shared.shared_cache)
                .or(self.defaults.shared_cache.clone())
                .map(|t| t.into_inner().0),
            api_url: own.api_url.map(Spanned::into_inner),
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
    fn check(&self, shared: &Shared, settings: &Settings, api_url: Option<&Spanned<Endpoint>>) -> Result<()> {
        let section = &self.section;
        section.check_lifetimes(shared)?;
        let allow_http = shared.allow_http.or(self.defaults.allow_http).unwrap_or(false);
        let provider = settings.provider();
        for (key, url) in provider.endpoints().into_iter().chain(api_url.map(|u| ("api_url", u))) {
            check_scheme(url.get_ref(), allow_http).map_err(|msg| section.key_error(key, url.span(), msg))?;
            check_no_userinfo(url.get_ref()).map_err(|msg| section.key_error(key, url.span(), msg))?;
        }
        if let Some(url) = api_url.filter(|u| u.get_ref().query().is_some() || u.get_ref().fragment().is_some()) {
            return Err(section.key_error(
                "api_url",
                url.span(),
                "the API's base URL takes no ?query or #fragment: each request brings its own",
            ));
        }
        provider
            .check()
            .map_err(|invalid| section.key_error(invalid.key, invalid.span, invalid.problem))
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

/// A URL never carries a user name or password.
pub fn check_no_userinfo(url: &Endpoint) -> std::result::Result<(), &'static str> {
    match url.username().is_empty() && url.password().is_none() {
        true => Ok(()),
        false => Err(
            "the URL holds a user name or password (user:password@host); secrets never go in a URL: \
             keep them with `authctl secret set`, AUTHCTL_SECRET_<PROFILE> or secret_command",
        ),
    }
}

/// One table of the file being read, for reading its keys into structs with messages
/// that name the file, the section, the key and where it is.
struct Section<'a, 't> {
    source: Source<'t>,
    name: String,
    table: &'a DeTable<'t>,
    span: Range<usize>,
}

impl<'t> Section<'_, 't> {
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
        read: impl FnOnce(ValueDeserializer<'t>) -> std::result::Result<T, toml::de::Error>,
    ) -> Result<T> {
        let part: DeTable<'t> = self
            .table
            .iter()
            .filter(|(k, _)| keys.contains(&k.get_ref().as_ref()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let value = Spanned::new(self.span.clone(), DeValue::Table(part));
        read(ValueDeserializer::from(value)).map_err(|e| self.serde_error(&e, hint))
    }

    /// A zero `timeout` or `default_ttl` would make every request fail or every token
    /// stale; a shared cache must be a Redis URL without a password.
    fn check_lifetimes(&self, shared: &Shared) -> Result<()> {
        if let Some(url) = &shared.shared_cache {
            crate::shared_cache::check_url(url.get_ref())
                .map_err(|problem| self.key_error("shared_cache", url.span(), problem))?;
        }
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

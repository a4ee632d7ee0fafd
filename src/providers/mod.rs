//! The providers. Each file knows one API — the settings a profile gives it, the requests
//! it sends, how to read the answers — and nothing about caches, files, output or exit
//! codes. Each declares what its credentials are, as a `Flow`:
//!
//! - `Flow::Direct`: the secret buys an access token, perhaps with a refresh token that
//!   buys the next one (Midigator, MediRoutes, Nugios, OAuth2); what the request needs
//!   besides (the secret, the time, the server's metadata) it asks of `Needs`;
//! - `Flow::Installations`: the secret buys a long-lived developer token, which buys a
//!   token for each installation of the developer's apps (MidwayPlus).
//!
//! The lifecycle (`lifecycle.rs`) drives both. Adding a provider means one file here and
//! one line in the `providers!` list below.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use crate::error::Error;
use crate::secret::{Origin, Secret};
use crate::settings::Endpoint;
use crate::time::UnixTime;

mod wire;
pub use wire::*;

macro_rules! providers {
    ($($variant:ident => $module:ident :: $ty:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Which provider a profile uses.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind {
            $($variant),*
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// Its name in `provider = "…"`, in commands and in messages.
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$variant => <$module::$ty as Described>::NAME),*
                }
            }

            /// What the profile's one secret is called, for messages and prompts.
            pub fn secret_name(self) -> &'static str {
                match self {
                    $(Kind::$variant => <$module::$ty as Described>::SECRET),*
                }
            }

            /// What to tell someone whose profile lacks the required `key`.
            pub fn hint(self, key: &str) -> &'static str {
                match self {
                    $(Kind::$variant => <$module::$ty as Described>::hint(key)),*
                }
            }

            /// The keys of this provider's settings.
            pub fn keys(self) -> &'static [&'static str] {
                match self {
                    $(Kind::$variant => crate::settings::field_names::<$module::$ty>()),*
                }
            }

            /// Reads a profile's provider keys into the provider's own settings type.
            pub fn read_settings<'de, D: serde::Deserializer<'de>>(self, d: D) -> Result<Settings, D::Error> {
                match self {
                    $(Kind::$variant => $module::$ty::deserialize(d).map(Settings::$variant)),*
                }
            }
        }

        /// A profile's provider settings, in the provider's own type. (One per profile
        /// read: their sizes differ, which costs nothing worth a box.)
        #[derive(Debug, Clone)]
        #[allow(clippy::large_enum_variant)]
        pub enum Settings {
            $($variant($module::$ty)),*
        }

        impl Settings {
            pub fn kind(&self) -> Kind {
                match self {
                    $(Settings::$variant(_) => Kind::$variant),*
                }
            }

            pub fn provider(&self) -> &dyn Provider {
                match self {
                    $(Settings::$variant(p) => p),*
                }
            }

            /// The provider, its identity settings and the installation, as versions
            /// before `ca_file` joined the fingerprint bound tokens to them (see
            /// `cache::Slot::of` for the fingerprint of a profile).
            pub fn fingerprint(&self, installation: Option<&str>) -> Fingerprint {
                Fingerprint::of(self.kind(), &self.provider().identity(), installation, None)
            }
        }
    };
}

providers! {
    Midigator => midigator::Midigator,
    Midway => midway::Midway,
    Mediroutes => mediroutes::MediRoutes,
    Nugios => nugios::Nugios,
    Oauth2 => oauth2::OAuth2,
}

impl Kind {
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The names of every provider, for messages: "midigator, midway, … or oauth2".
    pub fn names() -> String {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Kind::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown provider \"{name}\"")))
    }
}

/// A digest of the settings a token or credential was fetched with (FNV-1a, 64 bits: it
/// tells settings apart, it guards against no adversary — the cache is private).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The digest of a provider, its identity settings, the installation a token is for
    /// and the CA file its server is trusted by. Without a CA file it is what versions
    /// before `ca_file` joined it computed, so their records can be taken over.
    pub fn of(
        kind: Kind,
        identity: &[(&'static str, String)],
        installation: Option<&str>,
        ca_file: Option<&Path>,
    ) -> Fingerprint {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in bytes.iter().chain(b"\0") {
                hash ^= u64::from(*b);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        feed(kind.name().as_bytes());
        for (key, value) in identity {
            feed(key.as_bytes());
            feed(value.as_bytes());
        }
        if let Some(id) = installation {
            feed(b"installation");
            feed(id.as_bytes());
        }
        if let Some(path) = ca_file {
            feed(b"ca_file");
            feed(path.as_os_str().as_encoded_bytes());
        }
        Fingerprint(format!("{hash:016x}"))
    }

    /// The 16 hex digits, for file names and keyring users.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a provider is called, and what its secret is called. (Separate from `Provider`,
/// which must stay object-safe.)
pub trait Described {
    const NAME: &'static str;
    const SECRET: &'static str;
    /// What to tell someone whose profile lacks the required `key`.
    fn hint(key: &str) -> &'static str;
}

/// A setting the provider found wrong once the profile was read.
#[derive(Debug)]
pub struct Invalid {
    pub key: &'static str,
    pub span: Range<usize>,
    pub problem: String,
}

pub trait Provider: fmt::Debug {
    /// How this provider's credentials turn into access tokens.
    fn flow(&self) -> Flow<'_>;

    /// Every URL setting, for the checks of scheme and userinfo.
    fn endpoints(&self) -> Vec<(&'static str, &Spanned<Endpoint>)>;

    /// The settings that decide whose tokens these are and which server issues them:
    /// every URL, the client or user, the scope, the body format — never timeouts or
    /// headers. A token or credential fetched with other values is never used.
    fn identity(&self) -> Vec<(&'static str, String)>;

    /// Checks that a value's type alone cannot make.
    fn check(&self) -> Result<(), Invalid> {
        Ok(())
    }

    /// Headers every API call needs besides `Authorization` (Nugios' timezone).
    fn api_headers(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// What an error status means when the answer carries no message of its own.
    fn status_meaning(&self, _status: u16) -> Option<&'static str> {
        None
    }

    /// True when every holder of the profile's secret, with these settings, gets the
    /// same tokens: those may be shared by a fleet (README "Many machines"). Not so for
    /// a sign-in by a person, a client without a secret, or a token for another subject.
    fn shareable(&self) -> bool {
        true
    }
}

pub enum Flow<'a> {
    Direct(&'a dyn Direct),
    Installations(&'a dyn Installations),
}

/// The secret buys an access token, perhaps with a refresh token. Requests are built
/// with what the lifecycle supplies through `Needs`, asked for only when needed.
pub trait Direct {
    fn login(&self, needs: &dyn Needs) -> Result<Request, Error>;

    /// The refresh grant; `None` for a provider that has none.
    fn refresh(&self, _refresh_token: &Secret, _needs: &dyn Needs) -> Option<Result<Request, Error>> {
        None
    }

    /// The request that revokes a refresh token (RFC 7009), when the server offers one.
    fn revocation(&self, _refresh_token: &Secret, _needs: &dyn Needs) -> Option<Result<Request, Error>> {
        None
    }

    /// A login that waits for the user and so gets its answer itself (a device sign-in,
    /// polled until approved): the request that got the answer, and the answer. `None`:
    /// `login` builds the one request to send.
    fn login_answered(&self, _needs: &dyn Needs) -> Option<Result<(Request, Value), Error>> {
        None
    }

    /// Reads a 2xx answer to `login` or `refresh`.
    fn read_grant(&self, body: &Value) -> Result<Grant, BadAnswer>;

    /// Checks what a grant carries beyond the access token against what the request
    /// sent (an OpenID Connect ID token and its nonce).
    fn check_grant(&self, _grant: &Grant, _needs: &dyn Needs) -> Result<(), Error> {
        Ok(())
    }
}

/// Whether a sign-in may open a browser, and what to keep from its environment.
#[derive(Debug, Clone, Default)]
pub struct Browsing {
    /// Not `--no-open`.
    pub open: bool,
    /// The variables that hold secrets (besides `AUTHCTL_SECRET_*`).
    pub secret_envs: Vec<String>,
    /// Plays the browser in place of one (the offline demo).
    pub player: Option<Player>,
}

/// Something that plays the browser of a sign-in: it is given the URL to visit, before
/// the wait for the redirect begins, and must not block that wait.
#[derive(Clone)]
pub struct Player(pub std::sync::Arc<dyn Fn(&reqwest::Url) + Send + Sync>);

impl fmt::Debug for Player {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Player")
    }
}

/// What a provider may ask of the lifecycle while it builds a request: the profile's
/// secret, the time, a request or a command of its own (a CI's token, a subject token),
/// and the server's metadata kept with the profile's records. Nothing here is asked for
/// on the cached path.
pub trait Needs {
    /// The profile's name, for messages.
    fn profile(&self) -> &str;
    /// The profile's one secret, and where it was found.
    fn secret(&self) -> Result<(Secret, Origin), Error>;
    fn now(&self) -> UnixTime;
    /// Whether the profile allows plain http to hosts other than loopback.
    fn allow_http(&self) -> bool;
    /// Sends a request of the provider's own and returns the JSON of a 2xx answer.
    fn fetch(&self, request: &Request) -> Result<Value, Error>;
    /// Runs a command bounded like `secret_command` (named by its config `key`); its
    /// stdout is a secret.
    fn run(&self, key: &'static str, argv: &[String]) -> Result<Secret, Error>;
    /// The server metadata kept for the profile, if it is recent enough to use.
    fn cached_metadata(&self) -> Option<Value>;
    /// Keeps the server metadata for the next renewals.
    fn keep_metadata(&self, metadata: &Value);
    /// Whether a sign-in that needs the user may open a browser.
    fn browsing(&self) -> Browsing;
    /// Keeps the OpenID Connect nonce a sign-in sent, for the check of its answer.
    fn keep_nonce(&self, nonce: &str);
    /// The nonce this login sent, if it sent one.
    fn nonce(&self) -> Option<String>;
}

/// The secret buys a developer token; the developer token buys a token per installation.
pub trait Installations {
    fn login(&self, secret: &Secret) -> Request;

    /// Reads the developer token from a 2xx answer to `login`.
    fn read_developer_token(&self, body: &Value) -> Result<String, BadAnswer>;

    /// The installation the profile names, if any.
    fn installation(&self) -> Option<&str>;

    /// The request for `installation`'s token.
    fn token_request(&self, developer_token: &Secret, installation: &str) -> Request;

    /// Reads a 2xx answer to `token_request`.
    fn read_installation_token(&self, body: &Value) -> Result<Grant, BadAnswer>;

    /// True when `status` means "that developer token is no good: log in again".
    fn developer_token_refused(&self, status: u16) -> bool;
}

//! The values of an `oauth2` profile's keys that are more than text or a URL: the grant,
//! the client authentication, the signing algorithm, resource indicators, the issuer
//! (kept as written: discovery compares it exactly), the subject token's source.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use toml::Spanned;

use crate::settings::{Endpoint, Text};

/// Reads one of `choices` by name, or says which names there are.
fn one_of<'de, D: Deserializer<'de>, T: Copy>(d: D, choices: &[(&'static str, T)]) -> Result<T, D::Error> {
    let text = Text::deserialize(d)?;
    let names: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    choices
        .iter()
        .find(|(name, _)| *name == text.0)
        .map(|(_, v)| *v)
        .ok_or_else(|| de::Error::custom(format!("expected one of {}, found \"{}\"", names.join(", "), text.0)))
}

/// Enums read from their names in the config.
macro_rules! named {
    ($ty:ident { $($variant:ident = $name:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $ty { $($variant),* }

        impl $ty {
            const ALL: &'static [(&'static str, $ty)] = &[$(($name, $ty::$variant)),*];

            /// Its name in the config.
            pub fn name(self) -> &'static str {
                match self { $($ty::$variant => $name),* }
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                one_of(d, $ty::ALL)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

named!(GrantType {
    ClientCredentials = "client_credentials",
    AuthorizationCode = "authorization_code",
    DeviceCode = "device_code",
    JwtBearer = "jwt_bearer",
    TokenExchange = "token_exchange",
});

named!(ClientAuth {
    ClientSecretPost = "client_secret_post",
    ClientSecretBasic = "client_secret_basic",
    PrivateKeyJwt = "private_key_jwt",
    None = "none",
});

impl GrantType {
    /// How the grant gets a token, in a few words, for `status` and `doctor`.
    pub fn words(self) -> &'static str {
        match self {
            GrantType::ClientCredentials => "client credentials",
            GrantType::AuthorizationCode => "browser sign-in",
            GrantType::DeviceCode => "device sign-in",
            GrantType::JwtBearer => "JWT bearer assertion",
            GrantType::TokenExchange => "token exchange",
        }
    }

    /// Whether the grant has a person sign in (in a browser, or with a device code).
    pub fn signs_a_person_in(self) -> bool {
        matches!(self, GrantType::AuthorizationCode | GrantType::DeviceCode)
    }
}

impl ClientAuth {
    /// How the client proves who it is, in a few words, for `doctor`.
    pub fn words(self) -> &'static str {
        match self {
            ClientAuth::ClientSecretPost => "client secret in the request body",
            ClientAuth::ClientSecretBasic => "client secret in HTTP Basic",
            ClientAuth::PrivateKeyJwt => "assertion signed with the private key",
            ClientAuth::None => "public client, no client authentication",
        }
    }
}

named!(SigningAlg {
    Es256 = "ES256",
    Rs256 = "RS256",
    Ps256 = "PS256",
    EdDsa = "EdDSA",
});

named!(SubjectSource {
    GithubActions = "github-actions",
});

/// `resource` (RFC 8707): one absolute URI or several, each without a fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resources(pub Vec<String>);

impl<'de> Deserialize<'de> for Resources {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Resources;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a URI or an array of URIs")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Resources, E> {
                resource(v).map(|r| Resources(vec![r])).map_err(E::custom)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Resources, A::Error> {
                let mut all = Vec::new();
                while let Some(item) = seq.next_element::<Text>()? {
                    all.push(resource(&item).map_err(de::Error::custom)?);
                }
                match all.is_empty() {
                    true => Err(de::Error::custom("needs at least one URI")),
                    false => Ok(Resources(all)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A resource indicator: an absolute URI without a fragment (RFC 8707 §2).
fn resource(v: &str) -> Result<String, String> {
    match url::Url::parse(v.trim()) {
        Ok(u) if u.fragment().is_none() => Ok(v.trim().to_string()),
        Ok(_) => Err(format!("resource \"{v}\" has a fragment (#…), which RFC 8707 forbids")),
        Err(e) => Err(format!("resource \"{v}\" is not an absolute URI: {e}")),
    }
}

/// `issuer`: the URL as written, which the server's metadata must repeat exactly, and
/// parsed, for the checks every URL setting gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub text: String,
    pub url: Spanned<Endpoint>,
}

/// Reads `issuer` into an `Issuer`.
pub fn issuer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Issuer>, D::Error> {
    let raw = Spanned::<Text>::deserialize(d)?;
    let span = raw.span();
    let text = raw.into_inner().0.trim().to_string();
    let url = url::Url::parse(&text).map_err(|e| {
        de::Error::custom(format!("invalid URL \"{}\": {e}", crate::settings::without_userinfo(&text)))
    })?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(de::Error::custom(
            "an issuer has no query or fragment (RFC 8414 §2); give the URL the server names as its issuer",
        ));
    }
    Ok(Some(Issuer {
        text,
        url: Spanned::new(span, Endpoint(url)),
    }))
}

//! OAuth 2.0 and OpenID Connect token endpoints. One grant per profile (`grant`):
//! client credentials (RFC 6749 §4.4, the default), a JWT bearer assertion (RFC 7523
//! §2.1) or token exchange (RFC 8693); one way for the client to authenticate
//! (`client_auth`, see `client`). Endpoints come from the profile, else from the
//! issuer's metadata (`discovery`). `body = "form"` sends the standard form encoding;
//! `body = "json"` the same fields as JSON, as the partner API of seed 004 wants. A
//! server may send a refresh token; renewal then tries `grant_type=refresh_token` first
//! — with `client_secret_post` (the default) or `none` without the client secret, as
//! before (a server that insists refuses, and authctl logs in again), with
//! `client_secret_basic` and `private_key_jwt` authenticated as the login is.

mod assertion;
mod check;
mod client;
mod device;
mod discovery;
pub mod error;
mod grants;
pub mod id_token;
pub mod key;
pub mod settings;
pub mod signin;

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::{
    BadAnswer, Body, Described, Direct, Fields, Flow, Grant, Invalid, Needs, Provider, Request, fields,
    num_field, required, secret_field, str_field,
};
use crate::error::Error;
use crate::secret::Secret;
use crate::settings::{Argv, Endpoint, Text};
use client::Asked;
use settings::{ClientAuth, GrantType, Issuer, Resources, SigningAlg, SubjectSource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Form,
    Json,
}

impl<'de> Deserialize<'de> for Encoding {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Text::deserialize(d)?.0.as_str() {
            "form" => Ok(Encoding::Form),
            "json" => Ok(Encoding::Json),
            other => Err(serde::de::Error::custom(format!(
                "expected \"json\" or \"form\", found \"{other}\""
            ))),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2 {
    /// Required unless `issuer` is set.
    pub token_url: Option<Spanned<Endpoint>>,
    /// Discovery of the endpoints not given here.
    #[serde(default, deserialize_with = "settings::issuer")]
    pub issuer: Option<Issuer>,
    pub authorization_url: Option<Spanned<Endpoint>>,
    pub device_authorization_url: Option<Spanned<Endpoint>>,
    pub revocation_url: Option<Spanned<Endpoint>>,
    pub client_id: Spanned<Text>,
    /// How the token request's fields are encoded.
    #[serde(default)]
    pub body: Encoding,
    pub grant: Option<Spanned<GrantType>>,
    pub client_auth: Option<Spanned<ClientAuth>>,
    /// The OAuth2 `scope` parameter.
    pub scope: Option<Text>,
    pub audience: Option<Text>,
    pub resource: Option<Resources>,
    pub signing_alg: Option<SigningAlg>,
    /// The assertion's `kid`.
    pub key_id: Option<Text>,
    /// For the browser sign-in: a fixed loopback port.
    pub redirect_port: Option<u16>,
    pub subject_token_command: Option<Spanned<Argv>>,
    pub subject_token: Option<Spanned<SubjectSource>>,
    pub subject_token_type: Option<Text>,
}

impl Described for OAuth2 {
    const NAME: &'static str = "oauth2";
    const SECRET: &'static str = "client secret";

    fn hint(key: &str) -> &'static str {
        match key {
            "token_url" => "the server's token endpoint, e.g. https://api.example.com/api/oauth/token",
            _ => "the client ID the API gave you",
        }
    }
}

impl OAuth2 {
    pub fn grant(&self) -> GrantType {
        self.grant.as_ref().map_or(GrantType::ClientCredentials, |g| *g.get_ref())
    }

    /// `client_auth`, else `none` for `jwt_bearer` (the assertion is the credential),
    /// else `client_secret_post`.
    pub fn client_auth(&self) -> ClientAuth {
        match (&self.client_auth, self.grant()) {
            (Some(auth), _) => *auth.get_ref(),
            (None, GrantType::JwtBearer) => ClientAuth::None,
            (None, _) => ClientAuth::ClientSecretPost,
        }
    }

    /// What the profile's one secret is: the PEM private key for `private_key_jwt` and
    /// `jwt_bearer`, the client secret for the `client_secret_*` methods, none otherwise.
    pub fn secret_needed(&self) -> Option<&'static str> {
        match (self.grant(), self.client_auth()) {
            (GrantType::JwtBearer, _) | (_, ClientAuth::PrivateKeyJwt) => Some("private key"),
            (_, ClientAuth::None) => None,
            _ => Some("client secret"),
        }
    }

    /// The grant and the client authentication, in words and by their config names:
    /// "browser sign-in (grant authorization_code), client_auth none: public client, …".
    pub fn describe(&self) -> String {
        let (grant, auth) = (self.grant(), self.client_auth());
        format!(
            "{} (grant {grant}), client_auth {auth}: {}",
            grant.words(),
            auth.words()
        )
    }

    fn request(&self, url: reqwest::Url, fields: Fields) -> Request {
        let body = match self.body {
            Encoding::Form => Body::Form(fields),
            Encoding::Json => Body::Json(fields),
        };
        Request::post(url, body)
    }

    /// `token_url`, else the issuer's `token_endpoint`.
    pub fn token_endpoint(&self, needs: &dyn Needs) -> Result<reqwest::Url, Error> {
        if let Some(url) = &self.token_url {
            return Ok(url.get_ref().0.clone());
        }
        let issuer = self.issuer.as_ref().expect("OAuth2::check: token_url or issuer");
        discovery::endpoint(issuer, "token_endpoint", needs)?.ok_or_else(|| {
            error::OAuthError::NoEndpoint {
                issuer: issuer.text.clone(),
                field: "token_endpoint",
                key: "token_url",
            }
            .into()
        })
    }

    /// The endpoint of `key` (`authorization_url`, `device_authorization_url`), else the
    /// issuer's metadata `field`.
    pub fn user_endpoint(
        &self,
        key: &'static str,
        field: &'static str,
        needs: &dyn Needs,
    ) -> Result<reqwest::Url, Error> {
        let given = match key {
            "authorization_url" => &self.authorization_url,
            _ => &self.device_authorization_url,
        };
        if let Some(url) = given {
            return Ok(url.get_ref().0.clone());
        }
        let issuer = self.issuer.as_ref().expect("OAuth2::check: the endpoint or issuer");
        discovery::endpoint(issuer, field, needs)?.ok_or_else(|| {
            error::OAuthError::NoEndpoint {
                issuer: issuer.text.clone(),
                field,
                key,
            }
            .into()
        })
    }

    /// True when `scope` asks for OpenID Connect (`openid`): a nonce goes along.
    pub fn wants_id_token(&self) -> bool {
        self.scope.as_ref().is_some_and(|s| s.split_whitespace().any(|w| w == "openid"))
    }

    /// The browser sign-in, then the request that exchanges its code (RFC 6749 §4.1.3,
    /// with the PKCE verifier).
    fn code_exchange(&self, needs: &dyn Needs) -> Result<Request, Error> {
        let authorize = self.user_endpoint("authorization_url", "authorization_endpoint", needs)?;
        let token = self.token_endpoint(needs)?;
        let iss_required = match &self.issuer {
            Some(issuer) => discovery::flag(issuer, "authorization_response_iss_parameter_supported", needs)?,
            None => false,
        };
        let issuer = self.issuer.as_ref().map(|i| i.text.clone());
        let mut pending = signin::Pending::new(self.wants_id_token(), issuer, iss_required);
        pending.endpoint_origins = [&authorize, &token].map(|u| u.origin().ascii_serialization()).to_vec();
        pending.endpoint_origins.dedup();
        let pending = std::sync::Arc::new(pending);
        let (code, redirect_uri) = signin::sign_in(self, &authorize, pending.clone(), needs)?;
        if let Some(nonce) = &pending.nonce {
            needs.keep_nonce(nonce.as_str());
        }
        let exchange = fields([
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", pending.verifier.expose()),
        ]);
        client::authenticate(self, token, exchange, &Asked::new(needs))
    }

    /// `revocation_url`, else the issuer's `revocation_endpoint`, if either says one.
    fn revocation_endpoint(&self, needs: &dyn Needs) -> Result<Option<reqwest::Url>, Error> {
        match (&self.revocation_url, &self.issuer) {
            (Some(url), _) => Ok(Some(url.get_ref().0.clone())),
            (None, Some(issuer)) => discovery::endpoint(issuer, "revocation_endpoint", needs),
            (None, None) => Ok(None),
        }
    }

    fn refresh_request(&self, refresh_token: &Secret, needs: &dyn Needs) -> Result<Request, Error> {
        let endpoint = self.token_endpoint(needs)?;
        let grant = fields([("grant_type", "refresh_token"), ("refresh_token", refresh_token.expose())]);
        // Seed 004's servers take a refresh without the secret; a client that signed a
        // person in authenticates as at its login (oidc-provider insists).
        let interactive = matches!(self.grant(), GrantType::AuthorizationCode | GrantType::DeviceCode);
        match self.client_auth() {
            ClientAuth::ClientSecretPost | ClientAuth::None if !interactive => {
                let mut all = grant;
                all.extend(client::client_id_only(self));
                Ok(self.request(endpoint, all))
            }
            _ => client::authenticate(self, endpoint, grant, &Asked::new(needs)),
        }
    }
}

impl Provider for OAuth2 {
    fn flow(&self) -> Flow<'_> {
        Flow::Direct(self)
    }

    fn endpoints(&self) -> Vec<(&'static str, &Spanned<Endpoint>)> {
        [
            ("token_url", self.token_url.as_ref()),
            ("issuer", self.issuer.as_ref().map(|i| &i.url)),
            ("authorization_url", self.authorization_url.as_ref()),
            ("device_authorization_url", self.device_authorization_url.as_ref()),
            ("revocation_url", self.revocation_url.as_ref()),
        ]
        .into_iter()
        .filter_map(|(key, url)| url.map(|u| (key, u)))
        .collect()
    }

    /// Seed 004's keys as before (so its tokens stay valid), then each other key that
    /// decides whose token it is, only when it says something other than the default.
    fn identity(&self) -> Vec<(&'static str, String)> {
        let mut id = Vec::new();
        id.extend(self.token_url.as_ref().map(|u| ("token_url", u.get_ref().to_string())));
        id.push(("client_id", self.client_id.get_ref().0.clone()));
        id.push(("body", format!("{:?}", self.body)));
        id.extend(self.scope.as_ref().map(|s| ("scope", s.0.clone())));
        id.extend(self.issuer.as_ref().map(|i| ("issuer", i.text.clone())));
        for (key, url) in [
            ("authorization_url", &self.authorization_url),
            ("device_authorization_url", &self.device_authorization_url),
            // A refresh token is revoked only where it was kept for.
            ("revocation_url", &self.revocation_url),
        ] {
            id.extend(url.as_ref().map(|u| (key, u.get_ref().to_string())));
        }
        if self.grant() != GrantType::ClientCredentials {
            id.push(("grant", self.grant().name().to_string()));
        }
        if self.client_auth() != ClientAuth::ClientSecretPost {
            id.push(("client_auth", self.client_auth().name().to_string()));
        }
        id.extend(self.audience.as_ref().map(|a| ("audience", a.0.clone())));
        id.extend(self.resource.as_ref().map(|r| ("resource", r.0.join(" "))));
        id.extend(self.key_id.as_ref().map(|k| ("key_id", k.0.clone())));
        id.extend(self.subject_token_command.as_ref().map(|c| ("subject_token_command", c.get_ref().0.join("\0"))));
        id.extend(self.subject_token.as_ref().map(|s| ("subject_token", s.get_ref().name().to_string())));
        id.extend(self.subject_token_type.as_ref().map(|t| ("subject_token_type", t.0.clone())));
        id
    }

    fn check(&self) -> Result<(), Invalid> {
        check::check(self)
    }

    /// Client credentials and JWT bearer, with a secret: the token is the client's. A
    /// browser or device sign-in is a person's, a token exchange its subject token's.
    fn shareable(&self) -> bool {
        matches!(self.grant(), GrantType::ClientCredentials | GrantType::JwtBearer) && self.secret_needed().is_some()
    }
}

impl Direct for OAuth2 {
    fn login(&self, needs: &dyn Needs) -> Result<Request, Error> {
        if self.grant() == GrantType::AuthorizationCode {
            return self.code_exchange(needs);
        }
        let endpoint = self.token_endpoint(needs)?;
        let asked = Asked::new(needs);
        let grant = grants::grant_fields(self, &endpoint, &asked)?;
        client::authenticate(self, endpoint, grant, &asked)
    }

    fn login_answered(&self, needs: &dyn Needs) -> Option<Result<(Request, Value), Error>> {
        (self.grant() == GrantType::DeviceCode).then(|| device::sign_in(self, needs))
    }

    fn refresh(&self, refresh_token: &Secret, needs: &dyn Needs) -> Option<Result<Request, Error>> {
        Some(self.refresh_request(refresh_token, needs))
    }

    fn check_grant(&self, grant: &Grant, needs: &dyn Needs) -> Result<(), Error> {
        let Some(token) = &grant.id_token else {
            return Ok(());
        };
        let nonce = needs.nonce();
        let expected = id_token::Expected {
            issuer: self.issuer.as_ref().map(|i| i.text.as_str()),
            client_id: self.client_id.get_ref(),
            nonce: nonce.as_deref(),
            now: needs.now(),
        };
        id_token::validate(token, &expected).map_err(|e| error::OAuthError::IdToken(e).into())
    }

    fn revocation(&self, refresh_token: &Secret, needs: &dyn Needs) -> Option<Result<Request, Error>> {
        let endpoint = match self.revocation_endpoint(needs) {
            Ok(Some(url)) => url,
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        };
        let revoke = fields([("token", refresh_token.expose()), ("token_type_hint", "refresh_token")]);
        Some(client::authenticate(self, endpoint, revoke, &Asked::new(needs)))
    }

    fn read_grant(&self, body: &Value) -> Result<Grant, BadAnswer> {
        Ok(Grant {
            access_token: required(body, "access_token")?,
            token_type: str_field(body, "token_type"),
            expires_in: num_field(body, "expires_in"),
            refresh_token: secret_field(body, "refresh_token"),
            id_token: str_field(body, "id_token"),
            ..Grant::default()
        })
    }
}

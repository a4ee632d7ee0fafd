//! How the client proves who it is at the token and revocation endpoints (`client_auth`):
//! its secret in the body (`client_secret_post`), in HTTP Basic (`client_secret_basic`,
//! RFC 6749 §2.3.1: each part form-encoded first), an assertion signed with its key
//! (`private_key_jwt`, RFC 7523 §2.2), or its ID alone (`none`, a public client).

use std::cell::OnceCell;

use base64::Engine;
use reqwest::Url;
use url::form_urlencoded::byte_serialize;
use zeroize::Zeroizing;

use super::OAuth2;
use super::assertion::{self, CLIENT_ASSERTION_TYPE, Claims};
use super::error::OAuthError;
use super::key::SigningKey;
use super::settings::ClientAuth;
use crate::error::Error;
use crate::providers::{Auth, Fields, Needs, Request, fields};
use crate::secret::{Origin, Secret};

/// What a request may ask for: the lifecycle's `Needs`, and the profile's secret, looked
/// up at most once however many parts of the request need it.
pub struct Asked<'n> {
    pub needs: &'n dyn Needs,
    secret: OnceCell<(Secret, Origin)>,
}

impl<'n> Asked<'n> {
    pub fn new(needs: &'n dyn Needs) -> Asked<'n> {
        Asked {
            needs,
            secret: OnceCell::new(),
        }
    }

    fn secret_and_origin(&self) -> Result<&(Secret, Origin), Error> {
        if self.secret.get().is_none() {
            let found = self.needs.secret()?;
            let _ = self.secret.set(found);
        }
        Ok(self.secret.get().expect("just set"))
    }

    pub fn secret(&self) -> Result<&Secret, Error> {
        Ok(&self.secret_and_origin()?.0)
    }

    /// The profile's secret read as its private key.
    pub fn key(&self, p: &OAuth2) -> Result<SigningKey, Error> {
        let (secret, origin) = self.secret_and_origin()?;
        SigningKey::parse(secret.expose(), p.signing_alg).map_err(|problem| self.key_error(origin, problem))
    }

    fn key_error(&self, origin: &Origin, problem: super::key::KeyProblem) -> Error {
        OAuthError::Key {
            profile: self.needs.profile().to_string(),
            origin: origin.clone(),
            problem,
        }
        .into()
    }

    /// An assertion from the client, for `audience`, signed with the profile's key.
    pub fn assertion(&self, p: &OAuth2, audience: &Url) -> Result<Secret, Error> {
        let key = self.key(p)?;
        let claims = Claims {
            client_id: p.client_id.get_ref(),
            audience: audience.as_str(),
            key_id: p.key_id.as_deref(),
            now: self.needs.now(),
        };
        let signed = assertion::sign(&key, &claims).map_err(|problem| {
            let origin = &self.secret_and_origin().expect("read for the key").1;
            self.key_error(origin, problem)
        })?;
        // It authenticates until it expires: never shown.
        Ok(Secret::new(signed))
    }
}

/// The request to `endpoint` with `fields` (the first being `grant_type` or `token`) and
/// the client's authentication.
pub fn authenticate(p: &OAuth2, endpoint: Url, mut fields: Fields, asked: &Asked) -> Result<Request, Error> {
    let mut auth = None;
    let own: Fields = match p.client_auth() {
        ClientAuth::ClientSecretPost => super::fields([
            ("client_id", p.client_id.get_ref()),
            ("client_secret", asked.secret()?.expose()),
        ]),
        ClientAuth::ClientSecretBasic => {
            auth = Some(Auth::Basic(basic(p.client_id.get_ref(), asked.secret()?)));
            Vec::new()
        }
        ClientAuth::PrivateKeyJwt => {
            let signed = asked.assertion(p, &endpoint)?;
            super::fields([
                ("client_id", p.client_id.get_ref()),
                ("client_assertion_type", CLIENT_ASSERTION_TYPE),
                ("client_assertion", signed.expose()),
            ])
        }
        ClientAuth::None => super::fields([("client_id", p.client_id.get_ref())]),
    };
    let at = fields.len().min(1);
    fields.splice(at..at, own);
    Ok(Request {
        auth,
        ..p.request(endpoint, fields)
    })
}

/// `client_id:client_secret`, each form-encoded first (RFC 6749 §2.3.1), in base64.
fn basic(client_id: &str, secret: &Secret) -> Secret {
    let encode = |s: &str| Zeroizing::new(byte_serialize(s.as_bytes()).collect::<String>());
    let pair = Zeroizing::new(format!("{}:{}", encode(client_id).as_str(), encode(secret.expose()).as_str()));
    Secret::new(base64::engine::general_purpose::STANDARD.encode(pair.as_bytes()))
}

/// The fields of a request with the client ID alone.
pub fn client_id_only(p: &OAuth2) -> Fields {
    fields([("client_id", p.client_id.get_ref())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_encoded_before_base64() {
        let got = basic("my client", &Secret::new("p@ss:wörd+".into()));
        let decoded = base64::engine::general_purpose::STANDARD.decode(got.expose()).unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "my+client:p%40ss%3Aw%C3%B6rd%2B");
    }
}

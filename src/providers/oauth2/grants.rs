//! The fields of each grant authctl requests on its own (oauth2c's shape: one small
//! function per grant): client credentials (RFC 6749 §4.4), a JWT bearer assertion
//! (RFC 7523 §2.1), token exchange (RFC 8693) with the subject token from a command or
//! from the GitHub Actions runner; then `scope`, `audience` and `resource` (RFC 8707),
//! which every grant may carry.

use reqwest::Url;
use serde_json::Value;

use super::client::Asked;
use super::error::OAuthError;
use super::settings::{GrantType, SubjectSource};
use super::OAuth2;
use crate::config::check_scheme;
use crate::error::Error;
use crate::providers::{Fields, Request, fields};
use crate::secret::Secret;
use crate::settings::Endpoint;

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub const JWT_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";

/// The grant's own fields, `grant_type` first, then the ones every grant may carry.
pub fn grant_fields(p: &OAuth2, token_endpoint: &Url, asked: &Asked) -> Result<Fields, Error> {
    let mut out = match p.grant() {
        GrantType::ClientCredentials => fields([("grant_type", "client_credentials")]),
        GrantType::JwtBearer => {
            let signed = asked.assertion(p, token_endpoint)?;
            fields([("grant_type", JWT_BEARER), ("assertion", signed.expose())])
        }
        GrantType::TokenExchange => {
            let subject = subject_token(p, asked)?;
            let kind = p.subject_token_type.as_deref().unwrap_or(JWT_TOKEN_TYPE);
            fields([
                ("grant_type", TOKEN_EXCHANGE),
                ("subject_token", subject.expose()),
                ("subject_token_type", kind),
            ])
        }
        other @ (GrantType::AuthorizationCode | GrantType::DeviceCode) => {
            unreachable!("grant {other} signs a person in: its requests are built elsewhere")
        }
    };
    out.extend(p.scope.iter().flat_map(|s| fields([("scope", s)])));
    out.extend(p.audience.iter().flat_map(|a| fields([("audience", a)])));
    for resource in p.resource.iter().flat_map(|r| r.0.iter()) {
        out.extend(fields([("resource", resource)]));
    }
    Ok(out)
}

/// The subject token: a command's output, or the GitHub Actions runner's OIDC token.
fn subject_token(p: &OAuth2, asked: &Asked) -> Result<Secret, Error> {
    if let Some(argv) = &p.subject_token_command {
        return asked.needs.run("subject_token_command", &argv.get_ref().0);
    }
    match p.subject_token.as_ref().map(|s| *s.get_ref()) {
        Some(SubjectSource::GithubActions) => runner_token(p, asked),
        None => unreachable!("a token_exchange profile without a subject is refused by OAuth2::check"),
    }
}

/// The job's OIDC token from the GitHub Actions runner: `GET
/// $ACTIONS_ID_TOKEN_REQUEST_URL&audience=AUDIENCE` with the request token as bearer,
/// answered by `{"value": "<JWT>"}`.
fn runner_token(p: &OAuth2, asked: &Asked) -> Result<Secret, Error> {
    let profile = asked.needs.profile();
    let var = |name: &'static str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                Error::from(OAuthError::NoRunner {
                    profile: profile.to_string(),
                    var: name,
                })
            })
    };
    let url = var("ACTIONS_ID_TOKEN_REQUEST_URL")?;
    let bearer = Secret::new(var("ACTIONS_ID_TOKEN_REQUEST_TOKEN")?);
    let bad = |why: String| OAuthError::BadRunnerUrl {
        profile: profile.to_string(),
        why,
    };
    let mut url = Url::parse(&url).map_err(|e| bad(e.to_string()))?;
    check_scheme(&Endpoint(url.clone()), false).map_err(bad)?;
    if let Some(audience) = &p.audience {
        url.query_pairs_mut().append_pair("audience", audience);
    }
    let answer = asked.needs.fetch(&Request::get(url.clone()).with_bearer(&bearer))?;
    match answer.get("value").and_then(Value::as_str) {
        Some(token) if !token.is_empty() => Ok(Secret::new(token.to_string())),
        _ => Err(OAuthError::NoRunnerToken { url }.into()),
    }
}

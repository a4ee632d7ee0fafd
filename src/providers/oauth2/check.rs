//! What an `oauth2` profile's keys must say together, beyond each key's own type: an
//! endpoint or an issuer to find one, a client
//! authentication that fits the grant, one subject token source for token exchange.

use super::OAuth2;
use super::settings::{ClientAuth, GrantType};
use crate::providers::Invalid;

pub fn check(p: &OAuth2) -> Result<(), Invalid> {
    let grant_span = || p.grant.as_ref().map_or(p.client_id.span(), |g| g.span());
    let auth_span = || p.client_auth.as_ref().map_or(grant_span(), |a| a.span());
    let invalid = |key, span, problem: String| Err(Invalid { key, span, problem });
    if p.token_url.is_none() && p.issuer.is_none() {
        return invalid(
            "token_url",
            p.client_id.span(),
            "the profile needs token_url (the token endpoint) or issuer (to discover it), e.g. \
             token_url = \"https://id.example.com/oauth/token\""
                .into(),
        );
    }
    let grant = p.grant();
    match (grant, p.client_auth()) {
        (GrantType::ClientCredentials, ClientAuth::None) => {
            return invalid(
                "client_auth",
                auth_span(),
                "client_auth = \"none\" cannot go with grant = \"client_credentials\": that grant is for clients \
                 that authenticate (RFC 6749 §4.4); use client_secret_post, client_secret_basic or private_key_jwt"
                    .into(),
            );
        }
        (GrantType::AuthorizationCode, _) if p.authorization_url.is_none() && p.issuer.is_none() => {
            return invalid(
                "authorization_url",
                grant_span(),
                "grant = \"authorization_code\" needs authorization_url (where the browser signs in) or issuer \
                 (to discover it)"
                    .into(),
            );
        }
        (GrantType::DeviceCode, _) if p.device_authorization_url.is_none() && p.issuer.is_none() => {
            return invalid(
                "device_authorization_url",
                grant_span(),
                "grant = \"device_code\" needs device_authorization_url or issuer (to discover it)".into(),
            );
        }
        (GrantType::JwtBearer, auth @ (ClientAuth::ClientSecretPost | ClientAuth::ClientSecretBasic)) => {
            return invalid(
                "client_auth",
                auth_span(),
                format!(
                    "client_auth = \"{auth}\" cannot go with grant = \"jwt_bearer\": the profile's one secret is then its \
                     private key; use \"private_key_jwt\" or \"none\""
                ),
            );
        }
        _ => {}
    }
    check_subject(p, grant)
}

/// Token exchange takes its subject token from exactly one place; no other grant takes one.
fn check_subject(p: &OAuth2, grant: GrantType) -> Result<(), Invalid> {
    let command = p.subject_token_command.as_ref().map(|c| ("subject_token_command", c.span()));
    let named = p.subject_token.as_ref().map(|s| ("subject_token", s.span()));
    let problem = match (grant, command.clone().or(named.clone())) {
        (GrantType::TokenExchange, None) => Some((
            "grant",
            p.grant.as_ref().map_or(p.client_id.span(), |g| g.span()),
            "grant = \"token_exchange\" needs a subject token: subject_token_command = [\"…\"] or \
             subject_token = \"github-actions\""
                .to_string(),
        )),
        (GrantType::TokenExchange, Some(_)) if command.is_some() && named.is_some() => Some((
            "subject_token",
            named.clone().expect("checked").1,
            "give subject_token_command or subject_token, not both".to_string(),
        )),
        (GrantType::TokenExchange, Some(_)) => None,
        (_, Some((key, span))) => Some((key, span, format!("{key} is used only with grant = \"token_exchange\""))),
        (_, None) => None,
    };
    match problem {
        Some((key, span, problem)) => Err(Invalid { key, span, problem }),
        None => Ok(()),
    }
}

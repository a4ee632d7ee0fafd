//! Server metadata from `issuer`: OpenID Connect discovery
//! (`{issuer}/.well-known/openid-configuration`), else RFC 8414
//! (`/.well-known/oauth-authorization-server` inserted before the issuer's path). The
//! document must name the configured issuer exactly (a mix-up defence, RFC 8414 §3.3).
//! What it says is kept with the profile's records (`Needs::keep_metadata`) and used
//! until it is a day old; only a renewal or a revocation asks for it, never the cached
//! path. Every endpoint it gives passes the checks of a URL in the config.

use reqwest::Url;
use serde_json::{Map, Value};

use super::error::OAuthError;
use super::settings::Issuer;
use crate::config::check_scheme;
use crate::error::Error;
use crate::providers::{Needs, Request};
use crate::settings::Endpoint;

/// The fields kept of a metadata document.
const KEPT: [&str; 7] = [
    "issuer",
    "token_endpoint",
    "revocation_endpoint",
    "authorization_endpoint",
    "device_authorization_endpoint",
    "jwks_uri",
    "authorization_response_iss_parameter_supported",
];

/// `{issuer}/.well-known/openid-configuration`.
pub fn openid_configuration(issuer: &Url) -> Url {
    let mut url = issuer.clone();
    let path = issuer.path().trim_end_matches('/');
    url.set_path(&format!("{path}/.well-known/openid-configuration"));
    url
}

/// RFC 8414 §3.1: the well-known part goes between the host and the issuer's path.
pub fn authorization_server(issuer: &Url) -> Url {
    let mut url = issuer.clone();
    let path = issuer.path().trim_end_matches('/');
    url.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    url
}

/// The endpoint `field` of the issuer's metadata, if it gives one, checked like a URL
/// of the config.
pub fn endpoint(issuer: &Issuer, field: &'static str, needs: &dyn Needs) -> Result<Option<Url>, Error> {
    let metadata = metadata(issuer, needs)?;
    let Some(text) = metadata.get(field).and_then(Value::as_str) else {
        return Ok(None);
    };
    let bad = |why: String| OAuthError::BadEndpoint {
        issuer: issuer.text.clone(),
        field,
        why,
    };
    let url = Url::parse(text).map_err(|e| bad(format!("\"{text}\" is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("it holds a user name or password".into()).into());
    }
    let url = Endpoint(url);
    check_scheme(&url, needs.allow_http()).map_err(bad)?;
    Ok(Some(url.0))
}

/// A true/false field of the issuer's metadata; absent is false.
pub fn flag(issuer: &Issuer, field: &'static str, needs: &dyn Needs) -> Result<bool, Error> {
    Ok(metadata(issuer, needs)?.get(field).and_then(Value::as_bool).unwrap_or(false))
}

/// The issuer's metadata: kept, or fetched and kept.
fn metadata(issuer: &Issuer, needs: &dyn Needs) -> Result<Value, Error> {
    if let Some(kept) = needs.cached_metadata()
        && kept.get("issuer").and_then(Value::as_str) == Some(issuer.text.as_str())
    {
        return Ok(kept);
    }
    let (url, document) = fetch(issuer, needs)?;
    let found = document.get("issuer").and_then(Value::as_str).unwrap_or("(none)");
    if found != issuer.text {
        return Err(OAuthError::WrongIssuer {
            url,
            configured: issuer.text.clone(),
            found: found.to_string(),
        }
        .into());
    }
    let kept: Map<String, Value> = KEPT
        .iter()
        .filter_map(|k| {
            (document.get(*k))
                .filter(|v| v.is_string() || v.is_boolean())
                .map(|v| (k.to_string(), v.clone()))
        })
        .collect();
    let kept = Value::Object(kept);
    needs.keep_metadata(&kept);
    Ok(kept)
}

/// The OpenID Connect document, else the RFC 8414 one when the first is answered with
/// an error status.
fn fetch(issuer: &Issuer, needs: &dyn Needs) -> Result<(Url, Value), Error> {
    let oidc = openid_configuration(&issuer.url.get_ref().0);
    match needs.fetch(&Request::get(oidc.clone())) {
        Ok(document) => Ok((oidc, document)),
        Err(Error::Provider(e)) if e.status().is_some() => {
            let rfc8414 = authorization_server(&issuer.url.get_ref().0);
            let document = needs.fetch(&Request::get(rfc8414.clone()))?;
            Ok((rfc8414, document))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_urls_follow_oidc_and_rfc_8414() {
        let plain = Url::parse("https://id.test").unwrap();
        let pathed = Url::parse("https://id.test/tenant/a/").unwrap();
        assert_eq!(openid_configuration(&plain).as_str(), "https://id.test/.well-known/openid-configuration");
        assert_eq!(
            openid_configuration(&pathed).as_str(),
            "https://id.test/tenant/a/.well-known/openid-configuration"
        );
        assert_eq!(
            authorization_server(&plain).as_str(),
            "https://id.test/.well-known/oauth-authorization-server"
        );
        assert_eq!(
            authorization_server(&pathed).as_str(),
            "https://id.test/.well-known/oauth-authorization-server/tenant/a"
        );
    }
}

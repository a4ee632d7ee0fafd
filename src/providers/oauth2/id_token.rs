//! The OpenID Connect ID token of an answer, checked in one place when it is received
//! (OpenID Connect Core §3.1.3.7): `iss` is the configured issuer, `aud` holds the
//! client ID (and `azp`, when present, is the client), `alg` is not `none`, `exp` has
//! not passed, and `nonce` is the one the sign-in sent where it
//! sent one (a refreshed ID token may repeat it or leave it out; a device sign-in sends
//! none). The signature is not verified: the token came straight from the token
//! endpoint over the connection authctl checked (§3.1.3.7 item 6 allows that).

use serde_json::Value;

use crate::time::UnixTime;

/// Which claim of an ID token failed, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the ID token's {claim} {why}; refused")]
pub struct IdTokenError {
    pub claim: &'static str,
    pub why: String,
}

/// What the ID token must say.
pub struct Expected<'a> {
    pub issuer: Option<&'a str>,
    pub client_id: &'a str,
    pub nonce: Option<&'a str>,
    pub now: UnixTime,
}

pub fn validate(id_token: &str, expected: &Expected) -> Result<(), IdTokenError> {
    let fail = |claim, why: String| Err(IdTokenError { claim, why });
    let Some(decoded) = crate::jwt::decode(id_token) else {
        return fail("format", "is not a JWT".into());
    };
    let claims = &decoded.claims;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if decoded.header.get("alg").and_then(Value::as_str).is_none_or(|a| a.eq_ignore_ascii_case("none")) {
        return fail("alg", "says the token is unsigned".into());
    }
    if let Some(issuer) = expected.issuer
        && text("iss") != Some(issuer)
    {
        return fail("iss", format!("is {:?}, not the issuer {issuer:?}", text("iss").unwrap_or("(none)")));
    }
    let audience_holds = match claims.get("aud") {
        Some(Value::String(aud)) => aud == expected.client_id,
        Some(Value::Array(all)) => all.iter().any(|a| a.as_str() == Some(expected.client_id)),
        _ => false,
    };
    if !audience_holds {
        return fail("aud", format!("does not name this client ({:?})", expected.client_id));
    }
    // §3.1.3.7 item 5: a token for several audiences names the one it was issued to.
    if let Some(azp) = claims.get("azp")
        && azp.as_str() != Some(expected.client_id)
    {
        return fail("azp", format!("names another client, not {:?}", expected.client_id));
    }
    match decoded.exp() {
        Some(exp) if exp > expected.now => {}
        Some(_) => return fail("exp", "has passed".into()),
        None => return fail("exp", "is missing".into()),
    }
    if let Some(nonce) = expected.nonce
        && text("nonce") != Some(nonce)
    {
        return fail("nonce", "is not the one this sign-in sent".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;

    fn jwt(claims: Value) -> String {
        let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        format!("{}.{}.sig", part(json!({"alg": "RS256"})), part(claims))
    }

    fn check(claims: Value, nonce: Option<&str>) -> Result<(), IdTokenError> {
        let expected = Expected {
            issuer: Some("https://id.test"),
            client_id: "cid",
            nonce,
            now: UnixTime::from_secs(1000.0).unwrap(),
        };
        validate(&jwt(claims), &expected)
    }

    #[test]
    fn each_claim_that_fails_is_named() {
        let good = json!({"iss": "https://id.test", "aud": ["x", "cid"], "exp": 2000, "nonce": "n"});
        assert_eq!(check(good.clone(), Some("n")), Ok(()));
        let mut bad = good.clone();
        bad["iss"] = json!("https://evil.test");
        assert_eq!(check(bad, Some("n")).unwrap_err().claim, "iss");
        let mut bad = good.clone();
        bad["aud"] = json!("other");
        assert_eq!(check(bad, Some("n")).unwrap_err().claim, "aud");
        let mut bad = good.clone();
        bad["exp"] = json!(999);
        assert_eq!(check(bad, Some("n")).unwrap_err().claim, "exp");
        assert_eq!(check(good.clone(), Some("m")).unwrap_err().claim, "nonce");
        let mut bad = good.clone();
        bad["azp"] = json!("x");
        assert_eq!(check(bad, Some("n")).unwrap_err().claim, "azp");
        let mut fine = good.clone();
        fine["azp"] = json!("cid");
        assert_eq!(check(fine, Some("n")), Ok(()));
        // A refresh sent no nonce: any or none will do.
        assert_eq!(check(good.clone(), None), Ok(()));
    }

    #[test]
    fn an_unsigned_id_token_is_refused() {
        let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let claims = json!({"iss": "https://id.test", "aud": "cid", "exp": 2000});
        let expected = Expected {
            issuer: Some("https://id.test"),
            client_id: "cid",
            nonce: None,
            now: UnixTime::from_secs(1000.0).unwrap(),
        };
        for header in [json!({"alg": "none"}), json!({"alg": "NONE"}), json!({})] {
            let token = format!("{}.{}.", part(header), part(claims.clone()));
            assert_eq!(validate(&token, &expected).unwrap_err().claim, "alg");
        }
    }
}

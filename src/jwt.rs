//! JWT claims, decoded without verifying the signature: authctl holds no keys, and uses
//! the claims only to learn when a token ends and to show them (`inspect`).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};

use crate::time::UnixTime;

/// A decoded, unverified JWT.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

impl Decoded {
    /// The `exp` claim, integer or fractional (`1710223631.577478`).
    pub fn exp(&self) -> Option<UnixTime> {
        numeric_date(&self.claims, "exp")
    }

    pub fn iat(&self) -> Option<UnixTime> {
        numeric_date(&self.claims, "iat")
    }
}

/// A NumericDate claim; anything but a plausible time counts as absent.
fn numeric_date(claims: &Map<String, Value>, key: &str) -> Option<UnixTime> {
    UnixTime::from_secs(claims.get(key)?.as_f64()?)
}

fn segment(part: &str) -> Option<Map<String, Value>> {
    let trimmed = part.trim_end_matches('=');
    let bytes = URL_SAFE_NO_PAD
        .decode(trimmed)
        .or_else(|_| STANDARD_NO_PAD.decode(trimmed))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// `Some` when the token is a JWS compact JWT whose header and claims are JSON objects;
/// `None` for an opaque token.
pub fn decode(token: &str) -> Option<Decoded> {
    let mut parts = token.split('.');
    let (h, c, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(Decoded {
        header: segment(h)?,
        claims: segment(c)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_004: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiI5YjFlODJhNy0wYTU5LTRlN2UtYWRkNS1iOWZmYTM3YWFkZTEiLCJqdGkiOiI4MTc1NWE2YTdkYWYwMzgyZjBmMjcyM2EyY2M5NTFmODMwZjUzM2FmYjQ2Yjc1ZDliOWE0Y2VhN2QyMTVlZTk5MjZhOTMyNTk1NjdjYmY3OCIsImlhdCI6MTcxMDIyMDAzMS41ODMxMTIsIm5iZiI6MTcxMDIyMDAzMS41ODMxMTQsImV4cCI6MTcxMDIyMzYzMS41Nzc0NzgsInN1YiI6IiIsInNjb3BlcyI6WyJib29raW5nczpjcmVhdGUiLCJib29raW5nczpkZWxldGUiXSwidXNlcl9pZCI6Ijg0MjkwMmRiLTU0ZTUtNDYxNC1iMzQ4LTAwMmU4Y2U1ZGExMiIsInBhcnRuZXJfaWQiOiJmMzExMjBlZS1iNWNiLTQxYzQtOTUyOS0yODhkMDJlOTFjZDYiLCJpc190ZXN0IjpmYWxzZX0.Lk-68XAooy_B7hKuJwlNciIIlYjcL550iBVVUk6MW6dS36BCwCRJlSU7HuRjhTL1RSE0U4G3uM4bY4gdK0vdQESY2GuXUi8VkjpfV9WOUuwNBw8";

    #[test]
    fn decodes_the_seed_004_token_with_fractional_exp() {
        let d = decode(SEED_004).expect("a JWT");
        assert_eq!(d.header["alg"], "RS256");
        assert_eq!(d.exp().map(UnixTime::secs), Some(1710223631.577478));
        assert_eq!(d.iat().map(UnixTime::secs), Some(1710220031.583112));
        assert_eq!(d.claims["scopes"][0], "bookings:create");
    }

    #[test]
    fn integer_exp_is_read_too() {
        let claims = URL_SAFE_NO_PAD.encode(br#"{"exp":2000000000,"sub":"x"}"#);
        let token = format!("{}.{claims}.sig", URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#));
        assert_eq!(decode(&token).unwrap().exp().map(UnixTime::secs), Some(2_000_000_000.0));
    }

    #[test]
    fn opaque_tokens_are_not_jwts() {
        assert!(decode("CfDJ8EMw3GMoAG1Khpbl5wMJxvmsmeu553OU7").is_none());
        assert!(decode("a.b.c").is_none());
        assert!(decode("a.b.c.d").is_none());
    }
}

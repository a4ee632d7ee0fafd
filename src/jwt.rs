//! JWT claims, decoded without verifying the signature (authctl holds no keys), and the
//! check every token passes before it is printed or stored.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};

/// A decoded, unverified JWT.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

impl Decoded {
    /// The `exp` claim in Unix seconds, integer or fractional (`1710223631.577478`).
    pub fn exp(&self) -> Option<f64> {
        numeric_date(&self.claims, "exp")
    }

    pub fn iat(&self) -> Option<f64> {
        numeric_date(&self.claims, "iat")
    }
}

fn numeric_date(claims: &Map<String, Value>, key: &str) -> Option<f64> {
    claims.get(key)?.as_f64().filter(|v| v.is_finite() && *v > 0.0)
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

/// RFC 6750 `b64token`: letters, digits and `-._~+/`, with `=` padding. Nothing else —
/// no space, quote, CR or LF — can reach a header, a curl config or a shell line.
pub fn validate_token(token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err("the token is empty".into());
    }
    if token.len() > 64 * 1024 {
        return Err(format!("the token is {} bytes long (over 64 KiB)", token.len()));
    }
    let body = token.trim_end_matches('=');
    if body.is_empty() {
        return Err("the token is only padding".into());
    }
    if let Some((i, c)) = body
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '+' | '/')))
    {
        let what = match c {
            '\r' | '\n' => "a line break".to_string(),
            ' ' | '\t' => "white space".to_string(),
            c if c.is_control() => format!("control character U+{:04X}", c as u32),
            c => format!("the character {c:?}"),
        };
        return Err(format!(
            "the token contains {what} at byte {i}; a bearer token may hold only RFC 6750 characters"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_004: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiI5YjFlODJhNy0wYTU5LTRlN2UtYWRkNS1iOWZmYTM3YWFkZTEiLCJqdGkiOiI4MTc1NWE2YTdkYWYwMzgyZjBmMjcyM2EyY2M5NTFmODMwZjUzM2FmYjQ2Yjc1ZDliOWE0Y2VhN2QyMTVlZTk5MjZhOTMyNTk1NjdjYmY3OCIsImlhdCI6MTcxMDIyMDAzMS41ODMxMTIsIm5iZiI6MTcxMDIyMDAzMS41ODMxMTQsImV4cCI6MTcxMDIyMzYzMS41Nzc0NzgsInN1YiI6IiIsInNjb3BlcyI6WyJib29raW5nczpjcmVhdGUiLCJib29raW5nczpkZWxldGUiXSwidXNlcl9pZCI6Ijg0MjkwMmRiLTU0ZTUtNDYxNC1iMzQ4LTAwMmU4Y2U1ZGExMiIsInBhcnRuZXJfaWQiOiJmMzExMjBlZS1iNWNiLTQxYzQtOTUyOS0yODhkMDJlOTFjZDYiLCJpc190ZXN0IjpmYWxzZX0.Lk-68XAooy_B7hKuJwlNciIIlYjcL550iBVVUk6MW6dS36BCwCRJlSU7HuRjhTL1RSE0U4G3uM4bY4gdK0vdQESY2GuXUi8VkjpfV9WOUuwNBw8";

    #[test]
    fn decodes_the_seed_004_token_with_fractional_exp() {
        let d = decode(SEED_004).expect("a JWT");
        assert_eq!(d.header["alg"], "RS256");
        assert_eq!(d.exp(), Some(1710223631.577478));
        assert_eq!(d.iat(), Some(1710220031.583112));
        assert_eq!(d.claims["scopes"][0], "bookings:create");
    }

    #[test]
    fn integer_exp_is_read_too() {
        let claims = URL_SAFE_NO_PAD.encode(br#"{"exp":2000000000,"sub":"x"}"#);
        let token = format!("{}.{claims}.sig", URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#));
        assert_eq!(decode(&token).unwrap().exp(), Some(2_000_000_000.0));
    }

    #[test]
    fn opaque_tokens_are_not_jwts() {
        assert!(decode("CfDJ8EMw3GMoAG1Khpbl5wMJxvmsmeu553OU7").is_none());
        assert!(decode("a.b.c").is_none());
        assert!(decode("a.b.c.d").is_none());
    }

    #[test]
    fn token_validation_accepts_b64token_and_rejects_the_rest() {
        assert!(validate_token(SEED_004).is_ok());
        assert!(validate_token("abc+/~-_.XYZ==").is_ok());
        assert!(validate_token("abc\r\nX-Evil: 1").unwrap_err().contains("line break"));
        assert!(validate_token("two words").unwrap_err().contains("white space"));
        assert!(validate_token("quo\"te").is_err());
        assert!(validate_token("").is_err());
        assert!(validate_token("a=b").is_err());
    }
}

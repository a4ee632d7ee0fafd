//! Bearer token values. Every token authctl prints, caches or sends — whether it came
//! from a provider, the cache, a browser redirect or the keyring — first passes
//! `check_bearer`: RFC 6750 `b64token` characters only, so nothing can break out of a
//! header line, a curl config or a shell quote. `AccessToken` holds a checked token and
//! hides it from `Debug`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longer than any real token; a bound on what is copied into headers and files.
const MAX_LEN: usize = 64 * 1024;

/// Why a token cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsafeToken {
    #[error("the token is empty")]
    Empty,
    #[error("the token is {0} bytes long (over 64 KiB)")]
    TooLong(usize),
    #[error("the token is only padding")]
    OnlyPadding,
    #[error("the token contains {what} at byte {at}; a bearer token may hold only RFC 6750 characters")]
    Character { what: String, at: usize },
}

/// RFC 6750 `b64token`: letters, digits and `-._~+/`, with `=` padding at the end.
pub fn check_bearer(token: &str) -> Result<(), UnsafeToken> {
    if token.is_empty() {
        return Err(UnsafeToken::Empty);
    }
    if token.len() > MAX_LEN {
        return Err(UnsafeToken::TooLong(token.len()));
    }
    let body = token.trim_end_matches('=');
    if body.is_empty() {
        return Err(UnsafeToken::OnlyPadding);
    }
    match body
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '+' | '/')))
    {
        None => Ok(()),
        Some((at, c)) => Err(UnsafeToken::Character {
            what: match c {
                '\r' | '\n' => "a line break".to_string(),
                ' ' | '\t' => "white space".to_string(),
                c if c.is_control() => format!("control character U+{:04X}", c as u32),
                c => format!("the character {c:?}"),
            },
            at,
        }),
    }
}

/// RFC 6749 `VSCHAR` (printable ASCII, space included): what a refresh token may hold.
/// It only ever travels inside an encoded request body, never in a header.
pub fn check_refresh_token(token: &str) -> Result<(), UnsafeToken> {
    if token.is_empty() {
        return Err(UnsafeToken::Empty);
    }
    if token.len() > MAX_LEN {
        return Err(UnsafeToken::TooLong(token.len()));
    }
    match token.char_indices().find(|(_, c)| !(' '..='~').contains(c)) {
        None => Ok(()),
        Some((at, c)) => Err(UnsafeToken::Character {
            what: format!("U+{:04X}", c as u32),
            at,
        }),
    }
}

/// An access token that passed `check_bearer`. `Debug` hides the value; `as_str` is the
/// one way to it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccessToken(String);

impl AccessToken {
    pub fn parse(token: String) -> Result<AccessToken, UnsafeToken> {
        check_bearer(&token)?;
        Ok(AccessToken(token))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AccessToken {
    type Error = UnsafeToken;

    fn try_from(token: String) -> Result<Self, Self::Error> {
        AccessToken::parse(token)
    }
}

impl From<AccessToken> for String {
    fn from(t: AccessToken) -> String {
        t.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(redacted)")
    }
}

/// A `token_type` ("Bearer", "bearer"): letters only and short, so it is safe anywhere
/// it is printed. Checked again when a record is read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TokenType(String);

impl TokenType {
    pub fn bearer() -> TokenType {
        TokenType("Bearer".into())
    }

    /// What a provider sent, or "Bearer" when it sent nothing usable.
    pub fn from_answer(raw: Option<&str>) -> TokenType {
        raw.and_then(|t| TokenType::try_from(t.to_string()).ok())
            .unwrap_or_else(TokenType::bearer)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TokenType {
    type Error = String;

    fn try_from(t: String) -> Result<Self, Self::Error> {
        if !t.is_empty() && t.len() <= 32 && t.chars().all(|c| c.is_ascii_alphabetic()) {
            Ok(TokenType(t))
        } else {
            Err("a token_type is a short word of letters".into())
        }
    }
}

impl From<TokenType> for String {
    fn from(t: TokenType) -> String {
        t.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b64token_characters_pass_and_the_rest_do_not() {
        assert!(check_bearer("abc+/~-_.XYZ==").is_ok());
        let err = check_bearer("abc\r\nX-Evil: 1").unwrap_err().to_string();
        assert!(err.contains("line break"), "{err}");
        assert!(
            check_bearer("two words")
                .unwrap_err()
                .to_string()
                .contains("white space")
        );
        assert!(check_bearer("quo\"te").is_err());
        assert!(check_bearer("").is_err());
        assert!(check_bearer("a=b").is_err());
        assert!(check_bearer("===").is_err());
        assert!(check_bearer(&"a".repeat(MAX_LEN + 1)).is_err());
    }

    #[test]
    fn a_refresh_token_may_hold_any_printable_ascii() {
        assert!(check_refresh_token("a b+/=\"!~").is_ok());
        assert!(check_refresh_token("line\nbreak").is_err());
        assert!(check_refresh_token("").is_err());
    }

    #[test]
    fn an_access_token_never_shows_in_debug_and_is_checked_when_read() {
        let t = AccessToken::parse("secret.jwt.value".into()).unwrap();
        assert_eq!(format!("{t:?}"), "AccessToken(redacted)");
        assert!(serde_json::from_str::<AccessToken>("\"bad\\r\\ntoken\"").is_err());
    }

    #[test]
    fn token_type_is_a_short_word_or_bearer() {
        assert_eq!(TokenType::from_answer(Some("bearer")).as_str(), "bearer");
        assert_eq!(TokenType::from_answer(Some("Bearer\r\nX: 1")).as_str(), "Bearer");
        assert_eq!(TokenType::from_answer(None).as_str(), "Bearer");
        assert!(serde_json::from_str::<TokenType>("\"Bearer\\r\\nX\"").is_err());
    }
}

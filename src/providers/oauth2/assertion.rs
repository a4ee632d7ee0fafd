//! JWT assertions signed with the profile's key (RFC 7523): the client's authentication
//! (`private_key_jwt`, §2.2) and the `jwt_bearer` grant (§2.1). Issuer and subject are
//! the client ID, the audience the endpoint it goes to; it lives 60 seconds and carries
//! a unique `jti`, so a server that remembers them refuses a replay.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::json;

use super::key::{KeyProblem, SigningKey};
use crate::time::UnixTime;

/// How long an assertion is good for.
pub const LIFETIME_SECS: i64 = 60;

pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Who an assertion is from and for.
pub struct Claims<'a> {
    pub client_id: &'a str,
    pub audience: &'a str,
    pub key_id: Option<&'a str>,
    pub now: UnixTime,
}

/// The signed assertion, `header.claims.signature`.
pub fn sign(key: &SigningKey, claims: &Claims) -> Result<String, KeyProblem> {
    let mut header = json!({"alg": key.alg.name(), "typ": "JWT"});
    if let Some(kid) = claims.key_id {
        header["kid"] = json!(kid);
    }
    let iat = claims.now.secs().floor() as i64;
    let body = json!({
        "iss": claims.client_id,
        "sub": claims.client_id,
        "aud": claims.audience,
        "iat": iat,
        "exp": iat + LIFETIME_SECS,
        "jti": jti()?,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(body.to_string())
    );
    let signature = key.sign(signing_input.as_bytes())?;
    Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// 128 random bits, URL-safe.
fn jti() -> Result<String, KeyProblem> {
    let mut bytes = [0u8; 16];
    SystemRandom::new().fill(&mut bytes).map_err(|_| KeyProblem::Signing)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{self, EcdsaKeyPair, KeyPair};

    #[test]
    fn an_assertion_is_signed_by_the_key_and_says_who_for_whom_and_until_when() {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let public = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref(), &rng)
            .unwrap()
            .public_key()
            .as_ref()
            .to_vec();
        let b64 = base64::engine::general_purpose::STANDARD.encode(doc.as_ref());
        let key = SigningKey::parse(&format!("-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----"), None).unwrap();
        let claims = Claims {
            client_id: "cid",
            audience: "https://id.test/token",
            key_id: Some("k1"),
            now: UnixTime::from_secs(1_700_000_000.5).unwrap(),
        };
        let jwt = sign(&key, &claims).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        let decode = |s: &str| serde_json::from_slice::<serde_json::Value>(&URL_SAFE_NO_PAD.decode(s).unwrap()).unwrap();
        assert_eq!(decode(parts[0]), json!({"alg": "ES256", "typ": "JWT", "kid": "k1"}));
        let body = decode(parts[1]);
        assert_eq!((body["iss"].as_str(), body["sub"].as_str()), (Some("cid"), Some("cid")));
        assert_eq!(body["aud"], "https://id.test/token");
        assert_eq!((body["iat"].as_i64(), body["exp"].as_i64()), (Some(1_700_000_000), Some(1_700_000_060)));
        signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, public)
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &URL_SAFE_NO_PAD.decode(parts[2]).unwrap())
            .expect("the signature verifies");
        let again = decode(sign(&key, &claims).unwrap().split('.').nth(1).unwrap());
        assert_ne!(again["jti"], body["jti"], "each assertion has its own jti");
    }
}

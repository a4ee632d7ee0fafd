//! The profile's private key, for `private_key_jwt` and `jwt_bearer`: a PEM block read
//! from the profile's one secret — PKCS#8 (EC P-256, Ed25519, RSA) or PKCS#1 RSA — and
//! the JWS algorithm it signs with (RFC 7518): given by `signing_alg`, else the key's
//! own. Problems are described without a byte of the key.

use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};

use super::settings::SigningAlg;

/// Why the secret cannot sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyProblem {
    #[error("is not a PEM private key (no \"-----BEGIN PRIVATE KEY-----\" block)")]
    NotPem,
    #[error("is a PEM {0}, not a private key")]
    NotPrivate(String),
    #[error("is encrypted; give it decrypted (openssl pkcs8 -in KEY.pem -out PLAIN.pem)")]
    Encrypted,
    #[error("is an EC key in SEC1 form; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in KEY.pem)")]
    Sec1,
    #[error("is not a private key authctl can use (PKCS#8 EC P-256, Ed25519 or RSA, or PKCS#1 RSA)")]
    Unreadable,
    #[error("is {key} key, which cannot sign {alg} (set signing_alg to match the key)")]
    Mismatch { key: &'static str, alg: SigningAlg },
    #[error("could not sign the assertion")]
    Signing,
}

enum Pair {
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
    Rsa(RsaKeyPair),
}

/// A private key and the algorithm it signs with.
pub struct SigningKey {
    pair: Pair,
    pub alg: SigningAlg,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, redacted)", self.alg)
    }
}

impl SigningKey {
    /// Reads the PEM `text`; signs with `alg` when given, else the key's own algorithm.
    pub fn parse(text: &str, alg: Option<SigningAlg>) -> Result<SigningKey, KeyProblem> {
        let (label, der) = pem(text)?;
        let pair = match label.as_str() {
            "PRIVATE KEY" => pkcs8(&der)?,
            _ => Pair::Rsa(RsaKeyPair::from_der(&der).map_err(|_| KeyProblem::Unreadable)?),
        };
        let (key, fits): (&'static str, &[SigningAlg]) = match &pair {
            Pair::Ec(_) => ("an EC P-256", &[SigningAlg::Es256]),
            Pair::Ed(_) => ("an Ed25519", &[SigningAlg::EdDsa]),
            Pair::Rsa(_) => ("an RSA", &[SigningAlg::Rs256, SigningAlg::Ps256]),
        };
        let alg = alg.unwrap_or(fits[0]);
        if !fits.contains(&alg) {
            return Err(KeyProblem::Mismatch { key, alg });
        }
        Ok(SigningKey { pair, alg })
    }

    /// The JWS signature of `message` (for ES256 the fixed-width `r || s`).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyProblem> {
        let rng = SystemRandom::new();
        match &self.pair {
            Pair::Ec(pair) => pair
                .sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| KeyProblem::Signing),
            Pair::Ed(pair) => Ok(pair.sign(message).as_ref().to_vec()),
            Pair::Rsa(pair) => {
                let padding: &dyn signature::RsaEncoding = match self.alg {
                    SigningAlg::Ps256 => &signature::RSA_PSS_SHA256,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut out = vec![0; pair.public().modulus_len()];
                pair.sign(padding, &rng, message, &mut out)
                    .map_err(|_| KeyProblem::Signing)?;
                Ok(out)
            }
        }
    }
}

/// A PKCS#8 key of any kind ring signs with.
fn pkcs8(der: &[u8]) -> Result<Pair, KeyProblem> {
    let rng = SystemRandom::new();
    if let Ok(pair) = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, der, &rng) {
        return Ok(Pair::Ec(pair));
    }
    if let Ok(pair) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
        return Ok(Pair::Ed(pair));
    }
    RsaKeyPair::from_pkcs8(der)
        .map(Pair::Rsa)
        .map_err(|_| KeyProblem::Unreadable)
}

/// The label and bytes of the first PEM block of `text`. A key pasted into one line of
/// an environment variable with `\n` for its line breaks is read too.
fn pem(text: &str) -> Result<(String, zeroize::Zeroizing<Vec<u8>>), KeyProblem> {
    let unescaped;
    let text = match text.contains('\n') {
        true => text,
        false => {
            unescaped = zeroize::Zeroizing::new(text.replace("\\n", "\n"));
            unescaped.as_str()
        }
    };
    let start = text.find("-----BEGIN ").ok_or(KeyProblem::NotPem)?;
    let rest = &text[start + "-----BEGIN ".len()..];
    let label_end = rest.find("-----").ok_or(KeyProblem::NotPem)?;
    let label = rest[..label_end].to_string();
    match label.as_str() {
        "PRIVATE KEY" | "RSA PRIVATE KEY" => {}
        "ENCRYPTED PRIVATE KEY" => return Err(KeyProblem::Encrypted),
        "EC PRIVATE KEY" => return Err(KeyProblem::Sec1),
        _ => return Err(KeyProblem::NotPrivate(label)),
    }
    let body = &rest[label_end + 5..];
    let end = body.find(&format!("-----END {label}-----")).ok_or(KeyProblem::NotPem)?;
    let b64: zeroize::Zeroizing<String> = zeroize::Zeroizing::new(body[..end].split_whitespace().collect());
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| KeyProblem::Unreadable)?;
    Ok((label, zeroize::Zeroizing::new(der)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pem_of(label: &str, der: &[u8]) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
        format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
    }

    fn ec_pem() -> String {
        let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new()).unwrap();
        pem_of("PRIVATE KEY", doc.as_ref())
    }

    #[test]
    fn an_ec_key_signs_es256_by_default_and_nothing_else() {
        let key = SigningKey::parse(&ec_pem(), None).unwrap();
        assert_eq!(key.alg, SigningAlg::Es256);
        assert_eq!(key.sign(b"m").unwrap().len(), 64);
        let err = SigningKey::parse(&ec_pem(), Some(SigningAlg::Rs256)).unwrap_err();
        assert_eq!(err.to_string(), "is an EC P-256 key, which cannot sign RS256 (set signing_alg to match the key)");
    }

    #[test]
    fn an_ed25519_key_signs_eddsa() {
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let key = SigningKey::parse(&pem_of("PRIVATE KEY", doc.as_ref()), None).unwrap();
        assert_eq!(key.alg, SigningAlg::EdDsa);
    }

    #[test]
    fn a_key_on_one_line_with_escaped_breaks_is_read() {
        let one_line = ec_pem().replace('\n', "\\n");
        assert!(SigningKey::parse(&one_line, None).is_ok());
    }

    #[test]
    fn what_is_no_usable_private_key_is_named() {
        let cases = [
            ("hunter2", KeyProblem::NotPem),
            ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", KeyProblem::NotPrivate("PUBLIC KEY".into())),
            ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----", KeyProblem::Encrypted),
            ("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----", KeyProblem::Sec1),
            ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", KeyProblem::Unreadable),
        ];
        for (text, problem) in cases {
            assert_eq!(SigningKey::parse(text, None).unwrap_err(), problem, "{text}");
        }
    }
}

//! What the shared cache holds is sealed, under names that say nothing: both come from
//! the profile's secret and its settings fingerprint through HKDF-SHA-256 (the
//! fingerprint, with a version label, is the salt). One derived key seals values with
//! AES-256-GCM, a random 96-bit nonce per write, and the entry's name and kind as
//! associated data, so an entry moved to another name, or altered, does not open. The
//! other names entries: an HMAC of the kind ("token", "lock", …), so names reveal no
//! profile, client or provider, and machines with another secret or other settings use
//! other names: they never read or overwrite each other's entries.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};
use zeroize::Zeroizing;

use crate::providers::Fingerprint;
use crate::secret::Secret;

/// The layout of a sealed value: this byte, the nonce, the ciphertext and its tag.
const VERSION: u8 = 1;
const SALT_LABEL: &[u8] = b"authctl shared cache v1/";
/// Every name starts with it, so an operator can tell authctl's keys from others.
pub const PREFIX: &str = "authctl:";

/// The keys of one profile's entries under one set of settings.
pub struct Sealer {
    aead: LessSafeKey,
    names: hmac::Key,
}

impl Sealer {
    pub fn new(secret: &Secret, bound_to: &Fingerprint) -> Sealer {
        let salt = [SALT_LABEL, bound_to.as_str().as_bytes()].concat();
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &salt).extract(secret.expose().as_bytes());
        let aead = prk
            .expand(&[b"seal"], &AES_256_GCM)
            .expect("32 bytes is within HKDF-SHA-256's reach");
        let names = prk
            .expand(&[b"names"], hmac::HMAC_SHA256)
            .expect("32 bytes is within HKDF-SHA-256's reach");
        Sealer {
            aead: LessSafeKey::new(UnboundKey::from(aead)),
            names: hmac::Key::from(names),
        }
    }

    /// The Redis key of the entry of `kind`: `authctl:` and 32 hex digits.
    pub fn name(&self, kind: &str) -> String {
        let tag = hmac::sign(&self.names, kind.as_bytes());
        let hex: String = tag.as_ref()[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("{PREFIX}{hex}")
    }

    /// `plain` sealed for the entry of `kind`.
    pub fn seal(&self, kind: &str, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .expect("the system's random source works");
        let mut body = plain.to_vec();
        self.aead
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), self.aad(kind), &mut body)
            .expect("a token is far below AES-GCM's limit");
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + body.len());
        sealed.push(VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&body);
        sealed
    }

    /// The plain value of a sealed entry of `kind`, or `None` when it does not open: not
    /// sealed by this secret and settings, for this entry, or altered.
    pub fn open(&self, kind: &str, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let (&version, rest) = sealed.split_first()?;
        if version != VERSION || rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut body = Zeroizing::new(body.to_vec());
        let len = self.aead.open_in_place(nonce, self.aad(kind), &mut body).ok()?.len();
        body.truncate(len);
        Some(body)
    }

    /// What a sealed value is bound to besides the key: its name and its kind.
    fn aad(&self, kind: &str) -> Aad<Vec<u8>> {
        Aad::from(format!("{}/{kind}", self.name(kind)).into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Kind;

    fn fp(client: &str) -> Fingerprint {
        Fingerprint::of(Kind::Oauth2, &[("client_id", client.to_string())], None, None)
    }

    fn sealer(secret: &str, client: &str) -> Sealer {
        Sealer::new(&Secret::new(secret.into()), &fp(client))
    }

    #[test]
    fn a_sealed_value_opens_only_with_the_same_secret_settings_and_kind() {
        let s = sealer("s3cret", "cid");
        let sealed = s.seal("token", b"the-token");
        assert_eq!(
            s.open("token", &sealed).as_deref().map(Vec::as_slice),
            Some(&b"the-token"[..])
        );
        assert!(sealer("other", "cid").open("token", &sealed).is_none());
        assert!(sealer("s3cret", "cid2").open("token", &sealed).is_none());
        assert!(s.open("refresh_token", &sealed).is_none(), "moved to another entry");
        assert!(s.open("token", &sealed[..sealed.len() - 1]).is_none());
        assert!(s.open("token", b"").is_none());
    }

    #[test]
    fn every_byte_of_a_sealed_value_counts() {
        let s = sealer("s3cret", "cid");
        let sealed = s.seal("token", b"the-token");
        for i in 0..sealed.len() {
            let mut altered = sealed.clone();
            altered[i] ^= 0x01;
            assert!(s.open("token", &altered).is_none(), "byte {i}");
        }
    }

    #[test]
    fn two_seals_of_one_value_differ_and_hide_it() {
        let s = sealer("s3cret", "cid");
        let (a, b) = (s.seal("token", b"the-token"), s.seal("token", b"the-token"));
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.windows(9).any(|w| w == b"the-token"));
    }

    #[test]
    fn names_differ_by_kind_secret_and_settings_and_say_nothing() {
        let s = sealer("s3cret", "cid");
        let name = s.name("token");
        assert!(name.starts_with(PREFIX) && name.len() == PREFIX.len() + 32);
        assert_eq!(name, sealer("s3cret", "cid").name("token"), "every machine finds it");
        assert_ne!(name, s.name("lock"));
        assert_ne!(name, sealer("other", "cid").name("token"));
        assert_ne!(name, sealer("s3cret", "cid2").name("token"));
        assert!(!name.contains("cid") && !name.contains("token"));
    }
}

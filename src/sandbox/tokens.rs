//! The tokens the sandbox hands out and later checks: JWTs signed with a key that lives
//! only as long as the sandbox (so `/orders` and the MidwayPlus developer endpoints can
//! tell its own tokens from forged or stale ones without storing them), opaque refresh
//! tokens kept in a bounded table so that each is accepted once, and HTTP dates.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::Provider;

/// Unix seconds, with the fraction.
pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Mints JWTs and unguessable strings, and checks the JWTs it minted.
///
/// The signature is a keyed SipHash of `header.claims` under a random per-sandbox key:
/// no cryptography crate is needed, and nobody outside the process can produce one.
/// The header's `alg` is what the provider's tokens carry; nobody verifies it.
pub struct Minter {
    key: RandomState,
    serial: AtomicU64,
}

impl Minter {
    pub fn new() -> Minter {
        Minter {
            key: RandomState::new(),
            serial: AtomicU64::new(1),
        }
    }

    /// A compact JWS: base64url(header).base64url(claims).signature.
    pub fn jwt(&self, header: &Value, claims: &Value) -> String {
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.signature(&signing_input);
        format!("{signing_input}.{signature}")
    }

    /// The claims of a JWT this minter signed; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Map<String, Value>> {
        let (signing_input, signature) = token.rsplit_once('.')?;
        let (_, claims) = signing_input.split_once('.')?;
        if signature != self.signature(signing_input) {
            return None;
        }
        match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()? {
            Value::Object(claims) => Some(claims),
            _ => None,
        }
    }

    fn signature(&self, signing_input: &str) -> String {
        let mut mac = [0u8; 16];
        for (lane, out) in mac.chunks_mut(8).enumerate() {
            let mut hasher = self.key.build_hasher();
            hasher.write_usize(lane);
            hasher.write(signing_input.as_bytes());
            out.copy_from_slice(&hasher.finish().to_be_bytes());
        }
        URL_SAFE_NO_PAD.encode(mac)
    }

    /// A fresh, unguessable base64url string of `8 * words` bytes.
    pub fn opaque(&self, words: usize) -> String {
        let serial = self.serial.fetch_add(1, Ordering::Relaxed);
        let mut bytes = Vec::with_capacity(8 * words);
        for word in 0..words {
            let mut hasher = self.key.build_hasher();
            hasher.write(b"opaque");
            hasher.write_u64(serial);
            hasher.write_usize(word);
            bytes.extend_from_slice(&hasher.finish().to_be_bytes());
        }
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// A unique token ID for the `jti` claim.
    pub fn jti(&self) -> String {
        self.opaque(2)
    }
}

/// Refresh tokens still accepted. Redeeming one removes it: refresh tokens rotate.
#[derive(Default)]
pub struct RefreshTokens {
    live: HashMap<String, Entry>,
    issued: u64,
}

struct Entry {
    provider: Provider,
    user: &'static str,
    expires_at: f64,
    serial: u64,
}

/// Beyond this many live refresh tokens the oldest is forgotten, so a client that logs
/// in forever cannot grow the table without end.
const MAX_LIVE: usize = 4096;

impl RefreshTokens {
    pub fn insert(&mut self, token: String, provider: Provider, user: &'static str, expires_at: f64) {
        if self.live.len() >= MAX_LIVE
            && let Some(oldest) = self.live.iter().min_by_key(|(_, e)| e.serial).map(|(t, _)| t.clone())
        {
            self.live.remove(&oldest);
        }
        self.issued += 1;
        let entry = Entry {
            provider,
            user,
            expires_at,
            serial: self.issued,
        };
        self.live.insert(token, entry);
    }

    /// The user `token` was issued to, when it is a live refresh token of `provider`;
    /// it is used up either way it was found.
    pub fn redeem(&mut self, token: &str, provider: Provider) -> Option<&'static str> {
        let entry = self.live.get(token)?;
        if entry.provider != provider {
            return None;
        }
        let entry = self.live.remove(token)?;
        (entry.expires_at > now()).then_some(entry.user)
    }
}

/// An RFC 7231 IMF-fixdate, as `.issued` and `.expires` of MediRoutes:
/// `Tue, 09 Jun 2020 17:17:55 GMT`.
pub fn http_date(unix_seconds: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix_seconds.div_euclid(86_400);
    let second_of_day = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[(days + 4).rem_euclid(7) as usize];
    let month = MONTHS[(month - 1) as usize];
    let (hour, minute, second) = (second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
    format!("{weekday}, {day:02} {month} {year:04} {hour:02}:{minute:02}:{second:02} GMT")
}

/// (year, month 1–12, day 1–31) of a count of days since 1970-01-01, proleptic
/// Gregorian (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

//! The shared cache of a fleet (README "Many machines"): many machines that hold a
//! profile's secret share its tokens, its refresh token and its renewals through Redis.
//! Here: where it is (`Target`: `$AUTHCTL_SHARED_CACHE`, else `shared_cache`; the
//! password from `$AUTHCTL_SHARED_CACHE_PASSWORD` or the keyring), the few commands
//! authctl sends (`Store`, `Redis`: bounded connect and command timeouts, and given up for
//! the rest of the run at the first failure), and the sealing of what is kept there
//! (`seal`). Nothing here is reached on the cached path: the lifecycle comes here only
//! after the local cache has missed (`lifecycle::fleet`).

mod redis_store;
pub mod seal;

use std::time::Duration;

use crate::config::ConfigError;

pub use redis_store::Redis;

/// Where the shared cache is, over the config's `shared_cache`.
pub const URL_VAR: &str = "AUTHCTL_SHARED_CACHE";
/// The Redis password; else the keyring's entry (service `authctl`, user `KEYRING_USER`).
pub use crate::secret::SHARED_CACHE_PASSWORD_VAR as PASSWORD_VAR;
pub const KEYRING_USER: &str = "shared-cache";

/// What the lifecycle needs of the shared cache: a few commands that never fail loudly.
/// An answer of `None` (or `false`) means "absent or unavailable": the lifecycle then
/// does what it does without one.
pub trait Store {
    /// Whether a shared cache is configured; no connection is made to answer. `Err`:
    /// `$AUTHCTL_SHARED_CACHE` is no shared cache URL.
    fn configured(&self) -> Result<bool, ConfigError>;
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    /// Sets `key` to `value` for `ttl`.
    fn set(&self, key: &str, value: &[u8], ttl: Duration) -> bool;
    /// Sets `key` only if it is absent (a lock with a lease): `Some(true)` when this call
    /// set it, `Some(false)` when it was there, `None` when the store did not answer.
    fn set_absent(&self, key: &str, value: &[u8], ttl: Duration) -> Option<bool>;
    fn delete(&self, key: &str);
    /// Deletes `key` only while it holds `value` (a lock released only by its owner).
    fn delete_if(&self, key: &str, value: &[u8]);
}

/// No shared cache: `--no-cache`, the demo, tests.
pub struct Unshared;

impl Store for Unshared {
    fn configured(&self) -> Result<bool, ConfigError> {
        Ok(false)
    }
    fn get(&self, _: &str) -> Option<Vec<u8>> {
        None
    }
    fn set(&self, _: &str, _: &[u8], _: Duration) -> bool {
        false
    }
    fn set_absent(&self, _: &str, _: &[u8], _: Duration) -> Option<bool> {
        None
    }
    fn delete(&self, _: &str) {}
    fn delete_if(&self, _: &str, _: &[u8]) {}
}

/// Checks a shared cache URL: `redis://HOST[:PORT][/DB]` or `rediss://…`, no password in
/// it (it would sit in a file or a process's environment for all to copy).
pub fn check_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL ({e}); expected redis://HOST:PORT/DB"))?;
    if !matches!(url.scheme(), "redis" | "rediss") {
        return Err(format!(
            "unsupported scheme {}:// (expected redis:// or rediss://)",
            url.scheme()
        ));
    }
    if url.password().is_some() {
        return Err(format!(
            "the URL holds a password (user:password@host); give it in ${PASSWORD_VAR} or the keyring \
             (service authctl, user {KEYRING_USER}), never in the config"
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL names no host (expected redis://HOST:PORT/DB)".into());
    }
    let db = url.path().trim_start_matches('/');
    if !db.is_empty() && db.parse::<u16>().is_err() {
        return Err(format!("`{db}` is no database number (expected redis://HOST:PORT/DB)"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("the URL may not carry a query or a fragment (expected redis://HOST:PORT/DB)".into());
    }
    Ok(url)
}

/// The shared cache of a run: `$AUTHCTL_SHARED_CACHE` when set and not empty, else the
/// profile's `shared_cache` (already checked with the config). `Err` names what is wrong
/// with the variable.
pub fn target(configured: Option<&str>) -> Result<Option<url::Url>, String> {
    match std::env::var(URL_VAR) {
        Ok(v) if !v.is_empty() => check_url(&v).map(Some),
        _ => configured.map(check_url).transpose(),
    }
}

/// Whether the shared cache a profile would use answers, for `status` and `doctor`:
/// `None` when there is none; else where it is, and why it cannot be used, if it cannot.
pub fn probe(configured: Option<&str>) -> Result<Option<(String, Option<String>)>, ConfigError> {
    let redis = Redis::new(configured.map(str::to_string));
    Ok(redis.shown()?.map(|url| (url, redis.problem())))
}

/// The URL as messages show it: scheme, host, port and database, nothing else.
pub fn shown(url: &url::Url) -> String {
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!(
        "{}://{}{port}{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.path()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_cache_url_is_redis_with_no_password_in_it() {
        assert!(check_url("redis://127.0.0.1:6379/0").is_ok());
        assert!(check_url("rediss://cache.internal:6380").is_ok());
        assert!(
            check_url("redis://fleet@cache.internal/2").is_ok(),
            "a user name is no secret"
        );
        let pw = check_url("redis://:hunter2@cache.internal/0").unwrap_err();
        assert!(pw.contains(PASSWORD_VAR) && !pw.contains("hunter2"), "{pw}");
        assert!(check_url("https://cache.internal").unwrap_err().contains("redis://"));
        assert!(
            check_url("redis://cache.internal/zero")
                .unwrap_err()
                .contains("database")
        );
        assert!(check_url("redis://cache.internal/0?protocol=resp3").is_err());
    }

    #[test]
    fn a_url_is_shown_without_its_user() {
        let url = check_url("redis://fleet@cache.internal:6379/3").unwrap();
        assert_eq!(shown(&url), "redis://cache.internal:6379/3");
    }
}

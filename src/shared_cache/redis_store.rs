//! The Redis connection: made at the first command, with the password from
//! `$AUTHCTL_SHARED_CACHE_PASSWORD` or the keyring, connect and command timeouts well
//! under a second, and given up for the rest of the run at the first failure (said at
//! `-v`): a slow or absent Redis costs a run one timeout at most.

use std::cell::{Cell, OnceCell, RefCell};
use std::time::Duration;

use redis::{Connection, IntoConnectionInfo, RedisResult};
use zeroize::Zeroizing;

use super::{KEYRING_USER, PASSWORD_VAR, Store, shown};
use crate::config::ConfigError;
use crate::debug;

/// Connecting, TLS and `AUTH` included.
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// Each command, once connected.
pub const COMMAND_TIMEOUT: Duration = Duration::from_millis(400);

/// Deletes the key only while it holds the owner's value: a lease released by whoever
/// took it, never by a process whose lease has run out and passed to another.
const DELETE_IF: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/// The shared cache of a run, if one is configured (see `super::target`).
pub struct Redis {
    /// The profile's `shared_cache`, already checked with the config.
    configured: Option<String>,
    /// Where it is, worked out at the first use: the cached path never comes here.
    url: OnceCell<Result<Option<url::Url>, String>>,
    conn: RefCell<Option<Connection>>,
    /// Set at the first failure: no more commands this run.
    down: Cell<bool>,
    password: OnceCell<Option<Zeroizing<String>>>,
}

impl Redis {
    pub fn new(configured: Option<String>) -> Redis {
        Redis {
            configured,
            url: OnceCell::new(),
            conn: RefCell::new(None),
            down: Cell::new(false),
            password: OnceCell::new(),
        }
    }

    fn url(&self) -> Option<&url::Url> {
        let url = self.url.get_or_init(|| super::target(self.configured.as_deref()));
        url.as_ref().ok()?.as_ref()
    }

    /// Where the shared cache is, as messages show it; `Err` says what is wrong with
    /// `$AUTHCTL_SHARED_CACHE`.
    pub fn shown(&self) -> Result<Option<String>, ConfigError> {
        self.configured()?;
        Ok(self.url().map(shown))
    }

    /// `None` when reachable and answering; otherwise why not, for `status` and `doctor`.
    pub fn problem(&self) -> Option<String> {
        let url = self.url()?;
        match self
            .connect(url)
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
        {
            Ok(_) => None,
            Err(e) => Some(describe(&e)),
        }
    }

    /// Runs `command` on the connection, connecting first if need be; `None` once
    /// anything has failed.
    fn run<T>(&self, what: &str, command: impl FnOnce(&mut Connection) -> RedisResult<T>) -> Option<T> {
        let url = self.url()?;
        if self.down.get() {
            return None;
        }
        let mut conn = self.conn.borrow_mut();
        if conn.is_none() {
            match self.connect(url) {
                Ok(c) => *conn = Some(c),
                Err(e) => return self.give_up(url, "cannot use", &e),
            }
        }
        match command(conn.as_mut()?) {
            Ok(value) => Some(value),
            Err(e) => {
                *conn = None;
                self.give_up(url, what, &e)
            }
        }
    }

    fn give_up<T>(&self, url: &url::Url, what: &str, e: &redis::RedisError) -> Option<T> {
        self.down.set(true);
        debug!(
            1,
            "warning: {what} the shared cache {}: {}; going on without it",
            shown(url),
            describe(e)
        );
        None
    }

    fn connect(&self, url: &url::Url) -> RedisResult<Connection> {
        let mut info = url.clone().into_connection_info()?;
        let mut settings = info.redis_settings().clone().set_skip_set_lib_name();
        if let Some(password) = self.password.get_or_init(password) {
            settings = settings.set_password(password.as_str());
        }
        info = info.set_redis_settings(settings);
        let conn = redis::Client::open(info)?.get_connection_with_timeout(CONNECT_TIMEOUT)?;
        conn.set_read_timeout(Some(COMMAND_TIMEOUT))?;
        conn.set_write_timeout(Some(COMMAND_TIMEOUT))?;
        Ok(conn)
    }
}

/// `$AUTHCTL_SHARED_CACHE_PASSWORD`, else the keyring's, else none.
fn password() -> Option<Zeroizing<String>> {
    if let Some(v) = std::env::var(PASSWORD_VAR).ok().filter(|v| !v.is_empty()) {
        return Some(Zeroizing::new(v));
    }
    match crate::keyring::get(KEYRING_USER) {
        Ok(found) => found,
        Err(e) => {
            debug!(2, "no shared cache password in the keyring: {}", crate::log::chain(&e));
            None
        }
    }
}

/// A Redis error on one line; a server's own words never hold the password.
fn describe(e: &redis::RedisError) -> String {
    crate::log::one_line(&e.to_string(), 200)
}

impl Store for Redis {
    fn configured(&self) -> Result<bool, ConfigError> {
        match self.url.get_or_init(|| super::target(self.configured.as_deref())) {
            Ok(url) => Ok(url.is_some()),
            Err(problem) => Err(ConfigError::Environment {
                var: super::URL_VAR,
                problem: problem.clone(),
            }),
        }
    }

    fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.run("cannot read", |c| {
            redis::cmd("GET").arg(key).query::<Option<Vec<u8>>>(c)
        })?
    }

    fn set(&self, key: &str, value: &[u8], ttl: Duration) -> bool {
        self.run("cannot write", |c| {
            redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("PX")
                .arg(millis(ttl))
                .query::<()>(c)
        })
        .is_some()
    }

    fn set_absent(&self, key: &str, value: &[u8], ttl: Duration) -> Option<bool> {
        self.run("cannot lock", |c| {
            redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query::<Option<String>>(c)
        })
        .map(|set| set.is_some())
    }

    fn delete(&self, key: &str) {
        self.run("cannot delete in", |c| redis::cmd("DEL").arg(key).query::<()>(c));
    }

    fn delete_if(&self, key: &str, value: &[u8]) {
        self.run("cannot unlock", |c| {
            redis::cmd("EVAL")
                .arg(DELETE_IF)
                .arg(1)
                .arg(key)
                .arg(value)
                .query::<()>(c)
        });
    }
}

/// A TTL in milliseconds, at least 1 (Redis refuses 0).
fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

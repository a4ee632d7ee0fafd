//! The Redis connection: made at the first command, with the password from
//! `$AUTHCTL_SHARED_CACHE_PASSWORD` or the keyring, and given up for the rest of the run
//! at the first failure (said at `-v`). The connection lives on a thread of its own and
//! each command is waited for at most `COMMAND_TIMEOUT` (the first one `CONNECT_TIMEOUT`
//! more) by the clock, not per read: a Redis that answers a byte at a time costs a run
//! one timeout at most, like an absent one.

use std::cell::{Cell, OnceCell, RefCell};
use std::sync::mpsc;
use std::time::Duration;

use redis::{Connection, ConnectionInfo, IntoConnectionInfo, RedisResult};
use zeroize::Zeroizing;

use super::{KEYRING_USER, PASSWORD_VAR, Store, shown};
use crate::config::ConfigError;
use crate::debug;

/// Connecting, TLS and `AUTH` included.
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// Each command, once connected.
pub const COMMAND_TIMEOUT: Duration = Duration::from_millis(400);
/// The largest entry read: a sealed token, refresh token or failure is a few hundred
/// bytes; a larger value is no entry of authctl's and is not fetched.
pub const MAX_VALUE: usize = 64 * 1024;

/// Deletes the key only while it holds the owner's value: a lease released by whoever
/// took it, never by a process whose lease has run out and passed to another.
const DELETE_IF: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
/// The value of a key, unless it is larger than `ARGV[1]` bytes (then nil).
const GET_CAPPED: &str =
    "if redis.call('STRLEN', KEYS[1]) > tonumber(ARGV[1]) then return false end return redis.call('GET', KEYS[1])";

/// A command for the connection's thread; it sends its own answer back.
type Job = Box<dyn FnOnce(&mut Option<Connection>) + Send>;

/// The shared cache of a run, if one is configured (see `super::target`).
pub struct Redis {
    /// The profile's `shared_cache`, already checked with the config.
    configured: Option<String>,
    /// Where it is, worked out at the first use: the cached path never comes here.
    url: OnceCell<Result<Option<url::Url>, String>>,
    /// The connection's thread, started at the first command.
    jobs: RefCell<Option<mpsc::Sender<Job>>>,
    connected: Cell<bool>,
    /// Set at the first failure: no more commands this run.
    down: Cell<bool>,
    password: OnceCell<Option<Zeroizing<String>>>,
}

impl Redis {
    pub fn new(configured: Option<String>) -> Redis {
        Redis {
            configured,
            url: OnceCell::new(),
            jobs: RefCell::new(None),
            connected: Cell::new(false),
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
        self.exec(url, |c| redis::cmd("PING").query::<String>(c)).err()
    }

    /// Runs `command` on the connection, connecting first if need be; `None` once
    /// anything has failed or taken too long.
    fn run<T: Send + 'static>(
        &self,
        what: &str,
        command: impl FnOnce(&mut Connection) -> RedisResult<T> + Send + 'static,
    ) -> Option<T> {
        let url = self.url()?;
        if self.down.get() {
            return None;
        }
        // The first command connects too: a failure then may be the connection's.
        let what = if self.connected.get() { what } else { "cannot use" };
        match self.exec(url, command) {
            Ok(value) => Some(value),
            Err(why) => {
                self.down.set(true);
                debug!(
                    1,
                    "warning: {what} the shared cache {}: {why}; going on without it",
                    shown(url)
                );
                None
            }
        }
    }

    /// Sends `command` to the connection's thread and waits for it by the clock.
    fn exec<T: Send + 'static>(
        &self,
        url: &url::Url,
        command: impl FnOnce(&mut Connection) -> RedisResult<T> + Send + 'static,
    ) -> Result<T, String> {
        let info = match self.connected.get() {
            true => None,
            false => Some(self.info(url).map_err(|e| describe(&e))?),
        };
        let (answer, answered) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |conn: &mut Option<Connection>| {
            let result = connected(conn, info).and_then(command).map_err(|e| {
                *conn = None;
                describe(&e)
            });
            let _ = answer.send(result);
        });
        let wait = match self.connected.get() {
            true => COMMAND_TIMEOUT,
            false => CONNECT_TIMEOUT + COMMAND_TIMEOUT,
        };
        self.worker()
            .send(job)
            .map_err(|_| "its connection ended".to_string())?;
        let result = answered
            .recv_timeout(wait)
            .map_err(|_| format!("no answer within {} ms", wait.as_millis()))?;
        self.connected.set(result.is_ok());
        result
    }

    /// The connection's thread: it owns the connection and runs the jobs in order. One
    /// left waiting on a Redis that stopped answering is abandoned with the run.
    fn worker(&self) -> mpsc::Sender<Job> {
        let mut jobs = self.jobs.borrow_mut();
        jobs.get_or_insert_with(|| {
            let (send, receive) = mpsc::channel::<Job>();
            std::thread::spawn(move || {
                let mut conn = None;
                for job in receive {
                    job(&mut conn);
                }
            });
            send
        })
        .clone()
    }

    /// How to connect: the URL with the password, which the redaction now knows.
    fn info(&self, url: &url::Url) -> RedisResult<ConnectionInfo> {
        let info = url.clone().into_connection_info()?;
        let mut settings = info.redis_settings().clone().set_skip_set_lib_name();
        if let Some(password) = self.password.get_or_init(password) {
            crate::redact::register(password);
            settings = settings.set_password(password.as_str());
        }
        Ok(info.set_redis_settings(settings))
    }
}

/// The thread's connection, made from `info` when there is none yet.
fn connected(conn: &mut Option<Connection>, info: Option<ConnectionInfo>) -> RedisResult<&mut Connection> {
    if conn.is_none() {
        let Some(info) = info else {
            return Err(std::io::Error::other("the connection was lost").into());
        };
        let c = redis::Client::open(info)?.get_connection_with_timeout(CONNECT_TIMEOUT)?;
        c.set_read_timeout(Some(COMMAND_TIMEOUT))?;
        c.set_write_timeout(Some(COMMAND_TIMEOUT))?;
        *conn = Some(c);
    }
    Ok(conn.as_mut().expect("connected above"))
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

/// A Redis error on one line, with the password scrubbed should a server repeat it.
fn describe(e: &redis::RedisError) -> String {
    crate::log::one_line(&crate::redact::scrub(&e.to_string()), 200)
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
        let key = key.to_string();
        self.run("cannot read", move |c| {
            redis::cmd("EVAL")
                .arg(GET_CAPPED)
                .arg(1)
                .arg(key)
                .arg(MAX_VALUE)
                .query::<Option<Vec<u8>>>(c)
        })?
    }

    fn set(&self, key: &str, value: &[u8], ttl: Duration) -> bool {
        let (key, value) = (key.to_string(), value.to_vec());
        self.run("cannot write", move |c| {
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
        let (key, value) = (key.to_string(), value.to_vec());
        self.run("cannot lock", move |c| {
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
        let key = key.to_string();
        self.run("cannot delete in", move |c| redis::cmd("DEL").arg(key).query::<()>(c));
    }

    fn delete_if(&self, key: &str, value: &[u8]) {
        let (key, value) = (key.to_string(), value.to_vec());
        self.run("cannot unlock", move |c| {
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

//! A real `redis-server` for the shared cache's tests: on a free loopback port, with a
//! password, keeping nothing on disk, killed when the test ends. Missing, the tests that
//! need it are skipped, except under CI, where they fail.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    pub password: String,
    _dir: tempfile::TempDir,
}

impl RedisServer {
    /// A server with a password of its own; `None` (the test skips) when `redis-server`
    /// is not installed and this is not CI.
    pub fn start() -> Option<RedisServer> {
        let installed = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !super::skip_unless(installed, "redis-server (apt-get install redis-server)") {
            return None;
        }
        let password = format!("fleet-pw-{}", std::process::id());
        // Another test may take the free port before this server binds it: try again.
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let port = free_port();
            let mut server = RedisServer {
                child: Some(spawn(port, &password, dir.path())),
                port,
                password: password.clone(),
                _dir: dir,
            };
            if server.ready() {
                return Some(server);
            }
        }
        panic!("redis-server did not start");
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// A connection of the test's own, authenticated.
    pub fn conn(&self) -> redis::Connection {
        let url = format!("redis://:{}@127.0.0.1:{}/0", self.password, self.port);
        redis::Client::open(url).unwrap().get_connection().unwrap()
    }

    /// Every key, and its value.
    pub fn entries(&self) -> Vec<(String, Vec<u8>)> {
        let mut conn = self.conn();
        let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).unwrap();
        keys.into_iter()
            .map(|k| {
                let v: Vec<u8> = redis::cmd("GET").arg(&k).query(&mut conn).unwrap_or_default();
                (k, v)
            })
            .collect()
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Answers `PING` within a few seconds of starting, or has died (the port was taken).
    fn ready(&mut self) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.as_mut().unwrap().try_wait() {
                self.child = None;
                return false;
            }
            let pong = redis::Client::open(format!("redis://:{}@127.0.0.1:{}/0", self.password, self.port))
                .and_then(|c| c.get_connection_with_timeout(Duration::from_millis(200)))
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
            if pong.is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn spawn(port: u16, password: &str, dir: &Path) -> Child {
    Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--requirepass",
            password,
        ])
        .args(["--save", "", "--appendonly", "no", "--protected-mode", "yes"])
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server starts")
}

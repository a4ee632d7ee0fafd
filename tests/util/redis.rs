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
    /// With TLS only (`start_tls`): the root that signed its certificate.
    pub root: Option<std::path::PathBuf>,
    _dir: tempfile::TempDir,
}

impl RedisServer {
    /// A server with a password of its own; `None` (the test skips) when `redis-server`
    /// is not installed and this is not CI.
    pub fn start() -> Option<RedisServer> {
        RedisServer::start_with(false)
    }

    /// A server that speaks only TLS, for `localhost`, with a certificate signed by a
    /// private root made with the openssl CLI (`root`).
    pub fn start_tls() -> Option<RedisServer> {
        RedisServer::start_with(true)
    }

    fn start_with(tls: bool) -> Option<RedisServer> {
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
            let root = tls.then(|| certificates(dir.path()));
            let mut server = RedisServer {
                child: Some(spawn(port, &password, dir.path(), tls)),
                port,
                password: password.clone(),
                root,
                _dir: dir,
            };
            if server.ready() {
                return Some(server);
            }
        }
        panic!("redis-server did not start");
    }

    pub fn url(&self) -> String {
        match self.root {
            None => format!("redis://127.0.0.1:{}/0", self.port),
            Some(_) => format!("rediss://localhost:{}/0", self.port),
        }
    }

    fn client(&self) -> redis::RedisResult<redis::Client> {
        match &self.root {
            None => redis::Client::open(format!("redis://:{}@127.0.0.1:{}/0", self.password, self.port)),
            Some(root) => redis::Client::build_with_tls(
                format!("rediss://:{}@localhost:{}/0", self.password, self.port),
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(std::fs::read(root).unwrap()),
                },
            ),
        }
    }

    /// A connection of the test's own, authenticated.
    pub fn conn(&self) -> redis::Connection {
        self.client().unwrap().get_connection().unwrap()
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
            let pong = self
                .client()
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

fn spawn(port: u16, password: &str, dir: &Path, tls: bool) -> Child {
    let mut cmd = Command::new("redis-server");
    match tls {
        false => cmd.args(["--port", &port.to_string()]),
        true => cmd
            .args([
                "--port",
                "0",
                "--tls-port",
                &port.to_string(),
                "--tls-auth-clients",
                "no",
            ])
            .arg("--tls-cert-file")
            .arg(dir.join("leaf.pem"))
            .arg("--tls-key-file")
            .arg(dir.join("leaf.key"))
            .arg("--tls-ca-cert-file")
            .arg(dir.join("root.pem")),
    };
    cmd.args(["--bind", "127.0.0.1 -::1", "--requirepass", password])
        .args(["--save", "", "--appendonly", "no", "--protected-mode", "yes"])
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server starts")
}

/// A private root and a leaf for `localhost` it signs, in `dir`; returns the root's path.
fn certificates(dir: &Path) -> std::path::PathBuf {
    let openssl = |args: &str| {
        let out = Command::new("openssl")
            .current_dir(dir)
            .args(args.split(' '))
            .output()
            .expect("the openssl CLI is installed");
        assert!(
            out.status.success(),
            "openssl {args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let key = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    openssl(&format!(
        "req -x509 {key} -keyout root.key -out root.pem -days 2 -subj /CN=authctl-test-root"
    ));
    openssl(&format!("req {key} -keyout leaf.key -out leaf.csr -subj /CN=localhost"));
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        "x509 -req -in leaf.csr -CA root.pem -CAkey root.key -CAcreateserial -out leaf.pem -days 1 -extfile ext.cnf",
    );
    dir.join("root.pem")
}

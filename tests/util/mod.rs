//! Every test gets its own temporary home: config, cache, HOME and XDG dirs all point
//! inside it, and no D-Bus session is reachable unless a test asks for the real one, so a
//! developer's own files and keyring never leak in.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use assert_cmd::Command;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tempfile::TempDir;

mod providers;
mod redis;
mod terminal;
pub use providers::*;
pub use redis::RedisServer;
pub use terminal::OnTerminal;

pub struct TestEnv {
    pub dir: TempDir,
}

impl TestEnv {
    pub fn new(config: &str) -> TestEnv {
        let env = TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        std::fs::write(env.config_path(), config).unwrap();
        env
    }

    /// No config file at all.
    pub fn empty() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// The profile as this home's config has it now.
    pub fn profile(&self, profile: &str) -> authctl::config::Profile {
        let config = authctl::config::Config::load(Some(&self.config_path())).unwrap();
        config.profile(profile).unwrap()
    }

    /// The record file of `profile` (or `PROFILE@INSTALLATION`) under its present settings.
    pub fn cache_file(&self, profile: &str) -> PathBuf {
        let (name, installation) = match profile.split_once('@') {
            Some((name, installation)) => (name, Some(installation)),
            None => (profile, None),
        };
        let slot = authctl::cache::Slot::of(&self.profile(name), installation);
        authctl::cache::Cache::at(self.cache_dir()).path(&slot)
    }

    /// The name of `cache_file(profile)`, for `write_private`.
    pub fn record_name(&self, profile: &str) -> String {
        self.cache_file(profile)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    pub fn cache_json(&self, profile: &str) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.cache_file(profile)).expect("cache file")).unwrap()
    }

    /// The file a refresh or developer token of `profile` is kept in without a keyring.
    pub fn credential_file(&self, profile: &str) -> PathBuf {
        let name = format!("{profile}={}+credential.json", self.fingerprint(profile));
        self.cache_dir().join(name)
    }

    /// The long-lived credential (refresh or developer token) kept in the profile's 0600
    /// credential file, as authctl keeps it when no keyring is reachable.
    pub fn stored_credential(&self, profile: &str) -> Option<String> {
        let file = self.credential_file(profile);
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(file).ok()?).unwrap();
        Some(v["value"].as_str().expect("a credential value").to_string())
    }

    /// Writes a cache file as authctl would: 0600 in a 0700 directory.
    pub fn write_private(&self, name: &str, content: &str) {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        let _ = std::fs::DirBuilder::new().mode(0o700).create(self.cache_dir());
        let path = self.cache_dir().join(name);
        let _ = std::fs::remove_file(&path);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .unwrap();
        std::io::Write::write_all(&mut f, content.as_bytes()).unwrap();
    }

    /// The fingerprint of `profile`'s settings in this home's config, as authctl binds
    /// its tokens (a credential with no installation) to them.
    pub fn fingerprint(&self, profile: &str) -> String {
        let slot = authctl::cache::Slot::of(&self.profile(profile), None);
        slot.bound_to.as_str().to_string()
    }

    /// The fingerprint versions before `ca_file` joined it gave the same settings.
    pub fn legacy_fingerprint(&self, profile: &str) -> String {
        let slot = authctl::cache::Slot::of(&self.profile(profile), None);
        slot.legacy.as_str().to_string()
    }

    fn seed_credential(&self, profile: &str, provider: &str, kind: &str, value: &str) {
        let v = serde_json::json!({"format": 2, "provider": provider, "kind": kind,
            "bound_to": self.fingerprint(profile), "value": value});
        let file = self.credential_file(profile);
        self.write_private(&file.file_name().unwrap().to_string_lossy(), &v.to_string());
    }

    /// Writes a cache record for `profile` that expired a few minutes ago, with its refresh
    /// token kept in the credential file, as authctl leaves it when no keyring is reachable.
    pub fn seed_expired(&self, profile: &str, provider: &str, refresh_token: &str) {
        self.seed_credential(profile, provider, "refresh_token", refresh_token);
        let record = serde_json::json!({"format": 2, "provider": provider, "bound_to": self.fingerprint(profile),
            "access_token": "old", "token_type": "Bearer",
            "obtained_at": now() - 4000.0, "expires_at": now() - 400.0, "refreshable": true});
        self.write_private(&self.record_name(profile), &record.to_string());
    }

    /// A MidwayPlus developer token kept in the cache, as `midway login` leaves it without
    /// a keyring.
    pub fn seed_developer_token(&self, profile: &str, token: &str) {
        self.seed_credential(profile, "midway", "developer_token", token);
    }

    /// The binary with a clean, private environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        isolate(&mut c, self.dir.path());
        c.env("AUTHCTL_CONFIG", self.config_path());
        c
    }

    /// Like `cmd`, but reaching the real session bus (and so the Secret Service) when the
    /// test run has one.
    pub fn cmd_with_keyring(&self) -> Command {
        let mut c = self.cmd();
        for var in ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"] {
            match std::env::var_os(var) {
                Some(v) => c.env(var, v),
                None => c.env_remove(var),
            };
        }
        c
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_authctl"))
}

/// The environment every test process gets: private dirs, no proxies, no session bus.
fn private_env(home: &Path) -> Vec<(String, std::ffi::OsString)> {
    vec![
        ("HOME".into(), home.into()),
        ("XDG_CONFIG_HOME".into(), home.join("xdg-config").into()),
        ("XDG_CACHE_HOME".into(), home.join("xdg-cache").into()),
        ("XDG_RUNTIME_DIR".into(), home.join("no-runtime").into()),
        (
            "DBUS_SESSION_BUS_ADDRESS".into(),
            format!("unix:path={}", home.join("no-bus").display()).into(),
        ),
        ("AUTHCTL_CACHE_DIR".into(), home.join("cache").into()),
        ("NO_COLOR".into(), "1".into()),
        ("TZ".into(), "UTC".into()),
    ]
}

/// Variables of the developer's own environment that must not reach the binary.
fn leaky_vars() -> Vec<String> {
    std::env::vars_os()
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .filter(|k| k.starts_with("AUTHCTL_") || k.to_ascii_lowercase().ends_with("_proxy"))
        .collect()
}

pub fn isolate(c: &mut Command, home: &Path) {
    for k in leaky_vars() {
        c.env_remove(k);
    }
    // No browser may pop up from a test.
    c.env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("BROWSER");
    c.envs(private_env(home));
}

/// A plain `std::process::Command` with the same isolation, for tests that spawn many
/// processes at once.
pub fn std_cmd(env: &TestEnv) -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    for k in leaky_vars() {
        c.env_remove(k);
    }
    c.env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("BROWSER");
    c.envs(private_env(env.dir.path()))
        .env("AUTHCTL_CONFIG", env.config_path());
    c
}

/// An unsigned-looking JWT with the given claims (authctl never verifies signatures).
pub fn jwt(claims: serde_json::Value) -> String {
    let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let c = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{h}.{c}.c2lnbmF0dXJl")
}

pub fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// A JWT that expires `secs` from now.
pub fn jwt_expiring_in(secs: i64) -> String {
    jwt(serde_json::json!({"sub": "test", "iat": now() as i64, "exp": now() as i64 + secs}))
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// True when this run can reach a real Secret Service. Under CI it must.
pub fn keyring_available() -> bool {
    let up = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        && std::process::Command::new("secret-tool")
            .args(["search", "service", "authctl-probe"])
            .output()
            .is_ok_and(|o| o.status.success() || o.status.code() == Some(1));
    skip_unless(
        up,
        "a Secret Service on a D-Bus session bus (run the tests through scripts/test)",
    )
}

/// True when `program` (curl, openssl) can be run. Under CI it must: `.ci/run` installs
/// it.
pub fn require(program: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    skip_unless(found, &format!("{program} (install it to run this test)"))
}

/// Whether this test may act as another account (uid 65534, with `setpriv`): it runs as
/// root and has `setpriv` and each of `programs`. Otherwise it is skipped, said, except
/// under CI, which runs the tests as root.
pub fn can_play_another_account(programs: &[&str]) -> bool {
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .ok()
        == Some(0);
    let ready = root && ["setpriv"].iter().chain(programs).all(|p| require(p));
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the tests as root with setpriv and {programs:?}"
        );
        eprintln!("skipping: needs root, setpriv and {programs:?} to act as another account");
    }
    ready
}

pub fn skip_unless(present: bool, what: &str) -> bool {
    if !present {
        assert!(std::env::var_os("CI").is_none(), "CI must provide {what}");
        eprintln!("skipping: needs {what}");
    }
    present
}

/// A loopback HTTP server that answers every request with the request's own head (request
/// line and headers) as the body, for checking what headers a client really sent.
pub fn echo_server() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                head.len()
            );
            let _ = stream.write_all(reply.as_bytes());
            let _ = stream.write_all(&head);
        }
    });
    url
}

/// `authctl midway browser …` running in the background, and the port it listens on,
/// read back from what it says on stderr (the profile's return_url names port 0).
pub struct BrowserRun {
    pub child: Child,
    pub port: u16,
    said: String,
    rest: BufReader<std::process::ChildStderr>,
}

impl BrowserRun {
    pub fn start(env: &TestEnv, args: &[&str]) -> BrowserRun {
        let mut child = std_cmd(env)
            .args(["midway", "browser"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut rest = BufReader::new(child.stderr.take().unwrap());
        let mut said = String::new();
        let port = loop {
            let mut line = String::new();
            assert!(rest.read_line(&mut line).unwrap() > 0, "it exited: {said}");
            said.push_str(&line);
            if let Some(url) = line.split("for the redirect to http://127.0.0.1:").nth(1) {
                break url.split('/').next().unwrap().parse().unwrap();
            }
        };
        BrowserRun {
            child,
            port,
            said,
            rest,
        }
    }

    /// Waits for it to end: its output, with all it said on stderr.
    pub fn finish(mut self) -> (std::process::Output, String) {
        let mut tail = String::new();
        std::io::Read::read_to_string(&mut self.rest, &mut tail).unwrap();
        let out = self.child.wait_with_output().unwrap();
        (out, self.said + &tail)
    }
}

/// Plays a browser: `GET path` on 127.0.0.1:`port`, retrying the connection until the
/// listener is up (at most 20 s). Returns the status and the body.
pub fn browser_get(port: u16, path: &str) -> (u16, String) {
    browser_get_with(port, path, "")
}

/// `browser_get` with more header lines (each ending in `\r\n`).
pub fn browser_get_with(port: u16, path: &str, headers: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut stream = loop {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(e) if std::time::Instant::now() > deadline => panic!("nothing listens on port {port}: {e}"),
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    };
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: test-browser\r\n{headers}\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"));
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
    (status, body)
}

/// How `echo_back_server` wraps what it echoes.
#[derive(Clone, Copy, Debug)]
pub enum Echo {
    Json,
    Text,
    Html,
}

/// A hostile loopback server: every request, whatever its path, is answered with `status`
/// and a body that quotes the request back — its body (the form or JSON that carries a
/// secret), its `Authorization` value, and its other headers — as a JSON error message, as
/// plain text, or inside an HTML page. The echoed values come first so that no message
/// truncation can hide them by accident.
pub fn echo_back_server(status: u16, echo: Echo) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            let head_end = loop {
                if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(i + 4);
                }
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => data.extend_from_slice(&buf[..n]),
                }
            };
            let Some(head_end) = head_end else { continue };
            let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
            let header = |name: &str| {
                head.lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                    })
                    .unwrap_or_default()
            };
            let length: usize = header("content-length").parse().unwrap_or(0);
            while data.len() < head_end + length {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => data.extend_from_slice(&buf[..n]),
                }
            }
            let body = String::from_utf8_lossy(&data[head_end..]).into_owned();
            let quoted = format!("you sent {body} with {}; {head}", header("authorization"));
            let (content_type, text) = match echo {
                Echo::Json => (
                    "application/json",
                    serde_json::json!({"error": quoted.clone(), "error_description": quoted.clone(), "message": quoted})
                        .to_string(),
                ),
                Echo::Text => ("text/plain", quoted),
                Echo::Html => (
                    "text/html",
                    format!(
                        "<html><body><h1>Sign-in failed</h1><p>{}</p></body></html>",
                        quoted.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
                    ),
                ),
            };
            let reply = format!(
                "HTTP/1.1 {status} Echo\r\nContent-Type: {content_type}\r\nX-Echo: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                header("authorization"),
                text.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    url
}

//! The commands around the token: `status`, `exec`, `curl`, `watch`, `demo`, `man`.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

// status

#[test]
fn status_shows_every_profile_without_network_or_secret_command() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let marker = tempfile::tempdir().unwrap();
    let ran = marker.path().join("ran");
    let env = TestEnv::new(&format!(
        "{}\n{}secret_command = [\"touch\", \"{}\"]\n",
        midigator_config(&server.base_url()),
        oauth2_config("partner", &server.url("/token"), ""),
        ran.display()
    ));
    // Nothing cached yet: exit 0 all the same.
    env.cmd()
        .arg("status")
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stdout(predicate::str::contains("mg").and(predicate::str::contains("none")));
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    let out = env
        .cmd()
        .arg("status")
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(!table.contains('\x1b'), "no colour off a terminal: {table:?}");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    let mg = lines.iter().find(|l| l.starts_with("mg ")).unwrap();
    assert!(
        mg.contains("midigator") && mg.contains("cached") && mg.contains("59m"),
        "{mg}"
    );
    assert!(mg.ends_with("  env AUTHCTL_SECRET_MG"), "{mg}");
    let partner = lines.iter().find(|l| l.starts_with("partner")).unwrap();
    assert!(
        partner.contains("none") && partner.ends_with("  command touch"),
        "{partner}"
    );
    // Columns line up under their headings.
    assert_eq!(lines[0].find("PROVIDER"), mg.find("midigator"));
    auth.assert_calls(1);
    assert!(!ran.exists(), "status never runs secret_command");
}

#[test]
fn status_json_is_an_array_with_stable_keys() {
    let (_server, env) = cached_midigator(&jwt_expiring_in(3600));
    let out = env.cmd().args(["status", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &v.as_array().unwrap()[0];
    let keys: Vec<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "profile",
            "installation",
            "provider",
            "grant",
            "client_auth",
            "default",
            "cached",
            "expires_at",
            "expires_in",
            "refreshable",
            "secret_source",
            "secret_detail",
            "shared_cache",
            "shared_cache_reachable"
        ]
    );
    assert_eq!(row["cached"], true);
    assert_eq!(
        row["shared_cache"],
        serde_json::Value::Null,
        "no shared cache configured"
    );
    assert_eq!(
        row["grant"],
        serde_json::Value::Null,
        "only oauth2 profiles have a grant"
    );
    assert_eq!(row["client_auth"], serde_json::Value::Null);
    assert_eq!(row["default"], true, "the only profile is the default");
    // No variable, no secret_command, and no session bus in the tests' environment.
    assert_eq!(row["secret_source"], "keyring-unreachable");
    assert!((3590..=3600).contains(&row["expires_in"].as_i64().unwrap()));
}

/// Three OAuth 2.0 profiles, one per way of signing in, none with a token yet.
fn grants_env(server: &MockServer) -> TestEnv {
    TestEnv::new(&format!(
        "{}{}{}",
        oauth2_config("cc", &server.url("/token"), "client_auth = \"client_secret_basic\"\n"),
        oauth2_config(
            "web",
            &server.url("/token"),
            &format!(
                "grant = \"authorization_code\"\nclient_auth = \"none\"\nauthorization_url = \"{}\"\n",
                server.url("/authorize")
            )
        ),
        oauth2_config(
            "tv",
            &server.url("/token"),
            &format!(
                "grant = \"device_code\"\nclient_auth = \"none\"\ndevice_authorization_url = \"{}\"\n",
                server.url("/device")
            )
        ),
    ))
}

#[test]
fn status_shows_each_oauth2_profiles_grant() {
    let server = MockServer::start();
    let env = grants_env(&server);
    let out = env.cmd().arg("status").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    let line = |start: &str| {
        table
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("{table}"))
    };
    assert!(line("cc ").contains("  oauth2 (client credentials)  "), "{table}");
    assert!(line("web ").contains("  oauth2 (browser sign-in)  "), "{table}");
    assert!(line("tv ").contains("  oauth2 (device sign-in)  "), "{table}");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0].find("TOKEN"), line("web ").find("none"), "{table}");

    let out = env.cmd().args(["status", "--json"]).output().unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let row = |name: &str| {
        let r = rows.iter().find(|r| r["profile"] == name).unwrap();
        (r["provider"].clone(), r["grant"].clone(), r["client_auth"].clone())
    };
    assert_eq!(
        row("cc"),
        (
            json!("oauth2"),
            json!("client_credentials"),
            json!("client_secret_basic")
        )
    );
    assert_eq!(
        row("web"),
        (json!("oauth2"), json!("authorization_code"), json!("none"))
    );
    assert_eq!(row("tv"), (json!("oauth2"), json!("device_code"), json!("none")));
    // A public client has no secret to find: not "none" (missing), and no keyring asked.
    let web = rows.iter().find(|r| r["profile"] == "web").unwrap();
    assert_eq!(web["secret_source"], "not-needed", "{web}");
    assert!(line("web ").contains("not needed"), "{table}");
}

/// Profiles whose secrets come from each place of the chain, `nb` the default.
fn secret_places_env(server: &MockServer) -> TestEnv {
    TestEnv::new(&format!(
        "[defaults]\ndefault_profile = \"nb\"\n{}{}secret_command = [\"pass\", \"show\", \"authctl/pa\"]\n{}secret_env = \"NB_SECRET\"\n{}",
        midigator_config(&server.base_url()),
        oauth2_config("pa", &server.url("/token"), ""),
        oauth2_config("nb", &server.url("/token"), ""),
        oauth2_config("kr", &server.url("/token"), ""),
    ))
}

#[test]
fn status_says_where_each_secret_would_come_from_and_marks_the_default() {
    let server = MockServer::start();
    let env = secret_places_env(&server);
    let out = env
        .cmd()
        .arg("status")
        .env("AUTHCTL_SECRET_MG", "s1")
        .env("NB_SECRET", "s2")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    let line = |start: &str| {
        table
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("{table}"))
    };
    assert!(line("mg ").ends_with("  env AUTHCTL_SECRET_MG"), "{table}");
    assert!(line("pa ").ends_with("  command pass"), "{table}");
    assert!(line("nb (default) ").ends_with("  env NB_SECRET"), "{table}");
    // No session bus in the tests' environment: said as it is, not "none found".
    assert!(line("kr ").ends_with("  keyring unreachable"), "{table}");
    assert_eq!(table.matches("(default)").count(), 1, "{table}");
    assert!(!table.contains("s1") && !table.contains("s2"));

    let out = env
        .cmd()
        .args(["status", "--json"])
        .env("NB_SECRET", "s2")
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let row = |name: &str| {
        let r = rows.iter().find(|r| r["profile"] == name).unwrap();
        let text = |k: &str| r[k].as_str().unwrap().to_string();
        (
            r["default"].as_bool().unwrap(),
            text("secret_source"),
            text("secret_detail"),
        )
    };
    let (default, source, detail) = row("mg");
    assert_eq!((default, source.as_str()), (false, "keyring-unreachable"));
    assert!(
        detail.starts_with("not in AUTHCTL_SECRET_MG, no secret_command, and the OS keyring is not reachable"),
        "{detail}"
    );
    let command = (false, "command".into(), "secret_command pass (not run here)".into());
    assert_eq!(row("pa"), command);
    assert_eq!(row("nb"), (true, "env".into(), "environment variable NB_SECRET".into()));
    assert_eq!(row("kr").1, "keyring-unreachable");
}

#[test]
fn status_shows_each_cached_midwayplus_installation_token() {
    let server = MockServer::start();
    midway_auth(&server, "dev-1");
    let (inst1, inst2) = (jwt_expiring_in(3600), jwt_expiring_in(1800));
    midway_installation_token(&server, "dev-1", "inst-1", 200, json!({ "token": inst1 }));
    midway_installation_token(&server, "dev-1", "inst-2", 200, json!({ "token": inst2 }));
    let env = midway_env(&server, "installation = \"inst-1\"\n");
    for args in [vec!["token", "mw"], vec!["midway", "token", "--installation", "inst-2"]] {
        env.cmd().args(args).env("AUTHCTL_SECRET_MW", "pw").assert().success();
    }
    let out = env.cmd().arg("status").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    let cells = |l: &str| l.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(cells(lines[1])[..4], ["mw", "(default)", "midway", "cached"]);
    assert!(lines[1].contains(" 59m "), "{table}");
    assert_eq!(cells(lines[2])[..3], ["mw@inst-2", "midway", "cached"]);
    assert!(lines[2].contains(" 29m "), "{table}");
    let out = env.cmd().args(["status", "--json"]).output().unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (&rows[0]["installation"], &rows[0]["default"]),
        (&json!("inst-1"), &json!(true))
    );
    assert_eq!(
        (&rows[1]["installation"], &rows[1]["default"]),
        (&json!("inst-2"), &json!(false))
    );
    assert_eq!(rows[1]["cached"], true);
}

// exec

fn exec(env: &TestEnv, script: &str) -> std::process::Output {
    env.cmd()
        .args(["exec", "mg", "--", "sh", "-c", script])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .output()
        .unwrap()
}

#[test]
fn exec_gives_the_child_the_token_in_its_environment_only() {
    let token = jwt_expiring_in(3600);
    let (_server, env) = cached_midigator(&token);
    let out = exec(&env, "printf %s \"$AUTHCTL_TOKEN\"");
    assert_eq!(stdout(&out), token);
    let out = env
        .cmd()
        .args([
            "exec",
            "mg",
            "--env",
            "API_TOKEN",
            "--",
            "sh",
            "-c",
            "printf %s \"$API_TOKEN\"",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), token);
    // Not on the child's command line, and no secret of authctl's in its environment.
    let out = exec(
        &env,
        "tr '\\0' ' ' < /proc/$$/cmdline; echo; env | grep -c ^AUTHCTL_SECRET_",
    );
    let seen = stdout(&out);
    assert!(!seen.contains(&token), "{seen}");
    assert_eq!(
        seen.lines().last(),
        Some("0"),
        "no AUTHCTL_SECRET_* in the child's environment: {seen}"
    );
}

#[test]
fn exec_passes_the_childs_exit_code_through() {
    let (_server, env) = cached_midigator(&jwt_expiring_in(3600));
    assert_eq!(exec(&env, "exit 42").status.code(), Some(42));
    assert_eq!(exec(&env, "kill -TERM $$").status.code(), Some(128 + 15));
    assert_eq!(exec(&env, "exit 0").status.code(), Some(0));
}

#[test]
fn exec_forwards_sigterm_to_the_child() {
    let (_server, env) = cached_midigator(&jwt_expiring_in(3600));
    let mut child = std_cmd(&env)
        .args([
            "exec",
            "mg",
            "--",
            "sh",
            "-c",
            "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.1; done",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    let sent = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    // Read what is left on another thread: a child that never got the signal would keep
    // the pipe open forever.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut rest);
        let _ = tx.send(rest);
    });
    let rest = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the child got SIGTERM and ended");
    assert_eq!(rest, "got-term\n");
    assert_eq!(status.code(), Some(7));
}

#[test]
fn exec_of_a_missing_command_is_127_and_authctls_own_failures_keep_their_codes() {
    let (_server, env) = cached_midigator(&jwt_expiring_in(3600));
    env.cmd()
        .args(["exec", "mg", "--", "authctl-no-such-command"])
        .assert()
        .code(127)
        .stderr(predicate::str::contains("authctl-no-such-command"));
    env.cmd()
        .args(["exec", "nope", "--", "true"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("unknown profile `nope`"));
    env.cmd().args(["exec", "mg"]).assert().code(2);
    env.cmd()
        .args(["exec", "mg", "--env", "AUTHCTL_SECRET_X", "--", "true"])
        .assert()
        .code(2);
    let server = MockServer::start();
    midigator_answer(
        &server,
        401,
        "application/json",
        r#"{"message": "Invalid API secret."}"#,
    );
    let refused = midigator_env(&server);
    refused
        .cmd()
        .args(["exec", "mg", "--", "true"])
        .env("AUTHCTL_SECRET_MG", "wrong")
        .assert()
        .code(5);
}

#[test]
fn exec_gives_a_nugios_child_its_timezone_header() {
    let server = MockServer::start();
    nugios_login(
        &server,
        json!({"accessToken": "ng-a1", "refreshToken": "ng-r1", "passwordExpired": false}),
    );
    let env = nugios_env(&server, "timezone_offset = 240\n");
    let out = env
        .cmd()
        .args([
            "exec",
            "ng",
            "--",
            "sh",
            "-c",
            "printf '%s %s' \"$AUTHCTL_TOKEN\" \"$AUTHCTL_HEADER_X_NUGIOS_TIMEZONE\"",
        ])
        .env("AUTHCTL_SECRET_NG", "pw")
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "ng-a1 240");
}

// curl

/// A directory holding a stand-in `curl` that records its arguments and the config it was
/// handed, and exits with `code`.
fn fake_curl(code: u8) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\n\
         while [ $# -gt 0 ]; do if [ \"$1\" = -K ]; then cat \"$2\" > \"$(dirname \"$0\")/config\"; fi; shift; done\nexit {code}\n"
    );
    let path = dir.path().join("curl");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn curl_gets_the_headers_over_a_pipe_never_on_its_command_line() {
    let token = jwt_expiring_in(3600);
    let (_server, env) = cached_midigator(&token);
    let fake = fake_curl(22);
    let path = format!("{}:/usr/bin:/bin", fake.path().display());
    env.cmd()
        .args(["curl", "mg", "--", "-sf", "https://api.example.invalid/orders"])
        .env("PATH", path)
        .assert()
        .code(22);
    let args = std::fs::read_to_string(fake.path().join("args")).unwrap();
    assert!(args.starts_with("-K\n/dev/fd/"), "{args}");
    assert!(args.ends_with("-sf\nhttps://api.example.invalid/orders\n"), "{args}");
    assert!(!args.contains(&token));
    let config = std::fs::read_to_string(fake.path().join("config")).unwrap();
    assert_eq!(config, format!("header = \"Authorization: Bearer {token}\"\n"));
}

#[test]
fn curl_sends_every_header_of_a_nugios_profile() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    nugios_login(
        &server,
        json!({"accessToken": "ng-a1", "refreshToken": "ng-r1", "passwordExpired": false}),
    );
    let env = nugios_env(&server, "timezone_offset = 240\n");
    let echo = echo_server();
    let out = env
        .cmd()
        .args(["curl", "ng", "--", "-s", &echo])
        .env("AUTHCTL_SECRET_NG", "pw")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let seen = stdout(&out);
    assert!(seen.contains("Authorization: Bearer ng-a1\r\n"), "{seen}");
    assert!(seen.contains("X-nugios-timezone: 240\r\n"), "{seen}");
}

#[test]
fn curl_passes_curls_exit_code_and_says_when_curl_is_missing() {
    let (_server, env) = cached_midigator(&jwt_expiring_in(3600));
    if require("curl") {
        // Nothing listens there: curl's own "couldn't connect" code.
        env.cmd()
            .args(["curl", "mg", "--", "-s", "http://127.0.0.2:9/"])
            .assert()
            .code(7);
    }
    let empty = tempfile::tempdir().unwrap();
    env.cmd()
        .args(["curl", "mg", "--", "-s", "http://127.0.0.2:9/"])
        .env("PATH", empty.path())
        .assert()
        .code(127)
        .stderr(predicate::str::contains("cannot run `curl`").and(predicate::str::contains("install")));
}

// watch

/// Waits, at most 30 s, until `f` says yes.
fn eventually(what: &str, f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !f() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A background authctl that is killed if the test ends before stopping it.
struct Running(std::process::Child);

impl Running {
    /// SIGTERM, as a container runtime or a job's end sends it; then its exit status.
    fn stop(&mut self) -> std::process::ExitStatus {
        std::process::Command::new("sh")
            .args(["-c", &format!("kill -TERM {}", self.0.id())])
            .status()
            .unwrap();
        self.0.wait().unwrap()
    }
}

/// `authctl -v watch mg --file FILE` with the test secret, its stderr in a file beside it.
struct Watching {
    child: Running,
    log: std::path::PathBuf,
}

impl Watching {
    fn start(env: &TestEnv, file: &std::path::Path) -> Watching {
        let log = env.dir.path().join("watch.log");
        let child = std_cmd(env)
            .args(["-v", "watch", "mg", "--file"])
            .arg(file)
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Watching {
            child: Running(child),
            log,
        }
    }

    /// What it has said on stderr so far.
    fn said(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap()
    }

    /// Stops it, asserts that it stopped cleanly, and gives what it said.
    fn stop(mut self) -> String {
        let status = self.child.stop();
        assert!(status.success(), "{}", self.said());
        self.said()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `watch` on a Midigator profile whose first token ends in 4 s, once that token is in
/// the file; `server` no longer answers logins.
fn watching_a_token_about_to_expire(server: &MockServer) -> (TestEnv, std::path::PathBuf, Watching, String) {
    let first = jwt_expiring_in(4);
    let mut login = midigator_auth(server, &first);
    let env = midigator_env(server);
    let file = env.dir.path().join("token");
    let watching = Watching::start(&env, &file);
    eventually("the first token is written", || {
        std::fs::read_to_string(&file).is_ok_and(|t| t == format!("{first}\n"))
    });
    login.delete();
    (env, file, watching, first)
}

#[test]
fn watch_replaces_the_file_before_a_short_lived_token_expires() {
    let server = MockServer::start();
    let (_env, file, watching, first) = watching_a_token_about_to_expire(&server);
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    // The next token replaces it while the first one is still valid.
    let second = jwt_expiring_in(3600);
    let renewal = midigator_auth(&server, &second);
    eventually("the renewed token is written", || {
        std::fs::read_to_string(&file).is_ok_and(|t| t == format!("{second}\n"))
    });
    assert!(jwt_is_still_valid(&first), "renewed before the first token expired");
    watching.stop();
    renewal.assert_calls(1);
}

fn jwt_is_still_valid(token: &str) -> bool {
    use base64::Engine;
    let claims = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(claims).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["exp"].as_f64().unwrap() > now()
}

#[test]
fn watch_keeps_the_old_file_while_a_renewal_fails_and_retries() {
    let server = MockServer::start();
    let (_env, file, watching, first) = watching_a_token_about_to_expire(&server);
    let failing = midigator_answer(&server, 503, "application/json", r#"{"message": "maintenance"}"#);
    eventually("a renewal was tried", || failing.calls() > 0);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{first}\n"),
        "the old file stays"
    );
    let said = watching.stop();
    assert!(
        said.contains("renewal failed") && said.contains("retrying in"),
        "{said}"
    );
}

#[test]
fn watch_removes_a_token_when_it_expires_while_renewals_fail_not_at_the_next_retry() {
    let server = MockServer::start();
    let (_env, file, watching, _) = watching_a_token_about_to_expire(&server);
    let mut failing = midigator_answer(&server, 503, "application/json", r#"{"message": "maintenance"}"#);
    eventually("a renewal failed", || watching.said().contains("renewal failed"));
    // The token has about 2 s left; the next try comes in 4 s or more (the first backoff).
    let first_try = failing.calls();
    eventually("the expired token is removed", || !file.exists());
    assert_eq!(
        failing.calls(),
        first_try,
        "removed before the next renewal was tried: {}",
        watching.said()
    );
    // The warning follows the removal.
    eventually("the removal is said", || {
        watching
            .said()
            .contains("has expired; removed it until a renewal succeeds")
    });
    // It keeps trying, and a renewal that works brings the file back.
    failing.delete();
    let next = jwt_expiring_in(3600);
    midigator_auth(&server, &next);
    eventually("the renewed token is written", || {
        std::fs::read_to_string(&file).is_ok_and(|t| t == format!("{next}\n"))
    });
    watching.stop();
}

#[test]
fn watch_removes_a_token_when_it_expires_while_a_renewal_hangs() {
    let server = MockServer::start();
    let (_env, file, watching, first) = watching_a_token_about_to_expire(&server);
    // The renewal is answered only after a minute: long after the token has ended.
    let hanging = server.mock(|when, then| {
        when.method(POST).path("/auth");
        then.status(200)
            .delay(Duration::from_secs(60))
            .json_body(serde_json::json!({ "token": jwt_expiring_in(3600) }));
    });
    eventually("a renewal is under way", || hanging.calls() > 0 || !file.exists());
    let deadline = Instant::now() + Duration::from_secs(20);
    while file.exists() {
        assert!(
            Instant::now() < deadline || jwt_is_still_valid(&first),
            "the expired token stayed in the file while the renewal hung: {}",
            watching.said()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!jwt_is_still_valid(&first), "removed before it expired");
    drop(watching);
}

#[test]
fn watch_retries_a_renewed_token_it_could_not_write() {
    let server = MockServer::start();
    let (_env, file, watching, _) = watching_a_token_about_to_expire(&server);
    // A directory where the file was: the renewed token cannot be put in place.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir_all(file.join("in-the-way")).unwrap();
    let second = jwt_expiring_in(3600);
    let renewal = midigator_auth(&server, &second);
    eventually("the write failed", || watching.said().contains("cannot write"));
    assert_eq!(renewal.calls(), 1);
    std::fs::remove_dir_all(&file).unwrap();
    eventually("the renewed token is written on a retry", || {
        std::fs::read_to_string(&file).is_ok_and(|t| t == format!("{second}\n"))
    });
    let said = watching.stop();
    assert!(said.contains("retrying in"), "{said}");
}

// demo and man

#[test]
fn demo_runs_every_provider_offline_with_nothing_installed() {
    let env = TestEnv::empty();
    let nothing = tempfile::tempdir().unwrap();
    let out = env.cmd().arg("demo").env("PATH", nothing.path()).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    for step in [
        "authctl token mg",
        "authctl token partner",
        "authctl token mw",
        "authctl midway installations",
        "authctl midway browser",
        "authctl token mr --min-ttl",
        "authctl token ng --format header",
        "authctl nugios refresh",
    ] {
        assert!(table.contains(step), "{step} missing:\n{table}");
    }
    assert!(table.contains("JWT from the cache"), "{table}");
    // The OAuth2 browser sign-in, the sandbox answering /authorize with a redirect to
    // authctl's listener and checking the PKCE verifier at the code exchange: two
    // requests, then the cache.
    let web = table
        .lines()
        .find(|l| l.starts_with("authctl token web   (the demo plays the browser)"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        web.contains("  2  ") && web.contains("code exchanged with the PKCE verifier, token cached"),
        "{web}"
    );
    let again = table
        .lines()
        .find(|l| l.starts_with("authctl token web   (again)"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        again.contains("none") && again.contains("JWT from the cache"),
        "{again}"
    );
    assert!(table.contains("renewed with the refresh token, no password"), "{table}");
    assert!(table.contains("X-nugios-timezone: 240"), "{table}");
    assert!(table.contains("Content-Type: application/json"), "{table}");
    // One real sample of stdout, and what to do next.
    let sample = table.split("printed on stdout").nth(1).expect("a sample of stdout");
    assert!(sample.contains("\n  Authorization: Bearer eyJ"), "{table}");
    assert!(sample.contains("\n  X-nugios-timezone: 240\n"), "{table}");
    let next = table.split("\nNext:\n").nth(1).expect("what to do next");
    assert!(
        next.contains("authctl demo --serve") && next.contains("authctl config init"),
        "{table}"
    );
    assert!(!env.cache_dir().exists(), "the user's cache was not touched");
    assert!(!env.config_path().exists(), "the user's config was not touched");
}

#[test]
fn demo_serve_prints_a_valid_config_of_sandbox_profiles_and_exports_on_stderr() {
    let env = TestEnv::empty();
    let config = env.dir.path().join("sandbox.toml");
    let mut child = Running(
        std_cmd(&env)
            .args(["demo", "--serve"])
            .stdout(std::fs::File::create(&config).unwrap())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // stdout is written in full before the lines on stderr; those are read on a thread of
    // their own, so a sandbox that never prints them fails the test instead of hanging it.
    let err = BufReader::new(child.0.stderr.take().unwrap());
    let (lines, said) = std::sync::mpsc::channel();
    std::thread::spawn(move || err.lines().map_while(Result::ok).try_for_each(|l| lines.send(l)));
    let mut exports = Vec::new();
    loop {
        let Ok(line) = said.recv_timeout(Duration::from_secs(60)) else {
            child.stop();
            panic!("demo --serve never finished its lines on stderr; so far: {exports:?}");
        };
        if line.starts_with("# (the sandbox's own") {
            break;
        }
        if let Some((name, value)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) {
            exports.push((name.to_string(), value.trim_matches('\'').to_string()));
        }
    }
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(!text.contains("export "), "stdout is only a config:\n{text}");
    assert!(text.contains("/orders") && text.contains("/echo"), "{text}");
    let names: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("[profiles.")).collect();
    assert_eq!(names.len(), 7, "{text}");
    assert!(
        names.contains(&"sandbox-web]") && names.contains(&"sandbox-device]"),
        "the browser and device sign-ins' profiles: {names:?}"
    );
    assert!(names.iter().all(|n| n.starts_with("sandbox-")), "{names:?}");
    let check = env
        .cmd()
        .args(["config", "check"])
        .env("AUTHCTL_CONFIG", &config)
        .output()
        .unwrap();
    assert!(check.status.success(), "config check refuses it: {}", stderr(&check));

    let value = |name: &str| exports.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let cache = std::path::PathBuf::from(value("AUTHCTL_CACHE_DIR").expect("a cache dir of its own"));
    assert_ne!(cache, env.cache_dir());
    let mut cmd = env.cmd();
    cmd.args(["token", "sandbox-mg", "--format", "header"])
        .env("AUTHCTL_CONFIG", &config);
    for (name, value) in &exports {
        cmd.env(name, value);
    }
    cmd.assert()
        .success()
        .stdout(predicate::str::starts_with("Authorization: Bearer ey"));
    assert!(cache.is_dir(), "the token was cached in the sandbox's own directory");
    assert!(!env.cache_dir().exists(), "the user's cache was not touched");
    // The device sign-in: the person opens the complete verification URI authctl shows.
    let mut device = std_cmd(&env);
    device
        .args(["token", "sandbox-device"])
        .env("AUTHCTL_CONFIG", &config)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in &exports {
        device.env(name, value);
    }
    let mut device = device.spawn().unwrap();
    // Kept open until authctl ends: what it says after the URI must not meet a closed pipe.
    let mut said = BufReader::new(device.stderr.take().unwrap());
    let complete = (&mut said)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.trim()
                .strip_prefix("(or open ")
                .map(|u| u.trim_end_matches(')').to_string())
        })
        .expect("the complete verification URI on stderr");
    let url = url::Url::parse(&complete).unwrap();
    let (status, _) = browser_get(url.port().unwrap(), &format!("{}?{}", url.path(), url.query().unwrap()));
    assert_eq!(status, 200);
    let out = device.wait_with_output().unwrap();
    drop(said);
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("ey"), "a JWT: {}", stdout(&out));
    assert!(value("AUTHCTL_SECRET_SANDBOX_NG").is_some(), "{exports:?}");
    assert!(child.stop().success());
    assert!(!cache.exists(), "its cache goes with the sandbox");
}

#[test]
fn the_committed_man_page_matches_the_binary() {
    let env = TestEnv::empty();
    let out = env.cmd().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = stdout(&out);
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{page}");
    let path = format!("{}/man/authctl.1", env!("CARGO_MANIFEST_DIR"));
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        page == committed,
        "{path} is stale; regenerate it with `cargo run -q -- man > man/authctl.1`"
    );
}

use std::os::unix::fs::PermissionsExt;

#[test]
fn the_readme_and_help_name_the_same_commands() {
    let env = TestEnv::empty();
    let help = stdout(&env.cmd().arg("--help").output().unwrap());
    let readme = std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let commands: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // A command's line starts two spaces in; a wrapped description goes deeper.
        .filter(|l| l.starts_with("  ") && !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 15, "{help}");
    for command in commands {
        assert!(
            readme.contains(&format!("authctl {command}")),
            "`authctl {command}` is in --help but not in the README"
        );
    }
}

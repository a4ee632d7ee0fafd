//! The shared cache (README "Many machines") against a real `redis-server`: machines are
//! homes of their own (config, cache, no keyring) that share one token endpoint and one
//! Redis. One renewal for the fleet; sealed entries under names that say nothing; altered
//! entries, another secret, a dead or refusing Redis and a failing server.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use httpmock::prelude::*;
use serde_json::json;

use crate::util::*;

const SECRET: &str = "fleet-secret-5b1e";
const CLIENT: &str = "fleet-client-7";
const PROFILE: &str = "orders-api";
const TOKEN: &str = "fleet-token-9c4d";

/// A machine of the fleet: its own home, the profile `orders-api`, the shared cache from
/// `[defaults]`.
fn machine(server: &MockServer, redis: &RedisServer) -> TestEnv {
    TestEnv::new(&format!(
        "[defaults]\nshared_cache = \"{}\"\n\n[profiles.{PROFILE}]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nclient_id = \"{CLIENT}\"\n",
        redis.url(),
        server.url("/token")
    ))
}

/// `authctl token orders-api` on `env` with `secret` and the fleet's Redis password.
fn token_cmd(env: &TestEnv, redis: &RedisServer, secret: &str) -> Command {
    let mut cmd = std_cmd(env);
    cmd.args(["token", PROFILE])
        .env("AUTHCTL_SECRET_ORDERS_API", secret)
        .env("AUTHCTL_SHARED_CACHE_PASSWORD", &redis.password);
    cmd
}

fn run(mut cmd: Command) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap()
}

fn token(env: &TestEnv, redis: &RedisServer) -> Output {
    run(token_cmd(env, redis, SECRET))
}

fn token_v(env: &TestEnv, redis: &RedisServer) -> Output {
    let mut cmd = token_cmd(env, redis, SECRET);
    cmd.arg("-v");
    run(cmd)
}

fn assert_served(out: &Output, token: &str) {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    assert_eq!(stdout(out), format!("{token}\n"));
}

/// The token endpoint granting `TOKEN` to the fleet's secret.
fn grants(server: &MockServer) -> httpmock::Mock<'_> {
    token_endpoint(
        server,
        &[("client_id", CLIENT), ("client_secret", SECRET)],
        200,
        json!({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}),
    )
}

/// The Redis key of the fleet's token entry, as every machine of the fleet names it.
fn token_key(env: &TestEnv) -> String {
    let slot = authctl::cache::Slot::of(&env.profile(PROFILE), None);
    let secret = authctl::secret::Secret::new(SECRET.into());
    authctl::shared_cache::seal::Sealer::new(&secret, &slot.bound_to).name("token")
}

#[test]
fn a_second_machine_takes_the_first_ones_token_without_a_request() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    let (a, b) = (machine(&server, &redis), machine(&server, &redis));
    assert_served(&token(&a, &redis), TOKEN);
    let out = token_v(&b, &redis);
    assert_served(&out, TOKEN);
    assert!(stderr(&out).contains("from the shared cache"), "{}", stderr(&out));
    granted.assert_calls(1);
    // B keeps it: its next call is served from its own cache, Redis gone or not.
    drop(redis);
    let out = run({
        let mut cmd = std_cmd(&b);
        cmd.args(["token", PROFILE, "--format", "json"]);
        cmd
    });
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"source\":\"cache\""), "{}", stdout(&out));
    granted.assert_calls(1);
}

#[test]
fn a_fleet_asking_at_once_renews_once() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("client_secret", SECRET);
        then.status(200)
            .delay(Duration::from_millis(500))
            .json_body(json!({"access_token": TOKEN, "expires_in": 3600}));
    });
    let machines: Vec<TestEnv> = (0..4).map(|_| machine(&server, &redis)).collect();
    let children: Vec<_> = machines
        .iter()
        .flat_map(|m| (0..4).map(|_| token_cmd(m, &redis, SECRET)))
        .map(|mut cmd| {
            cmd.stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        assert_served(&child.wait_with_output().unwrap(), TOKEN);
    }
    granted.assert_calls(1);
}

#[test]
fn redis_holds_no_token_secret_profile_or_client_in_any_name_or_value() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = token_endpoint(
        &server,
        &[("client_secret", SECRET)],
        200,
        json!({"access_token": TOKEN, "expires_in": 3600, "refresh_token": "fleet-refresh-3e"}),
    );
    let (a, b) = (machine(&server, &redis), machine(&server, &redis));
    assert_served(&token(&a, &redis), TOKEN);
    assert_served(&token(&b, &redis), TOKEN);
    granted.assert_calls(1);
    let entries = redis.entries();
    assert!(entries.len() >= 2, "the token and the refresh token: {entries:?}");
    let needles = [
        TOKEN,
        "fleet-refresh-3e",
        SECRET,
        PROFILE,
        CLIENT,
        "oauth2",
        "127.0.0.1",
    ];
    for (key, value) in &entries {
        assert!(
            key.starts_with("authctl:") && key.len() == "authctl:".len() + 32,
            "{key}"
        );
        for needle in needles {
            assert!(!key.contains(needle), "{key} holds {needle}");
            let found = value.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "the value of {key} holds {needle}");
        }
    }
}

#[test]
fn an_altered_entry_is_ignored_and_the_token_renewed() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    let (a, b) = (machine(&server, &redis), machine(&server, &redis));
    assert_served(&token(&a, &redis), TOKEN);
    let key = token_key(&a);
    let mut conn = redis.conn();
    let mut value: Vec<u8> = redis::cmd("GET").arg(&key).query(&mut conn).unwrap();
    let last = value.len() - 1;
    value[last] ^= 0x01;
    let _: () = redis::cmd("SET").arg(&key).arg(&value).query(&mut conn).unwrap();

    let out = token_v(&b, &redis);
    assert_served(&out, TOKEN);
    assert!(stderr(&out).contains("does not open"), "{}", stderr(&out));
    granted.assert_calls(2);
}

#[test]
fn an_entry_moved_to_another_name_does_not_open() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let failing = token_endpoint(
        &server,
        &[("client_secret", SECRET)],
        400,
        json!({"error": "invalid_client"}),
    );
    let (a, b) = (machine(&server, &redis), machine(&server, &redis));
    let out = token(&a, &redis);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    failing.assert_calls(1);
    // The fleet's failure, copied over the name of its token.
    let mut conn = redis.conn();
    let (failure_key, failure) = redis.entries().into_iter().next().expect("the failure is shared");
    let _: () = redis::cmd("SET")
        .arg(token_key(&a))
        .arg(&failure)
        .query(&mut conn)
        .unwrap();
    let _: () = redis::cmd("DEL").arg(&failure_key).query(&mut conn).unwrap();
    let mut failing = failing;
    failing.delete();
    let granted = grants(&server);
    let out = token_v(&b, &redis);
    assert_served(&out, TOKEN);
    assert!(stderr(&out).contains("does not open"), "{}", stderr(&out));
    granted.assert_calls(1);
}

#[test]
fn a_machine_with_another_secret_neither_reads_nor_breaks_the_fleets_token() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    let other = token_endpoint(
        &server,
        &[("client_secret", "another-secret")],
        200,
        json!({"access_token": "another-token", "expires_in": 3600}),
    );
    let (a, b, c) = (
        machine(&server, &redis),
        machine(&server, &redis),
        machine(&server, &redis),
    );
    assert_served(&token(&a, &redis), TOKEN);
    assert_served(&run(token_cmd(&c, &redis, "another-secret")), "another-token");
    other.assert_calls(1);
    assert_served(&token(&b, &redis), TOKEN);
    granted.assert_calls(1);
}

#[test]
fn tokens_are_served_when_redis_dies_mid_run() {
    let Some(mut redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    let (a, b) = (machine(&server, &redis), machine(&server, &redis));
    assert_served(&token(&a, &redis), TOKEN);
    redis.kill();
    let out = token_v(&b, &redis);
    assert_served(&out, TOKEN);
    assert!(
        stderr(&out).contains("the shared cache redis://127.0.0.1:"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("going on without it"), "{}", stderr(&out));
    granted.assert_calls(2);
    // Without -v, not a word.
    let out = run(token_cmd(&machine(&server, &redis), &redis, SECRET));
    assert_served(&out, TOKEN);
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_wrong_redis_password_means_each_machine_renews_alone() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    for _ in 0..2 {
        let env = machine(&server, &redis);
        let mut cmd = token_cmd(&env, &redis, SECRET);
        cmd.arg("-vvv")
            .env("AUTHCTL_SHARED_CACHE_PASSWORD", "not-the-password-81");
        let out = run(cmd);
        assert_served(&out, TOKEN);
        let said = stderr(&out);
        assert!(said.contains("cannot use the shared cache"), "{said}");
        assert!(
            !said.contains("not-the-password-81") && !said.contains(&redis.password),
            "{said}"
        );
    }
    granted.assert_calls(2);
    assert!(redis.entries().is_empty());
}

#[test]
fn the_redis_password_is_never_shown_even_at_vvv() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    let (a, b) = (machine(&server, &redis), machine(&server, &redis));
    for env in [&a, &b] {
        let mut cmd = token_cmd(env, &redis, SECRET);
        cmd.arg("-vvv");
        let out = run(cmd);
        assert_served(&out, TOKEN);
        let said = stderr(&out);
        assert!(!said.contains(&redis.password) && !said.contains(SECRET), "{said}");
    }
    granted.assert_calls(1);
    let mut cmd = std_cmd(&a);
    cmd.args(["status", "--json"])
        .env("AUTHCTL_SHARED_CACHE_PASSWORD", &redis.password);
    let out = run(cmd);
    assert!(!stdout(&out).contains(&redis.password) && !stderr(&out).contains(&redis.password));
}

#[test]
fn a_password_in_the_shared_cache_url_is_refused() {
    let env = TestEnv::new(
        "[defaults]\nshared_cache = \"redis://:hunter2-pw@127.0.0.1:6379/0\"\n\n[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"https://id.test/token\"\nclient_id = \"cid\"\n",
    );
    let out = run({
        let mut cmd = std_cmd(&env);
        cmd.args(["config", "check"]);
        cmd
    });
    assert_eq!(out.status.code(), Some(3));
    let said = stderr(&out);
    assert!(
        said.contains("shared_cache") && said.contains("AUTHCTL_SHARED_CACHE_PASSWORD"),
        "{said}"
    );
    assert!(!said.contains("hunter2-pw"), "{said}");
}

#[test]
fn a_profile_cannot_take_the_name_the_shared_cache_password_is_kept_under() {
    let env = TestEnv::new(&oauth2_config("shared-cache", "https://id.test/token", ""));
    env.cmd()
        .args(["secret", "set", "shared-cache", "--stdin"])
        .write_stdin("not-the-redis-password")
        .assert()
        .code(3)
        .stderr(predicates::str::contains("profile name `shared-cache` is taken"));
}

#[test]
fn a_password_in_the_shared_cache_variable_is_refused_before_any_request() {
    let server = MockServer::start();
    let granted = grants(&server);
    let env = TestEnv::new(&oauth2_config(PROFILE, &server.url("/token"), ""));
    let mut cmd = std_cmd(&env);
    cmd.args(["token", PROFILE])
        .env("AUTHCTL_SECRET_ORDERS_API", SECRET)
        .env("AUTHCTL_SHARED_CACHE", "redis://:hunter2-pw@127.0.0.1:1/0");
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("$AUTHCTL_SHARED_CACHE") && said.contains("AUTHCTL_SHARED_CACHE_PASSWORD"),
        "{said}"
    );
    assert!(!said.contains("hunter2-pw"), "{said}");
    granted.assert_calls(0);
}

#[test]
fn a_servers_failure_is_the_fleets_for_a_while() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let failing = token_endpoint(
        &server,
        &[("client_secret", SECRET)],
        503,
        json!({"error": "down for maintenance"}),
    );
    let (a, b) = (machine(&server, &redis), machine(&server, &redis));
    let out = token(&a, &redis);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let calls = failing.calls();
    let out = token(&b, &redis);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("HTTP 503") && said.contains("met by another machine of the fleet"),
        "{said}"
    );
    assert_eq!(failing.calls(), calls, "the second machine sent nothing");
}

#[test]
fn a_rotated_refresh_token_is_the_fleets() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let login = token_endpoint(
        &server,
        &[("grant_type", "client_credentials")],
        200,
        json!({"access_token": "t-1", "expires_in": 600, "refresh_token": "rt-1"}),
    );
    let first = token_endpoint(
        &server,
        &[("grant_type", "refresh_token"), ("refresh_token", "rt-1")],
        200,
        json!({"access_token": "t-2", "expires_in": 600, "refresh_token": "rt-2"}),
    );
    let second = token_endpoint(
        &server,
        &[("grant_type", "refresh_token"), ("refresh_token", "rt-2")],
        200,
        json!({"access_token": "t-3", "expires_in": 600, "refresh_token": "rt-3"}),
    );
    let (a, b, c) = (
        machine(&server, &redis),
        machine(&server, &redis),
        machine(&server, &redis),
    );
    assert_served(&token(&a, &redis), "t-1");
    // Each asks for more life than the shared token has: a renewal, with the fleet's
    // refresh token of the moment.
    for (env, expect) in [(&b, "t-2"), (&c, "t-3")] {
        let mut cmd = token_cmd(env, &redis, SECRET);
        cmd.args(["--min-ttl", "20m"]);
        let out = run(cmd);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).starts_with(expect), "{}", stderr(&out));
    }
    login.assert_calls(1);
    first.assert_calls(1);
    second.assert_calls(1);
}

#[test]
fn a_profile_without_a_secret_is_never_shared() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/device");
        then.status(200).json_body(
            json!({"device_code": "dev-1", "user_code": "U", "verification_uri": "https://id.test/d", "interval": 1}),
        );
    });
    let granted = server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .json_body(json!({"access_token": "device-token", "expires_in": 600}));
    });
    let env = TestEnv::new(&format!(
        "[defaults]\nshared_cache = \"{}\"\n\n[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\n\
         device_authorization_url = \"{}\"\nclient_id = \"cid\"\ngrant = \"device_code\"\nclient_auth = \"none\"\n",
        redis.url(),
        server.url("/token"),
        server.url("/device")
    ));
    let mut cmd = std_cmd(&env);
    cmd.args(["-v", "token", "o", "--no-open"])
        .env("AUTHCTL_SHARED_CACHE_PASSWORD", &redis.password);
    let out = run(cmd);
    assert_served(&out, "device-token");
    assert!(stderr(&out).contains("not shared with the fleet"), "{}", stderr(&out));
    granted.assert_calls(1);
    assert!(redis.entries().is_empty(), "{:?}", redis.entries());
}

#[test]
fn status_and_doctor_say_whether_the_shared_cache_answers() {
    let Some(mut redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let env = machine(&server, &redis);
    let (url, password) = (redis.url(), redis.password.clone());
    let status = |env: &TestEnv| {
        let mut cmd = std_cmd(env);
        cmd.args(["status", "--json"])
            .env("AUTHCTL_SHARED_CACHE_PASSWORD", &password);
        let out = run(cmd);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()[0].clone()
    };
    let doctor = |env: &TestEnv| {
        let mut cmd = std_cmd(env);
        cmd.args(["doctor"])
            .env("AUTHCTL_SECRET_ORDERS_API", SECRET)
            .env("AUTHCTL_SHARED_CACHE_PASSWORD", &password);
        run(cmd)
    };
    let up = status(&env);
    assert_eq!(up["shared_cache"], json!(url));
    assert_eq!(up["shared_cache_reachable"], json!(true));
    let out = doctor(&env);
    assert!(
        stdout(&out).contains(&format!("{url} answers; shared: {PROFILE}")),
        "{}",
        stdout(&out)
    );
    redis.kill();
    assert_eq!(status(&env)["shared_cache_reachable"], json!(false));
    let out = doctor(&env);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("tokens are renewed on each machine"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rediss_shares_over_tls_and_checks_the_servers_certificate() {
    if !require("openssl") {
        return;
    }
    let Some(redis) = RedisServer::start_tls() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    let (a, b) = (machine(&server, &redis), machine(&server, &redis));
    let root = redis.root.clone().unwrap();
    for env in [&a, &b] {
        let mut cmd = token_cmd(env, &redis, SECRET);
        cmd.arg("-v").env("SSL_CERT_FILE", &root);
        let out = run(cmd);
        assert_served(&out, TOKEN);
        assert!(!stderr(&out).contains("going on without it"), "{}", stderr(&out));
    }
    granted.assert_calls(1);
    assert!(!redis.entries().is_empty());
    // Without the private root, the server is not trusted: the machine renews alone.
    let c = machine(&server, &redis);
    let mut cmd = token_cmd(&c, &redis, SECRET);
    cmd.arg("-v").env("SSL_CERT_FILE", c.dir.path().join("no-roots.pem"));
    let out = run(cmd);
    assert_served(&out, TOKEN);
    assert!(
        stderr(&out).contains("cannot use the shared cache rediss://localhost:"),
        "{}",
        stderr(&out)
    );
    granted.assert_calls(2);
}

/// A machine with `timeout = "1s"`: a renewal's lease is 7 × 1 s + 3 s, and the fleet's
/// wait half of it.
fn quick_machine(server: &MockServer, redis: &RedisServer) -> TestEnv {
    TestEnv::new(&format!(
        "[defaults]\nshared_cache = \"{}\"\ntimeout = \"1s\"\n\n[profiles.{PROFILE}]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nclient_id = \"{CLIENT}\"\n",
        redis.url(),
        server.url("/token")
    ))
}

/// Sets the fleet's lock to `value`, with no expiry.
fn hold_the_lock(env: &TestEnv, redis: &RedisServer, value: &[u8]) {
    let slot = authctl::cache::Slot::of(&env.profile(PROFILE), None);
    let secret = authctl::secret::Secret::new(SECRET.into());
    let lock = authctl::shared_cache::seal::Sealer::new(&secret, &slot.bound_to).name("lock");
    let _: () = redis::cmd("SET")
        .arg(&lock)
        .arg(value)
        .query(&mut redis.conn())
        .unwrap();
}

#[test]
fn a_holder_that_died_delays_the_fleet_once_but_never_refuses_a_token() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    let env = quick_machine(&server, &redis);
    // A member's lock, as one that died while renewing leaves it, its lease far ahead.
    let slot = authctl::cache::Slot::of(&env.profile(PROFILE), None);
    let sealer = authctl::shared_cache::seal::Sealer::new(&authctl::secret::Secret::new(SECRET.into()), &slot.bound_to);
    hold_the_lock(
        &env,
        &redis,
        &sealer.seal("lock", format!(r#"{{"until":{}}}"#, now() + 3600.0).as_bytes()),
    );
    let out = token_v(&env, &redis);
    assert_served(&out, TOKEN);
    assert!(
        stderr(&out).contains("the fleet's renewal took too long; renewing here"),
        "{}",
        stderr(&out)
    );
    granted.assert_calls(1);
}

#[test]
fn a_lock_no_member_made_holds_no_one_back() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    let env = quick_machine(&server, &redis);
    hold_the_lock(&env, &redis, b"an operator's");
    let out = token_v(&env, &redis);
    assert_served(&out, TOKEN);
    let said = stderr(&out);
    assert!(
        said.contains("the fleet's lock does not open or its lease has ended; renewing here"),
        "{said}"
    );
    assert!(!said.contains("took too long"), "{said}");
    granted.assert_calls(1);
}

#[test]
fn a_midway_fleet_shares_installation_tokens_and_the_developer_token() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let login = midway_auth(&server, "dev-fleet-1");
    let installation = midway_installation_token(
        &server,
        "dev-fleet-1",
        "inst-1",
        200,
        json!({"token": "inst-token-1", "expiresIn": 3600}),
    );
    let mw = |extra: &str| {
        TestEnv::new(&format!(
            "[defaults]\nshared_cache = \"{}\"\n\n{}",
            redis.url(),
            midway_config(&server.base_url(), extra)
        ))
    };
    let (a, b, c) = (
        mw("installation = \"inst-1\"\n"),
        mw("installation = \"inst-1\"\n"),
        mw(""),
    );
    let token = |env: &TestEnv, args: &[&str]| {
        let mut cmd = std_cmd(env);
        cmd.args(args)
            .env("AUTHCTL_SECRET_MW", "pw")
            .env("AUTHCTL_SHARED_CACHE_PASSWORD", &redis.password);
        run(cmd)
    };
    assert_served(&token(&a, &["token", "mw"]), "inst-token-1");
    assert_served(&token(&b, &["token", "mw"]), "inst-token-1");
    installation.assert_calls(1);
    // Another installation on a third machine: the fleet's developer token buys it, no login.
    let other = midway_installation_token(&server, "dev-fleet-1", "inst-2", 200, json!({"token": "inst-token-2"}));
    assert_served(
        &token(&c, &["midway", "token", "--installation", "inst-2"]),
        "inst-token-2",
    );
    other.assert_calls(1);
    login.assert_calls(1);
}

/// A machine whose shared cache is `url` (a stand-in for Redis, played by the test).
fn machine_at(server: &MockServer, url: &str) -> TestEnv {
    TestEnv::new(&format!(
        "[defaults]\nshared_cache = \"{url}\"\n\n[profiles.{PROFILE}]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nclient_id = \"{CLIENT}\"\n",
        server.url("/token")
    ))
}

/// `authctl token orders-api` on `env` with the fleet's secret and Redis password `password`.
fn token_cmd_with(env: &TestEnv, password: &str) -> Command {
    let mut cmd = std_cmd(env);
    cmd.args(["token", PROFILE])
        .env("AUTHCTL_SECRET_ORDERS_API", SECRET)
        .env("AUTHCTL_SHARED_CACHE_PASSWORD", password);
    cmd
}

/// A stand-in for Redis on loopback: the first command (`AUTH`) is answered `+OK`, every
/// other with `reply`, written a byte at a time with `pause` between bytes and then, when
/// `endless`, followed by more bytes at that pace for ever; its URL.
fn fake_redis(reply: &'static [u8], pause: Duration, endless: bool) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://127.0.0.1:{}/0", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for conn in listener.incoming().map_while(Result::ok) {
            std::thread::spawn(move || {
                let mut conn = conn;
                let mut buf = [0u8; 4096];
                let mut answer: &[u8] = b"+OK\r\n";
                while conn.read(&mut buf).is_ok_and(|n| n > 0) {
                    for byte in answer
                        .iter()
                        .chain(std::iter::repeat_n(&b'a', if endless { usize::MAX } else { 0 }))
                    {
                        if conn.write_all(&[*byte]).is_err() {
                            return;
                        }
                        std::thread::sleep(pause);
                    }
                    answer = reply;
                }
            });
        }
    });
    url
}

#[test]
fn a_redis_that_answers_a_byte_at_a_time_costs_one_timeout_not_the_whole_answer() {
    let server = MockServer::start();
    let granted = grants(&server);
    // Each byte comes well within the read timeout; the whole answer would take hours.
    let url = fake_redis(b"$100000\r\n", Duration::from_millis(150), true);
    let env = machine_at(&server, &url);
    let mut cmd = token_cmd_with(&env, "pw");
    cmd.arg("-v");
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_served(&out, TOKEN);
    assert!(stderr(&out).contains("going on without it"), "{}", stderr(&out));
    granted.assert_calls(1);
}

#[test]
fn a_redis_that_repeats_the_password_in_an_error_never_gets_it_shown() {
    let server = MockServer::start();
    grants(&server);
    let url = fake_redis(b"-ERR your password is redis-pw-0d6f1c\r\n", Duration::ZERO, false);
    let env = machine_at(&server, &url);
    let mut cmd = token_cmd_with(&env, "redis-pw-0d6f1c");
    cmd.arg("-vvv");
    let out = run(cmd);
    assert_served(&out, TOKEN);
    assert!(stderr(&out).contains("going on without it"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("redis-pw-0d6f1c"), "{}", stderr(&out));
    let mut status = std_cmd(&env);
    status
        .args(["doctor", "--json"])
        .env("AUTHCTL_SHARED_CACHE_PASSWORD", "redis-pw-0d6f1c");
    let out = run(status);
    assert!(!stdout(&out).contains("redis-pw-0d6f1c") && !stderr(&out).contains("redis-pw-0d6f1c"));
}

#[test]
fn no_child_gets_the_redis_password() {
    let server = MockServer::start();
    grants(&server);
    let env = machine_at(&server, "redis://127.0.0.1:9/0");
    let mut cmd = std_cmd(&env);
    cmd.args(["exec", PROFILE, "--", "env"])
        .env("AUTHCTL_SECRET_ORDERS_API", SECRET)
        .env("AUTHCTL_SHARED_CACHE_PASSWORD", "redis-pw-77");
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("AUTHCTL_TOKEN={TOKEN}")),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("redis-pw-77"), "{}", stdout(&out));
}

#[test]
fn a_sealed_record_no_answer_could_have_given_is_not_served() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    let env = machine(&server, &redis);
    // Sealed with the fleet's own secret: a record that ends in the year 2100.
    let now = now();
    let record = json!({"provider": "oauth2", "bound_to": env.fingerprint(PROFILE), "access_token": "planted",
                        "token_type": "Bearer", "obtained_at": now - 1.0, "expires_at": 4_102_444_800.0});
    let slot = authctl::cache::Slot::of(&env.profile(PROFILE), None);
    let sealer = authctl::shared_cache::seal::Sealer::new(&authctl::secret::Secret::new(SECRET.into()), &slot.bound_to);
    let _: () = redis::cmd("SET")
        .arg(sealer.name("token"))
        .arg(sealer.seal("token", record.to_string().as_bytes()))
        .query(&mut redis.conn())
        .unwrap();
    assert_served(&token(&env, &redis), TOKEN);
    granted.assert_calls(1);
}

#[test]
fn a_value_too_large_to_be_an_entry_is_not_fetched() {
    let Some(redis) = RedisServer::start() else { return };
    let server = MockServer::start();
    let granted = grants(&server);
    let (a, b) = (machine(&server, &redis), machine(&server, &redis));
    assert_served(&token(&a, &redis), TOKEN);
    let big = vec![1u8; 1024 * 1024];
    let _: () = redis::cmd("SET")
        .arg(token_key(&a))
        .arg(&big)
        .query(&mut redis.conn())
        .unwrap();
    let out = token_v(&b, &redis);
    assert_served(&out, TOKEN);
    // Not fetched, so nothing to open: taken as absent, the fleet renews.
    assert!(!stderr(&out).contains("does not open"), "{}", stderr(&out));
    granted.assert_calls(2);
}

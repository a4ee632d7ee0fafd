//! The cache on disk: permissions, corrupt entries, logout.

use std::os::unix::fs::PermissionsExt;

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn cache_files_are_0600_in_a_0700_dir_whatever_the_umask() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    // Run through a shell that clears the umask: authctl must not rely on it.
    let mut c = assert_cmd::Command::new("sh");
    isolate(&mut c, env.dir.path());
    c.env("AUTHCTL_CONFIG", env.config_path())
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .args(["-c", "umask 000; exec \"$0\" token mg"])
        .arg(bin())
        .assert()
        .success();
    assert_eq!(mode(&env.cache_dir()), 0o700);
    assert_eq!(mode(&env.cache_file("mg")), 0o600);
    for entry in std::fs::read_dir(env.cache_dir()).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}

#[test]
fn a_corrupt_cache_entry_is_replaced_not_fatal() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    env.write_private(&env.record_name("mg"), "{\"format\": 1, \"access_tok");
    env.cmd()
        .args(["-v", "token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stderr(predicate::str::contains("ignoring cache entry").and(predicate::str::contains("corrupt")));
    assert_eq!(env.cache_json("mg")["provider"], "midigator");
    env.cmd().args(["token", "mg"]).assert().success();
    auth.assert_calls(1);
}

#[test]
fn logout_drops_the_cached_token() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    env.cmd()
        .args(["logout", "mg"])
        .assert()
        .success()
        .stderr(predicate::str::contains("mg: logged out (1 stored token removed)"));
    assert!(!env.cache_file("mg").exists());
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    auth.assert_calls(2);
}

// Files keyed by the profile's name and settings (issue 16).

/// The files of the cache directory whose names start with `prefix`.
fn files_starting(env: &TestEnv, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(env.cache_dir())
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.retain(|n| n.starts_with(prefix));
    names.sort();
    names
}

fn mediroutes_granted(access_token: &str, refresh_token: &str) -> serde_json::Value {
    json!({"access_token": access_token, "token_type": "bearer", "expires_in": 3600, "refresh_token": refresh_token})
}

#[test]
fn two_configs_with_a_profile_of_the_same_name_keep_their_own_tokens() {
    let (a, b) = (MockServer::start(), MockServer::start());
    let login_a = mediroutes_password_grant(&a, 200, mediroutes_granted("token-a", "rt-a"));
    let login_b = mediroutes_password_grant(&b, 200, mediroutes_granted("token-b", "rt-b"));
    let refresh_a = mediroutes_refresh_grant(&a, "rt-a", 200, mediroutes_granted("token-a2", "rt-a2"));
    let env = mediroutes_env(&a);
    let config_b = env.dir.path().join("config-b.toml");
    std::fs::write(&config_b, mediroutes_config(&b.base_url())).unwrap();
    let token = |config: &std::path::Path, extra: &[&str]| {
        env.cmd()
            .env("AUTHCTL_CONFIG", config)
            .env("AUTHCTL_SECRET_MR", "pw")
            .args(["token", "mr"])
            .args(extra)
            .assert()
            .success()
    };
    token(&env.config_path(), &[]).stdout("token-a\n");
    token(&config_b, &[]).stdout("token-b\n");
    token(&env.config_path(), &[]).stdout("token-a\n");
    token(&config_b, &[]).stdout("token-b\n");
    login_a.assert_calls(1);
    login_b.assert_calls(1);
    let kept = files_starting(&env, "mr=");
    let credentials = kept.iter().filter(|n| n.ends_with("+credential.json")).count();
    let records = kept
        .iter()
        .filter(|n| n.ends_with(".json") && !n.contains('+') && *n != "mr=keyring.json");
    assert_eq!(
        (records.count(), credentials),
        (2, 2),
        "a record and a refresh token each: {kept:?}"
    );
    // A's refresh token outlived B's login.
    token(&env.config_path(), &["--force-refresh"]).stdout("token-a2\n");
    refresh_a.assert_calls(1);
    token(&config_b, &[]).stdout("token-b\n");
    login_b.assert_calls(1);
}

#[test]
fn a_changed_ca_file_means_the_cached_token_is_not_served() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    let token = || {
        env.cmd()
            .args(["token", "mg"])
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .assert()
    };
    token().success();
    token().success();
    auth.assert_calls(1);
    let ca = env.dir.path().join("no-such-ca.pem");
    let config = format!(
        "{}ca_file = \"{}\"\n",
        midigator_config(&server.base_url()),
        ca.display()
    );
    std::fs::write(env.config_path(), config).unwrap();
    // Not served: the renewal it goes to instead needs the CA file.
    token()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains("no-such-ca.pem"));
    auth.assert_calls(1);
}

/// True when another process holds the lock file at `path`.
fn locked(path: &std::path::Path) -> bool {
    std::fs::File::open(path).is_ok_and(|f| f.try_lock().is_err())
}

#[test]
fn logout_waits_for_a_renewal_in_flight_and_leaves_nothing_of_it() {
    let server = MockServer::start();
    let login = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("grant_type", "password");
        then.status(200)
            .json_body(mediroutes_granted("token-1", "rt-1"))
            .delay(std::time::Duration::from_millis(1500));
    });
    let env = mediroutes_env(&server);
    let mut renewal = std_cmd(&env)
        .args(["token", "mr"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lock = env.cache_dir().join("mr.lock");
    while !locked(&lock) {
        assert!(
            renewal.try_wait().unwrap().is_none(),
            "the renewal ended before it was seen"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // The renewal's record and refresh token are written before logout goes on.
    env.cmd()
        .args(["logout", "mr"])
        .assert()
        .success()
        .stderr(predicate::str::contains("mr: logged out (2 stored tokens removed)"));
    assert!(renewal.wait_with_output().unwrap().status.success());
    login.assert_calls(1);
    assert_eq!(files_starting(&env, "mr"), ["mr.lock"]);
}

#[test]
fn logout_times_out_on_a_lock_held_too_long() {
    let server = MockServer::start();
    let env = midigator_env(&server);
    env.write_private("mg.lock", "");
    let holder = std::fs::File::open(env.cache_dir().join("mg.lock")).unwrap();
    holder.lock().unwrap();
    env.cmd()
        .args(["--timeout", "1ms", "logout", "mg"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains(
            "another authctl process has been renewing the token of mg",
        ));
}

/// A temp file of `profile` as a process killed between creating and renaming it leaves
/// it, `minutes` old.
fn leftover_temp(env: &TestEnv, profile: &str, minutes: u64) -> std::path::PathBuf {
    let name = format!(".{profile}=0123456789abcdef.json.tmp{:06}", minutes);
    env.write_private(&name, "{\"refresh_token\": \"rt-leftover\"}");
    let path = env.cache_dir().join(name);
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(minutes * 60);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(when)
        .unwrap();
    path
}

#[test]
fn logout_removes_and_counts_a_leftover_temp_file_of_the_profile() {
    let server = MockServer::start();
    let env = midigator_env(&server);
    let mine = leftover_temp(&env, "mg", 0);
    let theirs = leftover_temp(&env, "mg2", 0);
    // An earlier version named no profile in its temp files: any logout takes them.
    let earlier_version = env.cache_dir().join(".tmpQwErTy");
    std::fs::rename(leftover_temp(&env, "x", 0), &earlier_version).unwrap();
    env.cmd()
        .args(["logout", "mg"])
        .assert()
        .success()
        .stderr(predicate::str::contains("mg: logged out (2 stored tokens removed)"));
    assert!(!mine.exists());
    assert!(!earlier_version.exists());
    assert!(theirs.exists(), "another profile's");
}

#[test]
fn a_write_sweeps_stale_temp_files_no_one_is_writing() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    let stale = leftover_temp(&env, "gone", 20);
    let earlier_version = env.cache_dir().join(".tmpAbCdEf");
    std::fs::rename(leftover_temp(&env, "x", 20), &earlier_version).unwrap();
    let recent = leftover_temp(&env, "busy", 1);
    let locked_one = leftover_temp(&env, "held", 20);
    env.write_private("held.lock", "");
    let holder = std::fs::File::open(env.cache_dir().join("held.lock")).unwrap();
    holder.lock().unwrap();
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    assert!(!stale.exists() && !earlier_version.exists());
    assert!(recent.exists(), "one being written now stays");
    assert!(locked_one.exists(), "one whose profile is locked stays");
}

// What earlier versions kept under the profile's name alone.

/// A record as versions before issue 16 wrote it: `PROFILE.json`, bound to the
/// fingerprint of their day.
fn legacy_record(env: &TestEnv, profile: &str, provider: &str, token: &str, expires_in: f64) {
    let record = json!({"format": 2, "provider": provider, "bound_to": env.legacy_fingerprint(profile),
        "access_token": token, "token_type": "Bearer", "obtained_at": now() - 60.0,
        "expires_at": now() + expires_in, "refreshable": true});
    env.write_private(&format!("{profile}.json"), &record.to_string());
}

#[test]
fn a_record_of_an_earlier_version_is_taken_over_when_its_settings_match() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    legacy_record(&env, "mg", "midigator", "from-before-the-upgrade", 3600.0);
    for _ in 0..2 {
        env.cmd()
            .args(["token", "mg"])
            .assert()
            .success()
            .stdout("from-before-the-upgrade\n");
    }
    auth.assert_calls(0);
    assert!(!env.cache_dir().join("mg.json").exists());
    assert_eq!(env.cache_json("mg")["bound_to"], env.fingerprint("mg"));
}

#[test]
fn a_record_of_an_earlier_version_under_other_settings_is_left_alone() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, "new-token");
    let env = midigator_env(&server);
    legacy_record(&env, "mg", "midigator", "of-another-config", 3600.0);
    std::fs::write(env.config_path(), midigator_config(&server.url("/elsewhere"))).unwrap();
    let login = server.mock(|when, then| {
        when.method(POST).path("/elsewhere/auth");
        then.status(200).json_body(json!({"token": "new-token"}));
    });
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stdout("new-token\n");
    login.assert_calls(1);
    auth.assert_calls(0);
    assert!(
        env.cache_dir().join("mg.json").exists(),
        "kept for the config it belongs to"
    );
}

#[test]
fn a_refresh_token_of_an_earlier_version_is_taken_over_and_used() {
    let server = MockServer::start();
    let login = mediroutes_password_grant(&server, 200, mediroutes_granted("by-login", "rt-login"));
    let refresh = mediroutes_refresh_grant(&server, "rt-before", 200, mediroutes_granted("by-refresh", "rt-after"));
    let env = mediroutes_env(&server);
    legacy_record(&env, "mr", "mediroutes", "stale", -60.0);
    let credential = json!({"format": 2, "provider": "mediroutes", "kind": "refresh_token",
        "bound_to": env.legacy_fingerprint("mr"), "value": "rt-before"});
    env.write_private("mr+credential.json", &credential.to_string());
    env.cmd()
        .args(["token", "mr"])
        .assert()
        .success()
        .stdout("by-refresh\n");
    refresh.assert_calls(1);
    login.assert_calls(0);
    assert_eq!(env.stored_credential("mr").as_deref(), Some("rt-after"));
    assert!(!env.cache_dir().join("mr+credential.json").exists());
    assert!(!env.cache_dir().join("mr.json").exists());
}

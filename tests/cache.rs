//! The cache on disk: permissions, corrupt entries, logout.

use std::os::unix::fs::PermissionsExt;

use httpmock::prelude::*;
use predicates::prelude::*;

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
    env.write_private("mg.json", "{\"format\": 1, \"access_tok");
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

//! `authctl doctor`: one check per line, what works and what to fix; exit 0 only when
//! all is well; `--json` for scripts. No network, no secret_command run, no secret shown.

use httpmock::prelude::*;
use serde_json::Value;

use crate::util::*;

/// `doctor --json`'s checks by name: (status, detail, fix).
fn checks(out: &std::process::Output) -> Vec<(String, String, String, Option<String>)> {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", stdout(out)));
    let ok = v["ok"].as_bool().unwrap();
    assert_eq!(ok, out.status.success(), "ok and the exit code agree");
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["name", "status", "detail", "fix"]);
            (
                c["name"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                c["detail"].as_str().unwrap().to_string(),
                c["fix"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn find<'a>(
    checks: &'a [(String, String, String, Option<String>)],
    name: &str,
) -> &'a (String, String, String, Option<String>) {
    checks
        .iter()
        .find(|c| c.0 == name)
        .unwrap_or_else(|| panic!("no {name}: {checks:?}"))
}

#[test]
fn doctor_in_ci_every_secret_from_the_environment_is_well_with_notes() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let marker = tempfile::tempdir().unwrap();
    let ran = marker.path().join("ran");
    let env = TestEnv::new(&format!(
        "{}{}secret_command = [\"touch\", \"{}\"]\n",
        midigator_config(&server.base_url()),
        oauth2_config("partner", &server.url("/token"), ""),
        ran.display()
    ));
    let out = env
        .cmd()
        .args(["doctor", "--json"])
        .env("AUTHCTL_SECRET_MG", "ci-secret")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let found = checks(&out);
    let checks = found;
    let names: Vec<&str> = checks.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        ["config", "cache", "keyring", "profile mg", "profile partner", "clock"]
    );
    assert_eq!(find(&checks, "config").1, "ok");
    assert!(find(&checks, "config").2.contains("found, trusted, 2 profiles valid"));
    assert_eq!(find(&checks, "cache").1, "ok");
    // No session bus here, but no profile needs the keyring: a note, as in CI.
    assert_eq!(find(&checks, "keyring").1, "note");
    let mg = find(&checks, "profile mg");
    assert_eq!(mg.1, "ok");
    assert!(
        mg.2.contains("midigator") && mg.2.contains("environment variable AUTHCTL_SECRET_MG"),
        "{mg:?}"
    );
    let partner = find(&checks, "profile partner");
    assert!(
        partner.2.contains("client credentials") && partner.2.contains("secret_command touch"),
        "{partner:?}"
    );
    // No renewal yet, so no server Date: a note.
    assert_eq!(find(&checks, "clock").1, "note");
    assert!(!stdout(&out).contains("ci-secret"));
    assert!(!ran.exists(), "doctor never runs secret_command");

    // One renewal records the server's Date; the clock check compares with it.
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "ci-secret")
        .assert()
        .success();
    let out = env
        .cmd()
        .args(["doctor", "--json"])
        .env("AUTHCTL_SECRET_MG", "ci-secret")
        .output()
        .unwrap();
    let clock = find(&self::checks(&out), "clock").clone();
    assert_eq!(clock.1, "ok", "{clock:?}");
    assert!(
        clock.2.contains("ahead of 127.0.0.1") || clock.2.contains("behind 127.0.0.1"),
        "{clock:?}"
    );
}

#[test]
fn doctor_fails_naming_the_fix_when_a_secret_is_nowhere_and_the_keyring_unreachable() {
    let server = MockServer::start();
    let env = midigator_env(&server);
    let out = env.cmd().arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let line = |start: &str| {
        let i = text
            .lines()
            .position(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("{text}"));
        (text.lines().nth(i).unwrap(), text.lines().nth(i + 1).unwrap_or(""))
    };
    let (keyring, fix) = line("FAIL  keyring");
    assert!(
        keyring.contains("not reachable") && keyring.ends_with("needed by mg"),
        "{text}"
    );
    assert!(
        fix.trim_start().starts_with("fix: start or unlock the OS keyring"),
        "{text}"
    );
    let (mg, fix) = line("FAIL  profile mg");
    assert!(mg.contains("no API secret"), "{text}");
    assert!(fix.contains("export AUTHCTL_SECRET_MG"), "{text}");
    assert!(text.starts_with("ok    config"), "{text}");
    assert!(text.ends_with("2 problems to fix.\n"), "{text}");
    assert!(!text.contains('\x1b'), "no colour off a terminal");
}

#[test]
fn doctor_names_each_oauth2_grant_and_client_auth_and_asks_no_secret_of_a_public_client() {
    let server = MockServer::start();
    let env = TestEnv::new(&format!(
        "{}{}",
        oauth2_config("cc", &server.url("/token"), "client_auth = \"client_secret_basic\"\n"),
        oauth2_config(
            "tv",
            &server.url("/token"),
            &format!(
                "grant = \"device_code\"\nclient_auth = \"none\"\ndevice_authorization_url = \"{}\"\n",
                server.url("/device")
            )
        ),
    ));
    let out = env
        .cmd()
        .args(["doctor", "--json"])
        .env("AUTHCTL_SECRET_CC", "cc-secret")
        .output()
        .unwrap();
    let checks = checks(&out);
    let cc = find(&checks, "profile cc");
    assert_eq!(cc.1, "ok", "{cc:?}");
    assert!(
        cc.2.starts_with(
            "oauth2, client credentials (grant client_credentials), client_auth client_secret_basic: \
             client secret in HTTP Basic"
        ) && cc
            .2
            .ends_with("; client secret from environment variable AUTHCTL_SECRET_CC"),
        "{cc:?}"
    );
    // A public client has no secret: nothing is missing, and the unreachable keyring
    // (no session bus here) is needed by no one.
    let tv = find(&checks, "profile tv");
    assert_eq!(tv.1, "ok", "{tv:?}");
    assert!(
        tv.2.starts_with("oauth2, device sign-in (grant device_code), client_auth none: public client")
            && tv.2.ends_with("; needs no secret"),
        "{tv:?}"
    );
    assert_eq!(find(&checks, "keyring").1, "note");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    let out = env
        .cmd()
        .arg("doctor")
        .env("AUTHCTL_SECRET_CC", "cc-secret")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("ok    profile tv") && l.contains("device sign-in (grant device_code)")),
        "{text}"
    );
}

#[test]
fn doctor_fails_on_a_missing_or_untrusted_config_and_a_shared_cache_dir() {
    let env = TestEnv::empty();
    let out = env.cmd().args(["doctor", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let config = find(&checks(&out), "config").clone();
    assert_eq!(config.1, "fail");
    assert!(config.3.unwrap().contains("authctl config init"));

    let env = TestEnv::new(&midigator_config("https://api.example.com"));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(env.config_path(), std::fs::Permissions::from_mode(0o666)).unwrap();
    std::fs::create_dir(env.cache_dir()).unwrap();
    std::fs::set_permissions(env.cache_dir(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = env
        .cmd()
        .args(["doctor", "--json"])
        .env("AUTHCTL_SECRET_MG", "s")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let found = checks(&out);
    let config = find(&found, "config");
    assert_eq!(config.1, "fail");
    assert!(config.2.contains("not trusted"), "{config:?}");
    assert!(config.3.as_ref().unwrap().contains("chmod"), "{config:?}");
    let cache = find(&found, "cache");
    assert_eq!(cache.1, "fail");
    assert!(cache.3.as_ref().unwrap().contains("AUTHCTL_CACHE_DIR"), "{cache:?}");
}

#[test]
fn doctor_fails_on_a_clock_far_from_the_servers_and_notes_one_a_little_off() {
    let env = TestEnv::new(&midigator_config("https://api.example.com"));
    let doctor = |local_minus_server: f64| {
        let local = now().floor();
        let server = (local - local_minus_server) as i64;
        let seen = serde_json::json!({"host": "api.example.com", "server": server, "local": local});
        env.write_private("clock.state", &seen.to_string());
        let out = env
            .cmd()
            .args(["doctor", "--json"])
            .env("AUTHCTL_SECRET_MG", "s")
            .output()
            .unwrap();
        (out.status.code(), find(&checks(&out), "clock").clone())
    };
    let (code, clock) = doctor(600.0);
    assert_eq!((code, clock.1.as_str()), (Some(1), "fail"), "{clock:?}");
    assert!(clock.2.starts_with("600s ahead of api.example.com"), "{clock:?}");
    assert!(clock.3.unwrap().contains("NTP"));
    let (code, clock) = doctor(-90.0);
    assert_eq!((code, clock.1.as_str()), (Some(0), "note"), "{clock:?}");
    assert!(clock.2.starts_with("90s behind api.example.com"), "{clock:?}");
    let (code, clock) = doctor(1.0);
    assert_eq!((code, clock.1.as_str()), (Some(0), "ok"), "{clock:?}");
}

#[test]
fn doctor_notes_a_keyring_secret_shadowed_by_the_environment() {
    if !keyring_available() {
        return;
    }
    let server = MockServer::start();
    let profile = format!("dr-{}", std::process::id());
    let env = TestEnv::new(&format!(
        "[profiles.{profile}]\nprovider = \"midigator\"\nbase_url = \"{}\"\n",
        server.base_url()
    ));
    env.cmd_with_keyring()
        .args(["secret", "set", &profile, "--stdin"])
        .write_stdin("in-the-keyring\n")
        .assert()
        .success();
    let var = format!("AUTHCTL_SECRET_{}", profile.to_uppercase().replace('-', "_"));
    let out = env.cmd_with_keyring().args(["doctor", "--json"]).output().unwrap();
    let checks_kept = checks(&out);
    let status = env.cmd_with_keyring().args(["status", "--json"]).output().unwrap();
    let shadowed = env
        .cmd_with_keyring()
        .args(["doctor", "--json"])
        .env(&var, "from-env")
        .output()
        .unwrap();
    env.cmd_with_keyring()
        .args(["secret", "delete", &profile])
        .assert()
        .success();

    assert_eq!(find(&checks_kept, "keyring").1, "ok");
    let own = find(&checks_kept, &format!("profile {profile}"));
    assert_eq!(own.1, "ok");
    assert!(own.2.contains("OS keyring (service authctl, user"), "{own:?}");
    let rows: Vec<Value> = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(rows[0]["secret_source"], "keyring");
    assert_eq!(
        shadowed.status.code(),
        Some(0),
        "a shadowed secret is a note, not a failure"
    );
    let note = find(&checks(&shadowed), &format!("profile {profile}")).clone();
    assert_eq!(note.1, "note");
    assert!(
        note.2.contains(&format!("from environment variable {var}")) && note.2.contains("never used"),
        "{note:?}"
    );
    assert!(note.3.unwrap().contains(&format!("unset {var}")));
    assert!(!stdout(&shadowed).contains("from-env") && !stdout(&shadowed).contains("in-the-keyring"));
}

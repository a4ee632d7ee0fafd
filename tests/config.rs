//! Config lookup, validation messages, profile resolution, `config path|check|init`.

use httpmock::prelude::*;
use predicates::prelude::*;

use crate::util::*;

const TWO: &str = "[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://mg.example.invalid\"\n\n[profiles.partner]\nprovider = \"oauth2\"\ntoken_url = \"https://p.example.invalid/token\"\nclient_id = \"c\"\n";

#[test]
fn an_unknown_profile_is_exit_3_listing_the_profiles() {
    let env = TestEnv::new(TWO);
    env.cmd().args(["token", "nope"]).assert().code(3).stdout("").stderr(
        predicate::str::contains("unknown profile `nope`").and(predicate::str::contains("profiles: mg, partner")),
    );
}

#[test]
fn invalid_toml_is_exit_3_with_file_line_and_column() {
    let env = TestEnv::new("[profiles.mg]\nprovider = \"midigator\nbase_url = 1\n");
    let path = env.config_path().display().to_string();
    env.cmd()
        .args(["token", "mg"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!("invalid TOML at {path}:2:")));
}

#[test]
fn an_unknown_key_is_exit_3_naming_file_line_profile_and_key() {
    let env =
        TestEnv::new("[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://x.invalid\"\nclient_id = \"c\"\n");
    let path = env.config_path().display().to_string();
    env.cmd()
        .args(["config", "check"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "{path}:4:1: profile mg: unknown key client_id"
        )));
}

#[test]
fn a_wrong_provider_and_a_missing_key_and_a_bad_duration_are_exit_3() {
    let cases = [
        (
            "[profiles.x]\nprovider = \"okta\"\n",
            "key provider: unknown provider \"okta\"",
        ),
        (
            "[profiles.x]\nprovider = \"midigator\"\n",
            "profile x is missing required key base_url",
        ),
        (
            "[profiles.x]\nprovider = \"nugios\"\nlogin_url = \"https://a.invalid\"\nlogin = \"me\"\n",
            "missing required key refresh_url",
        ),
        (
            "[defaults]\ntimeout = \"30 parsecs\"\n",
            "[defaults], key timeout: invalid duration",
        ),
        (
            "[profiles.x]\nprovider = \"midigator\"\nbase_url = \"https://a.invalid\"\nrefresh_before = 60\n",
            "key refresh_before: expected a duration string",
        ),
        (
            "[profiles.x]\nprovider = \"oauth2\"\ntoken_url = \"https://a.invalid\"\nclient_id = \"c\"\nbody = \"xml\"\n",
            "expected \"json\" or \"form\"",
        ),
        (
            "[profiles.x]\nprovider = \"midway\"\nclient_id = \"c\"\nreturn_url = \"https://app.example/cb\"\n",
            "key return_url",
        ),
        (
            "[profiles.x]\nprovider = \"midigator\"\nbase_url = \"https://a.invalid\"\nsecret_command = \"pass show x\"\n",
            "run without a shell",
        ),
    ];
    for (text, expected) in cases {
        let env = TestEnv::new(text);
        env.cmd()
            .args(["config", "check"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(expected));
    }
}

#[test]
fn a_missing_config_is_fine_until_a_profile_is_needed() {
    let env = TestEnv::empty();
    let path = env.config_path().display().to_string();
    env.cmd()
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(format!("{path}\n"));
    env.cmd().args(["token", "mg"]).assert().code(3).stderr(
        predicate::str::contains(format!("no config file at {path}"))
            .and(predicate::str::contains("authctl config init")),
    );
}

#[test]
fn config_flag_beats_the_environment_and_the_platform_dir_is_last() {
    let env = TestEnv::new(TWO);
    let other = env.dir.path().join("other.toml");
    env.cmd()
        .args(["config", "path", "--config"])
        .arg(&other)
        .assert()
        .success()
        .stdout(format!("{}\n", other.display()));
    let mut c = env.cmd();
    c.env_remove("AUTHCTL_CONFIG");
    let expected = env.dir.path().join("xdg-config/authctl/config.toml");
    c.args(["config", "path"])
        .assert()
        .success()
        .stdout(format!("{}\n", expected.display()));
}

#[test]
fn init_writes_a_starter_that_parses_and_never_overwrites() {
    let env = TestEnv::empty();
    // Whatever the umask, the starter is the user's alone: a config others may write
    // would be refused.
    let mut sh = assert_cmd::Command::new("sh");
    isolate(&mut sh, env.dir.path());
    sh.env("AUTHCTL_CONFIG", env.config_path())
        .args(["-c", &format!("umask 000; exec '{}' config init", bin().display())])
        .assert()
        .success();
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(env.config_path()).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    let text = std::fs::read_to_string(env.config_path()).unwrap();
    assert!(text.contains("# provider = \"midigator\""), "{text}");
    env.cmd()
        .args(["config", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok, 0 profiles"));
    std::fs::write(env.config_path(), TWO).unwrap();
    env.cmd()
        .args(["config", "init"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "already exists; not overwriting it (edit it, or move it away first); the path came from AUTHCTL_CONFIG",
        ));
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), TWO);
}

#[test]
fn the_example_config_parses_and_has_every_provider() {
    let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml")).unwrap();
    let env = TestEnv::new(&example);
    env.cmd()
        .args(["config", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok, 5 profiles: mg, mr, mw, ng, partner"));
}

#[test]
fn without_a_profile_argument_the_env_then_default_then_only_profile_is_used() {
    let env = TestEnv::new(TWO);
    env.cmd().args(["token"]).assert().code(3).stderr(
        predicate::str::contains("no profile given and no default_profile")
            .and(predicate::str::contains("mg, partner")),
    );
    // AUTHCTL_PROFILE names one; it reaches the secret lookup (exit 4), not a config error.
    env.cmd()
        .args(["token"])
        .env("AUTHCTL_PROFILE", "partner")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("AUTHCTL_SECRET_PARTNER"));
    let with_default = TestEnv::new(&format!("[defaults]\ndefault_profile = \"mg\"\n{TWO}"));
    with_default
        .cmd()
        .args(["token"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("AUTHCTL_SECRET_MG"));
    let only = TestEnv::new(&midigator_config("https://x.invalid"));
    only.cmd()
        .args(["token"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("AUTHCTL_SECRET_MG"));
}

#[test]
fn a_usage_error_is_exit_2() {
    let env = TestEnv::new(TWO);
    env.cmd().args(["token", "mg", "--format", "yaml"]).assert().code(2);
    env.cmd().args(["token", "mg", "--secret", "x"]).assert().code(2);
}

#[test]
fn a_config_read_from_a_pipe_works() {
    let server = httpmock::MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = TestEnv::empty();
    let config = midigator_config(&server.base_url());
    for args in [vec!["token", "mg"], vec!["config", "check"]] {
        env.cmd()
            .env("AUTHCTL_CONFIG", "/dev/stdin")
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .args(&args)
            .write_stdin(config.clone())
            .assert()
            .success();
    }
    auth.assert_calls(1);
}

#[test]
fn an_empty_authctl_config_is_exit_2_on_every_path() {
    let env = TestEnv::new(TWO);
    for args in [vec!["token", "mg"], vec!["token", "mg", "-q"]] {
        env.cmd()
            .env("AUTHCTL_CONFIG", "")
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--config"));
    }
}

/// What only the whole file can tell is never skipped when one profile is read.
#[test]
fn defaults_the_quick_path_cannot_vouch_for_are_read_whole() {
    let mg = "[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://mg.example.invalid\"\n";
    let big = "# a long comment\n".repeat(70_000);
    for (text, says) in [
        (
            format!("[defaults]\ntimeout = \"0s\"\n{mg}[defaults]\n"),
            "invalid TOML".to_string(),
        ),
        (
            format!("[defaults]\ntimeout = \"0s\"\n{big}{mg}"),
            "[defaults], key timeout".to_string(),
        ),
        (
            format!("[defaults]\ndefault_profile = \"mgg\"\n{mg}"),
            "no profile named `mgg`".to_string(),
        ),
    ] {
        let env = TestEnv::new(&text);
        env.cmd()
            .args(["token", "mg"])
            .env("AUTHCTL_SECRET_MG", "s")
            .assert()
            .code(3)
            .stderr(predicate::str::contains(says));
    }
}

/// A thread that rewrites a file in place, one version then the other, with `write`,
/// until stopped.
struct Flipping {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Flipping {
    fn start(
        path: std::path::PathBuf,
        first: String,
        second: String,
        write: fn(&std::fs::File, &str) -> std::io::Result<()>,
    ) -> Flipping {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                for text in [&first, &second] {
                    write(&f, text).unwrap();
                }
            }
        });
        Flipping { stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap();
    }
}

/// Two versions of one config, of the same length: in the first, `[profiles.x]` sends
/// the secret to `{url}/good`; in the second, the same bytes at the same place are text
/// inside another profile's multi-line string, naming `{url}/evil`, and no profile x
/// exists. Whatever moment a call reads the file at, the secret never goes to `/evil`.
fn flipping_versions(url: &str) -> (String, String) {
    let x = |path: &str| format!("[profiles.x]\nprovider = \"midigator\"\nbase_url = \"{url}/{path}\"\n");
    let z = format!("[profiles.z]\nprovider = \"midigator\"\nbase_url = \"{url}/good\"\n");
    let head = format!(
        "[profiles.y]\nprovider = \"midigator\"\nbase_url = \"{url}/good\"\nsecret_command = [\"true\", \"\"\"\n"
    );
    let pad = format!("#{}\n", "-".repeat(head.len() - 2));
    let first = format!("{pad}{}{z}#pad\n", x("good"));
    let second = format!("{head}{}{z}\"\"\"]\n", x("evil"));
    assert_eq!(first.len(), second.len());
    (first, second)
}

#[test]
fn a_config_rewritten_in_place_during_calls_never_sends_the_secret_elsewhere() {
    let server = MockServer::start();
    let good = server.mock(|when, then| {
        when.method(POST).path("/good/auth");
        then.status(200)
            .json_body(serde_json::json!({ "token": jwt_expiring_in(3600) }));
    });
    let evil = server.mock(|when, then| {
        when.method(POST).path("/evil/auth");
        then.status(200)
            .json_body(serde_json::json!({ "token": jwt_expiring_in(3600) }));
    });
    let (first, second) = flipping_versions(&server.base_url());
    let env = TestEnv::new(&first);
    // In place, as an editor saving in place or `cat new > config` does.
    let writer = Flipping::start(env.config_path(), first, second, |f, text| {
        std::io::Write::write_all(&mut &*f, text.as_bytes())?;
        std::io::Seek::seek(&mut &*f, std::io::SeekFrom::Start(0)).map(drop)
    });
    for _ in 0..60 {
        let out = std_cmd(&env)
            .args(["token", "x", "--no-cache"])
            .env("AUTHCTL_SECRET_X", "the-secret")
            .output()
            .unwrap();
        // Version one: a token from /good. Version two: no profile x (exit 3).
        assert!(matches!(out.status.code(), Some(0 | 3)), "{}", stderr(&out));
    }
    writer.stop();
    evil.assert_calls(0);
    // The file as the writer left it (the second version, then the first) is usable.
    std::fs::write(env.config_path(), flipping_versions(&server.base_url()).0).unwrap();
    std_cmd(&env)
        .args(["token", "x", "--no-cache"])
        .env("AUTHCTL_SECRET_X", "the-secret")
        .status()
        .unwrap()
        .success()
        .then_some(())
        .expect("the first version gives profile x");
    assert!(good.calls() > 0);
}

fn chmod(path: &std::path::Path, mode: u32) {
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
}

#[test]
fn a_config_others_may_write_is_refused_before_anything_runs_or_is_sent() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let ran = tempfile::tempdir().unwrap();
    let marker = ran.path().join("ran");
    let env = TestEnv::new(&format!(
        "{}secret_command = [\"sh\", \"-c\", \"touch {}; echo s\"]\n",
        midigator_config(&server.base_url()),
        marker.display()
    ));
    chmod(&env.config_path(), 0o666);
    let path = env.config_path().display().to_string();
    for args in [vec!["token", "mg"], vec!["exec", "mg", "--", "true"], vec!["status"]] {
        env.cmd().args(&args).assert().code(3).stdout("").stderr(predicate::str::contains(format!(
            "refusing config file {path}: group or others may write to it (mode 0666); make it writable by its owner alone: chmod go-w {path}"
        )));
    }
    assert!(!marker.exists(), "secret_command ran");
    auth.assert_calls(0);
    chmod(&env.config_path(), 0o644);
    env.cmd().args(["token", "mg"]).assert().success();
}

/// Gives `path` to another account (65534, "nobody"); false where only root could.
fn give_away(path: &std::path::Path, uid: Option<u32>, gid: Option<u32>) -> bool {
    if std::os::unix::fs::chown(path, uid, gid).is_ok() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "CI runs the tests as root");
    eprintln!("skipping: only root can give a file to another account here");
    false
}

#[test]
fn a_config_of_another_account_is_refused_unless_that_owner_is_named() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    if !give_away(&env.config_path(), Some(65534), None) {
        return;
    }
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "s")
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("it belongs to user 65534, not to you")
                .and(predicate::str::contains("set AUTHCTL_CONFIG_OWNER to that account")),
        );
    auth.assert_calls(0);
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "s")
        .env("AUTHCTL_CONFIG_OWNER", "nonexistent-account-x")
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "no account nonexistent-account-x exists to trust",
        ));
    for owner in ["65534", "nobody"] {
        env.cmd()
            .args(["token", "mg", "--no-cache"])
            .env("AUTHCTL_SECRET_MG", "s")
            .env("AUTHCTL_CONFIG_OWNER", owner)
            .assert()
            .success();
    }
    // Naming the owner trusts who wrote it, not what others may write.
    chmod(&env.config_path(), 0o646);
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_CONFIG_OWNER", "65534")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("chmod go-w"));
}

#[test]
fn a_group_writable_config_is_trusted_only_when_the_group_is_the_owners_own() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    chmod(&env.config_path(), 0o664);
    // Another account's group (65534, "nogroup"): refused.
    if !give_away(&env.config_path(), None, Some(65534)) {
        return;
    }
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "s")
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "group 65534, which is not the owner's private group, may write to it (mode 0664)",
        ));
    // root's own group (gid 0, named root, no other member) on a root-owned file: the
    // umask 002 layout, trusted.
    let uid = std::fs::metadata(env.config_path())
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap();
    if uid == 0 && give_away(&env.config_path(), None, Some(0)) {
        env.cmd()
            .args(["token", "mg"])
            .env("AUTHCTL_SECRET_MG", "s")
            .assert()
            .success();
    }
}

/// A config whose profile `mg` is fine and whose profile `broken` is not.
fn broken_elsewhere(server: &MockServer) -> String {
    format!(
        "{}\n[profiles.broken]\nprovider = \"midigator\"\nbase_url = \"http://example.com\"\n",
        midigator_config(&server.base_url())
    )
}

#[test]
fn only_a_cached_token_is_served_while_another_profile_is_broken() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    let first = env
        .cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "s")
        .assert()
        .success();
    let token = String::from_utf8(first.get_output().stdout.clone()).unwrap();
    std::fs::write(env.config_path(), broken_elsewhere(&server)).unwrap();
    env.cmd().args(["token", "mg"]).assert().success().stdout(token);
    let path = env.config_path().display().to_string();
    for args in [
        vec!["token", "mg", "--force-refresh"],
        vec!["exec", "mg", "--", "true"],
        vec!["curl", "mg", "--", "--version"],
    ] {
        env.cmd()
            .args(&args)
            .env("AUTHCTL_SECRET_MG", "s")
            .assert()
            .code(3)
            .stdout("")
            .stderr(
                predicate::str::contains(format!(
                    "config error at {path}:7:12: profile broken, key base_url: plain http://"
                ))
                .and(predicate::str::contains(
                    "authctl renews no token and starts no command while the config has an error",
                )),
            );
    }
    auth.assert_calls(1);
}

#[test]
fn a_mistyped_profile_gets_a_suggestion() {
    let env = TestEnv::new(TWO);
    env.cmd().args(["token", "mgg"]).assert().code(3).stderr(
        predicate::str::contains("unknown profile `mgg`")
            .and(predicate::str::contains("did you mean `mg`? profiles: mg, partner")),
    );
    env.cmd()
        .args(["token", "zzz"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("did you mean").not());
}

#[test]
fn config_check_reports_every_error_not_the_first() {
    let env = TestEnv::new(
        "[profiles.a]\nprovider = \"midigator\"\n\n[profiles.b]\nprovider = \"midigator\"\nbase_url = \"http://example.com\"\n\n[profiles.c]\nprovider = \"midigator\"\nbase_url = \"https://c.invalid\"\n",
    );
    let path = env.config_path().display().to_string();
    let out = env.cmd().args(["config", "check"]).assert().code(3).stdout("");
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].contains("profile a is missing required key base_url"), "{err}");
    assert!(
        lines[1].contains(&format!("{path}:6:12: profile b, key base_url: plain http://")),
        "{err}"
    );
    assert_eq!(lines[2], format!("error: 2 errors in {path}"));
}

/// Two versions of one config of the same length, each giving profile a `{url}/a`: in
/// the first a comment comes first, in the second last. Read in pieces across a rewrite,
/// the first 256 bytes of one and the rest of the other make profile a point at
/// `{url}/b`, the URL of profile b.
fn shifted_versions(url: &str) -> (String, String) {
    let section = |name: &str| {
        let body = format!("[profiles.{name}]\nprovider = \"midigator\"\nbase_url = \"{url}/{name}\"\n");
        format!("{body}#{}\n", "-".repeat(241 - body.len()))
    };
    let (a, b) = (section("a"), section("b"));
    let comment = format!("#{}\n", "=".repeat(241));
    assert_eq!((a.len(), comment.len()), (243, 243));
    (format!("{comment}{a}{b}"), format!("{a}{b}{comment}"))
}

#[test]
fn a_config_rewritten_in_place_is_read_as_one_version_or_not_at_all() {
    use std::os::unix::fs::FileExt;
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    let [a, b] = ["/a/auth", "/b/auth"].map(|path| {
        let token = token.clone();
        server.mock(move |when, then| {
            when.method(POST).path(path);
            then.status(200).json_body(serde_json::json!({ "token": token }));
        })
    });
    let (first, second) = shifted_versions(&server.base_url());
    let env = TestEnv::new(&first);
    let writer = Flipping::start(env.config_path(), first, second, |f, text| {
        f.write_all_at(text.as_bytes(), 0)
    });
    for _ in 0..300 {
        let out = std_cmd(&env)
            .args(["token", "a", "--no-cache"])
            .env("AUTHCTL_SECRET_A", "the-secret")
            .output()
            .unwrap();
        assert!(matches!(out.status.code(), Some(0 | 3)), "{}", stderr(&out));
    }
    writer.stop();
    b.assert_calls(0);
    // Still, either version read whole gives profile a its own URL.
    assert!(
        std_cmd(&env)
            .args(["token", "a", "--no-cache"])
            .env("AUTHCTL_SECRET_A", "the-secret")
            .status()
            .unwrap()
            .success()
    );
    assert!(a.calls() > 0);
}

fn has_program(name: &str) -> bool {
    std::process::Command::new(name).arg("--help").output().is_ok()
}

/// An account made for one test and removed after it.
struct Account(String);

impl Account {
    fn add(name: &str, args: &[&str]) -> Account {
        let out = std::process::Command::new("useradd")
            .args(args)
            .arg(name)
            .output()
            .unwrap();
        assert!(out.status.success(), "useradd {name}: {}", stderr(&out));
        Account(name.to_string())
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        let _ = std::process::Command::new("userdel").arg(&self.0).output();
        let _ = std::process::Command::new("groupdel").arg(&self.0).output();
    }
}

#[test]
fn a_group_is_private_only_while_no_other_account_has_it_as_its_own() {
    if !(nix_root() && has_program("useradd")) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the tests as root with useradd"
        );
        eprintln!("skipping: adding accounts needs root and useradd");
        return;
    }
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    let owner_name = format!("actl-o{}", std::process::id());
    let owner = Account::add(&owner_name, &["--user-group", "--no-create-home"]);
    let uid = std::process::Command::new("id")
        .args(["-u", &owner.0])
        .output()
        .unwrap();
    let uid: u32 = stdout(&uid).trim().parse().unwrap();
    std::os::unix::fs::chown(env.config_path(), Some(uid), Some(uid)).unwrap();
    chmod(&env.config_path(), 0o664);
    let token = || {
        let mut c = env.cmd();
        c.args(["token", "mg", "--no-cache"])
            .env("AUTHCTL_SECRET_MG", "s")
            .env("AUTHCTL_CONFIG_OWNER", &owner.0);
        c
    };
    token().assert().success();
    // Another account whose primary group is the owner's: it may write the file.
    let _other = Account::add(
        &format!("actl-m{}", std::process::id()),
        &["-g", &owner.0, "--no-create-home"],
    );
    token().assert().code(3).stderr(predicate::str::contains(
        "which is not the owner's private group, may write to it",
    ));
}

fn nix_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .ok()
        == Some(0)
}

/// A POSIX access list (`setfacl -m u:nobody:rw`) written as its extended attribute:
/// owner rw, user 65534 rw, group r, mask rw, others r.
fn grant_write_to_nobody(path: &std::path::Path) -> bool {
    let mut acl = 2u32.to_le_bytes().to_vec();
    for (tag, perm, id) in [
        (1u16, 6u16, u32::MAX),
        (2, 6, 65534),
        (4, 4, u32::MAX),
        (0x10, 6, u32::MAX),
        (0x20, 4, u32::MAX),
    ] {
        acl.extend(tag.to_le_bytes());
        acl.extend(perm.to_le_bytes());
        acl.extend(id.to_le_bytes());
    }
    let path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    let name = c"system.posix_acl_access";
    // SAFETY: valid NUL-terminated strings and a buffer of the length given.
    let rc = unsafe { libc::setxattr(path.as_ptr(), name.as_ptr(), acl.as_ptr().cast(), acl.len(), 0) };
    rc == 0
}

#[test]
fn a_config_whose_access_list_lets_another_account_write_is_refused() {
    let server = MockServer::start();
    midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    chmod(&env.config_path(), 0o644);
    if !grant_write_to_nobody(&env.config_path()) {
        eprintln!("skipping: this file system keeps no access lists");
        return;
    }
    let path = env.config_path().display().to_string();
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "s")
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "an access list lets other users or groups write to it (mode 0664+); remove its access list: setfacl -b {path}"
        )));
}

#[test]
fn a_fifo_in_place_of_the_config_is_judged_not_waited_on() {
    let env = TestEnv::empty();
    let fifo = std::ffi::CString::new(env.config_path().as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let mut token = env.cmd();
    token.args(["token", "mg"]).timeout(std::time::Duration::from_secs(30));
    if std::os::unix::fs::chown(env.config_path(), Some(65534), None).is_ok() {
        token
            .assert()
            .code(3)
            .stderr(predicate::str::contains("it belongs to user 65534"));
    } else {
        // The user's own FIFO with no writer: read as an empty config.
        token
            .assert()
            .code(3)
            .stderr(predicate::str::contains("unknown profile `mg`"));
    }
}

#[test]
fn config_errors_stay_on_one_line_and_say_where_and_what_to_run() {
    let env = TestEnv::empty();
    let odd = env.dir.path().join("two\nlines dir");
    std::fs::create_dir(&odd).unwrap();
    let config = odd.join("c.toml");
    std::fs::write(&config, b"[profiles.mg]\nprovider = \"midig\xffator\"\n").unwrap();
    let out = env
        .cmd()
        .arg("--config")
        .arg(&config)
        .args(["token", "mg"])
        .assert()
        .code(3);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("two\\nlines dir/c.toml:2:18: this is not UTF-8 text"),
        "{err}"
    );
    std::fs::write(&config, midigator_config("https://mg.example.invalid")).unwrap();
    chmod(&config, 0o666);
    env.cmd()
        .arg("--config")
        .arg(&config)
        .args(["token", "mg"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("chmod go-w '").and(predicate::str::contains("lines dir/c.toml'\n")));
    // A trusted owner named wrongly does not make the user's own file untrusted.
    chmod(&config, 0o600);
    std::fs::write(&config, midigator_config("https://mg.example.invalid/x")).unwrap();
    env.cmd()
        .arg("--config")
        .arg(&config)
        .args(["config", "check"])
        .env("AUTHCTL_CONFIG_OWNER", "no-such-account-here")
        .assert()
        .success();
}

#[test]
fn the_browser_sign_in_listens_only_on_a_config_without_errors() {
    let env = TestEnv::new(
        "[profiles.mw]\nprovider = \"midway\"\nclient_id = \"cid\"\napp_url = \"https://app.example.test\"\n\
         app_id = \"app-7\"\nreturn_url = \"http://127.0.0.1:0/callback\"\n\
         [profiles.broken]\nprovider = \"midigator\"\n",
    );
    env.cmd()
        .args(["midway", "browser", "--no-open", "--wait", "60s"])
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("profile broken is missing required key base_url")
                .and(predicate::str::contains("Authenticate").not()),
        );
}

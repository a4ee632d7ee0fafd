//! Property tests: every parser of outside input — JWTs, each provider's answers, the
//! config file, cache records, `Retry-After`, the browser callback — given arbitrary
//! input, never panics and either accepts something safe or says no cleanly. A bounded
//! number of cases each, so they run in every `cargo test`.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use authctl::browser;
use authctl::cache::Record;
use authctl::cli::Cli;
use authctl::config::Config;
use authctl::http::parse_retry_after;
use authctl::jwt;
use authctl::log::one_line;
use authctl::providers::Flow;
use authctl::redact;
use authctl::token::{AccessToken, check_bearer};
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::Value;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Arbitrary JSON, nested a few levels, with the field names providers read mixed in.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("token".to_string()),
        Just("access_token".to_string()),
        Just("accessToken".to_string()),
        Just("refresh_token".to_string()),
        Just("refreshToken".to_string()),
        Just("expires_in".to_string()),
        Just(".expires".to_string()),
        Just("token_type".to_string()),
        Just("passwordExpired".to_string()),
        Just("message".to_string()),
        ".{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// One profile of every provider.
fn profiles() -> Vec<authctl::config::Profile> {
    let text = "[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://x.test\"\n\
        [profiles.mw]\nprovider = \"midway\"\nclient_id = \"c\"\ninstallation = \"i\"\n\
        [profiles.mr]\nprovider = \"mediroutes\"\nusername = \"u\"\n\
        [profiles.ng]\nprovider = \"nugios\"\nlogin_url = \"https://x.test/l\"\nrefresh_url = \"https://x.test/r\"\nlogin = \"l\"\n\
        [profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"https://x.test/t\"\nclient_id = \"c\"\n";
    Config::from_text(Path::new("/p.toml"), Some(text.to_string()))
        .profiles()
        .unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn jwt_decoding_takes_any_text(text in ".{0,200}", parts in prop::collection::vec("[A-Za-z0-9_=-]{0,40}", 0..5)) {
        let _ = jwt::decode(&text);
        if let Some(d) = jwt::decode(&parts.join(".")) {
            let _ = (d.exp(), d.iat());
        }
    }

    #[test]
    fn a_checked_bearer_token_holds_only_rfc_6750_characters(text in ".{0,100}") {
        if check_bearer(&text).is_ok() {
            prop_assert!(text.chars().all(|c| c.is_ascii_alphanumeric() || "-._~+/=".contains(c)));
            prop_assert!(AccessToken::parse(text).is_ok());
        }
    }

    #[test]
    fn every_provider_reads_any_json_answer_without_panicking(body in json()) {
        for profile in profiles() {
            match profile.provider().flow() {
                Flow::Direct(flow) => {
                    let _ = flow.read_grant(&body);
                }
                Flow::Installations(flow) => {
                    let _ = flow.read_developer_token(&body);
                    let _ = flow.read_installation_token(&body);
                }
            }
        }
    }

    #[test]
    fn any_config_text_parses_or_is_refused(text in "(\\[[a-z.]{0,12}\\]\n|[a-z_]{1,10} = (\"[^\"\n]{0,20}\"|[0-9]{1,5}|true|\\[\\])\n|.{0,20}\n){0,12}") {
        let cfg = Config::from_text(Path::new("/p.toml"), Some(text.clone()));
        if let Ok(names) = cfg.names() {
            for name in names {
                let _ = cfg.profile(&name);
            }
            let _ = cfg.profiles();
            let _ = cfg.resolve(None);
        }
    }

    /// The quick path (only `[defaults]` and the one profile parsed) reads every profile
    /// the whole-file parse reads, to the same values, and refuses what it refuses; it
    /// may serve a profile while another one is broken, which the whole parse refuses.
    #[test]
    fn reading_one_profile_agrees_with_reading_the_whole_file(
        defaults in "(\\[defaults\\]\n(timeout = \"[0-9]s\"\n)?(default_profile = \"(a|b|c)\"\n)?(allow_http = true\n)?)?",
        sections in prop::collection::vec((
            "(a|b|c)",
            "(|  |\t)",
            "( # \\[profiles.c\\]|\r| )?",
            "(midigator|oauth2|nugios)",
            "(https|http)",
            "(timeout = \"[0-9]s\"\n|secret_env = \"E\"\n|tiemout = 1\n|\\[x\\]\n|#c\n|# \\[profiles.a\\]\n|secret_command = \\[\"x\", \"\\[profiles.b\\]\"\\]\n|secret_command = \\[\n  \"y\",\n\\]\n)?",
        ), 0..5),
        env_name in "(a|b|c)?",
    ) {
        let mut text = defaults;
        for (name, indent, after, provider, scheme, extra) in &sections {
            let keys = match provider.as_str() {
                "midigator" => format!("base_url = \"{scheme}://m.example\"\n"),
                "oauth2" => format!("token_url = \"{scheme}://o.example/t\"\nclient_id = \"c\"\n"),
                _ => format!("login_url = \"{scheme}://n.example/l\"\nrefresh_url = \"{scheme}://n.example/r\"\nlogin = \"me\"\n"),
            };
            text.push_str(&format!("\n{indent}[profiles.{name}]{after}\nprovider = \"{provider}\"\n{keys}{extra}"));
        }
        let path = Path::new("/p.toml");
        // A `'''` in a comment at the end makes the whole file be parsed: the quick
        // path reads only files of the plain layout.
        let whole = Config::from_text(path, Some(format!("{text}\n# '''\n")));
        if whole.names().is_err() {
            return Ok(());
        }
        let seen = |p: Result<authctl::config::Profile, authctl::config::ConfigError>| {
            p.map(|p| (p.name, p.settings.fingerprint(None), p.timeout, p.refresh_before, p.default_ttl, format!("{:?}", p.secret)))
                .map_err(|e| e.to_string())
        };
        for name in ["a", "b", "c", "midigator", "oauth2", "nugios"] {
            let lazy = Config::from_text(path, Some(text.clone()));
            prop_assert_eq!(seen(lazy.profile(name)), seen(whole.profile(name)), "{}", text);
        }
        let arg = Some(env_name.as_str()).filter(|n| !n.is_empty());
        let lazy = Config::from_text(path, Some(text.clone()));
        prop_assert_eq!(seen(lazy.resolve(arg)), seen(whole.resolve(arg)), "{}", text);
    }

    #[test]
    fn a_profile_of_arbitrary_values_is_read_or_refused(key in "(base_url|token_url|client_id|timeout|refresh_before|default_ttl|allow_http|secret_command|body|scope|timezone_offset|return_url|installation)", value in "(\"[^\"\n\\\\]{0,30}\"|-?[0-9]{1,20}|true|\\[\"[a-z ]{0,8}\"\\]|1e9|\\{\\})") {
        for provider in ["midigator", "midway", "mediroutes", "nugios", "oauth2"] {
            let text = format!("[profiles.p]\nprovider = \"{provider}\"\n{key} = {value}\n");
            let _ = Config::from_text(Path::new("/p.toml"), Some(text)).profile("p");
        }
    }

    #[test]
    fn a_cache_record_is_read_only_when_safe(bytes in prop::collection::vec(any::<u8>(), 0..300), token in ".{0,30}", expires in any::<f64>()) {
        let _ = serde_json::from_slice::<Record>(&bytes);
        let record = serde_json::json!({"provider": "midigator", "bound_to": "00", "access_token": token,
            "token_type": "Bearer", "obtained_at": 1.0, "expires_at": expires});
        if let Ok(r) = serde_json::from_value::<Record>(record) {
            prop_assert!(check_bearer(r.access_token.as_str()).is_ok());
            prop_assert!(r.expires_at.secs().is_finite() && r.expires_at.secs() > 0.0);
        }
    }

    #[test]
    fn retry_after_takes_any_header_value(value in ".{0,60}") {
        let _ = parse_retry_after(&value);
    }

    #[test]
    fn any_timeout_gives_a_bounded_lock_wait(secs in any::<u64>(), nanos in 0u32..1_000_000_000) {
        let timeout = std::time::Duration::new(secs, nanos);
        prop_assert!(authctl::lifecycle::lock_patience(timeout) >= timeout);
    }

    #[test]
    fn the_browser_callback_takes_any_request(head in ".{0,300}", query in "[A-Za-z0-9%=&._~+/ -]{0,80}") {
        for head in [head, format!("GET /callback?{query} HTTP/1.1\r\nHost: x\r\n\r\n")] {
            let a = browser::answer(&head, "/callback");
            prop_assert!([200, 400, 403, 404, 405].contains(&a.status));
            if let Some(Ok(token)) = &a.outcome {
                prop_assert!(check_bearer(token).is_ok());
                prop_assert_eq!(a.status, 200);
            }
        }
    }

    #[test]
    fn outside_text_reaches_the_terminal_on_one_safe_line(text in "\\PC{0,80}|.{0,80}", secret in "[a-zA-Z0-9]{8,16}") {
        let line = one_line(&text, 50);
        prop_assert!(!line.chars().any(|c| c.is_control()));
        prop_assert!(line.chars().count() <= 50 * 10 + 1);
        redact::register(&secret);
        let surrounded = [text.as_str(), secret.as_str(), text.as_str()].concat();
        prop_assert!(!redact::scrub(&surrounded).contains(&secret));
    }
}

#[test]
fn every_provider_is_covered() {
    let kinds: Vec<_> = profiles().iter().map(|p| p.kind()).collect();
    for kind in authctl::providers::Kind::ALL {
        assert!(kinds.contains(kind), "{kind} has no profile in the property tests");
    }
}

/// Set in the process that runs the plain token reader's cases (see below).
const PLAIN_TOKEN_CHILD: &str = "AUTHCTL_TEST_PLAIN_TOKEN_CASES";

/// `authctl token` read without clap gives exactly what clap gives, or defers to it,
/// whatever the command line and whatever AUTHCTL_PROFILE and AUTHCTL_CONFIG hold. clap
/// reads those two from the process environment, which the other tests' children inherit,
/// so the cases run in a process of their own: this test binary again, running this test
/// alone.
#[test]
fn the_plain_token_reader_agrees_with_clap() {
    if std::env::var_os(PLAIN_TOKEN_CHILD).is_some() {
        return plain_token_cases();
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "properties::the_plain_token_reader_agrees_with_clap",
            "--exact",
            "--test-threads=1",
        ])
        .env(PLAIN_TOKEN_CHILD, "1")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.contains(" 1 passed"), "{said}");
}

/// A word of an `authctl` command line: the ones the reader must tell apart, and others.
fn word() -> impl Strategy<Value = OsString> {
    let known = prop::sample::select(vec![
        "token",
        "mg",
        "other",
        "--format",
        "json",
        "raw",
        "header",
        "curl",
        "env",
        "--format=env",
        "--format=json",
        "--format=",
        "--format=bogus",
        "--format=JSON",
        "--json",
        "--profile",
        "-v",
        "-vv",
        "-q",
        "--quiet",
        "--verbose",
        "--no-cache",
        "--force-refresh",
        "--secret-stdin",
        "--min-ttl",
        "5m",
        "--timeout",
        "10s",
        "--config",
        "/tmp/c.toml",
        "--config=/tmp/c.toml",
        "",
        "--",
        "-",
        "-h",
        "--help",
        "-V",
        "--version",
        "help",
        "inspect",
        "Token",
        "tok",
        "=",
        " mg",
        "mg=x",
    ]);
    prop_oneof![
        8 => known.prop_map(OsString::from),
        2 => "[ -~]{0,8}".prop_map(OsString::from),
        1 => Just(OsString::from_vec(b"m\xffg".to_vec())),
    ]
}

/// A value of AUTHCTL_PROFILE or AUTHCTL_CONFIG: unset, empty, usual or odd.
fn variable() -> impl Strategy<Value = Option<OsString>> {
    let known = prop::sample::select(vec![
        "",
        " ",
        "mg",
        "other",
        "-",
        "--format",
        "--config=x",
        "a b",
        "/tmp/c.toml",
        "c.toml",
        "=",
        "\n",
        "-v",
    ]);
    prop_oneof![
        3 => Just(None),
        4 => known.prop_map(|v| Some(OsString::from(v))),
        2 => "[ -~]{0,12}".prop_map(|v| Some(OsString::from(v))),
        1 => Just(Some(OsString::from_vec(b"p\xfe".to_vec()))),
    ]
}

fn set_variables(profile: Option<&OsString>, config: Option<&OsString>) {
    for (name, value) in [("AUTHCTL_PROFILE", profile), ("AUTHCTL_CONFIG", config)] {
        // SAFETY: this process runs this one test alone, on one thread: nothing else reads
        // or writes the environment meanwhile.
        unsafe {
            match value {
                Some(v) => std::env::set_var(name, v),
                None => std::env::remove_var(name),
            }
        }
    }
}

/// Whether the reader took the command line, and then that clap gives the same.
fn reader_agrees(words: &[OsString]) -> Result<bool, TestCaseError> {
    let args: Vec<OsString> = std::iter::once(OsString::from("authctl"))
        .chain(words.iter().cloned())
        .collect();
    let Some(fast) = Cli::plain_token(&args) else {
        return Ok(false);
    };
    match <Cli as clap::Parser>::try_parse_from(&args) {
        Ok(by_clap) => prop_assert_eq!(fast, by_clap, "{:?}", words),
        Err(e) => prop_assert!(false, "clap refuses what the reader took: {words:?}: {e}"),
    }
    Ok(true)
}

fn plain_token_cases() {
    let taken = std::cell::Cell::new(0);
    let cases = (
        prop::bool::weighted(0.8),
        prop::collection::vec(word(), 0..6),
        variable(),
        variable(),
    );
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 1024,
        ..config()
    });
    let result = runner.run(&cases, |(token_first, mut words, profile, config)| {
        if token_first {
            words.insert(0, "token".into());
        }
        set_variables(profile.as_ref(), config.as_ref());
        taken.set(taken.get() + usize::from(reader_agrees(&words)?));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The property says nothing about calls the reader leaves to clap: it must take many.
    assert!(
        taken.get() >= 1024 / 10,
        "the reader took only {} of 1024 calls",
        taken.get()
    );

    // The everyday calls are taken, whatever the two variables hold (except an empty
    // AUTHCTL_CONFIG, which clap refuses).
    let everyday: [&[&str]; 4] = [
        &["token"],
        &["token", "mg"],
        &["token", "mg", "--format", "header"],
        &["token", "--format=json", "mg"],
    ];
    for (profile, config) in [(None, None), (Some("mg"), Some("/tmp/c.toml")), (Some(""), None)] {
        set_variables(
            profile.map(OsString::from).as_ref(),
            config.map(OsString::from).as_ref(),
        );
        for words in everyday {
            let words: Vec<OsString> = words.iter().map(OsString::from).collect();
            let taken = reader_agrees(&words).unwrap_or_else(|e| panic!("{e}"));
            assert!(taken, "{words:?} with {profile:?}, {config:?}");
        }
    }
}

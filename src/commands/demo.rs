//! `authctl demo`: every provider's flow, offline, against the sandbox (`sandbox.rs`) —
//! an in-process emulation of the five providers on 127.0.0.1. Each step goes through the
//! same lifecycle, cache and renderings as the real commands, with a temporary config
//! and cache; credentials stay in files there, so nothing of the user's (config, cache,
//! keyring) is touched. It prints what happened as a table.
//!
//! `authctl demo --serve` leaves the sandbox running and prints a config for it (profiles
//! named `sandbox-*`) on stdout, and on stderr what to source: the sandbox's secrets and a
//! cache directory of its own, so scripts can be tried offline without touching anything
//! of the user's.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use reqwest::Url;
use serde_json::Value;

use crate::browser::Listening;
use crate::cache::Cache;
use crate::cli::DemoArgs;
use crate::config::{Config, Profile};
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::http::LazyClient;
use crate::lifecycle::{self, Ask, Mode, Obtained, Seams, TokenSource};
use crate::output::Format;
use crate::providers::Player;
use crate::sandbox::{Hits, Sandbox, credentials as demo};
use crate::secret::{Origin, Secret, SecretError, SecretSource};
use crate::time::{SystemClock, UnixTime};
use crate::{jwt, platform};

/// The sandbox answers in milliseconds; this only bounds a step gone wrong.
const TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(args: &DemoArgs) -> Result<()> {
    if args.serve {
        return serve(args.port.unwrap_or(0));
    }
    let failed = |e: std::io::Error| Error::io("cannot set up the demo", e);
    let home = tempfile::tempdir().map_err(failed)?;
    let return_url = Url::parse("http://127.0.0.1:0/callback").expect("a valid URL");
    let listening = Listening::bind(&return_url)?;
    let sandbox = Sandbox::start(0, Some(listening.url().clone())).map_err(failed)?;
    let config_path = home.path().join("config.toml");
    std::fs::write(&config_path, config_text(&sandbox.url(), listening.url().as_str(), "")).map_err(failed)?;
    let demo = Demo {
        config: Config::load(Some(&config_path))?,
        cache: Cache::at(home.path().join("cache")),
        transport: LazyClient::new(TIMEOUT, None),
        sandbox,
        steps: Vec::new(),
        secrets_asked: std::cell::Cell::new(0),
        sample: None,
    };
    demo.run(listening)
}

/// The profiles (the five providers, and a browser sign-in of the OAuth2 one), pointed at the sandbox, each name after `prefix`.
fn config_text(url: &str, return_url: &str, prefix: &str) -> String {
    format!(
        "[profiles.{prefix}mg]\nprovider = \"midigator\"\nbase_url = \"{url}\"\n\n\
         [profiles.{prefix}partner]\nprovider = \"oauth2\"\ntoken_url = \"{url}/api/oauth/token\"\nclient_id = \"{}\"\nbody = \"json\"\n\n\
         [profiles.{prefix}web]\nprovider = \"oauth2\"\ngrant = \"authorization_code\"\nclient_auth = \"none\"\n\
         authorization_url = \"{url}/oauth2/authorize\"\ntoken_url = \"{url}/api/oauth/token\"\nclient_id = \"{}\"\n\n\
         [profiles.{prefix}device]\nprovider = \"oauth2\"\ngrant = \"device_code\"\nclient_auth = \"none\"\n\
         device_authorization_url = \"{url}/oauth2/device_authorization\"\ntoken_url = \"{url}/api/oauth/token\"\nclient_id = \"{}\"\n\n\
         [profiles.{prefix}mw]\nprovider = \"midway\"\nbase_url = \"{url}\"\napp_url = \"{url}\"\nclient_id = \"{}\"\n\
         installation = \"{}\"\napp_id = \"{}\"\nreturn_url = \"{return_url}\"\n\n\
         [profiles.{prefix}mr]\nprovider = \"mediroutes\"\nbase_url = \"{url}\"\nusername = \"{}\"\n\n\
         [profiles.{prefix}ng]\nprovider = \"nugios\"\nlogin_url = \"{url}/nugios/login\"\nrefresh_url = \"{url}/nugios/refresh\"\n\
         login = \"{}\"\ntimezone_offset = 240\n",
        demo::OAUTH2_CLIENT_ID,
        demo::OAUTH2_PUBLIC_CLIENT_ID,
        demo::OAUTH2_PUBLIC_CLIENT_ID,
        demo::MIDWAY_CLIENT_ID,
        demo::MIDWAY_INSTALLATION,
        demo::MIDWAY_APP_ID,
        demo::MEDIROUTES_USERNAME,
        demo::NUGIOS_LOGIN,
    )
}

/// The profile names of the demo config, and the secrets the sandbox expects for them.
const PROFILES: [(&str, &str); 5] = [
    ("mg", demo::MIDIGATOR_SECRET),
    ("partner", demo::OAUTH2_CLIENT_SECRET),
    ("mw", demo::MIDWAY_PASSWORD),
    ("mr", demo::MEDIROUTES_PASSWORD),
    ("ng", demo::NUGIOS_PASSWORD),
];

/// The secret the sandbox expects for each profile of the demo config.
fn secret_of(profile: &str) -> &'static str {
    PROFILES
        .iter()
        .find(|(name, _)| *name == profile)
        .map_or(demo::NUGIOS_PASSWORD, |(_, secret)| secret)
}

/// The sandbox's credential for a profile, counting how often it is asked for, so the
/// demo can say truthfully when a step needed no password.
struct SandboxSecret<'a> {
    value: &'static str,
    asked: &'a std::cell::Cell<u32>,
}

impl SecretSource for SandboxSecret<'_> {
    fn secret(&self) -> Result<(Secret, Origin), SecretError> {
        self.asked.set(self.asked.get() + 1);
        Ok((Secret::new(self.value.to_string()), Origin::Sandbox))
    }
}

/// One line of the demo's table.
struct Step {
    command: String,
    result: String,
    requests: u32,
}

struct Demo {
    config: Config,
    cache: Cache,
    transport: LazyClient,
    sandbox: Sandbox,
    steps: Vec<Step>,
    /// How often a step asked for a profile's secret.
    secrets_asked: std::cell::Cell<u32>,
    /// What one step printed on stdout, shown after the table.
    sample: Option<(String, String)>,
}

impl Demo {
    fn run(mut self, listening: Listening) -> Result<()> {
        self.midigator()?;
        self.oauth2()?;
        self.web_sign_in()?;
        self.device_sign_in()?;
        self.midway(listening)?;
        self.mediroutes()?;
        self.nugios()?;
        let table = self.table();
        super::print(&table)
    }

    fn profile(&self, name: &str) -> Result<Profile> {
        Ok(self.config.profile(name)?)
    }

    /// Runs `f` with the seams of a real run, in the demo's own cache, with files in
    /// place of the keyring and the sandbox's credentials in place of the user's.
    fn with<T>(&self, profile: &Profile, f: impl FnOnce(&Seams) -> Result<T>) -> Result<T> {
        let credentials = Credentials::files_only(self.cache.clone());
        let secret = SandboxSecret {
            value: secret_of(&profile.name),
            asked: &self.secrets_asked,
        };
        f(&Seams {
            patience: lifecycle::lock_patience(TIMEOUT),
            transport: &self.transport,
            clock: &SystemClock,
            cache: &self.cache,
            credentials: &credentials,
            secret: &secret,
            shared: &crate::shared_cache::Unshared,
            vouch: &|| Ok(self.config.vouch()?),
        })
    }

    fn obtain(&self, profile: &Profile, ask: &Ask) -> Result<Obtained> {
        self.with(profile, |seams| lifecycle::obtain(profile, ask, seams))
    }

    /// Records a step: the command it stands for, what came of it, and how many
    /// requests it cost.
    fn step(&mut self, command: &str, before: Hits, result: String) {
        let requests = total(self.sandbox.hits()) - total(before);
        self.steps.push(Step {
            command: command.to_string(),
            result,
            requests,
        });
    }

    fn token_step(&mut self, command: &str, name: &str, ask: Ask) -> Result<Obtained> {
        let before = self.sandbox.hits();
        let asked = self.secrets_asked.get();
        let profile = self.profile(name)?;
        let obtained = self.obtain(&profile, &ask)?;
        let result = describe(&profile, &obtained, self.secrets_asked.get() > asked);
        self.step(command, before, result);
        Ok(obtained)
    }

    fn midigator(&mut self) -> Result<()> {
        self.token_step("authctl token mg", "mg", Ask::new(Mode::Auto))?;
        let obtained = self.token_step("authctl token mg   (again)", "mg", Ask::new(Mode::Auto))?;
        let profile = self.profile("mg")?;
        let header = super::token::render(&profile, &obtained, Format::Header, UnixTime::now());
        let before = self.sandbox.hits();
        let answer = get(&self.sandbox.url(), "/orders", &header)
            .map_err(|e| Error::io("the demo cannot reach the sandbox", e))?;
        self.step(
            "curl -H \"$(authctl token mg --format header)\" …/orders",
            before,
            format!("the API answered {}", answer.lines().next().unwrap_or_default()),
        );
        let claims = jwt::decode(obtained.record.access_token.as_str())
            .map(|d| d.claims.get("sub").and_then(Value::as_str).unwrap_or("?").to_string())
            .unwrap_or_default();
        let before = self.sandbox.hits();
        self.step(
            "authctl inspect mg",
            before,
            format!("JWT for {claims}, signature not verified, {}", left(&obtained)),
        );
        Ok(())
    }

    fn oauth2(&mut self) -> Result<()> {
        let obtained = self.token_step("authctl token partner", "partner", Ask::new(Mode::Auto))?;
        let exp = jwt::decode(obtained.record.access_token.as_str()).and_then(|d| d.exp());
        let before = self.sandbox.hits();
        self.step(
            "authctl inspect partner --json",
            before,
            format!(
                "fractional exp {} kept exactly",
                exp.map(|e| e.secs().to_string()).unwrap_or_default()
            ),
        );
        Ok(())
    }

    /// The OAuth2 browser sign-in (authorization code with PKCE), the demo playing the
    /// browser: it visits the authorization URL authctl made and follows the sandbox's
    /// redirect to authctl's listener; authctl checks it and exchanges the code.
    fn web_sign_in(&mut self) -> Result<()> {
        let before = self.sandbox.hits();
        let profile = self.profile("web")?;
        let obtained = self.obtain(&profile, &played())?;
        self.step(
            "authctl token web   (the demo plays the browser)",
            before,
            format!(
                "browser sign-in: state checked, code exchanged with the PKCE verifier, token cached, {}",
                left(&obtained)
            ),
        );
        self.token_step("authctl token web   (again)", "web", Ask::new(Mode::Auto))?;
        Ok(())
    }

    /// The OAuth2 device sign-in (RFC 8628), the demo playing the person: it opens the
    /// complete verification URI authctl shows, which confirms the code at the sandbox,
    /// while authctl polls the token endpoint until the sign-in is approved.
    fn device_sign_in(&mut self) -> Result<()> {
        let before = self.sandbox.hits();
        let profile = self.profile("device")?;
        let obtained = self.obtain(&profile, &played())?;
        self.step(
            "authctl token device   (the demo enters the code)",
            before,
            format!(
                "device sign-in: code shown, approved on the verification page, polled until then, {}",
                left(&obtained)
            ),
        );
        Ok(())
    }

    fn midway(&mut self, listening: Listening) -> Result<()> {
        self.token_step("authctl token mw", "mw", Ask::new(Mode::Auto))?;
        let profile = self.profile("mw")?;
        let crate::providers::Settings::Midway(midway) = &profile.settings else {
            unreachable!("mw is a MidwayPlus profile");
        };
        let before = self.sandbox.hits();
        let asked = self.secrets_asked.get();
        let list = self.with(&profile, |seams| {
            lifecycle::with_developer_token(&profile, seams, |dev| midway.installations_request(dev))
        })?;
        let count = list.as_array().map_or(0, Vec::len);
        let how = match self.secrets_asked.get() > asked {
            true => "after a new developer login",
            false => "with the stored developer token",
        };
        self.step(
            "authctl midway installations",
            before,
            format!("{count} installations, {how}"),
        );
        let second = Ask {
            installation: Some(demo::MIDWAY_SECOND_INSTALLATION.to_string()),
            ..Ask::new(Mode::Auto)
        };
        self.token_step("authctl midway token --installation 9b2c…", "mw", second)?;
        self.browser(&profile, listening)
    }

    /// The browser sign-in, the demo playing the browser: it opens the sign-in URL at the
    /// sandbox, follows its redirect to authctl's listener, and authctl takes the token.
    fn browser(&mut self, profile: &Profile, listening: Listening) -> Result<()> {
        let before = self.sandbox.hits();
        let sign_in = format!("/Apps/Authenticate/{}", demo::MIDWAY_APP_ID);
        let sandbox = self.sandbox.url();
        let browser = std::thread::spawn(move || follow(&sandbox, &sign_in, "Sec-Fetch-Mode: navigate\n"));
        let token = listening.wait_for_token(None, TIMEOUT)?;
        let _ = browser.join();
        let obtained = self.with(profile, |seams| lifecycle::accept(profile, token, seams))?;
        self.step(
            "authctl midway browser   (the demo plays the browser)",
            before,
            format!("redirect token taken and cached for mw, {}", left(&obtained)),
        );
        Ok(())
    }

    fn mediroutes(&mut self) -> Result<()> {
        self.token_step("authctl token mr", "mr", Ask::new(Mode::Auto))?;
        let longer = Ask {
            min_ttl: Duration::from_secs(48 * 3600),
            ..Ask::new(Mode::Auto)
        };
        self.token_step("authctl token mr --min-ttl 48h", "mr", longer)?;
        Ok(())
    }

    fn nugios(&mut self) -> Result<()> {
        let obtained = self.token_step("authctl token ng --format header", "ng", Ask::new(Mode::Auto))?;
        let profile = self.profile("ng")?;
        let header = super::token::render(&profile, &obtained, Format::Header, UnixTime::now());
        self.sample = Some(("authctl token ng --format header".into(), shorten(&header, &obtained)));
        let before = self.sandbox.hits();
        let echoed = get(&self.sandbox.url(), "/echo", &header)
            .map_err(|e| Error::io("the demo cannot reach the sandbox", e))?;
        let received: Value = echoed
            .split("\r\n\r\n")
            .nth(1)
            .and_then(|body| serde_json::from_str(body).ok())
            .unwrap_or_default();
        let names: Vec<String> = received
            .as_object()
            .map(|headers| {
                headers
                    .iter()
                    .map(|(k, v)| match k.eq_ignore_ascii_case("authorization") {
                        true => k.clone(),
                        false => format!("{k}: {}", v.as_str().unwrap_or_default()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.step(
            "curl -H @<(authctl token ng --format header) …/echo",
            before,
            format!("the API received {}", names.join(", ")),
        );
        self.token_step("authctl nugios refresh", "ng", Ask::new(Mode::RefreshOnly))?;
        Ok(())
    }

    fn table(&self) -> String {
        let width = self.steps.iter().map(|s| s.command.chars().count()).max().unwrap_or(0);
        let mut out = format!("{:<width$}  {:<8}  WHAT HAPPENED\n", "COMMAND", "REQUESTS");
        for s in &self.steps {
            let requests = match s.requests {
                0 => "none".to_string(),
                n => n.to_string(),
            };
            out.push_str(&format!("{:<width$}  {requests:<8}  {}\n", s.command, s.result));
        }
        if let Some((command, printed)) = &self.sample {
            out.push_str(&format!(
                "\nWhat `{command}` printed on stdout (the token shortened here):\n"
            ));
            out.extend(printed.lines().map(|l| format!("  {l}\n")));
        }
        let hits = self.sandbox.hits();
        out.push_str(&format!(
            "\nRequests the sandbox saw: midigator {}, oauth2 {}, midway {}, mediroutes {}, nugios {}.\n\
             All against {} with a temporary config and cache; nothing of yours was touched.\n\
             \n\
             Next:\n  \
             authctl demo --serve      keep the sandbox running and try your own scripts against it\n  \
             authctl config init       write a starter config; uncomment a profile and fill it in\n  \
             authctl secret set NAME   store that profile's secret in the OS keyring\n  \
             authctl token NAME        and its token\n",
            hits.midigator,
            hits.oauth2,
            hits.midway,
            hits.mediroutes,
            hits.nugios,
            self.sandbox.url()
        ));
        out
    }
}

/// `printed` with the token cut to its first characters, so the sample fits a line.
fn shorten(printed: &str, obtained: &Obtained) -> String {
    let token = obtained.record.access_token.as_str();
    let short: String = token.chars().take(12).collect();
    printed.replace(token, &format!("{short}…"))
}

fn total(h: Hits) -> u32 {
    h.midigator + h.oauth2 + h.midway + h.mediroutes + h.nugios
}

/// Where a token came from, whether the secret was needed, and how long it lives.
fn describe(profile: &Profile, obtained: &Obtained, secret_used: bool) -> String {
    let renewed = match profile.provider().flow() {
        crate::providers::Flow::Direct(_) => "renewed with the refresh token, no password",
        crate::providers::Flow::Installations(_) => "bought with the stored developer token, no password",
    };
    let source = match (obtained.source, secret_used) {
        (TokenSource::Cache, _) => "from the cache",
        (TokenSource::Shared, _) => "from the shared cache",
        (TokenSource::Network, true) => "fetched with the secret",
        (TokenSource::Network, false) => renewed,
    };
    let kind = if jwt::decode(obtained.record.access_token.as_str()).is_some() {
        "JWT"
    } else {
        "token"
    };
    format!("{kind} {source}, {}", left(obtained))
}

fn left(obtained: &Obtained) -> String {
    let secs = UnixTime::now().secs_until(obtained.record.expires_at).max(0.0) as u64;
    format!("expires in {}", crate::output::duration(Duration::from_secs(secs)))
}

/// Plays a browser: GET `path` at `origin`, then GET where its redirect points (a
/// listener on loopback) with `headers`. The listener's answer.
fn follow(origin: &str, path: &str, headers: &str) -> std::io::Result<String> {
    let redirect = get(origin, path, "")?;
    let location = redirect
        .lines()
        .find_map(|l| l.strip_prefix("Location: ").or_else(|| l.strip_prefix("location: ")))
        .unwrap_or_default()
        .to_string();
    let url = Url::parse(&location).map_err(std::io::Error::other)?;
    let (origin, path) = split(&url);
    get(&origin, &path, headers)
}

/// An automatic renewal whose sign-in the demo plays: each URL authctl would send the
/// person to is visited, on a thread, and the sandbox's redirect followed.
fn played() -> Ask {
    let player = Player(std::sync::Arc::new(|visit: &Url| {
        let (origin, path) = split(visit);
        std::thread::spawn(move || follow(&origin, &path, ""));
    }));
    Ask {
        player: Some(player),
        ..Ask::new(Mode::Auto)
    }
}

/// `http://host:port` and `/path?query` of a loopback URL.
fn split(url: &Url) -> (String, String) {
    let origin = format!(
        "http://{}",
        url.host_str()
            .zip(url.port())
            .map(|(h, p)| format!("{h}:{p}"))
            .unwrap_or_default()
    );
    let path = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    };
    (origin, path)
}

/// A plain HTTP/1.1 GET with `headers` ("Name: value" lines) on the sandbox or the
/// listener, both on loopback: the answer's head and body.
fn get(origin: &str, path: &str, headers: &str) -> std::io::Result<String> {
    let addr = origin.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    let extra: String = headers.lines().map(|l| format!("{l}\r\n")).collect();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

/// What `demo --serve` names its profiles after, so that they never meet everyday
/// profiles (`mg`, `mr`, …) or their cached tokens.
pub const SERVE_PREFIX: &str = "sandbox-";

/// `demo --serve`: the sandbox on `port` until Ctrl-C. stdout carries only a config for
/// it; stderr the lines to source (its secrets and a cache directory of its own).
fn serve(port: u16) -> Result<()> {
    let return_url = Url::parse("http://127.0.0.1:8765/callback").expect("a valid URL");
    let sandbox = Sandbox::start(port, Some(return_url.clone()))
        .map_err(|e| Error::io(format!("cannot start the sandbox on port {port}"), e))?;
    // Fresh, so nothing of the user's cache is read or overwritten; authctl makes the
    // `cache` in it private (0700) itself when a command first needs it.
    let home = tempfile::Builder::new()
        .prefix("authctl-sandbox-")
        .tempdir()
        .map_err(|e| Error::io("cannot make a cache directory for the sandbox", e))?;
    let url = sandbox.url();
    super::print(&format!(
        "# authctl demo --serve: profiles for the sandbox at {url} (offline; its credentials\n\
         # open nothing else). Named {SERVE_PREFIX}* so they never meet your own profiles.\n\
         # Besides the token endpoints it serves, for trying requests:\n\
         #   GET {url}/orders  an API that wants a valid sandbox token\n\
         #   GET {url}/echo    answers with the headers it received\n\n{}",
        config_text(&url, return_url.as_str(), SERVE_PREFIX)
    ))?;
    platform::catch_stop_signals();
    crate::log::emit(&serve_exports(&url, &home.path().join("cache")));
    while !platform::stop_requested() {
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// stderr of `demo --serve`: a shell snippet to source, and how.
fn serve_exports(url: &str, cache: &std::path::Path) -> String {
    let secrets: String = PROFILES
        .iter()
        .map(|(name, secret)| {
            let variable = crate::secret::env_name("AUTHCTL_SECRET_", &format!("{SERVE_PREFIX}{name}"));
            format!("export {variable}={}\n", crate::output::shell_quote(secret))
        })
        .collect();
    format!(
        "# The sandbox runs at {url} until Ctrl-C. Save stdout as a config and source these lines:\n\
         #   authctl demo --serve > sandbox.toml 2> sandbox.env &\n\
         #   . ./sandbox.env; export AUTHCTL_CONFIG=$PWD/sandbox.toml; authctl token {SERVE_PREFIX}mg\n\
         export AUTHCTL_CACHE_DIR={}\n{secrets}# (the sandbox's own demo secrets; the cache directory goes when the sandbox stops)",
        crate::output::shell_quote(&cache.to_string_lossy())
    )
}

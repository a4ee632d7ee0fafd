//! `authctl midway login | installations | token | browser`.

use std::time::Duration;

use serde_json::Value;

use super::token::print_token;
use super::{Context, Live};
use crate::browser;
use crate::cli::{MidwayCommand, ProfileArg};
use crate::config::{ConfigError, Profile};
use crate::error::{Error, Problem, ProviderError, Result};
use crate::jwt;
use crate::lifecycle::{self, Ask, Mode, TokenSource};
use crate::log::one_line;
use crate::output::{self, Format, View};
use crate::providers::{BadAnswer, Kind, Settings, midway::Midway};
use crate::time::UnixTime;

pub fn run(ctx: &Context, cmd: MidwayCommand) -> Result<()> {
    let config = ctx.config()?;
    let resolve = |p: &ProfileArg| config.resolve_for(Kind::Midway, p.profile.as_deref());
    match cmd {
        MidwayCommand::Login { profile, print } => {
            login(ctx, &resolve(&profile)?, print.secret_stdin, print.format.format)
        }
        MidwayCommand::Installations {
            profile,
            json,
            secret_stdin,
        } => installations(ctx, &resolve(&profile)?, secret_stdin, json),
        MidwayCommand::Token {
            installation,
            profile,
            print,
        } => installation_token(
            ctx,
            &resolve(&profile)?,
            installation,
            print.secret_stdin,
            print.format.format,
        ),
        MidwayCommand::Browser {
            profile,
            app_id,
            no_open,
            wait,
            format,
        } => sign_in(ctx, &resolve(&profile)?, app_id, !no_open, wait, format.format),
    }
}

fn settings(profile: &Profile) -> &Midway {
    match &profile.settings {
        Settings::Midway(m) => m,
        _ => unreachable!("resolve_for returns only midway profiles"),
    }
}

/// Logs in and prints the developer token, which `token` never prints.
fn login(ctx: &Context, profile: &Profile, secret_stdin: bool, format: Format) -> Result<()> {
    let live = Live::new(profile, ctx, secret_stdin)?;
    let developer_token = live.with(|seams| lifecycle::developer_login(profile, seams))?;
    let token = developer_token.expose();
    let view = View {
        profile: &profile.name,
        provider: Kind::Midway.name(),
        token,
        token_type: "Bearer",
        expires_at: jwt::decode(token).and_then(|d| d.exp()),
        refreshable: false,
        source: TokenSource::Network,
        password_expired: false,
        extra_headers: &[],
        id_token: None,
    };
    super::print(&output::render(format, &view, UnixTime::now()))
}

fn installations(ctx: &Context, profile: &Profile, secret_stdin: bool, json: bool) -> Result<()> {
    let midway = settings(profile);
    let live = Live::new(profile, ctx, secret_stdin)?;
    let body = live.with(|seams| {
        lifecycle::with_developer_token(profile, seams, |developer_token| {
            midway.installations_request(developer_token)
        })
    })?;
    let Value::Array(list) = &body else {
        return Err(ProviderError {
            provider: Kind::Midway,
            url: midway.installations_url(),
            problem: Problem::BadAnswer(BadAnswer::NotAList("installations")),
        }
        .into());
    };
    if json {
        // Scrubbing JSON text keeps it valid: `[redacted]` needs no escaping.
        let text = serde_json::to_string_pretty(&body).expect("JSON values serialize");
        return super::print(&format!("{}\n", crate::redact::scrub(&text)));
    }
    if list.is_empty() {
        crate::log::emit(&format!(
            "No installations: nobody has installed an app of client {} yet.",
            &*midway.client_id
        ));
        return Ok(());
    }
    super::print(&table(list))
}

/// A readable table: id, app, party, installed version, install date. Every cell is
/// provider text, so it is scrubbed of secrets and cut to one line.
pub fn table(list: &[Value]) -> String {
    let text = |v: &Value, key: &str| match v.get(key) {
        Some(Value::String(s)) => one_line(&crate::redact::scrub(s), 60),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let mut rows = vec![["ID", "APP", "PARTY", "VERSION", "INSTALLED"].map(String::from)];
    for item in list {
        let app = match (text(item, "appName"), text(item, "appId")) {
            (name, id) if name.is_empty() => id,
            (name, id) if id.is_empty() => name,
            (name, id) => format!("{name} ({id})"),
        };
        let party = match (text(item, "partyName"), text(item, "partyType")) {
            (name, kind) if kind.is_empty() || kind == "None" => name,
            (name, kind) => format!("{name} ({kind})"),
        };
        let date = text(item, "installDate");
        let day = date.split('T').next().unwrap_or_default().to_string();
        rows.push([text(item, "id"), app, party, text(item, "installedVersion"), day]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
            format!("{}\n", cells.join("  ").trim_end())
        })
        .collect()
}

fn installation_token(
    ctx: &Context,
    profile: &Profile,
    installation: Option<String>,
    secret_stdin: bool,
    format: Format,
) -> Result<()> {
    if installation.as_deref().is_some_and(|id| id.trim().is_empty()) {
        return Err(Error::Usage("--installation needs an installation ID".into()));
    }
    if installation.is_none() && settings(profile).installation.is_none() {
        return Err(Error::Usage(format!(
            "which installation? Pass --installation ID or set `installation` in profile {} (list them with `authctl midway installations`)",
            profile.name
        )));
    }
    let ask = Ask {
        installation,
        ..Ask::new(Mode::Auto)
    };
    let live = Live::new(profile, ctx, secret_stdin)?;
    let obtained = live.with(|seams| lifecycle::obtain(profile, &ask, seams))?;
    print_token(profile, &obtained, format)
}

/// The browser redirect flow: the token arrives at the profile's return_url.
fn sign_in(
    ctx: &Context,
    profile: &Profile,
    app_id: Option<String>,
    open: bool,
    wait: Duration,
    format: Format,
) -> Result<()> {
    let midway = settings(profile);
    let missing = |problem: String| ConfigError::Profile {
        profile: profile.name.clone(),
        problem,
    };
    let app_id = app_id
        .or_else(|| midway.app_id.as_ref().map(|a| a.0.clone()))
        .ok_or_else(|| missing("no app ID: pass --app-id ID or set `app_id` in the profile".into()))?;
    let return_url = midway.return_url.as_ref().ok_or_else(|| {
        missing(
            "no `return_url`: set it to a loopback URL such as \"http://127.0.0.1:8765/callback\", and the same URL as the app's AuthReturnUrl in MidwayPlus".into(),
        )
    })?;
    // The token it receives is cached, and the opener is a child: the whole config must
    // be valid before anything listens.
    ctx.config()?.vouch()?;
    let listening = browser::Listening::bind(return_url.get_ref())?;
    // The browser opener gets no secret: not even from a variable a profile names.
    let secret_envs = if open { Some(ctx.secret_envs()?) } else { None };
    let token = listening.receive(&midway.authenticate_url(&app_id), secret_envs.as_deref(), wait)?;
    // The token is of the app it was asked for: with --app-id, bound to that app, so the
    // profile's own app never gets it from the cache.
    let mut signed_in = profile.clone();
    if let Settings::Midway(m) = &mut signed_in.settings {
        m.app_id = Some(crate::settings::Text(app_id));
    }
    let live = Live::new(&signed_in, ctx, false)?;
    let obtained = live.with(|seams| lifecycle::accept(&signed_in, token, seams))?;
    print_token(&signed_in, &obtained, format)
}

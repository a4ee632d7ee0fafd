//! `authctl midway login | installations | token | browser`.

use std::time::Duration;

use serde_json::Value;

use super::token::print_token;
use crate::cli::{MidwayCommand, ProfileArg};
use crate::config::{Config, Profile};
use crate::error::{self, Error, Result, one_line};
use crate::obtain::{self, Ask, Mode};
use crate::output::{self, Format, Source, View};
use crate::providers::{Grant, Kind, Options, midway};
use crate::{browser, cache, jwt};

pub fn run(config: &Config, cmd: MidwayCommand, timeout: Option<Duration>) -> Result<()> {
    let resolve = |p: &ProfileArg| config.resolve_for(Kind::Midway, p.profile.as_deref());
    match cmd {
        MidwayCommand::Login { profile, print } => login(
            resolve(&profile)?,
            &Ask::new(Mode::Login, print.secret_stdin, timeout),
            print.format.format,
        ),
        MidwayCommand::Installations {
            profile,
            json,
            secret_stdin,
        } => installations(resolve(&profile)?, &Ask::new(Mode::Auto, secret_stdin, timeout), json),
        MidwayCommand::Token {
            installation,
            profile,
            print,
        } => {
            let ask = Ask::new(Mode::Auto, print.secret_stdin, timeout);
            installation_token(resolve(&profile)?, installation, &ask, print.format.format)
        }
        MidwayCommand::Browser {
            profile,
            app_id,
            no_open,
            wait,
            format,
        } => sign_in(resolve(&profile)?, app_id, !no_open, wait, format.format),
    }
}

fn options(profile: &Profile) -> &midway::Options {
    match &profile.options {
        Options::Midway(o) => o,
        _ => unreachable!("resolve_for returns only midway profiles"),
    }
}

/// Logs in and prints the developer token, which `token` never prints.
fn login(profile: &Profile, ask: &Ask, format: Format) -> Result<()> {
    let developer_token = obtain::login_credential(profile, ask)?;
    let token = developer_token.expose();
    let view = View {
        profile: &profile.name,
        provider: Kind::Midway.name(),
        token,
        token_type: "Bearer",
        expires_at: jwt::decode(token).and_then(|d| d.exp()),
        refreshable: false,
        source: Source::Network,
        password_expired: false,
        extra_headers: &[],
    };
    super::print(&output::render(format, &view, cache::now()))
}

fn installations(profile: &Profile, ask: &Ask, json: bool) -> Result<()> {
    let o = options(profile);
    let body = obtain::call_with_credential(profile, ask, |developer_token| o.installations(developer_token))?;
    let Value::Array(list) = &body else {
        return Err(error::upstream(format!(
            "midway ({}) answered with something other than a list of installations",
            o.installations_url()
        )));
    };
    if json {
        // Scrubbing JSON text keeps it valid: `[redacted]` needs no escaping.
        let text = serde_json::to_string_pretty(&body).map_err(anyhow::Error::from)?;
        return super::print(&format!("{}\n", crate::redact::scrub(&text)));
    }
    if list.is_empty() {
        crate::log::emit(&format!(
            "No installations: nobody has installed an app of client {} yet.",
            o.client_id
        ));
        return Ok(());
    }
    super::print(&table(list))
}

/// A readable table: id, app, party, installed version, install date. Every cell is
/// provider text, so it is scrubbed of secrets and cut to one line.
fn table(list: &[Value]) -> String {
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

fn installation_token(profile: &Profile, installation: Option<String>, ask: &Ask, format: Format) -> Result<()> {
    let mut profile = profile.clone();
    if let Some(id) = installation {
        if id.trim().is_empty() {
            return Err(Error::Usage("--installation needs an installation ID".into()));
        }
        if let Options::Midway(o) = &mut profile.options {
            o.installation = Some(id);
        }
    }
    if options(&profile).installation.is_none() {
        return Err(Error::Usage(format!(
            "which installation? Pass --installation ID or set `installation` in profile {} (list them with `authctl midway installations`)",
            profile.name
        )));
    }
    let obtained = obtain::token(&profile, ask)?;
    print_token(&profile, &obtained, format)
}

/// The browser redirect flow: the token arrives at the profile's return_url.
fn sign_in(profile: &Profile, app_id: Option<String>, open: bool, wait: Duration, format: Format) -> Result<()> {
    let o = options(profile);
    let app_id = app_id.or_else(|| o.app_id.clone()).ok_or_else(|| {
        error::config(format!(
            "no app ID: pass --app-id ID or set `app_id` in profile {}",
            profile.name
        ))
    })?;
    let return_url = o.return_url.as_ref().ok_or_else(|| {
        error::config(format!(
            "profile {} has no `return_url`: set it to a loopback URL such as \"http://127.0.0.1:8765/callback\", and the same URL as the app's AuthReturnUrl in MidwayPlus",
            profile.name
        ))
    })?;
    let token = browser::receive_token(return_url, &o.authenticate_url(&app_id), open, wait)?;
    let obtained = obtain::accept(
        profile,
        Grant {
            access_token: Some(token),
            ..Grant::default()
        },
    )?;
    print_token(profile, &obtained, format)
}

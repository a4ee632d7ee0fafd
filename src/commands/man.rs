//! `authctl man`: the one man page, authctl(1). clap_mangen renders the parts clap knows
//! (synopsis, global options, each command's options); the sections a man page reader
//! looks for — EXAMPLES, ENVIRONMENT, EXIT STATUS, FILES — are written here. Every command
//! is described on this page, so it names no other page of authctl's.

use std::io::Write;

use clap::CommandFactory;
use clap_mangen::Man;

use crate::cli::Cli;

/// Options every command takes, described once under OPTIONS.
const GLOBAL: &[&str] = &["config", "verbose", "quiet", "timeout", "help", "version"];

const EXAMPLES: &[(&str, &str)] = &[
    (
        "See every provider's flow against the built-in sandbox, offline:",
        "authctl demo",
    ),
    (
        "Write a starter config, store a profile's secret in the OS keyring, print its token:",
        "authctl config init\nauthctl secret set mg\nauthctl token mg",
    ),
    (
        "Call an API with the token in a header (a cached token costs no request):",
        "curl -H \"$(authctl token mg --format header)\" https://api.example.com/orders",
    ),
    (
        "Every header the provider needs (Nugios' timezone and content type), for curl:",
        "curl -H @<(authctl token ng --format header) https://nugios.example/api",
    ),
    (
        "Run curl with the profile's headers handed over a pipe, never in its argv:",
        "authctl curl ng -- -d '{\"id\": 7}' https://nugios.example/api",
    ),
    (
        "Run a program with the token in its environment, renewed unless it lives 10 more minutes:",
        "authctl exec mg --min-ttl 10m -- ./sync-orders",
    ),
    (
        "The token, its expiry and headers as JSON, for scripts:",
        "authctl token mg --json",
    ),
    (
        "Decode a token pasted from somewhere (signature not verified):",
        "echo \"Authorization: Bearer eyJ...\" | authctl inspect -",
    ),
    ("Every profile at a glance:", "authctl status"),
    (
        "Keep a token file fresh for a long job or a container:",
        "authctl watch mr --file /run/secrets/mr.token",
    ),
    (
        "In CI, with the secret from the environment and no keyring:",
        "AUTHCTL_SECRET_MG=\"$MG_SECRET\" authctl token mg",
    ),
    (
        "A sandbox to try scripts against (its config on stdout, what to source on stderr):",
        "authctl demo --serve > sandbox.toml 2> sandbox.env &\n. ./sandbox.env; AUTHCTL_CONFIG=sandbox.toml authctl token sandbox-mg",
    ),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    ("AUTHCTL_CONFIG", "The config file, as --config."),
    (
        "AUTHCTL_PROFILE",
        "The profile used when a command names none (before default_profile).",
    ),
    (
        "AUTHCTL_SECRET_<PROFILE>",
        "A profile's secret: the name upper-cased, every other character than a letter or digit \
         made _ (AUTHCTL_SECRET_MIDIGATOR_PROD for midigator-prod). A profile's secret_env names another.",
    ),
    (
        "AUTHCTL_CACHE_DIR",
        "The token cache directory; it must be yours and writable by no one else.",
    ),
    (
        "AUTHCTL_SHARED_CACHE",
        "The shared cache of a fleet, redis://HOST:PORT/DB or rediss://…, over the config's \
         shared_cache: machines holding a profile's secret share its tokens and renewals \
         through it (sealed with a key derived from the secret).",
    ),
    (
        "AUTHCTL_SHARED_CACHE_PASSWORD",
        "The shared cache's Redis password; else the keyring's (service authctl, user \
         shared-cache). Never in the config or the URL.",
    ),
    (
        "AUTHCTL_TOKEN, AUTHCTL_TOKEN_EXPIRES_AT, AUTHCTL_HEADER_<NAME>",
        "Given by exec to its command: the token (or the variable --env names), its expiry \
         (RFC 3339), and each header the provider needs besides Authorization \
         (Nugios: AUTHCTL_HEADER_X_NUGIOS_TIMEZONE, AUTHCTL_HEADER_CONTENT_TYPE).",
    ),
    (
        "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
        "Proxies, honoured except for loopback endpoints, which never go through a proxy.",
    ),
    ("NO_COLOR", "No colour, even on a terminal."),
];

const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success."),
    ("1", "Any other failure (an I/O error, a bug)."),
    ("2", "Usage error: an unknown command or flag, a bad value."),
    (
        "3",
        "Config error: no or invalid config, unknown profile, bad key or URL.",
    ),
    ("4", "No secret found, or the keyring failed."),
    ("5", "The provider rejected the credentials or token (400, 401, 403)."),
    (
        "6",
        "The provider could not be reached or answered badly: connect error, timeout, 5xx, \
         429 after retries, a malformed or oversized body, a missing or unsafe token.",
    ),
    ("7", "The browser sign-in timed out or was cancelled."),
    (
        "other",
        "exec and curl exit with their command's code (128+N when signal N ended it), or 127 \
         when it is not found.",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "~/.config/authctl/config.toml",
        "Profiles, on Linux (authctl config path shows where yours is); \
         config.example.toml documents every key.",
    ),
    (
        "~/.cache/authctl/",
        "Cached tokens, on Linux: 0600 files in a 0700 directory (AUTHCTL_CACHE_DIR moves it).",
    ),
];

/// The whole page, in roff.
pub fn page() -> std::io::Result<Vec<u8>> {
    let mut cli = Cli::command().after_long_help(None::<&str>);
    cli.build();
    let man = Man::new(cli.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    out.write_all(
        b".PP\nSecrets are never taken as arguments and never printed; see SECURITY.md for the threat model.\n",
    )?;
    man.render_options_section(&mut out)?;
    out.write_all(b".SH COMMANDS\n")?;
    for (path, command) in leaves(&cli, String::new()) {
        command_section(&mut out, &path, command)?;
    }
    section(&mut out, "EXAMPLES", EXAMPLES, true)?;
    section(&mut out, "ENVIRONMENT", ENVIRONMENT, false)?;
    section(&mut out, "EXIT STATUS", EXIT_STATUS, false)?;
    section(&mut out, "FILES", FILES, false)?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// Every command that runs (not one that only groups others), with its words.
fn leaves(cmd: &clap::Command, path: String) -> Vec<(String, &clap::Command)> {
    cmd.get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
        .flat_map(|c| {
            let words = format!("{path} {}", c.get_name()).trim_start().to_string();
            match c.has_subcommands() {
                true => leaves(c, words),
                false => vec![(words, c)],
            }
        })
        .collect()
}

/// `authctl WORDS`: what it does, its synopsis and its own options.
fn command_section(out: &mut Vec<u8>, words: &str, command: &clap::Command) -> std::io::Result<()> {
    let mut own = command.clone().bin_name(format!("authctl {words}"));
    for id in GLOBAL {
        if own.get_arguments().any(|a| a.get_id() == *id) {
            own = own.mut_arg(*id, |a| a.hide(true));
        }
    }
    let about = command
        .get_long_about()
        .or(command.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    writeln!(out, ".SS \"authctl {words}\"\n{}", escape(&about))?;
    let mut text = Vec::new();
    let man = Man::new(own);
    man.render_synopsis_section(&mut text)?;
    man.render_options_section(&mut text)?;
    let text = String::from_utf8_lossy(&text)
        .replace(".SH SYNOPSIS\n", ".PP\n")
        .replace(".SH OPTIONS\n", "");
    out.write_all(text.as_bytes())
}

/// A section of tagged paragraphs; `literal` shows the body as typed commands.
fn section(out: &mut Vec<u8>, name: &str, items: &[(&str, &str)], literal: bool) -> std::io::Result<()> {
    writeln!(out, ".SH \"{name}\"")?;
    for (tag, body) in items {
        match literal {
            true => writeln!(out, ".PP\n{}\n.PP\n.RS 4\n.nf\n{}\n.fi\n.RE", escape(tag), escape(body))?,
            false => writeln!(out, ".TP\n\\fB{}\\fR\n{}", escape(tag), escape(body))?,
        }
    }
    Ok(())
}

/// Text safe in roff: backslashes, hyphens as typed, no line taken for a request.
fn escape(text: &str) -> String {
    text.replace('\\', "\\e")
        .replace('-', "\\-")
        .replace('\'', "\\*(Aq")
        .lines()
        .map(|l| match l.starts_with('.') {
            true => format!("\\&{l}"),
            false => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

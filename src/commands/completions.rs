//! `authctl completions SHELL`: clap's script, taught to complete profile names. The
//! scripts ask the binary for them at completion time (the hidden `authctl config names`),
//! so a profile added to the config is completed at once.

use std::path::Path;

use clap_complete::Shell;

use crate::cli::Cli;
use crate::config::Config;
use crate::error::Result;

/// `authctl config names` (hidden): the profile names, one a line, for the completion
/// scripts. Any error prints nothing: a half-typed command line is no place for a message.
pub fn names(flag: Option<&Path>) -> Result<()> {
    let names = Config::load(flag).ok().and_then(|c| c.names().ok()).unwrap_or_default();
    let _ = super::print(&names.iter().map(|n| format!("{n}\n")).collect::<String>());
    Ok(())
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(
        shell,
        &mut <Cli as clap::CommandFactory>::command(),
        "authctl",
        &mut out,
    );
    let clap = String::from_utf8_lossy(&out).into_owned();
    match shell {
        Shell::Bash => bash(&clap),
        Shell::Zsh => zsh(&clap),
        Shell::Fish => fish(&clap),
        _ => clap,
    }
}

/// clap's `_authctl`, called by a function that completes profile names first.
fn bash(clap: &str) -> String {
    let at = clap.rfind("\nif [[ \"${BASH_VERSINFO[0]}\"").unwrap_or(clap.len());
    let (body, register) = clap.split_at(at);
    format!(
        "{body}{}{}",
        include_str!("completions/profiles.bash"),
        register.replace("complete -F _authctl ", "complete -F _authctl_with_profiles ")
    )
}

/// Every PROFILE and `--profile` value completed by `_authctl_profiles`.
fn zsh(clap: &str) -> String {
    let mut out = String::with_capacity(clap.len() + 1024);
    for line in clap.split_inclusive('\n') {
        let profile =
            line.starts_with("'::profile") || line.starts_with("':profile") || line.contains(":PROFILE:_default'");
        match profile {
            true => out.push_str(&line.replacen(":_default'", ":_authctl_profiles'", 1)),
            false => out.push_str(line),
        }
    }
    let at = out.rfind("\nif [ \"$funcstack[1]\"").unwrap_or(out.len());
    out.insert_str(at, include_str!("completions/profiles.zsh"));
    out
}

/// `--profile` values and every PROFILE completed by `__fish_authctl_profiles`.
fn fish(clap: &str) -> String {
    let mut out = String::with_capacity(clap.len() + 2048);
    for line in clap.split_inclusive('\n') {
        match line.contains(" -l profile ") && line.trim_end().ends_with(" -r") {
            true => out.push_str(&format!("{} -f -a \"(__fish_authctl_profiles)\"\n", line.trim_end())),
            false => out.push_str(line),
        }
    }
    out.push_str(include_str!("completions/profiles.fish"));
    out
}

//! `authctl exec PROFILE -- CMD…` (like `aws-vault exec`) and `authctl curl PROFILE --
//! ARGS…`: a program run with the profile's token, which never appears on any command
//! line. `exec` puts it in the child's environment; `curl` hands curl its headers over
//! an inherited pipe. The child's exit code is authctl's.

use std::ffi::OsString;
use std::process::Command;
use std::time::Duration;

use crate::cli::{CurlArgs, ExecArgs};
use crate::config::Profile;
use crate::error::{Error, Result};
use crate::lifecycle::{self, Ask, Mode, Obtained};
use crate::output::{Format, rfc3339};
use crate::platform::{self, InheritedPipe};
use crate::secret::scrub_child_env;
use crate::time::UnixTime;

use super::{Context, Live};

/// The token for the child; the config must be valid as a whole before a child starts,
/// even when the token is cached.
fn obtain(
    ctx: &Context,
    name: Option<&str>,
    secret_stdin: bool,
    min_ttl: Option<Duration>,
) -> Result<(Profile, Obtained)> {
    let config = ctx.config()?;
    let profile = config.profile(name.unwrap_or_default())?;
    config.vouch()?;
    let live = Live::new(&profile, ctx, secret_stdin)?;
    let ask = Ask {
        min_ttl: min_ttl.unwrap_or_default(),
        ..Ask::new(Mode::Auto)
    };
    let obtained = live.with(|seams| lifecycle::obtain(&profile, &ask, seams))?;
    super::token::warn_if_short(&profile, &obtained, min_ttl);
    Ok((profile, obtained))
}

/// `AUTHCTL_HEADER_<NAME>` for each header the provider wants besides `Authorization`
/// (Nugios: `AUTHCTL_HEADER_X_NUGIOS_TIMEZONE`).
pub fn header_variable(header: &str) -> String {
    crate::secret::env_name("AUTHCTL_HEADER_", header)
}

pub fn exec(ctx: &Context, args: &ExecArgs) -> Result<i32> {
    let (profile, obtained) = obtain(ctx, args.named(), args.secret_stdin, args.min_ttl)?;
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut cmd = Command::new(program);
    cmd.args(rest);
    scrub_child_env(&mut cmd, &ctx.secret_envs()?);
    cmd.env(&args.env, obtained.record.access_token.as_str());
    if let Some(at) = rfc3339(obtained.record.expires_at) {
        cmd.env("AUTHCTL_TOKEN_EXPIRES_AT", at);
    }
    for (name, value) in profile.provider().api_headers() {
        cmd.env(header_variable(name), value);
    }
    run(&mut cmd, program, None, "")
}

pub fn curl(ctx: &Context, args: &CurlArgs) -> Result<i32> {
    let (profile, obtained) = obtain(ctx, args.named(), args.secret_stdin, None)?;
    let config = super::token::render(&profile, &obtained, Format::Curl, UnixTime::now());
    let pipe = InheritedPipe::new().map_err(|e| Error::io("cannot make a pipe for curl", e))?;
    let mut cmd = Command::new(platform::CURL);
    cmd.arg("-K").arg(pipe.path()).args(&args.args);
    pipe.attach(&mut cmd);
    scrub_child_env(&mut cmd, &ctx.secret_envs()?);
    let hint =
        " (is curl installed? e.g. `apt-get install curl`, `brew install curl`; Windows 10 and later ship curl.exe)";
    run(
        &mut cmd,
        &OsString::from(platform::CURL),
        Some((pipe, config.as_bytes())),
        hint,
    )
}

pub(super) fn run(
    cmd: &mut Command,
    program: &OsString,
    input: Option<(InheritedPipe, &[u8])>,
    hint: &'static str,
) -> Result<i32> {
    crate::debug!(1, "running {}", program.to_string_lossy());
    platform::run_child(cmd, input).map_err(|source| Error::Run {
        program: program.to_string_lossy().into_owned(),
        hint,
        source,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn header_variables_are_shell_names() {
        assert_eq!(
            super::header_variable("X-nugios-timezone"),
            "AUTHCTL_HEADER_X_NUGIOS_TIMEZONE"
        );
    }
}

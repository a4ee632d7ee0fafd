//! `authctl proxy PROFILE` and `authctl exec PROFILE --proxy -- CMD`: the profile's API
//! served locally with the token added (see `crate::proxy`). The lifecycle runs on this
//! thread (it renews through the same cache and lock as `authctl token`); the server
//! runs on runtimes of its own on other threads (see `proxy::serve`), started only here.

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;

use crate::cli::{ExecArgs, ProxyArgs};
use crate::config::{ConfigError, Profile};
use crate::error::{Error, Result};
use crate::lifecycle::{self, Ask, Mode};
use crate::platform::{self, LocalListener};
use crate::proxy::{self, Listener, Proxy};
use crate::token::AccessToken;

use super::{Context, Live};

/// Where `authctl proxy` listens.
enum Place<'a> {
    Tcp(SocketAddr),
    Socket(&'a Path),
}

pub fn run(ctx: &Context, args: &ProxyArgs) -> Result<()> {
    let profile = checked_profile(ctx, args.named())?;
    let upstream = upstream(&profile, args.upstream.as_deref())?;
    let socket = match args.listen {
        Some(_) => None,
        None => Some(socket_path(args.socket.as_deref(), &profile)?),
    };
    let place = match (&socket, args.listen) {
        (Some(path), _) => Place::Socket(path),
        (None, addr) => Place::Tcp(addr.unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))),
    };
    let live = Live::new(&profile, ctx, false)?;
    let (proxy, runner) = start(ctx, &profile, &upstream, &live)?;
    let runtime = runtime()?;
    // Signals are watched before the first line tells anyone the proxy is there.
    let (listener, line, stop) = {
        let _entered = runtime.enter();
        let (listener, line) = listen(place)?;
        (listener, line, platform::stop_signal())
    };
    super::print(&format!("{line}\n"))?;
    crate::note!("{}: serving {upstream} with its token; Ctrl-C to stop", profile.name);
    let stopper = proxy.keeper.stopper();
    std::thread::scope(|threads| {
        threads.spawn(move || {
            runtime.block_on(proxy.serve(listener, stop));
            stopper.stop();
        });
        runner.run();
    });
    Ok(())
}

/// `exec PROFILE --proxy -- CMD`: the child gets `AUTHCTL_API_URL` and no token.
pub fn exec(ctx: &Context, args: &ExecArgs) -> Result<i32> {
    let profile = checked_profile(ctx, args.named())?;
    let upstream = upstream(&profile, None)?;
    let live = Live::new(&profile, ctx, args.secret_stdin)?;
    let (proxy, runner) = start(ctx, &profile, &upstream, &live)?;
    let runtime = runtime()?;
    let (listener, url) = {
        let _entered = runtime.enter();
        listen(Place::Tcp(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))))?
    };
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut cmd = Command::new(program);
    cmd.args(rest);
    crate::secret::scrub_child_env(&mut cmd, &ctx.secret_envs()?);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name == "AUTHCTL_TOKEN" || name.starts_with("AUTHCTL_TOKEN_") || name.starts_with("AUTHCTL_HEADER_") {
            cmd.env_remove(name.as_ref());
        }
    }
    cmd.env("AUTHCTL_API_URL", &url);
    let stopper = proxy.keeper.stopper();
    // The server ends with the process, when the child has.
    std::thread::spawn(move || runtime.block_on(proxy.serve(listener, std::future::pending())));
    std::thread::scope(|threads| {
        let child = threads.spawn(|| {
            let code = super::exec::run(&mut cmd, &OsString::from(program), None, "");
            stopper.stop();
            code
        });
        runner.run();
        child.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The profile, from a config valid as a whole: the proxy sends its token.
fn checked_profile(ctx: &Context, name: Option<&str>) -> Result<Profile> {
    let config = ctx.config()?;
    let profile = config.profile(name.unwrap_or_default())?;
    config.vouch()?;
    Ok(profile)
}

/// `--upstream`, else the profile's `api_url`, held to the rules of the profile's URLs.
fn upstream(profile: &Profile, flag: Option<&str>) -> Result<url::Url> {
    let problem = |problem: String| -> Error {
        ConfigError::Profile {
            profile: profile.name.clone(),
            problem,
        }
        .into()
    };
    let endpoint = match flag {
        None => profile.api_url.clone().ok_or_else(|| {
            problem("no api_url: name the API the proxy serves in the profile (api_url = \"https://…\") or with --upstream URL".into())
        })?,
        Some(raw) => crate::settings::Endpoint(url::Url::parse(raw.trim()).map_err(|e| {
            problem(format!(
                "--upstream {}: {e}",
                crate::settings::without_userinfo(raw)
            ))
        })?),
    };
    crate::config::check_scheme(&endpoint, profile.allow_http).map_err(|e| problem(format!("--upstream: {e}")))?;
    crate::config::check_no_userinfo(&endpoint).map_err(|e| problem(format!("--upstream: {e}")))?;
    if endpoint.query().is_some() || endpoint.fragment().is_some() {
        return Err(problem(
            "--upstream takes no ?query or #fragment: each request brings its own".into(),
        ));
    }
    Ok(endpoint.0)
}

/// The first token (so a missing secret or a refusing provider ends the command before
/// it listens), the proxy, and the runner that keeps its token fresh.
fn start<'a>(
    ctx: &Context,
    profile: &'a Profile,
    upstream: &url::Url,
    live: &'a Live<'a>,
) -> Result<(Proxy, proxy::Runner<impl proxy::Renew + 'a>)> {
    let renew = move |rejected: Option<&AccessToken>| {
        let ask = Ask {
            rejected: rejected.cloned(),
            ..Ask::new(Mode::Auto)
        };
        live.with(|seams| lifecycle::obtain(profile, &ask, seams))
    };
    let first = renew(None)?;
    let idle = ctx.timeout.unwrap_or(profile.timeout);
    let client = proxy::Upstream::new(upstream, idle, profile.ca_file.as_deref()).map_err(|e| match e {
        crate::http::TransportError::CaFile(e) => Error::from(*e),
        other => Error::io("cannot set up the HTTP client", std::io::Error::other(other)),
    })?;
    let (keeper, runner) = proxy::keep(&first, profile.refresh_before, renew);
    let proxy = Proxy::new(client, upstream, &profile.provider().api_headers(), keeper);
    Ok((proxy, runner))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    // The accepting thread's; the proxy starts one such runtime per core (see
    // `proxy::serve`): per request, a runtime of its own for each thread costs less than
    // one runtime of several threads that wake each other.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the I/O runtime", e))
}

/// Listens at `place` (inside the runtime); the first line of stdout: the socket's path,
/// or the base URL with the per-run key.
fn listen(place: Place) -> Result<(Listener, String)> {
    match place {
        Place::Socket(path) => {
            let listener =
                LocalListener::bind(path).map_err(|e| Error::io(format!("cannot listen on {}", path.display()), e))?;
            Ok((Listener::Local(listener), path.display().to_string()))
        }
        Place::Tcp(addr) => {
            let std = std::net::TcpListener::bind(addr)
                .and_then(|l| l.set_nonblocking(true).map(|()| l))
                .map_err(|e| Error::io(format!("cannot listen on {addr}"), e))?;
            let bound = std.local_addr().map_err(|e| Error::io("cannot listen", e))?;
            let listener = tokio::net::TcpListener::from_std(std).map_err(|e| Error::io("cannot listen", e))?;
            let key = random_key()?;
            let url = format!("http://{bound}/{key}/");
            Ok((Listener::Tcp(listener, key), url))
        }
    }
}

/// 192 random bits, URL-safe.
fn random_key() -> Result<String> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 24];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::io("cannot make a random key", std::io::Error::other("no randomness")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// `--socket`, else `authctl/proxy-PROFILE.sock` in the runtime directory (the cache
/// directory where there is none); its directory created private, and refused unless it
/// is the user's alone.
fn socket_path(flag: Option<&Path>, profile: &Profile) -> Result<PathBuf> {
    let path = match flag {
        Some(path) => path.to_path_buf(),
        None => {
            let runtime = directories::BaseDirs::new()
                .and_then(|d| d.runtime_dir().map(Path::to_path_buf))
                .filter(|d| d.is_dir());
            let dir = match runtime {
                Some(dir) => dir.join("authctl"),
                None => crate::cache::dir()?,
            };
            dir.join(format!("proxy-{}.sock", profile.name))
        }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    platform::create_private_dir(&dir).map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    match platform::check_private_dir(&dir) {
        Ok(None) => Ok(path),
        Ok(Some(why)) => Err(ConfigError::Profile {
            profile: profile.name.clone(),
            problem: format!(
                "refusing to put the proxy's socket in {}: {why}; choose a directory only you can write (--socket PATH)",
                dir.display()
            ),
        }
        .into()),
        Err(e) => Err(Error::io(format!("cannot check {}", dir.display()), e)),
    }
}

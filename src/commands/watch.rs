//! `authctl watch PROFILE --file PATH`: keeps a file holding a fresh token, for long jobs
//! and containers that read a token file (as Vault Agent's file sink does). The file is
//! written 0600 and replaced atomically, now and again whenever the token reaches its
//! renewal margin, until SIGINT or SIGTERM. A renewal that fails leaves the old file in
//! place while its token is valid, and is retried with backoff and jitter; so is a
//! renewed token that cannot be written. A token that expires while renewals fail, or
//! while one hangs, is removed from the file when it expires.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::cli::WatchArgs;
use crate::config::Profile;
use crate::error::{Error, Result};
use crate::lifecycle::{self, Ask, Mode, Obtained};
use crate::output::Format;
use crate::platform;
use crate::time::UnixTime;
use crate::{debug, warn};

use super::{Context, Live};

/// The pause after the first failed renewal; it doubles up to `MAX_RETRY`.
const FIRST_RETRY: Duration = Duration::from_secs(5);
const MAX_RETRY: Duration = Duration::from_secs(300);
/// How often the guard looks whether the token in the file has ended.
const GUARD_TICK: Duration = Duration::from_millis(100);

pub fn run(ctx: &Context, args: &WatchArgs) -> Result<()> {
    let profile = ctx.config()?.profile(args.named().unwrap_or_default())?;
    let format = args.format.format;
    platform::catch_stop_signals();
    let live = Live::new(&profile, ctx, false)?;
    let obtain = || live.with(|seams| lifecycle::obtain(&profile, &Ask::new(Mode::Auto), seams));
    let sink = Sink {
        file: &args.file,
        expires: Mutex::new(None),
        done: AtomicBool::new(false),
    };
    let current = obtain()?;
    sink.write(&profile, &current, format)?;
    crate::note!(
        "{}: keeping {} fresh; Ctrl-C to stop",
        profile.name,
        args.file.display()
    );
    std::thread::scope(|threads| {
        threads.spawn(|| sink.guard());
        keep_fresh(&sink, &profile, current, format, &obtain);
        sink.done.store(true, Ordering::Relaxed);
    });
    Ok(())
}

/// Renews the token whenever it reaches its margin, until a stop signal; a renewal that
/// fails, or a token that cannot be written, is retried with backoff.
fn keep_fresh(
    sink: &Sink,
    profile: &Profile,
    mut current: Obtained,
    format: Format,
    obtain: &dyn Fn() -> Result<Obtained>,
) {
    let mut retry = FIRST_RETRY;
    loop {
        let renew_at = current.record.renew_at(profile.refresh_before);
        debug!(
            1,
            "{}: next renewal in {}s",
            profile.name,
            UnixTime::now().secs_until(renew_at).max(0.0) as i64
        );
        if !sleep_until(renew_at) {
            return;
        }
        // A file that cannot be written now (a full disk, a reader holding it on
        // Windows) is retried like a renewal that failed.
        let renewed = obtain().and_then(|next| {
            if next.record.access_token != current.record.access_token {
                sink.write(profile, &next, format)?;
                debug!(1, "{}: renewed {}", profile.name, sink.file.display());
            }
            Ok(next)
        });
        match renewed {
            Ok(next) => {
                current = next;
                retry = FIRST_RETRY;
            }
            Err(e) => {
                let pause = jittered(retry);
                warn!(
                    "{}: renewal failed: {}; retrying in {}s",
                    profile.name,
                    e.report(),
                    pause.as_secs()
                );
                if !sleep_until(UnixTime::now().after(pause).unwrap_or_else(UnixTime::now)) {
                    return;
                }
                retry = (retry * 2).min(MAX_RETRY);
            }
        }
    }
}

/// The watched file and when the token in it ends. A guard thread removes the file the
/// moment that token expires, whatever the renewals are doing (one that hangs on a slow
/// server included); a write and the removal take turns under one lock, so a renewed
/// token is never removed in its place.
struct Sink<'a> {
    file: &'a Path,
    expires: Mutex<Option<UnixTime>>,
    done: AtomicBool,
}

impl Sink<'_> {
    /// Writes the token atomically: a private temp file beside the file, renamed over it.
    fn write(&self, profile: &Profile, obtained: &Obtained, format: Format) -> Result<()> {
        super::token::has_what_format_shows(profile, obtained, format)?;
        let text = zeroize::Zeroizing::new(super::token::render(profile, obtained, format, UnixTime::now()));
        let dir = match self.file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut expires = self.expires.lock().unwrap_or_else(PoisonError::into_inner);
        platform::write_atomically(dir, self.file, text.as_bytes())
            .map_err(|e| Error::io(format!("cannot write {}", self.file.display()), e))?;
        *expires = Some(obtained.record.expires_at);
        Ok(())
    }

    /// Until the watch ends: a token that has ended must not stay in the file for
    /// someone to use.
    fn guard(&self) {
        while !self.done.load(Ordering::Relaxed) {
            {
                let mut expires = self.expires.lock().unwrap_or_else(PoisonError::into_inner);
                if expires.is_some_and(|e| e <= UnixTime::now()) {
                    *expires = None;
                    if std::fs::remove_file(self.file).is_ok() {
                        warn!(
                            "the token in {} has expired; removed it until a renewal succeeds",
                            self.file.display()
                        );
                    }
                }
            }
            std::thread::sleep(GUARD_TICK);
        }
    }
}

/// Sleeps until `when`; false when a stop signal came first.
fn sleep_until(when: UnixTime) -> bool {
    while UnixTime::now() < when {
        if platform::stop_requested() {
            return false;
        }
        let left = UnixTime::now().until(when).unwrap_or_default();
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
    !platform::stop_requested()
}

/// `pause` give or take a fifth, so many watchers do not retry in step.
fn jittered(pause: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let fifth = pause / 5;
    pause - fifth + fifth * 2 * (nanos % 1000) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_a_fifth() {
        for _ in 0..50 {
            let p = jittered(Duration::from_secs(10));
            assert!(p >= Duration::from_secs(8) && p <= Duration::from_secs(12), "{p:?}");
        }
    }
}

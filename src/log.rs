//! Diagnostics on stderr, gated by `-v`/`-q`. Nothing here ever sees a secret:
//! callers pass redacted text (see `redact`).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

static VERBOSITY: AtomicU8 = AtomicU8::new(0);
static QUIET: AtomicBool = AtomicBool::new(false);

pub fn init(verbose: u8, quiet: bool) {
    VERBOSITY.store(verbose, Ordering::Relaxed);
    QUIET.store(quiet, Ordering::Relaxed);
}

/// True when messages of this level (1 = `-v`, 2 = `-vv`, 3 = `-vvv`) are shown.
pub fn enabled(level: u8) -> bool {
    VERBOSITY.load(Ordering::Relaxed) >= level
}

pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Colour only for a person at a terminal who has not asked for none.
pub fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// `-v` and up: what authctl is doing.
#[macro_export]
macro_rules! debug {
    ($level:expr, $($arg:tt)*) => {
        if $crate::log::enabled($level) {
            eprintln!("authctl: {}", format_args!($($arg)*));
        }
    };
}

/// Something the user should know even without `-v`; silenced by `-q`.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => {
        if !$crate::log::quiet() {
            $crate::log::print_warning(&format!($($arg)*));
        }
    };
}

pub fn print_warning(msg: &str) {
    if color() {
        eprintln!("\x1b[33mwarning:\x1b[0m {msg}");
    } else {
        eprintln!("warning: {msg}");
    }
}

/// Shows the shape of a secret-bearing string without any of its content.
pub fn redact(value: &str) -> String {
    format!("<redacted, {} chars>", value.chars().count())
}

//! Diagnostics on stderr, gated by `-v`/`-q`. Every line goes out through `emit`, which
//! scrubs registered secrets (see `redact`) and never panics: a closed or full stderr
//! loses the diagnostic, not the result. Also the shaping of outside text (a provider's
//! message, an error's cause) into one line of sane length.

use std::io::{IsTerminal, Write};
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

/// Writes `text` and a newline to stderr, scrubbed of every registered secret, control
/// and invisible characters escaped. A failed write is ignored: diagnostics must never
/// change what authctl does.
pub fn emit(text: &str) {
    write_line("", text);
}

/// `prefix` is authctl's own (a coloured label) and goes out as it is.
fn write_line(prefix: &str, text: &str) {
    let scrubbed = crate::redact::scrub(text);
    let safe = escape_invisible(&scrubbed);
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(prefix.as_bytes());
    let _ = err.write_all(safe.as_bytes());
    let _ = err.write_all(b"\n");
}

/// `text` with control characters (but line breaks and tabs) and the invisible ones
/// that reorder or hide text shown as `\u{…}` escapes: outside text cannot move the
/// cursor, recolour the terminal or disguise what a line says.
pub fn escape_invisible(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_invisible(c);
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `-v` and up: what authctl is doing.
#[macro_export]
macro_rules! debug {
    ($level:expr, $($arg:tt)*) => {
        if $crate::log::enabled($level) {
            $crate::log::emit(&format!("authctl: {}", format_args!($($arg)*)));
        }
    };
}

/// Something the user should know even without `-v`; silenced by `-q`.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => {
        if !$crate::log::quiet() {
            $crate::log::labelled("warning", "33", &format!($($arg)*));
        }
    };
}

/// A line for the person at the terminal (what was stored, what to do next); silenced
/// by `-q`.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {
        if !$crate::log::quiet() {
            $crate::log::emit(&format!($($arg)*));
        }
    };
}

/// `error: msg`, on one line whatever `msg` holds (a file name may hold a line break).
pub fn error(msg: &str) {
    labelled("error", "31", &msg.replace('\n', "\\n").replace('\r', "\\r"));
}

/// `label: msg`, the label coloured (ANSI colour `code`) when colour is wanted.
pub fn labelled(label: &str, code: &str, msg: &str) {
    if color() {
        write_line(&format!("\x1b[{code}m{label}:\x1b[0m "), msg);
    } else {
        write_line(&format!("{label}: "), msg);
    }
}

/// How long a wait lasts before `Waiting` says what it waits for.
pub const WAIT_NOTICE: std::time::Duration = std::time::Duration::from_secs(1);

/// One line on a terminal saying what authctl is waiting for (a slow provider, another
/// process holding the profile's lock), cleared when the wait ends. Only for a person at
/// a terminal: nothing when stderr is not one, or with `-q`. At `-v` and up the line is
/// finished with a newline at once, since other lines may follow it during the wait.
pub struct Waiting {
    on: bool,
    /// The text on screen, shared with the timer thread of `Waiting::later`.
    shown: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    timer: Option<(std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>)>,
}

impl Waiting {
    /// For a caller that polls: nothing is shown until it calls `show`.
    pub fn new() -> Waiting {
        Waiting {
            on: !quiet() && std::io::stderr().is_terminal(),
            shown: Default::default(),
            timer: None,
        }
    }

    /// Shows `text` once the wait has lasted `WAIT_NOTICE`, unless it ended before.
    pub fn later(text: String) -> Waiting {
        let mut waiting = Waiting::new();
        if waiting.on {
            let (stop, stopped) = std::sync::mpsc::channel::<()>();
            let shown = waiting.shown.clone();
            let timer = std::thread::spawn(move || {
                if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(WAIT_NOTICE) {
                    show_line(&shown, &text);
                }
            });
            waiting.timer = Some((stop, timer));
        }
        waiting
    }

    /// Shows `text` now, if nothing is shown yet.
    pub fn show(&self, text: &str) {
        if self.on {
            show_line(&self.shown, text);
        }
    }

    pub fn is_shown(&self) -> bool {
        self.shown.lock().is_ok_and(|s| s.is_some())
    }
}

impl Default for Waiting {
    fn default() -> Self {
        Waiting::new()
    }
}

fn show_line(shown: &std::sync::Mutex<Option<String>>, text: &str) {
    let Ok(mut shown) = shown.lock() else { return };
    if shown.is_some() {
        return;
    }
    let line = escape_invisible(&crate::redact::scrub(&format!("authctl: {text}"))).into_owned();
    let end = if enabled(1) { "\n" } else { "" };
    let _ = std::io::stderr().lock().write_all(format!("{line}{end}").as_bytes());
    *shown = Some(line);
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some((stop, timer)) = self.timer.take() {
            drop(stop);
            let _ = timer.join();
        }
        let Some(line) = self.shown.lock().ok().and_then(|mut s| s.take()) else {
            return;
        };
        if enabled(1) {
            return;
        }
        // Cleared where the terminal surely shows it on one row; else left, finished.
        let fits = crate::platform::stderr_columns().is_some_and(|cols| line.chars().count() < cols);
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let end = if fits && !dumb { "\r\x1b[2K" } else { "\n" };
        let _ = std::io::stderr().lock().write_all(end.as_bytes());
    }
}

/// Keeps outside text (a provider's message, a command's stderr) to one line of sane
/// length: it ends up in a terminal. White space folds to single spaces; control
/// characters and the invisible ones that reorder or hide text (bidi overrides, zero
/// widths) are shown as `\u{…}` escapes, so none can move the cursor, recolour the
/// terminal or disguise what the line says.
pub fn one_line(text: &str, max_chars: usize) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    for (i, c) in joined.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        if c.is_control() || is_invisible(c) {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Format characters that change how text is shown without being seen.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// An error's message and, when it has one, its innermost cause — the one that says what
/// happened — on one line, scrubbed of secrets.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut root = None;
    let mut next = e.source();
    while let Some(cause) = next {
        root = Some(cause);
        next = cause.source();
    }
    let message = e.to_string();
    match root.map(|r| r.to_string()) {
        Some(cause) if !message.contains(&cause) => {
            format!("{message}: {}", one_line(&crate::redact::scrub(&cause), 300))
        }
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_folds_whitespace_and_truncates() {
        assert_eq!(one_line("bad\r\n  secret\tgiven", 100), "bad secret given");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }

    #[test]
    fn one_line_shows_control_and_bidi_characters_as_escapes() {
        assert_eq!(one_line("red\u{1b}[31m", 100), "red\\u{001b}[31m");
        assert_eq!(one_line("abc\u{202e}fed", 100), "abc\\u{202e}fed");
    }
}

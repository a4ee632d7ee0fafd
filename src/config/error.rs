//! What can be wrong with a config file, each message naming the file, and where TOML
//! gives one, the line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::providers::Kind;

/// A place in the config file, shown as `FILE:LINE:COLUMN`.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Byte offset → 1-based line and column, for messages only.
pub fn locate(file: &Path, text: &str, offset: usize) -> Location {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    Location {
        file: file.to_path_buf(),
        line: before.matches('\n').count() + 1,
        column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
    }
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map_or_else(String::new, |s| format!("did you mean `{s}`? "))
}

/// The name in `names` closest to `typed`, when it is close enough to be a slip: a
/// different case, or at most two letters added, dropped or changed (one for short names).
pub fn closest<'a>(typed: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = if typed.chars().count() <= 3 { 1 } else { 2 };
    names
        .into_iter()
        .map(|name| (distance(&typed.to_lowercase(), &name.to_lowercase()), name))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

/// Levenshtein distance between two short strings.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot find a home directory for the config file; use --config PATH or set AUTHCTL_CONFIG")]
    NoHome,
    #[error("cannot read config file {}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {} is over 16 MiB; that is not an authctl config", path.display())]
    TooLarge { path: PathBuf },
    #[error("config file {} kept changing while it was read; try again once it is saved", path.display())]
    Changing { path: PathBuf },
    #[error("refusing config file {}: {why}; {fix}", path.display())]
    Untrusted { path: PathBuf, why: String, fix: String },
    #[error("no config file at {}; create one with `authctl config init` (or point --config / AUTHCTL_CONFIG at one)", path.display())]
    Missing { path: PathBuf },
    #[error("{} already exists; not overwriting it (edit it, or move it away first){}", path.display(), if *from_env { "; the path came from AUTHCTL_CONFIG" } else { "" })]
    Exists { path: PathBuf, from_env: bool },
    #[error("invalid TOML at {at}: {message}")]
    Syntax { at: Location, message: String },
    #[error("config error at {at}: {section}, key {key}: {problem}")]
    Key {
        at: Location,
        section: String,
        key: String,
        problem: String,
    },
    #[error("config error at {at}: {section}: unknown key {key} (known keys: {known})")]
    UnknownKey {
        at: Location,
        section: String,
        key: String,
        known: String,
    },
    #[error("config error in {}: {section} is missing required key {key} ({hint})", file.display())]
    MissingKey {
        file: PathBuf,
        section: String,
        key: String,
        hint: &'static str,
    },
    #[error("config error in ${var}: {problem}")]
    Environment { var: &'static str, problem: String },
    #[error("config error at {at}: {problem}")]
    Shape { at: Location, problem: String },
    /// The profile asked for is fine, but the file is not: nothing is renewed and no
    /// command started from it (only a cached token may still be served).
    #[error(
        "{inner}; authctl renews no token and starts no command while the config has an error (only cached tokens are served; `authctl config check` shows it)"
    )]
    NotWhole { inner: Box<ConfigError> },
    #[error("unknown profile `{arg}` in {}; {}profiles: {names}", file.display(), did_you_mean(suggestion))]
    UnknownProfile {
        arg: String,
        file: PathBuf,
        names: String,
        suggestion: Option<String>,
    },
    /// `config check` has printed each of them already.
    #[error("{count} errors in {}", file.display())]
    Errors { file: PathBuf, count: usize },
    #[error("`{arg}` matches several {arg} profiles ({names}) in {}; name one of them", file.display())]
    AmbiguousProvider { arg: String, file: PathBuf, names: String },
    #[error("no profile given and no default_profile in {}; name one of: {names}", file.display())]
    NoProfileGiven { file: PathBuf, names: String },
    #[error("profile {profile} uses provider {uses}, not {wanted}")]
    WrongProvider { profile: String, uses: Kind, wanted: Kind },
    #[error("no profile in {} uses provider {provider}; add one (config.example.toml shows its keys)", file.display())]
    NoProfileOfProvider { file: PathBuf, provider: Kind },
    #[error("several profiles use provider {provider} ({names}); choose one with --profile")]
    SeveralOfProvider { provider: Kind, names: String },
    /// Something a command needs that the profile does not say.
    #[error("profile {profile}: {problem}")]
    Profile { profile: String, problem: String },
    #[error("cannot read ca_file {}", path.display())]
    CaFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("ca_file {} holds no usable PEM certificate", path.display())]
    CaFilePem { path: PathBuf },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slip_of_the_keyboard_is_suggested_and_nothing_far_off() {
        let names = ["mg", "mediroutes-prod", "partner"];
        assert_eq!(closest("gm", names), None, "two changes in a two-letter name");
        assert_eq!(closest("mgg", names), Some("mg"));
        assert_eq!(closest("MG", names), Some("mg"));
        assert_eq!(closest("mediroute-prod", names), Some("mediroutes-prod"));
        assert_eq!(closest("parnter", names), Some("partner"));
        assert_eq!(closest("nugios", names), None);
    }

    #[test]
    fn locate_counts_from_one() {
        let at = locate(Path::new("/c"), "a\nbc\nd", 3);
        assert_eq!((at.line, at.column), (2, 2));
        let at = locate(Path::new("/c"), "abc", 0);
        assert_eq!((at.line, at.column), (1, 1));
    }
}

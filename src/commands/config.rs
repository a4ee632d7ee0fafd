//! `authctl config path | check | init`.

use std::io::Write;
use std::path::Path;

use crate::cli::ConfigCommand;
use crate::config::{self, Config, ConfigError};
use crate::error::{Error, Result};

/// The annotated example, shipped beside the code and checked by the tests.
pub const EXAMPLE: &str = include_str!("../../config.example.toml");

/// The starter file `config init` writes: the example with every setting commented out
/// (`# key = …`) and every explanation or alternative commented twice (`## …`), so it
/// parses as an empty config, documents every key, and a profile uncommented line by
/// line — or by an editor's toggle — works as it stands.
pub fn starter() -> String {
    let mut out = String::from(
        "## To use a profile, uncomment its lines (those with one `#`; `##` lines are notes\n\
         ## and alternatives, and stay comments), fill it in, then run\n\
         ## `authctl secret set NAME` and `authctl token NAME`.\n",
    );
    for line in EXAMPLE.lines() {
        if line.trim().is_empty() {
        } else if line.trim_start().starts_with('#') {
            // An indented comment continues the one above: `##` keeps it aligned.
            out.push_str(if line.starts_with("  ") { "##" } else { "#" });
            out.push_str(line);
        } else {
            out.push_str("# ");
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

pub fn run(flag: Option<&Path>, cmd: ConfigCommand) -> Result<()> {
    match cmd {
        ConfigCommand::Path => super::print(&format!("{}\n", config::path(flag)?.display())),
        ConfigCommand::Names => super::completions::names(flag),
        ConfigCommand::Check => {
            let cfg = Config::load(flag)?;
            if !cfg.exists() {
                return Err(ConfigError::Missing { path: cfg.path }.into());
            }
            let errors = cfg.every_error();
            if errors.len() > 1 {
                for e in &errors {
                    crate::log::error(&e.to_string());
                }
                return Err(ConfigError::Errors {
                    file: cfg.path,
                    count: errors.len(),
                }
                .into());
            }
            if let Some(e) = errors.into_iter().next() {
                return Err(e.into());
            }
            let names = cfg.names()?;
            super::print(&format!(
                "{}: ok, {} profile{}{}{}\n",
                cfg.path.display(),
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                if names.is_empty() { "" } else { ": " },
                names.join(", ")
            ))
        }
        ConfigCommand::Init => {
            let path = config::path(flag)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                crate::platform::create_private_dir(dir)
                    .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
            }
            // Private from the start: a config others may write is refused whatever the umask.
            let mut file = match crate::platform::create_private_file(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let from_env = flag.is_some_and(|f| std::env::var_os("AUTHCTL_CONFIG").is_some_and(|v| v == f));
                    return Err(ConfigError::Exists { path, from_env }.into());
                }
                Err(e) => return Err(Error::io(format!("cannot create {}", path.display()), e)),
            };
            file.write_all(starter().as_bytes())
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
            crate::note!("wrote a starter config to {}", path.display());
            Ok(())
        }
    }
}

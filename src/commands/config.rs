//! `authctl config path | check | init`.

use std::io::Write;
use std::path::Path;

use crate::cli::ConfigCommand;
use crate::config::{self, Config};
use crate::error::{self, Result};

/// The annotated example, shipped beside the code and checked by the tests.
pub const EXAMPLE: &str = include_str!("../../config.example.toml");

/// The starter file `config init` writes: the example with every setting commented out,
/// so it parses as an empty config and documents every key.
pub fn starter() -> String {
    let mut out = String::from(
        "# authctl configuration. Uncomment a profile, fill it in, then run\n# `authctl secret set NAME` and `authctl token NAME`.\n\n",
    );
    for line in EXAMPLE.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
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
        ConfigCommand::Check => {
            let cfg = Config::load(flag)?;
            if !cfg.exists {
                return Err(error::config(format!(
                    "no config file at {}; create one with `authctl config init`",
                    cfg.path.display()
                )));
            }
            let names: Vec<&str> = cfg.profiles.keys().map(String::as_str).collect();
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
                std::fs::create_dir_all(dir)
                    .map_err(|e| error::config(format!("cannot create {}: {e}", dir.display())))?;
            }
            let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(error::config(format!(
                        "{} already exists; not overwriting it (edit it, or move it away first)",
                        path.display()
                    )));
                }
                Err(e) => return Err(error::config(format!("cannot create {}: {e}", path.display()))),
            };
            file.write_all(starter().as_bytes())?;
            crate::log::emit(&format!("wrote a starter config to {}", path.display()));
            Ok(())
        }
    }
}

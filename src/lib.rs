//! authctl: bearer tokens for the APIs you integrate with.
//!
//! `main.rs` parses the arguments and turns `run`'s result into an exit code; the
//! modules below are reachable from tests and benchmarks.

pub mod browser;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod http;
pub mod jwt;
pub mod log;
pub mod obtain;
pub mod output;
pub mod providers;
pub mod redact;
pub mod secret;

pub use commands::run;

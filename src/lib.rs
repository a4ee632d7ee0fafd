//! authctl: bearer tokens for the APIs you integrate with.
//!
//! `main.rs` parses the arguments and turns `run`'s result into an exit code. The modules,
//! from the bottom up:
//!
//! - `redact`, `log`, `time`, `token`, `jwt`, `settings`, `platform`: small foundations;
//! - `secret`, `keyring`: the profile's secret and where it is found;
//! - `providers`: each API's settings, requests and answers, and its credential flow;
//! - `config`: the config file and the resolved `Profile`;
//! - `http`, `exchange`: the HTTP client and what a provider's answer means;
//! - `cache`, `credentials`: token records and long-lived credentials at rest;
//! - `shared_cache`: the fleet's Redis, and the sealing of what it holds;
//! - `lifecycle`: how a token is served, refreshed or fetched;
//! - `proxy`: the local server that adds the token to an API's requests;
//! - `output`, `browser`, `commands`, `cli`: what the user sees and types.

pub mod browser;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod error;
pub mod exchange;
pub mod exit;
pub mod http;
pub mod jwt;
pub mod keyring;
pub mod lifecycle;
pub mod log;
pub mod output;
pub mod platform;
pub mod providers;
pub mod proxy;
pub mod redact;
pub mod sandbox;
pub mod secret;
pub mod settings;
pub mod shared_cache;
pub mod time;
pub mod token;

pub use commands::run;

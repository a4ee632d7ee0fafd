//! Integration tests: the real binary against loopback HTTP servers.

mod util;

mod cache;
mod completions;
mod config;
mod errors;
mod everyday;
mod inspect;
mod keyring;
mod mediroutes;
mod midway;
mod nugios;
mod output;
mod properties;
mod redaction;
mod secrets;
mod tls;
mod token;
mod trust;

//! Integration tests: the real binary against loopback HTTP servers, driven the way a
//! Unix user drives it (`sh`, `curl`, signals, file modes, `/proc`). On Windows only the
//! unit tests run (`cargo test --lib`, under Wine in CI): see docs/windows.md.
#![cfg(unix)]

mod util;

mod cache;
mod cli;
mod completions;
mod config;
mod device;
mod doctor;
mod errors;
mod everyday;
mod inspect;
mod keyring;
mod mediroutes;
mod midway;
mod nugios;
mod oauth;
mod oidc;
mod output;
mod properties;
mod proxy;
mod redaction;
mod secrets;
mod shared_cache;
mod signin;
mod single_flight;
mod tls;
mod token;
mod trust;
mod waiting;

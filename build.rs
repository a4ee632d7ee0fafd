//! Release builds for x86_64 Linux, linked by rust-lld (rustc's default there since 1.90),
//! place the functions the cached-token path runs next to each other, in the order
//! `link/cached-path.order` lists them (written by `scripts/link-order`). That path then
//! touches a few dozen pages of code instead of pages all over the binary, which cuts
//! its resident memory by more than a third. A listed name the build lacks is skipped,
//! so a stale list costs only that memory, never the build. Any other target, a debug
//! build or a linker of the user's choosing links as usual.

use std::env;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link/cached-path.order");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let chosen_linker = !var("RUSTC_LINKER").is_empty()
        || var("CARGO_ENCODED_RUSTFLAGS")
            .split('\x1f')
            .any(|flag| flag.contains("linker") || flag.contains("link-self-contained") || flag.contains("fuse-ld"));
    if var("PROFILE") != "release" || var("TARGET") != "x86_64-unknown-linux-gnu" || chosen_linker {
        return;
    }
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join("link/cached-path.order");
    // -Xlinker passes each path whole, commas included.
    for arg in [
        "-Xlinker".to_string(),
        format!("--symbol-ordering-file={}", order.display()),
        "-Xlinker".to_string(),
        "--no-warn-symbol-ordering".to_string(),
    ] {
        println!("cargo:rustc-link-arg-bin=authctl={arg}");
    }
}

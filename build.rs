//! Release builds for x86_64 Linux, linked by rust-lld (rustc's default there since 1.90),
//! place the functions the cached-token path runs next to each other, in the order
//! `link/cached-path.order` lists them (written by `scripts/link-order`). That path then
//! touches a few dozen pages of code instead of pages all over the binary, which cuts
//! its resident memory by about a quarter. A listed name the build lacks is skipped
//! (the linker warns), so a stale list costs that memory, never a user's build; CI runs
//! `scripts/link-order --check`, which fails on any listed name the build lacks. Any other
//! target, a debug build or a linker of the user's choosing links as usual.

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
    // The link map lets `scripts/link-order --check` (run by CI) fail when a listed name
    // is no longer in the build. -Xlinker passes each path whole, commas included.
    let map = Path::new(&var("OUT_DIR")).join("authctl.map");
    for arg in [
        "-Xlinker".to_string(),
        format!("--symbol-ordering-file={}", order.display()),
        "-Xlinker".to_string(),
        format!("-Map={}", map.display()),
    ] {
        println!("cargo:rustc-link-arg-bin=authctl={arg}");
    }
}

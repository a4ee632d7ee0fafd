//! Release builds for x86_64 Linux, glibc (dynamic) and musl (the static binary
//! scripts/dist ships), place the functions the cached-token path runs next to each
//! other, in the order `link/cached-path.order` (glibc) or `link/cached-path-musl.order`
//! lists them (both written by `scripts/link-order`; symbol names carry a hash of the
//! target, so each target has its own list). That path then touches a few dozen pages of
//! code instead of pages all over the binary, which cuts its resident memory by about a
//! quarter (glibc) or two fifths (musl). A listed name the build lacks is skipped (the
//! linker warns), so a stale list costs that memory, never a user's build; CI runs
//! `scripts/link-order --check` for both, which fails on any listed name the build lacks.
//!
//! The ordering needs lld. rustc links x86_64 glibc with its own rust-lld already (since
//! 1.90); for musl it runs the system's cc with GNU ld, which has no ordering, so this
//! asks cc for lld the way rustc does for glibc: `-fuse-ld=lld` with rustc's `gcc-ld`
//! folder first on cc's search path. Without that folder (a rustc that ships no
//! rust-lld), any other target, a debug build or a linker of the user's choosing, the
//! build links as usual.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link/cached-path.order");
    println!("cargo:rerun-if-changed=link/cached-path-musl.order");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let chosen_linker = !var("RUSTC_LINKER").is_empty()
        || var("CARGO_ENCODED_RUSTFLAGS")
            .split('\x1f')
            .any(|flag| flag.contains("linker") || flag.contains("link-self-contained") || flag.contains("fuse-ld"));
    if var("PROFILE") != "release" || chosen_linker {
        return;
    }
    let (list, lld) = match var("TARGET").as_str() {
        "x86_64-unknown-linux-gnu" => ("link/cached-path.order", None),
        "x86_64-unknown-linux-musl" => match rust_lld_folder(&var("RUSTC"), &var("HOST")) {
            Some(folder) => ("link/cached-path-musl.order", Some(folder)),
            None => return,
        },
        _ => return,
    };
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join(list);
    if !order.is_file() {
        return;
    }
    // The link map lets `scripts/link-order --check` (run by CI) fail when a listed name
    // is no longer in the build. -Xlinker passes each path whole, commas included.
    let map = Path::new(&var("OUT_DIR")).join("authctl.map");
    let mut args = vec![
        "-Xlinker".to_string(),
        format!("--symbol-ordering-file={}", order.display()),
        "-Xlinker".to_string(),
        format!("-Map={}", map.display()),
    ];
    if let Some(folder) = lld {
        args.extend(["-fuse-ld=lld".to_string(), format!("-B{}", folder.display())]);
    }
    for arg in args {
        println!("cargo:rustc-link-arg-bin=authctl={arg}");
    }
}

/// rustc's folder of linker shims for cc (`gcc-ld/ld.lld` runs its rust-lld), when the
/// toolchain has one.
fn rust_lld_folder(rustc: &str, host: &str) -> Option<PathBuf> {
    let out = Command::new(rustc).args(["--print", "sysroot"]).output().ok()?;
    let sysroot = String::from_utf8(out.stdout).ok()?;
    let folder = Path::new(sysroot.trim()).join(format!("lib/rustlib/{host}/bin/gcc-ld"));
    folder.join("ld.lld").is_file().then_some(folder)
}

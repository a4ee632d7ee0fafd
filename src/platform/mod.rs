//! Everything that differs between operating systems, behind one small interface: file
//! modes and ownership, opening without following links, core dumps, signals and process
//! replacement. The rest of authctl has no `cfg`.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

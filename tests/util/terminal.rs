//! A pseudo-terminal (openpty) as a program's stderr, for what authctl shows a person at
//! a terminal; stdout stays a pipe, as in `TOKEN=$(authctl token …)` typed at a prompt.

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long a test waits for a line before it fails: generous, for a loaded machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// A program running with a terminal (100 columns) as its stderr.
pub struct OnTerminal {
    child: Option<Child>,
    chunks: Receiver<Vec<u8>>,
    /// Everything the terminal has shown so far.
    pub shown: String,
}

impl OnTerminal {
    pub fn start(mut cmd: Command) -> OnTerminal {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 24,
            ws_col: 100,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty fills in two descriptors, which are owned from here on.
        let rc = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        let (master, slave) = unsafe { (std::fs::File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(slave));
        let child = cmd.spawn().unwrap();
        // The command holds this side's copy of the terminal: without dropping it, the
        // reader would never see the end.
        drop(cmd);
        let (send, chunks) = channel();
        std::thread::spawn(move || {
            let mut master = master;
            let mut buf = [0u8; 4096];
            // EIO once the program (the last holder of the other side) has ended.
            while let Ok(n) = master.read(&mut buf) {
                if n == 0 || send.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        OnTerminal {
            child: Some(child),
            chunks,
            shown: String::new(),
        }
    }

    /// Reads what the terminal shows until it holds `what`; fails the test if the program
    /// ends first.
    pub fn until_it_shows(&mut self, what: &str) {
        let deadline = Instant::now() + PATIENCE;
        while !self.shown.contains(what) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.shown.push_str(&String::from_utf8_lossy(&chunk)),
                Err(RecvTimeoutError::Timeout) => panic!("the terminal never showed {what:?}: {:?}", self.shown),
                Err(RecvTimeoutError::Disconnected) => panic!("it ended without showing {what:?}: {:?}", self.shown),
            }
        }
    }

    /// Waits for it to end: its output (stdout; stderr went to the terminal) and all the
    /// terminal showed.
    pub fn finish(mut self) -> (Output, String) {
        let out = self.child.take().unwrap().wait_with_output().unwrap();
        while let Ok(chunk) = self.chunks.recv_timeout(PATIENCE) {
            self.shown.push_str(&String::from_utf8_lossy(&chunk));
        }
        (out, std::mem::take(&mut self.shown))
    }
}

impl Drop for OnTerminal {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

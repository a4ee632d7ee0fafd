//! The sandbox: an in-process loopback emulation of the five providers' token endpoints,
//! so that `authctl demo` can run every provider flow offline and `authctl demo --serve`
//! can leave it running for people to try scripts against.
//!
//! It owns a minimal HTTP/1.1 server (`server.rs`) bound to 127.0.0.1 only, the tokens it
//! mints and checks (`tokens.rs`), and one file per provider speaking that provider's
//! wire format as its published document describes it. `routes.rs` holds the one table
//! of endpoints (method and path to handler), the demo helpers `/echo`, `/orders` and
//! `/hits` among them.
//!
//! Everything that arrives is untrusted: any local process can reach the port while it
//! runs, so heads, bodies, time per request, connections and stored refresh tokens are
//! all capped, and a bad request gets an error answer, never a panic.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde::Serialize;
use url::Url;

mod device;
mod mediroutes;
mod midigator;
mod midway;
mod nugios;
mod oauth2;
mod routes;
mod server;
mod tokens;

#[cfg(test)]
mod tests;

use tokens::{Minter, RefreshTokens};

/// The demo credentials the sandbox accepts. `authctl demo` writes its temporary config
/// and environment from these.
pub mod credentials {
    /// Midigator: the API secret sent as `Authorization: Bearer` to `POST /auth`.
    pub const MIDIGATOR_SECRET: &str = "sandbox-api-secret";

    /// OAuth2 client credentials (`POST /api/oauth/token`).
    pub const OAUTH2_CLIENT_ID: &str = "sandbox-client";
    pub const OAUTH2_CLIENT_SECRET: &str = "sandbox-client-secret";
    /// A public OAuth2 client (no secret) of the browser sign-in: `GET
    /// /oauth2/authorize`, then the code exchange at `POST /api/oauth/token` with PKCE.
    pub const OAUTH2_PUBLIC_CLIENT_ID: &str = "sandbox-app-client";

    /// MidwayPlus developer credentials (`POST /v1/Auth`).
    pub const MIDWAY_CLIENT_ID: &str = "sandbox-dev";
    pub const MIDWAY_PASSWORD: &str = "sandbox-midway-pw";
    /// The app whose browser sign-in is `GET /Apps/Authenticate/{MIDWAY_APP_ID}`.
    pub const MIDWAY_APP_ID: &str = "sandbox-app";
    /// The app's installations; the browser sign-in yields a token for the first.
    pub const MIDWAY_INSTALLATION: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    pub const MIDWAY_SECOND_INSTALLATION: &str = "9b2c7d1e-4f3a-4e8b-a5d6-0c1f2e3d4b5a";

    /// MediRoutes user (`POST /token`, `grant_type=password`).
    pub const MEDIROUTES_USERNAME: &str = "dispatch@sandbox.test";
    pub const MEDIROUTES_PASSWORD: &str = "sandbox-mediroutes-pw";

    /// Nugios user (`POST /nugios/login`).
    pub const NUGIOS_LOGIN: &str = "sandbox-ops";
    pub const NUGIOS_PASSWORD: &str = "sandbox-nugios-pw";
    /// A Nugios user whose logins answer `"passwordExpired": true`; same password.
    pub const NUGIOS_EXPIRED_LOGIN: &str = "sandbox-ops-expired";
}

/// Requests seen so far, per provider: every request to a provider's own endpoints,
/// answered with success or not. The demo helpers (`/echo`, `/orders`, `/hits`) are not
/// counted, so the counts show exactly when authctl went to the network.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Hits {
    pub midigator: u32,
    pub oauth2: u32,
    pub midway: u32,
    pub mediroutes: u32,
    pub nugios: u32,
}

/// A running sandbox; dropping it stops it.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts the emulation on 127.0.0.1:`port` (0 = any free port) on background threads.
    /// `return_url` is the MidwayPlus app's AuthReturnUrl the browser flow redirects to.
    pub fn start(port: u16, return_url: Option<Url>) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(format!("http://{addr}"), return_url));
        let accept = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("authctl-sandbox".into())
                .spawn(move || accept_loop(&listener, &shared))?
        };
        Ok(Sandbox {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        self.shared.url.clone()
    }

    /// Requests seen so far, per provider.
    pub fn hits(&self) -> Hits {
        *lock(&self.shared.hits)
    }

    /// Sets the lifetime of the access tokens it issues from now on (so a demo can make
    /// a token expire quickly and show a refresh). Default: as in the seeds.
    pub fn set_access_token_lifetime(&self, lifetime: Duration) {
        *lock(&self.shared.access_lifetime) = Some(lifetime);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // `accept` blocks until a connection arrives: one from here wakes it to see the
        // flag. Only then is joining sure to end; without it the thread exits on its
        // next connection.
        let woken = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok();
        if let Some(accept) = self.accept.take()
            && woken
        {
            let _ = accept.join();
        }
    }
}

/// At most this many connections are served at once; more are closed unanswered, so a
/// flood cannot make the process spawn threads without end.
const MAX_CONNECTIONS: usize = 64;

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors, say: wait a little rather than spin.
            thread::sleep(Duration::from_millis(20));
            continue;
        };
        let Some(slot) = Slot::take(shared) else {
            continue;
        };
        // A failed spawn drops the closure, and the slot with it.
        let _ = thread::Builder::new()
            .name("authctl-sandbox-conn".into())
            .spawn(move || server::serve(stream, |request| routes::handle(&slot.0, request)));
    }
}

/// One of the `MAX_CONNECTIONS` places; given back when dropped, even by a panic.
struct Slot(Arc<Shared>);

impl Slot {
    fn take(shared: &Arc<Shared>) -> Option<Slot> {
        let taken = shared.connections.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(Arc::clone(shared));
        (taken < MAX_CONNECTIONS).then_some(slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The providers the sandbox emulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider {
    Midigator,
    Oauth2,
    Midway,
    Mediroutes,
    Nugios,
}

impl Provider {
    const ALL: [Provider; 5] = [
        Provider::Midigator,
        Provider::Oauth2,
        Provider::Midway,
        Provider::Mediroutes,
        Provider::Nugios,
    ];

    fn name(self) -> &'static str {
        match self {
            Provider::Midigator => "midigator",
            Provider::Oauth2 => "oauth2",
            Provider::Midway => "midway",
            Provider::Mediroutes => "mediroutes",
            Provider::Nugios => "nugios",
        }
    }

    /// Access token lifetimes as the providers document them (Midigator documents none:
    /// an hour, like the OAuth2 seed).
    fn documented_lifetime(self) -> Duration {
        match self {
            Provider::Midigator | Provider::Oauth2 => Duration::from_secs(3600),
            Provider::Midway => Duration::from_secs(1800),
            Provider::Mediroutes => Duration::from_secs(86_400),
            Provider::Nugios => Duration::from_secs(43_200 * 60),
        }
    }
}

/// State shared by the listener and connection threads.
struct Shared {
    url: String,
    return_url: Option<Url>,
    minter: Minter,
    refresh_tokens: Mutex<RefreshTokens>,
    /// Authorization codes given and not yet exchanged.
    codes: Mutex<Vec<oauth2::Code>>,
    /// Device codes given and not yet redeemed.
    devices: Mutex<Vec<device::Pending>>,
    hits: Mutex<Hits>,
    access_lifetime: Mutex<Option<Duration>>,
    stopping: AtomicBool,
    connections: AtomicUsize,
}

impl Shared {
    fn new(url: String, return_url: Option<Url>) -> Shared {
        Shared {
            url,
            return_url,
            minter: Minter::new(),
            refresh_tokens: Mutex::new(RefreshTokens::default()),
            codes: Mutex::new(Vec::new()),
            devices: Mutex::new(Vec::new()),
            hits: Mutex::new(Hits::default()),
            access_lifetime: Mutex::new(None),
            stopping: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
        }
    }

    /// The lifetime of an access token issued now: the one set by the demo, else the
    /// provider's own.
    fn access_lifetime(&self, provider: Provider) -> Duration {
        lock(&self.access_lifetime).unwrap_or_else(|| provider.documented_lifetime())
    }

    /// The `iss` claim of the tokens issued as `provider`.
    fn issuer(&self, provider: Provider) -> String {
        format!("{}/{}", self.url, provider.name())
    }

    fn count(&self, provider: Provider) {
        let mut hits = lock(&self.hits);
        let counter = match provider {
            Provider::Midigator => &mut hits.midigator,
            Provider::Oauth2 => &mut hits.oauth2,
            Provider::Midway => &mut hits.midway,
            Provider::Mediroutes => &mut hits.mediroutes,
            Provider::Nugios => &mut hits.nugios,
        };
        *counter = counter.saturating_add(1);
    }
}

/// Locks a mutex; a thread that panicked while holding it left plain data behind that is
/// still usable, so poisoning is ignored rather than spread to every later request.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

//! Which requests the proxy serves, and what of them goes on: the key in the path, the
//! path itself, the `Host` a client named, and the headers that belong to one hop.

use http::header::{CONNECTION, HOST, HeaderMap, HeaderName};

/// Headers of one connection (RFC 9110 §7.6.1), never forwarded either way; so are the
/// ones `Connection` names and every `Proxy-*`. `Expect: 100-continue` is answered by
/// the proxy itself.
const HOP_BY_HOP: [&str; 7] = [
    "expect",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Why a request is not forwarded.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Outside the key, or no path at all: 404, as for anything that is not there.
    NotFound,
    /// A `.` or `..` segment (plain or encoded), or a target not in origin form: 400.
    BadTarget,
    /// A `Host` other than this machine: a page whose name now points here (DNS
    /// rebinding). 403.
    ForeignHost,
    /// `TRACE` or `TRACK`, which would echo the proxy's own `Authorization` back
    /// (RFC 9110 §9.3.8), or `CONNECT`. 405.
    Method,
}

/// The path and query to forward: what follows `/<key>` (with `key`), else the whole
/// target. A target naming a scheme or host, or with a dot segment, is refused.
pub fn forwarded<'a>(uri: &'a http::Uri, key: Option<&str>) -> Result<&'a str, Refusal> {
    if uri.scheme().is_some() || uri.authority().is_some() {
        return Err(Refusal::BadTarget);
    }
    let target = uri.path_and_query().map(|p| p.as_str()).ok_or(Refusal::NotFound)?;
    let rest = match key {
        None => target,
        Some(key) => under_key(target, key).ok_or(Refusal::NotFound)?,
    };
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    match path.starts_with('/') && !has_dot_segment(path) {
        true => Ok(rest),
        false => Err(Refusal::BadTarget),
    }
}

/// What follows `/<key>` in `target`: `/…` or nothing (then `/`). The key is compared
/// in constant time.
fn under_key<'a>(target: &'a str, key: &str) -> Option<&'a str> {
    let given = target.strip_prefix('/')?.as_bytes();
    let key = key.as_bytes();
    if given.len() < key.len() {
        return None;
    }
    let differs = given[..key.len()]
        .iter()
        .zip(key)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if differs != 0 {
        return None;
    }
    match &target[1 + key.len()..] {
        "" => Some("/"),
        rest if rest.starts_with('/') => Some(rest),
        _ => None,
    }
}

/// True when a segment of `path` is `.` or `..`, also when written `%2e`, or when
/// `%2f` or a backslash (which some servers take for `/`) hides one.
fn has_dot_segment(path: &str) -> bool {
    // Without a `.` or a `%` (which any encoded one needs) no segment can be one.
    if !path.bytes().any(|b| b == b'.' || b == b'%') {
        return false;
    }
    let mut decoded = path.to_ascii_lowercase();
    // Encoded more than once (`%252e`), or as overlong UTF-8 (`%c0%ae`): some servers
    // decode twice, or leniently.
    // `%25` → `%` until none is left, in one pass: each `%25` completed at the end of
    // what is kept so far shrinks to `%`.
    if decoded.contains("%25") {
        let mut collapsed = String::with_capacity(decoded.len());
        for c in decoded.chars() {
            collapsed.push(c);
            if collapsed.ends_with("%25") {
                collapsed.truncate(collapsed.len() - 2);
            }
        }
        decoded = collapsed;
    }
    let decoded = (decoded.replace("%c0%ae", ".").replace("%c0%af", "/"))
        .replace("%2e", ".")
        .replace("%2f", "/")
        .replace("%5c", "/");
    // A segment's `;parameters` (`..;/`) are dropped by servers that know them.
    decoded
        .split(['/', '\\'])
        .map(|segment| segment.split(';').next().unwrap_or_default())
        .any(|segment| segment == "." || segment == "..")
}

/// True for a `Host` that names this machine (or none): a loopback address or
/// `localhost`, any port.
pub fn local_host(headers: &HeaderMap) -> bool {
    let mut hosts = headers.get_all(HOST).iter();
    let Some(host) = hosts.next() else {
        return true;
    };
    // Two `Host` headers: which one counts depends on who reads them (RFC 9112 §3.2).
    if hosts.next().is_some() {
        return false;
    }
    let Ok(host) = host.to_str() else { return false };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => crate::settings::is_loopback_name(name),
    }
}

/// Removes the headers of one hop: those `Connection` names, then `Connection` itself,
/// `Keep-Alive`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`, `Expect` and every
/// `Proxy-*`. Most messages have none but `Connection`: they are found in one pass over
/// the names, without looking any up.
pub fn drop_hop_by_hop(headers: &mut HeaderMap) {
    let mut named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    named.extend(
        headers
            .keys()
            .filter(|k| HOP_BY_HOP.contains(&k.as_str()) || k.as_str().starts_with("proxy-"))
            .cloned(),
    );
    for name in named {
        headers.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "k3y-_Abc";

    fn forward(target: &str) -> Result<&'static str, Refusal> {
        let uri: &'static http::Uri = Box::leak(Box::new(target.parse().unwrap()));
        forwarded(uri, Some(KEY))
    }

    #[test]
    fn only_requests_under_the_key_are_forwarded_without_it() {
        assert_eq!(forward("/k3y-_Abc/orders?x=1"), Ok("/orders?x=1"));
        assert_eq!(forward("/k3y-_Abc/"), Ok("/"));
        assert_eq!(forward("/k3y-_Abc"), Ok("/"));
        for outside in [
            "/",
            "/orders",
            "/k3y-_Ab/x",
            "/k3y-_Abcd/x",
            "/K3Y-_ABC/x",
            "/k3y-_Abc?x=1",
            "*",
        ] {
            assert_eq!(forward(outside), Err(Refusal::NotFound), "{outside}");
        }
    }

    #[test]
    fn dot_segments_and_other_targets_are_refused() {
        for bad in [
            "/k3y-_Abc/../x",
            "/k3y-_Abc/a/..",
            "/k3y-_Abc/./x",
            "/k3y-_Abc/%2e%2E/x",
            "/k3y-_Abc/.%2e/x",
            "/k3y-_Abc/..%2fx",
            "/k3y-_Abc/..%5Cx",
            "http://127.0.0.1/k3y-_Abc/x",
        ] {
            assert_eq!(forward(bad), Err(Refusal::BadTarget), "{bad}");
        }
        assert_eq!(forward("/k3y-_Abc/a..b/.x/x.?q=/../"), Ok("/a..b/.x/x.?q=/../"));
        // However often encoded, in one pass over the path.
        let deep = format!("/a/%{}2e%2E/x", "25".repeat(20_000));
        assert!(has_dot_segment(&deep));
        assert!(!has_dot_segment(&deep.replace("2e%2E", "2ex")));
        let uri: http::Uri = "/../etc".parse().unwrap();
        assert_eq!(forwarded(&uri, None), Err(Refusal::BadTarget));
    }

    #[test]
    fn only_a_host_of_this_machine_is_served() {
        let with = |host: &str| {
            let mut h = HeaderMap::new();
            h.insert(HOST, host.parse().unwrap());
            local_host(&h)
        };
        for ok in ["127.0.0.1:8080", "127.1.2.3", "localhost:1", "[::1]:9", "LocalHost"] {
            assert!(with(ok), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "evil.example",
            "10.0.0.1:80",
            "[::2]:1",
            "127.0.0.1.evil.example",
        ] {
            assert!(!with(bad), "{bad}");
        }
        assert!(local_host(&HeaderMap::new()));
    }

    #[test]
    fn hop_by_hop_headers_are_dropped() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("connection", "keep-alive, X-Secret-Hop"),
            ("keep-alive", "timeout=5"),
            ("x-secret-hop", "1"),
            ("te", "trailers"),
            ("upgrade", "websocket"),
            ("proxy-authorization", "Basic eA=="),
            ("proxy-connection", "keep-alive"),
            ("transfer-encoding", "chunked"),
            ("expect", "100-continue"),
            ("x-kept", "yes"),
        ] {
            h.insert(HeaderName::from_static(k), v.parse().unwrap());
        }
        drop_hop_by_hop(&mut h);
        assert_eq!(h.keys().map(|k| k.as_str()).collect::<Vec<_>>(), ["x-kept"]);
    }
}

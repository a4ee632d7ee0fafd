//! The sandbox's HTTP/1.1 server side, as small as the providers' flows allow: one
//! request per connection, `Content-Length` bodies only, every answer with
//! `Content-Length` and `Connection: close`. Sizes and time are capped because any local
//! process may connect.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Request line and headers, together.
pub const MAX_HEAD: usize = 16 * 1024;
pub const MAX_BODY: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;
/// The whole request must arrive within this, so a client that sends a byte now and then
/// cannot hold a connection thread for long.
const REQUEST_DEADLINE: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long unread input is drained after answering (see `linger`).
const LINGER: Duration = Duration::from_millis(200);

/// A request as read off the wire. The path is kept as sent (percent-encoded).
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// The target's query, without its `?` (empty without one).
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name`, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The credentials of `Authorization: Bearer <credentials>`; the scheme is
    /// case-insensitive (RFC 7235).
    pub fn bearer(&self) -> Option<&str> {
        let value = self.header("authorization")?;
        let (scheme, credentials) = value.split_once(' ')?;
        let credentials = credentials.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !credentials.is_empty()).then_some(credentials)
    }
}

/// An answer; the server adds `Content-Length` and `Connection: close`.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(status: u16, body: &Value) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", "application/json; charset=utf-8".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// An error page, as a browser would be shown one.
    pub fn html(status: u16, message: &str) -> Response {
        let escaped = message.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        Response {
            status,
            headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
            body: format!("<!DOCTYPE html>\n<title>{escaped}</title>\n<p>{escaped}</p>\n").into_bytes(),
        }
    }

    /// `location` must be a serialized `Url`, which holds no line breaks.
    pub fn redirect(location: String) -> Response {
        Response {
            status: 302,
            headers: vec![("Location", location)],
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Response {
        self.headers.push((name, value));
        self
    }

    pub fn with_content_type(mut self, value: &str) -> Response {
        self.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        self.with_header("Content-Type", value.to_string())
    }

    fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        out.write_all(head.as_bytes())?;
        out.write_all(&self.body)?;
        out.flush()
    }
}

/// A JSON error about the request itself, before any endpoint saw it.
fn protocol_error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({"error": reason(status), "message": message}))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        _ => "",
    }
}

/// Serves one connection: reads a request, answers it with `handle`, closes.
pub fn serve(mut stream: TcpStream, handle: impl Fn(&Request) -> Response) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let deadline = Instant::now() + REQUEST_DEADLINE;
    let response = match read_request(&mut stream, deadline) {
        Ok(request) => handle(&request),
        Err(Some(response)) => response,
        Err(None) => return,
    };
    if response.write_to(&mut stream).is_ok() {
        linger(&mut stream);
    }
}

/// Closing a socket with unread input makes the kernel send a reset, which can destroy
/// the answer before the client reads it (an oversized head, say). So: stop writing,
/// then read and discard for a short while.
fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 4096];
    while let Ok(n) = read_some(stream, &mut sink, deadline) {
        if n == 0 {
            break;
        }
    }
}

/// Reads what is there, waiting no later than `deadline`.
fn read_some(stream: &mut TcpStream, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::ErrorKind::TimedOut.into());
    }
    stream.set_read_timeout(Some(left))?;
    stream.read(buf)
}

/// `Err(Some(answer))` for a request that deserves an error answer, `Err(None)` for a
/// connection that sent nothing or broke.
fn read_request(stream: &mut TcpStream, deadline: Instant) -> Result<Request, Option<Response>> {
    let (head, rest) = read_head(stream, deadline)?;
    let head = std::str::from_utf8(&head).map_err(|_| protocol_error(400, "the request head is not UTF-8"))?;
    let (method, target, headers) = parse_head(head)?;
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_string(), query.to_string()),
        None => (target, String::new()),
    };
    let length = body_length(&headers)?;
    if headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("expect") && v.eq_ignore_ascii_case("100-continue"))
        && rest.len() < length
    {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").map_err(|_| None)?;
    }
    let body = read_body(stream, rest, length, deadline)?;
    Ok(Request {
        method,
        path,
        query,
        headers,
        body,
    })
}

/// The head (without its blank line) and whatever of the body came with it.
fn read_head(stream: &mut TcpStream, deadline: Instant) -> Result<(Vec<u8>, Vec<u8>), Option<Response>> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            if end > MAX_HEAD {
                break;
            }
            let rest = buf.split_off(end + 4);
            buf.truncate(end);
            return Ok((buf, rest));
        }
        if buf.len() > MAX_HEAD {
            break;
        }
        match read_some(stream, &mut chunk, deadline) {
            Ok(0) if buf.is_empty() => return Err(None),
            Ok(0) => {
                return Err(Some(protocol_error(
                    400,
                    "the connection closed inside the request head",
                )));
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(_) if buf.is_empty() => return Err(None),
            Err(_) => return Err(Some(protocol_error(408, "the request head did not arrive in time"))),
        }
    }
    Err(Some(protocol_error(
        431,
        &format!("the request head is over {MAX_HEAD} bytes"),
    )))
}

type Head = (String, String, Vec<(String, String)>);

/// Method, target and headers. Only origin-form targets (`/path?query`) are taken.
fn parse_head(head: &str) -> Result<Head, Response> {
    let bad = |what: &str| protocol_error(400, what);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("malformed request line"));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad("malformed method"));
    }
    if !matches!(version, "HTTP/1.0" | "HTTP/1.1") {
        return Err(bad("only HTTP/1.0 and HTTP/1.1 are spoken here"));
    }
    if !target.starts_with('/') || target.bytes().any(|b| !b.is_ascii_graphic()) {
        return Err(bad("malformed request target"));
    }
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or_else(|| bad("malformed header line"))?;
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(bad("malformed header name"));
        }
        if headers.len() == MAX_HEADERS {
            return Err(protocol_error(431, &format!("more than {MAX_HEADERS} headers")));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    Ok((method.to_string(), target.to_string(), headers))
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The `Content-Length`, 0 without one; chunked bodies are not taken.
fn body_length(headers: &[(String, String)]) -> Result<usize, Response> {
    if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding")) {
        return Err(protocol_error(501, "send the body with Content-Length"));
    }
    let mut length = None;
    for (_, value) in headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("content-length")) {
        let parsed = (!value.is_empty() && value.len() <= 12 && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| value.parse::<usize>().ok())
            .flatten()
            .ok_or_else(|| protocol_error(400, "malformed Content-Length"))?;
        if length.is_some_and(|l| l != parsed) {
            return Err(protocol_error(400, "conflicting Content-Length headers"));
        }
        length = Some(parsed);
    }
    let length = length.unwrap_or(0);
    if length > MAX_BODY {
        return Err(protocol_error(413, &format!("the body is over {MAX_BODY} bytes")));
    }
    Ok(length)
}

fn read_body(
    stream: &mut TcpStream,
    mut body: Vec<u8>,
    length: usize,
    deadline: Instant,
) -> Result<Vec<u8>, Option<Response>> {
    // Anything past the body (a pipelined request) is ignored: one request per connection.
    body.truncate(length);
    let mut chunk = [0u8; 4096];
    while body.len() < length {
        let want = (length - body.len()).min(chunk.len());
        match read_some(stream, &mut chunk[..want], deadline) {
            Ok(0) => return Err(Some(protocol_error(400, "the body is shorter than its Content-Length"))),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(_) => return Err(Some(protocol_error(408, "the body did not arrive in time"))),
        }
    }
    Ok(body)
}

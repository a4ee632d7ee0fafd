//! A client's request body on its way to the API: kept whole when it is small (so a
//! request refused with 401 can be sent again), else streamed on as it arrives, the part
//! read while deciding first.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::MAX_KEPT;

pub enum Outgoing {
    /// The whole body, at most `MAX_KEPT` bytes.
    Kept(Bytes),
    /// A larger one, streamed.
    Streamed(Resumed),
}

impl Outgoing {
    /// Reads up to `MAX_KEPT` bytes of `incoming`: all of it, or it goes on as a stream.
    /// A body that says it is larger is streamed without waiting.
    pub async fn take(mut incoming: Incoming) -> Result<Outgoing, hyper::Error> {
        let mut read = Vec::new();
        let mut size = 0;
        if incoming.size_hint().lower() > MAX_KEPT as u64 {
            return Ok(Outgoing::Streamed(Resumed { read, rest: incoming }));
        }
        while let Some(frame) = incoming.frame().await {
            // Trailers are a hop's: dropped, as their header is.
            let Ok(data) = frame?.into_data() else { continue };
            size += data.len();
            read.push(data);
            if size > MAX_KEPT {
                read.reverse();
                return Ok(Outgoing::Streamed(Resumed { read, rest: incoming }));
            }
        }
        Ok(Outgoing::Kept(match read.len() {
            0 => Bytes::new(),
            1 => read.pop().unwrap_or_default(),
            _ => read.concat().into(),
        }))
    }

    /// The body, if it was kept whole (a cheap copy).
    pub fn kept(&self) -> Option<Bytes> {
        match self {
            Outgoing::Kept(bytes) => Some(bytes.clone()),
            Outgoing::Streamed(_) => None,
        }
    }

    pub fn into_body(self) -> reqwest::Body {
        match self {
            Outgoing::Kept(bytes) => reqwest::Body::from(bytes),
            Outgoing::Streamed(resumed) => reqwest::Body::wrap(resumed),
        }
    }
}

/// What was read of a body (last chunk first), then the rest of it as it arrives.
pub struct Resumed {
    read: Vec<Bytes>,
    rest: Incoming,
}

impl Body for Resumed {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        match self.read.pop() {
            Some(data) => Poll::Ready(Some(Ok(Frame::data(data)))),
            None => Pin::new(&mut self.rest).poll_frame(cx),
        }
    }

    fn size_hint(&self) -> SizeHint {
        let read: u64 = self.read.iter().map(|d| d.len() as u64).sum();
        let rest = self.rest.size_hint();
        let mut hint = SizeHint::new();
        hint.set_lower(rest.lower() + read);
        if let Some(upper) = rest.upper() {
            hint.set_upper(upper + read);
        }
        hint
    }

    fn is_end_stream(&self) -> bool {
        self.read.is_empty() && self.rest.is_end_stream()
    }
}

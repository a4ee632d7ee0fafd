//! One exchange with a provider: a request sent through the transport, and its answer
//! made into JSON, into a refusal the lifecycle may act on (a refused refresh or
//! developer token), or into a `ProviderError` that says what went wrong — with the
//! provider's own message, or what it documents for the status.

use reqwest::Url;
use serde_json::Value;

use crate::error::{Error, Problem, ProviderError};
use crate::http::{Response, Transport, TransportError, oauth_error, provider_message};
use crate::providers::{BadAnswer, Kind, Provider, Request};
use crate::secret::SecretError;

/// The answer to a request whose refusal the caller acts on.
pub enum Answer {
    Json(Value),
    /// A status the caller counts as "that credential is no good".
    Refused(ProviderError),
}

/// Talks to one provider through one transport.
pub struct Exchange<'a> {
    pub transport: &'a dyn Transport,
    pub kind: Kind,
    pub provider: &'a dyn Provider,
}

impl Exchange<'_> {
    pub fn error(&self, url: &Url, problem: Problem) -> ProviderError {
        ProviderError {
            provider: self.kind,
            url: url.clone(),
            problem,
        }
    }

    /// Sends `request` and returns the JSON of a 2xx answer.
    pub fn call(&self, request: &Request) -> Result<Value, Error> {
        match self.call_refusable(request, |_| false)? {
            Answer::Json(v) => Ok(v),
            Answer::Refused(e) => Err(e.into()),
        }
    }

    /// Sends `request`; a status for which `refused` holds comes back as `Answer::Refused`.
    pub fn call_refusable(&self, request: &Request, refused: impl Fn(u16) -> bool) -> Result<Answer, Error> {
        let response = self.transmit(request)?;
        if !response.is_success() {
            let error = self.status_error(request, &response);
            return match refused(response.status) {
                true => Ok(Answer::Refused(error)),
                false => Err(error.into()),
            };
        }
        // .NET servers may put a UTF-8 byte-order mark before their JSON.
        let body = response.body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&response.body);
        serde_json::from_slice(body).map(Answer::Json).map_err(|source| {
            self.error(
                &request.url,
                Problem::NotJson {
                    status: response.status,
                    // A successful answer in another shape (form-encoded, say) may hold
                    // tokens that were never registered for scrubbing: it is not shown.
                    snippet: shape(&response.body),
                    source,
                },
            )
            .into()
        })
    }

    /// Sends `request`; any 2xx answer will do, whatever its body (RFC 7009's is empty).
    pub fn send(&self, request: &Request) -> Result<(), Error> {
        let response = self.transmit(request)?;
        match response.is_success() {
            true => Ok(()),
            false => Err(self.status_error(request, &response).into()),
        }
    }

    fn transmit(&self, request: &Request) -> Result<Response, Error> {
        self.transport.send(request).map_err(|e| match e {
            TransportError::CaFile(e) => (*e).into(),
            TransportError::HeaderUnsafe => SecretError::NotHeaderSafe.into(),
            e @ (TransportError::Build(_) | TransportError::Runtime(_)) => {
                Error::io(e.to_string(), std::io::Error::other(e))
            }
            other => self.error(&request.url, Problem::Transport(other)).into(),
        })
    }

    /// A non-2xx answer: its status, the provider's message or what the status means,
    /// and the OAuth error code when it has one.
    fn status_error(&self, request: &Request, response: &Response) -> ProviderError {
        let message = provider_message(&response.body)
            .or_else(|| self.provider.status_meaning(response.status).map(str::to_string));
        self.error(
            &request.url,
            Problem::Status {
                status: response.status,
                message,
                secret_from: None,
                error: oauth_error(&response.body),
            },
        )
    }

    /// Reads an answer with the provider's reader.
    pub fn read<T>(&self, request: &Request, read: Result<T, BadAnswer>) -> Result<T, Error> {
        read.map_err(|bad| self.error(&request.url, Problem::BadAnswer(bad)).into())
    }
}

/// What a body that is not JSON looks like, without a word of what it says.
fn shape(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let start = text.trim_start().to_ascii_lowercase();
    let kind = if body.is_empty() {
        "an empty body"
    } else if start.starts_with("<!doctype html") || start.starts_with("<html") {
        "an HTML page"
    } else if start.starts_with('<') {
        "XML or HTML"
    } else if !text.contains(char::is_whitespace) && text.contains('=') {
        "form-encoded data"
    } else {
        "text"
    };
    format!("{kind} of {} bytes, not shown", body.len())
}

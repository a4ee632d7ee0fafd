//! Keeps secret-bearing values out of everything authctl writes for people to read.
//!
//! Every secret-bearing value — a profile's secret, a refresh token, a developer token —
//! is registered here when it enters the process (`Secret::new` does it), together with
//! the forms a server might echo it back in: form- and percent-encoded, JSON-escaped,
//! HTML-escaped. `scrub` replaces each occurrence with `[redacted]`. Server text is
//! scrubbed where it is taken in, before it is cut to length (a cut must not leave half
//! a secret behind), and every line written to stderr is scrubbed once more on its way
//! out (`log::emit`), so a value that reaches a message by any other road is caught too.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};

use zeroize::Zeroizing;

pub const REDACTED: &str = "[redacted]";

/// The registered values and their encodings, longest first so that the longest match
/// wins where one form contains another.
static PATTERNS: Mutex<Vec<Zeroizing<String>>> = Mutex::new(Vec::new());

/// From now on, `value` and its encodings are replaced wherever text is scrubbed.
pub fn register(value: &str) {
    if value.is_empty() {
        return;
    }
    let mut patterns = PATTERNS.lock().unwrap_or_else(PoisonError::into_inner);
    for form in encodings(value) {
        if !patterns.iter().any(|p| **p == *form) {
            patterns.push(form);
        }
    }
    patterns.sort_by_key(|p| std::cmp::Reverse(p.len()));
}

/// `text` with every registered value replaced by `[redacted]`.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let patterns = PATTERNS.lock().unwrap_or_else(PoisonError::into_inner);
    if patterns.is_empty() || !patterns.iter().any(|p| text.contains(p.as_str())) {
        return Cow::Borrowed(text);
    }
    // One pass, so that `[redacted]` itself is never searched again.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match patterns.iter().find(|p| rest.starts_with(p.as_str())) {
            Some(p) => {
                out.push_str(REDACTED);
                rest = &rest[p.len()..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    Cow::Owned(out)
}

/// The forms in which a server may quote a value it was sent.
fn encodings(value: &str) -> Vec<Zeroizing<String>> {
    let json = serde_json::to_string(value).unwrap_or_default();
    let json = json.get(1..json.len().saturating_sub(1)).unwrap_or_default();
    let mut forms = vec![
        value.to_string(),
        url::form_urlencoded::byte_serialize(value.as_bytes()).collect(),
        percent_encoded(value),
        json.to_string(),
        json.replace('/', "\\/"),
    ];
    let html = value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let html_quoted = html.replace('"', "&quot;");
    forms.push(html_quoted.replace('\'', "&#39;"));
    forms.push(html_quoted.replace('\'', "&#x27;"));
    forms.push(html_quoted);
    forms.push(html);
    forms
        .into_iter()
        .filter(|f| !f.is_empty())
        .map(Zeroizing::new)
        .collect()
}

/// RFC 3986 percent-encoding: unreserved characters stay, every other byte is `%XX`.
fn percent_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The registry is process-wide; each test registers values of its own.

    #[test]
    fn every_echoed_form_is_replaced() {
        register(r#"unit-A b+/&"<>'%"#);
        for echoed in [
            r#"unit-A b+/&"<>'%"#,
            "unit-A+b%2B%2F%26%22%3C%3E%27%25",
            "unit-A%20b%2B%2F%26%22%3C%3E%27%25",
            r#"unit-A b+/&\"<>'%"#,
            r#"unit-A b+\/&\"<>'%"#,
            "unit-A b+/&amp;\"&lt;&gt;'%",
            "unit-A b+/&amp;&quot;&lt;&gt;&#39;%",
        ] {
            let text = format!("denied: {echoed} (try again)");
            assert_eq!(scrub(&text), "denied: [redacted] (try again)", "{echoed}");
        }
    }

    #[test]
    fn text_without_a_registered_value_is_untouched() {
        register("unit-never-in-text");
        assert!(matches!(scrub("nothing secret here"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_replacement_is_never_scrubbed_again() {
        register("unit-dact");
        register("unit-r");
        assert_eq!(scrub("unit-dact unit-r"), "[redacted] [redacted]");
    }
}

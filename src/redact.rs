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

/// A run this long (or longer) taken from a secret is redacted too: servers cut, quote
/// and reshape what they echo. Shorter secrets are redacted only whole.
const FRAGMENT: usize = 10;

/// A secret shorter than this is redacted only where it stands as a whole — not inside a
/// longer word or number — so a secret of a letter or two does not cut every word it
/// occurs in into pieces (`midig[redacted]tor`). A server that echoes it as a value has
/// quotes, spaces or punctuation around it, and there it is redacted.
const SHORT: usize = 8;

/// One registered value or encoding of one, lower-cased.
struct Form {
    text: Zeroizing<String>,
    /// Matched only between word boundaries: a form of a `SHORT` secret.
    whole_word: bool,
}

struct Registry {
    /// Every registered value and its encodings, longest first.
    forms: Vec<Form>,
    /// The registered values themselves, lower-cased, for fragments.
    values: Vec<Zeroizing<String>>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    forms: Vec::new(),
    values: Vec::new(),
});

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// From now on, `value` and its encodings are replaced wherever text is scrubbed.
pub fn register(value: &str) {
    if value.is_empty() {
        return;
    }
    // A PEM key: its armour lines ("-----BEGIN PRIVATE KEY-----") are public words that
    // messages about the key must be able to say; its body lines are the secret.
    if value.contains("-----BEGIN ") {
        let lines = Zeroizing::new(value.replace("\\n", "\n"));
        let body = lines
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("-----"));
        for line in body {
            register(line);
        }
        return;
    }
    let mut registry = registry();
    let whole_word = value.chars().count() < SHORT;
    for form in encodings(value) {
        let text = Zeroizing::new(form.to_ascii_lowercase());
        match registry.forms.iter_mut().find(|f| f.text == text) {
            // Bounded only when every value it stands for is short.
            Some(known) => known.whole_word &= whole_word,
            None => registry.forms.push(Form { text, whole_word }),
        }
    }
    registry.forms.sort_by_key(|f| std::cmp::Reverse(f.text.len()));
    let lower = Zeroizing::new(value.to_ascii_lowercase());
    if lower.len() >= FRAGMENT && !registry.values.contains(&lower) {
        registry.values.push(lower);
    }
}

/// Body fields, sent or received, whose values never bear a secret: at `-vvv` they are
/// shown (scrubbed all the same); every other field's value is shown as `[redacted]`.
pub fn readable_field(name: &str) -> bool {
    const READABLE: &[&str] = &[
        "grant_type",
        "username",
        "user_name",
        "login",
        "client_id",
        "clientid",
        "installationid",
        "scope",
        "audience",
        "resource",
        "redirect_uri",
        "client_assertion_type",
        "subject_token_type",
        "requested_token_type",
        "issued_token_type",
        "token_type",
        "expires_in",
        "expires_at",
        ".expires",
        ".issued",
        "issued_at",
        "interval",
        "verification_uri",
        "error",
        "error_description",
        "error_uri",
        "message",
        "title",
        "detail",
    ];
    READABLE.iter().any(|r| r.eq_ignore_ascii_case(name))
}

/// `text` with every registered value replaced by `[redacted]`: whole or encoded (any
/// ASCII case), or a run of at least `FRAGMENT` characters of one. A `[redacted]` already
/// there is left as it is: text is scrubbed where it is taken in and again on its way out.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let registry = registry();
    if registry.forms.is_empty() {
        return Cow::Borrowed(text);
    }
    // One pass, so that `[redacted]` itself is never searched again.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut before = None;
    let mut changed = false;
    while let Some(c) = rest.chars().next() {
        let len = match registry.longest_match(rest, before) {
            Some(len) => {
                out.push_str(REDACTED);
                changed = true;
                len
            }
            None if rest.starts_with(REDACTED) => {
                out.push_str(REDACTED);
                REDACTED.len()
            }
            None => {
                out.push(c);
                c.len_utf8()
            }
        };
        before = rest[..len].chars().next_back();
        rest = &rest[len..];
    }
    if changed { Cow::Owned(out) } else { Cow::Borrowed(text) }
}

/// Letters, digits and `_`: what a short secret must not be inside of to be redacted.
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Form {
    /// True when `text`, which follows `before`, starts with this form standing as a
    /// whole where that is asked of it.
    fn starts(&self, text: &str, before: Option<char>) -> bool {
        let (bytes, form) = (text.as_bytes(), self.text.as_bytes());
        if bytes.len() < form.len()
            || !text.is_char_boundary(form.len())
            || !bytes[..form.len()].eq_ignore_ascii_case(form)
        {
            return false;
        }
        if !self.whole_word {
            return true;
        }
        let joined = |inside: Option<char>, outside: Option<char>| {
            inside.is_some_and(word_char) && outside.is_some_and(word_char)
        };
        let (first, last) = (self.text.chars().next(), self.text.chars().next_back());
        !joined(first, before) && !joined(last, text[form.len()..].chars().next())
    }
}

impl Registry {
    /// The length in bytes of the longest registered thing `text`, which follows
    /// `before`, starts with.
    fn longest_match(&self, text: &str, before: Option<char>) -> Option<usize> {
        if text.starts_with(REDACTED) {
            return None;
        }
        let bytes = text.as_bytes();
        let whole = self
            .forms
            .iter()
            .find(|f| f.starts(text, before))
            .map(|f| f.text.as_bytes());
        let fragment = self
            .values
            .iter()
            .filter_map(|v| common_run(bytes, v.as_bytes()))
            .max()
            .filter(|&len| len >= FRAGMENT && text.is_char_boundary(len));
        match (whole.map(<[u8]>::len), fragment) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The longest run at the start of `text` that occurs somewhere in `value`.
fn common_run(text: &[u8], value: &[u8]) -> Option<usize> {
    (0..value.len())
        .map(|start| {
            text.iter()
                .zip(&value[start..])
                .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
                .count()
        })
        .max()
}

/// The forms in which a server may quote a value it was sent.
fn encodings(value: &str) -> Vec<String> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let json = serde_json::to_string(value).unwrap_or_default();
    let json = json.get(1..json.len().saturating_sub(1)).unwrap_or_default();
    let mut forms = vec![
        value.to_string(),
        url::form_urlencoded::byte_serialize(value.as_bytes()).collect(),
        percent_encoded(value),
        json.to_string(),
        json.replace('/', "\\/"),
        STANDARD_NO_PAD.encode(value),
        URL_SAFE_NO_PAD.encode(value),
        numeric_entities(value, |c| format!("&#{};", c as u32)),
        numeric_entities(value, |c| format!("&#x{:x};", c as u32)),
    ];
    let html = value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let html_quoted = html.replace('"', "&quot;");
    forms.push(html_quoted.replace('\'', "&#39;"));
    forms.push(html_quoted.replace('\'', "&#x27;"));
    forms.push(html_quoted);
    forms.push(html);
    forms.into_iter().filter(|f| !f.is_empty()).collect()
}

/// RFC 3986 percent-encoding: unreserved characters stay, every other byte is `%XX`.
/// (Lower-case hex is matched too: matching ignores ASCII case.)
fn percent_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `value` with every character but letters and digits written as an HTML entity.
fn numeric_entities(value: &str, entity: impl Fn(char) -> String) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                entity(c)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The registry is process-wide; each test registers values of its own.

    #[test]
    fn a_pem_keys_body_is_redacted_and_its_armour_is_not() {
        register("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPemUnitTestBodyLine\n-----END PRIVATE KEY-----\n");
        let said = scrub("the private key from env: MC4CAQAwBQYDK2VwBCIEIPemUnitTestBodyLine");
        assert_eq!(said, "the private key from env: [redacted]");
    }

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
    fn case_base64_entities_and_cut_echoes_are_replaced_too() {
        register("unit-S3cr3t-Client/Secret+Value");
        for echoed in [
            "UNIT-S3CR3T-CLIENT/SECRET+VALUE",
            "unit-S3cr3t-Client%2fSecret%2bValue",
            "dW5pdC1TM2NyM3QtQ2xpZW50L1NlY3JldCtWYWx1ZQ",
            "unit&#45;S3cr3t&#45;Client&#47;Secret&#43;Value",
            "unit-S3cr3t-Client/Secret+Va",
            "3cr3t-Client/Sec",
        ] {
            let text = format!("denied: {echoed} (try again)");
            let scrubbed = scrub(&text);
            assert!(
                scrubbed.starts_with("denied: [redacted]") && !scrubbed.contains("Client"),
                "{echoed}: {scrubbed}"
            );
        }
        assert_eq!(
            scrub("a Client of ours"),
            "a Client of ours",
            "short runs are ordinary words"
        );
    }

    #[test]
    fn text_without_a_registered_value_is_untouched() {
        register("unit-never-in-text");
        assert!(matches!(scrub("nothing secret here"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_short_secret_is_redacted_where_it_stands_whole_not_inside_words() {
        register("ea");
        register("59");
        for text in [
            "cannot read the file",
            "midigator",
            "expires 2059-11-07T10:15:00Z",
            "in 1590s",
        ] {
            assert_eq!(scrub(text), text);
        }
        assert_eq!(scrub(r#"{"secret":"ea"}"#), r#"{"secret":"[redacted]"}"#);
        assert_eq!(scrub("unknown secret EA, sorry"), "unknown secret [redacted], sorry");
        assert_eq!(scrub("ea"), "[redacted]");
        assert_eq!(scrub("secret=59&user=x"), "secret=[redacted]&user=x");
    }

    #[test]
    fn a_short_secret_of_punctuation_is_redacted_anywhere() {
        register("%$#");
        assert_eq!(scrub("a%$#b"), "a[redacted]b");
    }

    #[test]
    fn text_scrubbed_twice_keeps_its_markers() {
        register("[redacted");
        register("edacte");
        let once = scrub("denied: [redacted").into_owned();
        assert_eq!(once, "denied: [redacted]");
        assert_eq!(scrub(&once), once);
        assert_eq!(scrub("[redacted] [REDACTED"), "[redacted] [redacted]");
    }

    #[test]
    fn the_replacement_is_never_scrubbed_again() {
        register("unit-dact");
        register("unit-r");
        assert_eq!(scrub("unit-dact unit-r"), "[redacted] [redacted]");
    }
}

//! Where each section of the config's text starts, found from its header line, so the
//! cached path parses only `[defaults]` and the one profile it needs however many the
//! file holds. It works on the one snapshot of the file in memory: the ranges it gives
//! are of the very text the full parse would read.
//!
//! Only the plain layout is recognised — `[defaults]` and `[profiles.NAME]` headers with
//! nothing above the first but comments and blank lines, every line that opens with `[`
//! such a header, no multi-line strings — and anything else gives `None`: the caller
//! then parses the whole file, which is also what reports every error.

use std::ops::Range;

use memchr::memmem;

pub struct Outline<'t> {
    text: &'t [u8],
    /// Each header, in file order: a section runs from its header's line to the next
    /// header's, the last one to the end of the text.
    headers: Vec<Header<'t>>,
}

/// One header line: where it starts, and which section it opens (empty: `[defaults]`).
struct Header<'t> {
    line: usize,
    name: &'t [u8],
}

/// A section the outline cannot vouch for: the whole file must be parsed.
#[derive(Debug, PartialEq, Eq)]
pub struct Unsure;

impl<'t> Outline<'t> {
    /// Notes every header of `text`; `None` when it is not of the plain layout.
    pub fn scan(text: &'t str) -> Option<Outline<'t>> {
        let text = text.as_bytes();
        // A multi-line string could hold a line that looks like a header.
        if memmem::find(text, br#"""""#).is_some()
            || memmem::find(text, b"'''").is_some()
            || text.starts_with("\u{feff}".as_bytes())
        {
            return None;
        }
        let mut headers = Vec::new();
        // Only a `[` that starts a line (after blanks) can open a header.
        for at in memchr::memchr_iter(b'[', text) {
            let line = memchr::memrchr(b'\n', &text[..at]).map_or(0, |n| n + 1);
            if !text[line..at].iter().all(|b| matches!(b, b' ' | b'\t')) {
                continue;
            }
            let name = header(&text[at..])?;
            if headers.is_empty() && !only_comments(&text[..line]) {
                return None;
            }
            headers.push(Header { line, name });
        }
        if headers.is_empty() && !only_comments(text) {
            return None;
        }
        Some(Outline { text, headers })
    }

    /// Whether a header opens the section of `name`.
    pub fn has(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h.name == name.as_bytes())
    }

    /// Where the text of `[defaults]` (`name` empty) or of `[profiles.NAME]` is, header
    /// included: `Ok(None)` when no header opens it, `Err` when two do.
    pub fn section(&self, name: &str) -> Result<Option<Range<usize>>, Unsure> {
        let mut found = None;
        for (i, h) in self.headers.iter().enumerate() {
            if h.name == name.as_bytes() {
                if found.is_some() {
                    return Err(Unsure);
                }
                let end = self.headers.get(i + 1).map_or(self.text.len(), |n| n.line);
                found = Some(h.line..end);
            }
        }
        Ok(found)
    }
}

/// The header at the start of `line`: `[defaults]` (an empty name) or `[profiles.NAME]`
/// with a bare NAME, then nothing but blanks and a comment to the end of the line.
fn header(line: &[u8]) -> Option<&[u8]> {
    const DEFAULTS: &[u8] = b"[defaults]";
    const PROFILES: &[u8] = b"[profiles.";
    let (name, after) = if line.starts_with(DEFAULTS) {
        (&line[..0], DEFAULTS.len())
    } else {
        let rest = line.strip_prefix(PROFILES)?;
        let len = rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')))?;
        if len == 0 || rest[len] != b']' {
            return None;
        }
        (&rest[..len], PROFILES.len() + len + 1)
    };
    let tail = &line[after..];
    let blanks = tail.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
    matches!(tail.get(blanks), None | Some(b'\n' | b'\r' | b'#')).then_some(name)
}

/// Blank lines and comments only, as TOML has them (no control characters but tabs):
/// nothing else may come above the first header.
fn only_comments(text: &[u8]) -> bool {
    text.split(|&b| b == b'\n').all(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let blanks = line.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
        let rest = &line[blanks..];
        rest.is_empty() || rest.starts_with(b"#") && rest.iter().all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section<'t>(text: &'t str, name: &str) -> Result<Option<&'t str>, Unsure> {
        let outline = Outline::scan(text).ok_or(Unsure)?;
        Ok(outline.section(name)?.map(|r| &text[r]))
    }

    #[test]
    fn finds_defaults_and_each_profile() {
        let text = "# authctl [profiles.c]\n\n[defaults]\ntimeout = \"5s\"\n\n[profiles.a] # see [x]\nx = [\"[profiles.c]\"]\n# [profiles.c]\n  [profiles.b-2] # two\r\ny = [\n  1,\n]";
        assert_eq!(section(text, ""), Ok(Some("[defaults]\ntimeout = \"5s\"\n\n")));
        assert_eq!(
            section(text, "a"),
            Ok(Some("[profiles.a] # see [x]\nx = [\"[profiles.c]\"]\n# [profiles.c]\n"))
        );
        assert_eq!(
            section(text, "b-2"),
            Ok(Some("  [profiles.b-2] # two\r\ny = [\n  1,\n]"))
        );
        assert_eq!(section(text, "c"), Ok(None));
        let outline = Outline::scan(text).unwrap();
        assert!(outline.has("a") && !outline.has("c"));
    }

    #[test]
    fn many_sections_and_long_lines() {
        let long = format!("[profiles.a]\nx = \"{}\"\n", "y".repeat(100_000));
        let many: String = (0..2000).map(|i| format!("[profiles.p{i}]\nk = {i}\n")).collect();
        let text = format!("[defaults]\n{long}{many}[profiles.last]\n");
        assert_eq!(section(&text, "a"), Ok(Some(long.as_str())));
        assert_eq!(section(&text, "p1999"), Ok(Some("[profiles.p1999]\nk = 1999\n")));
        assert_eq!(section(&text, "last"), Ok(Some("[profiles.last]\n")));
        assert_eq!(section(&text, ""), Ok(Some("[defaults]\n")));
        assert_eq!(section(&text, "absent"), Ok(None));
    }

    #[test]
    fn gives_up_on_anything_but_the_plain_layout() {
        for text in [
            "top = 1\n[profiles.a]\n",
            "[profiles]\na = { provider = \"oauth2\" }\n",
            "[profiles.\"a\"]\n",
            "[profiles.a.b]\n",
            "[[profiles.a]]\n",
            "[other]\n",
            "[profiles.a]\nx = \"\"\"\n[profiles.b]\n\"\"\"\n",
            "[profiles.a]\nx = '''\n'''\n",
            "[profiles.a] junk\n",
            "[profiles.a]\ny = [\n  [1],\n]\n",
            "\u{feff}[profiles.a]\n",
            "[profiles.a]\n  [x]\n",
            "# top\nkey = 1\n",
            "\x0c\n[profiles.a]\n",
            "# a \x01 comment\n[profiles.a]\n",
        ] {
            assert!(Outline::scan(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn a_name_given_twice_is_left_to_the_full_parse() {
        let text = "[defaults]\n[profiles.a]\n[profiles.a]\n[profiles.b]\n[defaults]\n";
        assert_eq!(section(text, "a"), Err(Unsure));
        assert_eq!(section(text, ""), Err(Unsure));
        assert!(section(text, "b").unwrap().is_some());
    }
}

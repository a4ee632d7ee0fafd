//! Where each section of the config file starts, found from its header line, so the
//! cached path parses only `[defaults]` and the one profile it needs however many the
//! file holds. The file streams through a small buffer, whole lines at a time, and only
//! the sections needed are read back: the cost in memory stays the same for a file of
//! thousands of profiles, and in time it is one read of the file.
//!
//! Only the plain layout is recognised — `[defaults]` and `[profiles.NAME]` headers with
//! nothing above the first but comments and blank lines, no multi-line strings — and
//! anything else gives `None`: the caller then parses the whole file, which is also what
//! reports every error.

use std::io::{Read, Seek, SeekFrom};

use memchr::memmem;

/// Bytes read at a time; a longer line grows the buffer up to `MAX_LINE`.
const BLOCK: usize = 16 * 1024;
const MAX_LINE: usize = 1024 * 1024;

pub struct Outline {
    /// Each header, in file order: a section runs from its header's line to the next
    /// header's, the last one to the end of the file.
    headers: Vec<Entry>,
    len: u64,
}

/// One header line: where it starts in the file, and which section it opens.
#[derive(Clone, Copy)]
struct Entry {
    line: u64,
    key: u64,
}

/// The `key` of a header: a hash of the profile's name, or of the empty name for
/// `[defaults]`. Two names may share one; a section found by key is read back and its
/// header compared with the name asked for.
fn key(name: &[u8]) -> u64 {
    name.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Outline {
    /// Reads `input` to its end, noting every header line.
    pub fn scan(input: &mut dyn Read) -> Option<Outline> {
        let mut outline = Outline {
            headers: Vec::new(),
            len: 0,
        };
        let mut buf = vec![0; BLOCK];
        let mut filled = 0;
        loop {
            if filled == buf.len() {
                if buf.len() >= MAX_LINE {
                    return None;
                }
                buf.resize(buf.len() * 2, 0);
            }
            let n = input.read(&mut buf[filled..]).ok()?;
            filled += n;
            // Whole lines only: a header, or a `"""`, never spans two blocks.
            let end = match (n, memchr::memrchr(b'\n', &buf[..filled])) {
                (0, _) => filled,
                (_, Some(last)) => last + 1,
                (_, None) => continue,
            };
            outline.lines(&buf[..end])?;
            buf.copy_within(end..filled, 0);
            filled -= end;
            if n == 0 {
                return Some(outline);
            }
        }
    }

    /// Notes the headers among whole lines that start at byte `self.len` of the file.
    fn lines(&mut self, block: &[u8]) -> Option<()> {
        // A multi-line string could hold a line that looks like a header.
        let multi_line_string = memmem::find(block, br#"""""#).is_some() || memmem::find(block, b"'''").is_some();
        if multi_line_string || (self.len == 0 && block.starts_with("\u{feff}".as_bytes())) {
            return None;
        }
        let mut above_the_first = self.headers.is_empty().then_some(block);
        // Only a `[` that starts a line (after blanks) can open a header: the block is
        // searched for `[` rather than read line by line.
        for at in memchr::memchr_iter(b'[', block) {
            let line = match at.checked_sub(1).map(|i| block[i]) {
                None | Some(b'\n') => at,
                Some(_) => memchr::memrchr(b'\n', &block[..at]).map_or(0, |n| n + 1),
            };
            if !block[line..at].iter().all(|b| matches!(b, b' ' | b'\t')) {
                continue;
            }
            let name = header(&block[at..])?;
            if let Some(above) = above_the_first.take() {
                above_the_first = None;
                if !only_comments(&above[..line]) {
                    return None;
                }
            }
            self.headers.push(Entry {
                line: self.len + line as u64,
                key: key(name),
            });
        }
        if above_the_first.is_some_and(|above| !only_comments(above)) {
            return None;
        }
        self.len += block.len() as u64;
        Some(())
    }

    /// Whether a header may open the section of `name` (`false`: surely none does).
    pub fn has(&self, name: &str) -> bool {
        let wanted = key(name.as_bytes());
        self.headers.iter().any(|h| h.key == wanted)
    }

    /// The text of `[defaults]` (`name` empty) or of `[profiles.NAME]`, header
    /// included, read back from `input`: `Ok(None)` when no header opens it, `Err` when
    /// it cannot be told for sure (two headers, a section over 1 MiB, not UTF-8, a file
    /// changed since the scan). Kept for the run: the parsed table borrows from it.
    pub fn section(&self, input: &mut dyn ReadSeek, name: &str) -> Result<Option<&'static str>, Unsure> {
        let wanted = key(name.as_bytes());
        let mut found = None;
        for (i, h) in self.headers.iter().enumerate() {
            if h.key == wanted {
                if found.is_some() {
                    return Err(Unsure);
                }
                found = Some((h.line, self.headers.get(i + 1)));
            }
        }
        let Some((start, next)) = found else {
            return Ok(None);
        };
        let end = next.map_or(self.len, |n| n.line);
        let len = usize::try_from(end - start)
            .ok()
            .filter(|&l| l <= MAX_LINE)
            .ok_or(Unsure)?;
        // The section and, in the same read, the start of the next header's line.
        let tail = next.map_or(0, |_| (self.len - end).min(4096) as usize);
        let mut bytes = vec![0; len + tail];
        input.seek(SeekFrom::Start(start)).map_err(|_| Unsure)?;
        input.read_exact(&mut bytes).map_err(|_| Unsure)?;
        let line = bytes.split_off(len);
        let text = String::from_utf8(bytes).map_err(|_| Unsure)?;
        // The file may have changed since the scan: it must be as long, the section must
        // still open with its header and end where the next one starts.
        if input.seek(SeekFrom::End(0)).map_err(|_| Unsure)? != self.len
            || header_at(text.as_bytes()) != Some(name.as_bytes())
            || next.is_some_and(|n| header_at(&line).map(key) != Some(n.key))
        {
            return Err(Unsure);
        }
        Ok(Some(Box::leak(text.into_boxed_str())))
    }
}

/// A section the outline cannot vouch for: the whole file must be parsed.
#[derive(Debug, PartialEq, Eq)]
pub struct Unsure;

/// What the config is read from: a file, or text in memory.
pub trait ReadSeek: Read + Seek {}

impl<T: Read + Seek> ReadSeek for T {}

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

/// The header of a line that opens with blanks and then a header.
fn header_at(line: &[u8]) -> Option<&[u8]> {
    let blanks = line.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
    header(&line[blanks..])
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
    use std::io::Cursor;

    use super::*;

    fn outline(text: &str) -> Option<Outline> {
        Outline::scan(&mut text.as_bytes())
    }

    fn section(text: &str, name: &str) -> Result<Option<&'static str>, Unsure> {
        outline(text)
            .ok_or(Unsure)?
            .section(&mut Cursor::new(text.as_bytes()), name)
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
        assert!(outline(text).unwrap().has("a") && !outline(text).unwrap().has("c"));
    }

    #[test]
    fn lines_longer_than_a_block_and_many_blocks_are_read_whole() {
        let long = format!("[profiles.a]\nx = \"{}\"\n", "y".repeat(3 * BLOCK));
        let many: String = (0..2000).map(|i| format!("[profiles.p{i}]\nk = {i}\n")).collect();
        let text = format!("[defaults]\n{long}{many}[profiles.last]\n");
        assert_eq!(section(&text, "a"), Ok(Some(long.as_str())));
        assert_eq!(section(&text, "p1999"), Ok(Some("[profiles.p1999]\nk = 1999\n")));
        assert_eq!(section(&text, "last"), Ok(Some("[profiles.last]\n")));
        assert_eq!(section(&text, ""), Ok(Some("[defaults]\n")));
        assert_eq!(section(&text, "absent"), Ok(None));
        let big = format!("[defaults]\n{}[profiles.a]\n", "# c\n".repeat(MAX_LINE / 4));
        assert_eq!(
            section(&big, ""),
            Err(Unsure),
            "a section over 1 MiB is not vouched for"
        );
        let endless = format!("[profiles.a]\nx = \"{}\"\n", "y".repeat(MAX_LINE));
        assert!(outline(&endless).is_none());
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
        ] {
            assert!(outline(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn a_name_given_twice_is_left_to_the_full_parse() {
        let text = "[defaults]\n[profiles.a]\n[profiles.a]\n[profiles.b]\n[defaults]\n";
        assert_eq!(section(text, "a"), Err(Unsure));
        assert_eq!(section(text, ""), Err(Unsure));
        assert!(section(text, "b").unwrap().is_some());
    }

    #[test]
    fn a_section_changed_since_the_scan_is_not_used() {
        let before = "[profiles.a]\nk = 1\n[profiles.b]\nk = 2\n";
        let after = "[profiles.b]\nk = 2\n[profiles.a]\nk = 1\n";
        let o = outline(before).unwrap();
        assert_eq!(o.section(&mut Cursor::new(after.as_bytes()), "a"), Err(Unsure));
        // As long as before, the header still in the range, but moved down: the section
        // would be cut short.
        let moved = "k\n[profiles.a]\nk = 1\n[profiles.b]\nk  \n";
        assert_eq!(moved.len(), before.len());
        assert_eq!(o.section(&mut Cursor::new(moved.as_bytes()), "a"), Err(Unsure));
        // The next header gone, the section now running on.
        let longer = "[profiles.a]\nk = 1\n#profiles.b]\nk = 2\n";
        assert_eq!(o.section(&mut Cursor::new(longer.as_bytes()), "a"), Err(Unsure));
        // Grown or shrunk.
        let grown = format!("{before}\n");
        assert_eq!(o.section(&mut Cursor::new(grown.as_bytes()), "a"), Err(Unsure));
        assert_eq!(
            o.section(&mut Cursor::new(before.as_bytes()), "a"),
            Ok(Some("[profiles.a]\nk = 1\n"))
        );
    }
}

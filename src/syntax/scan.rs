//! A linear scan of the raw text that knows strings, text blocks and comments:
//! used for the nesting limit and to collect comments for the formatter.

/// A `// …` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the `//`.
    pub start: usize,
    /// Byte offset of the end of the line (the comment excludes the line break).
    pub end: usize,
    /// The text, starting with `//`, without trailing spaces.
    pub text: String,
    /// Whether code stands before the comment on its line (a trailing comment).
    pub trailing: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Str,
    Block,
}

/// Walks the text and calls `on_code(offset, byte)` for bytes outside strings and
/// comments, and `on_comment` for each comment.
fn walk(
    text: &str,
    mut on_code: impl FnMut(usize, u8) -> bool,
    mut on_comment: impl FnMut(Comment),
) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut state = State::Code;
    let mut line_has_code = false;
    while let Some(&b) = bytes.get(i) {
        match state {
            State::Code => {
                if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
                    let end = text
                        .get(i..)
                        .and_then(|r| r.find('\n'))
                        .map_or(text.len(), |n| i + n);
                    let raw = text.get(i..end).unwrap_or("");
                    on_comment(Comment {
                        start: i,
                        end,
                        text: raw.trim_end().to_string(),
                        trailing: line_has_code,
                    });
                    i = end;
                    continue;
                }
                if b == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') && bytes.get(i + 2) == Some(&b'"') {
                        state = State::Block;
                        i += 3;
                        line_has_code = true;
                        continue;
                    }
                    state = State::Str;
                } else if b == b'\n' {
                    line_has_code = false;
                } else if !b.is_ascii_whitespace() {
                    line_has_code = true;
                }
                if !on_code(i, b) {
                    return;
                }
            }
            State::Str => {
                if b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == b'"' || b == b'\n' {
                    state = State::Code;
                }
            }
            State::Block => {
                if b == b'"' && bytes.get(i + 1) == Some(&b'"') && bytes.get(i + 2) == Some(&b'"') {
                    state = State::Code;
                    i += 3;
                    continue;
                }
                if b == b'\n' {
                    line_has_code = false;
                }
            }
        }
        i += 1;
    }
}

/// The offset of the first bracket that opens nesting level `limit + 1`, if any.
pub(crate) fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut found = None;
    walk(
        text,
        |i, b| {
            match b {
                b'(' | b'{' | b'[' => {
                    depth += 1;
                    if depth > limit {
                        found = Some(i);
                        return false;
                    }
                }
                b')' | b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
            true
        },
        |_| {},
    );
    found
}

/// Every comment of a file, in order.
pub fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    walk(text, |_, _| true, |c| out.push(c));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_strings() {
        let t = "a // one\n\"x // not\" b\n\"\"\"\n// not either\n\"\"\" // two\n";
        let c = comments(t);
        let texts: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, vec!["// one", "// two"]);
        assert!(c.iter().all(|c| c.trailing));
    }

    #[test]
    fn depth_limit() {
        assert_eq!(too_deep("((()))", 3), None);
        assert_eq!(too_deep("(((())))", 3), Some(3));
        assert_eq!(too_deep("\"((((\"", 1), None);
    }
}

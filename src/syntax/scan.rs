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
/// comments, and `on_comment` for each comment. Returns the offset of the
/// opening `"""` when the text ends inside a text block.
fn walk(
    text: &str,
    mut on_code: impl FnMut(usize, u8) -> bool,
    mut on_comment: impl FnMut(Comment),
) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut opened = 0;
    let mut state = State::Code;
    let mut line_has_code = false;
    while let Some(&b) = bytes.get(i) {
        match state {
            State::Code => {
                if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
                    // The grammar ends a comment at `\n` or `\r`: a lone `\r` (an
                    // old Mac line break) must not hide the code after it.
                    let end = text
                        .get(i..)
                        .and_then(|r| r.find(['\n', '\r']))
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
                        opened = i;
                        i += 3;
                        line_has_code = true;
                        continue;
                    }
                    state = State::Str;
                    line_has_code = true;
                } else if b == b'\n' {
                    line_has_code = false;
                } else if !b.is_ascii_whitespace() {
                    line_has_code = true;
                }
                if !on_code(i, b) {
                    return None;
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
                    line_has_code = true;
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
    (state == State::Block).then_some(opened)
}

/// The offset of the `"""` that opens a text block never closed, if any.
pub(crate) fn unclosed_text_block(text: &str) -> Option<usize> {
    walk(text, |_, _| true, |_| {})
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

/// The offset of the `if` that makes more than `limit` of them in one
/// expression, if any.
///
/// `if … then … else …` nests without brackets, so [`too_deep`] does not see it.
/// An expression starts after `when`, `amount`, `floor` or `cap`, so the number
/// of `if` words since the last of those bounds how deeply `if`s can nest. The
/// count errs on the safe side: a word is only taken for one of those four
/// keywords when it is pure ASCII and stands alone, and `if` is counted wherever
/// it stands alone.
pub(crate) fn too_many_ifs(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut count = 0usize;
    let mut found = None;
    let mut word: Option<usize> = None;
    let mut last = None;
    let mut end_word = |start: usize, end: usize, count: &mut usize| -> bool {
        match bytes.get(start..end) {
            Some(b"if") => {
                *count += 1;
                if *count > limit {
                    found = Some(start);
                    return false;
                }
            }
            Some(b"when" | b"amount" | b"floor" | b"cap" | b"gives" | b"may") => *count = 0,
            _ => {}
        }
        true
    };
    let mut go_on = true;
    walk(
        text,
        |i, b| {
            // bytes skipped by the walk (strings, text blocks, comments) separate words
            if let (Some(start), Some(l)) = (word, last) {
                if l + 1 != i {
                    word = None;
                    if !end_word(start, l + 1, &mut count) {
                        go_on = false;
                        return false;
                    }
                }
            }
            last = Some(i);
            // any non-ASCII byte counts as a letter: `企业when` is one word
            let letter = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
            match (letter, word) {
                (true, None) => word = Some(i),
                (false, Some(start)) => {
                    word = None;
                    if !end_word(start, i, &mut count) {
                        go_on = false;
                        return false;
                    }
                }
                _ => {}
            }
            true
        },
        |_| {},
    );
    if go_on {
        if let (Some(start), Some(l)) = (word, last) {
            end_word(start, l + 1, &mut count);
        }
    }
    found
}

/// Every comment of a file, in order.
pub fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    walk(text, |_, _| true, |c| out.push(c));
    out
}

/// The value of a one-line string's text between its quotes: `\"`, `\\`,
/// `\n` and `\t` are escapes. Any other character after a backslash is an
/// error, `(byte offset of the backslash, the character)`: it used to be kept
/// without its backslash, silently.
pub(crate) fn unescape(raw: &str) -> Result<String, (usize, char)> {
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        match chars.next() {
            Some((_, 'n')) => value.push('\n'),
            Some((_, 't')) => value.push('\t'),
            Some((_, q @ ('"' | '\\'))) => value.push(q),
            Some((_, other)) => return Err((i, other)),
            None => {}
        }
    }
    Ok(value)
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
    fn a_lone_carriage_return_ends_a_comment() {
        assert_eq!(too_deep("// x\r((((", 3), Some(8));
        assert_eq!(comments("// x\ry").first().map(|c| c.end), Some(4));
    }

    #[test]
    fn if_chains_are_counted_per_expression() {
        let chain = |n: usize| format!("when {}true{}", "if a then 1 else ".repeat(n), "");
        assert_eq!(too_many_ifs(&chain(3), 3), None);
        assert_eq!(too_many_ifs(&chain(4), 3), Some(56));
        // a new expression starts the count again
        let two = format!("{} amount {}", chain(3), chain(3));
        assert_eq!(too_many_ifs(&two, 3), None);
        // not words of their own, not code
        assert_eq!(
            too_many_ifs("when elif motif \"if if if if\" // if if", 1),
            None
        );
        assert_eq!(too_many_ifs("when 企业when if if", 1), Some(19));
        assert_eq!(too_many_ifs("when \"\"\"x\"\"\"if if", 1), Some(15));
    }

    #[test]
    fn depth_limit() {
        assert_eq!(too_deep("((()))", 3), None);
        assert_eq!(too_deep("(((())))", 3), Some(3));
        assert_eq!(too_deep("\"((((\"", 1), None);
    }
}

//! Positions as LSP counts them: a line and a character offset in UTF-16 code
//! units (a CJK character is one unit, a character outside the Basic
//! Multilingual Plane two). The compiler's spans are byte offsets; this module
//! converts between both, for one document's text.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says.

use lsp_types::{Position, Range};

/// The start of every line of a text, to convert byte offsets to LSP positions and back.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
    /// The text's length in bytes.
    len: usize,
}

impl LineIndex {
    /// The index of `text`'s lines.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The LSP position of byte `offset` of `text` (clamped to the text; an
    /// offset inside a character counts from that character's start).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(self.len);
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character: usize = text
            .get(start..)
            .unwrap_or("")
            .char_indices()
            .take_while(|(i, c)| start + i + c.len_utf8() <= offset)
            .map(|(_, c)| c.len_utf16())
            .sum();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The LSP range of bytes `start..end` of `text`.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(
            self.position(text, start),
            self.position(text, end.max(start)),
        )
    }

    /// The byte offset of an LSP position in `text`: a line past the end is the
    /// end of the text, a character past the end of its line is the line's end
    /// (before its line break), and a position inside a surrogate pair is the
    /// start of that character.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.len;
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .copied()
            .unwrap_or(self.len);
        let line = text.get(start..end).unwrap_or("");
        let line = line.trim_end_matches(['\n', '\r']);
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
            if units > pos.character as usize {
                return start + i;
            }
        }
        start + line.len()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(text: &str, offset: usize, line: u32, character: u32) {
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, offset), Position::new(line, character));
        assert_eq!(idx.offset(text, Position::new(line, character)), offset);
    }

    #[test]
    fn cjk_characters_are_one_unit_each() {
        // `x` after `企业 ` : 2 CJK characters (3 bytes each) and a space
        let text = "ab\n企业 x\n";
        roundtrip(text, 0, 0, 0);
        roundtrip(text, 3, 1, 0);
        roundtrip(text, 3 + 6 + 1, 1, 3);
        roundtrip(text, text.len(), 2, 0);
    }

    #[test]
    fn astral_characters_are_two_units() {
        // 𠀀 (U+20000, CJK Extension B) is 4 bytes in UTF-8, 2 units in UTF-16
        let text = "𠀀a😀b";
        roundtrip(text, 4, 0, 2);
        roundtrip(text, 4 + 1 + 4, 0, 5);
        let idx = LineIndex::new(text);
        // a position between the two halves of a surrogate pair is the character's start
        assert_eq!(idx.offset(text, Position::new(0, 1)), 0);
        assert_eq!(idx.offset(text, Position::new(0, 4)), 5);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "规则\r\n金额\rx\ny";
        roundtrip(text, 0, 0, 0);
        roundtrip(text, 8, 1, 0);
        roundtrip(text, 14, 1, 2);
        roundtrip(text, 15, 2, 0);
        roundtrip(text, 17, 3, 0);
        let idx = LineIndex::new(text);
        // past the end of a line: the line's end, before `\r\n`
        assert_eq!(idx.offset(text, Position::new(0, 99)), 6);
        // past the last line: the end of the text
        assert_eq!(idx.offset(text, Position::new(99, 0)), text.len());
        // an offset inside a character counts from its start
        assert_eq!(idx.position(text, 1), Position::new(0, 0));
        assert_eq!(idx.position(text, 999), Position::new(3, 1));
    }
}

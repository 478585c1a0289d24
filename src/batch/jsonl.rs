//! A fast scanner for the usual JSONL facts record:
//! `{"entity": "企业", "id": "…", "facts": {"规模": "小型", "裁员率": "3%", …}}`.
//!
//! It reads the keys and scalar values of one line without building a JSON
//! tree. It accepts a strict subset of JSON (no escapes in strings, no nested
//! values inside `facts`); anything else — and every record it finds a problem
//! with — goes to the general path (`serde_json` and [`crate::eval::Facts`]),
//! whose verdict and messages are the reference.

use crate::eval::Scalar;

/// A record's `id`, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdTok<'a> {
    /// A string's contents.
    Str(&'a str),
    /// A number's digits.
    Num(&'a str),
}

/// The top-level parts of a record line.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Top<'a> {
    pub entity: Option<&'a str>,
    pub id: Option<IdTok<'a>>,
}

struct P<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> P<'a> {
    fn ws(&mut self) {
        while let Some(c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    /// A string without escapes or control characters.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        let rest = self.b.get(start..)?;
        let end = start + memchr::memchr2(b'"', b'\\', rest)?;
        if self.b.get(end) != Some(&b'"') {
            return None;
        }
        let body = self.b.get(start..end)?;
        if body.iter().any(|c| *c < 0x20) {
            return None;
        }
        self.i = end + 1;
        self.s.get(start..end)
    }

    /// A number, checked against JSON's grammar.
    fn number(&mut self) -> Option<&'a str> {
        self.ws();
        let start = self.i;
        let digit = |p: &Self| p.b.get(p.i).is_some_and(u8::is_ascii_digit);
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while digit(self) {
                    self.i += 1;
                }
            }
            _ => return None,
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digit(self) {
                return None;
            }
            while digit(self) {
                self.i += 1;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digit(self) {
                return None;
            }
            while digit(self) {
                self.i += 1;
            }
        }
        self.s.get(start..self.i)
    }

    fn word(&mut self, w: &[u8]) -> Option<()> {
        self.ws();
        if self.b.get(self.i..self.i + w.len())? == w {
            self.i += w.len();
            Some(())
        } else {
            None
        }
    }

    fn scalar(&mut self) -> Option<Scalar<'a>> {
        Some(match self.peek()? {
            b'"' => Scalar::Str(self.string()?),
            b't' => {
                self.word(b"true")?;
                Scalar::Bool(true)
            }
            b'f' => {
                self.word(b"false")?;
                Scalar::Bool(false)
            }
            b'n' => {
                self.word(b"null")?;
                Scalar::Null
            }
            _ => Scalar::Number(self.number()?),
        })
    }
}

/// Scans one line. Fills `facts` with the `facts` object's entries in order;
/// `None` when the line is not of the simple shape (use the general path).
pub(crate) fn scan<'a>(line: &'a str, facts: &mut Vec<(&'a str, Scalar<'a>)>) -> Option<Top<'a>> {
    facts.clear();
    let mut p = P {
        s: line,
        b: line.as_bytes(),
        i: 0,
    };
    let mut top = Top::default();
    let (mut seen_entity, mut seen_id, mut seen_facts) = (false, false, false);
    p.eat(b'{')?;
    if p.peek()? == b'}' {
        return None;
    }
    loop {
        let key = p.string()?;
        p.eat(b':')?;
        match key {
            "entity" if !seen_entity => {
                seen_entity = true;
                top.entity = Some(p.string()?);
            }
            "id" if !seen_id => {
                seen_id = true;
                top.id = match p.scalar()? {
                    Scalar::Str(s) => Some(IdTok::Str(s)),
                    Scalar::Number(n) => Some(IdTok::Num(n)),
                    _ => return None,
                };
            }
            "facts" if !seen_facts => {
                seen_facts = true;
                match p.peek()? {
                    b'n' => p.word(b"null")?,
                    _ => {
                        p.eat(b'{')?;
                        if p.peek()? == b'}' {
                            p.i += 1;
                        } else {
                            loop {
                                let k = p.string()?;
                                p.eat(b':')?;
                                facts.push((k, p.scalar()?));
                                match p.peek()? {
                                    b',' => p.i += 1,
                                    b'}' => {
                                        p.i += 1;
                                        break;
                                    }
                                    _ => return None,
                                }
                            }
                        }
                    }
                }
            }
            _ => return None,
        }
        match p.peek()? {
            b',' => p.i += 1,
            b'}' => {
                p.i += 1;
                break;
            }
            _ => return None,
        }
    }
    p.ws();
    (p.i == p.b.len()).then_some(top)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_the_usual_shape() {
        let mut f = Vec::new();
        let line =
            r#"{"entity":"企业","id":"a-1","facts":{"规模":"小型","人数":12,"ok":true,"x":null}}"#;
        let top = scan(line, &mut f);
        assert!(top.is_some());
        let top = top.unwrap_or_default();
        assert_eq!(top.entity, Some("企业"));
        assert_eq!(top.id, Some(IdTok::Str("a-1")));
        assert_eq!(f.len(), 4);
        assert!(matches!(f.get(1), Some(("人数", Scalar::Number("12")))));
    }

    #[test]
    fn leaves_the_unusual_to_the_general_path() {
        let mut f = Vec::new();
        for line in [
            r#"{"entity":"企业","facts":{"a":[1]}}"#,
            r#"{"entity":"企\u4e1a","facts":{}}"#,
            r#"{"entity":"企业","facts":{"a":01}}"#,
            r#"{"entity":"企业","facts":{"a":1.}}"#,
            r#"{"entity":"企业","extra":1}"#,
            r#"{"entity":"企业","entity":"企业"}"#,
            r#"{"entity":"企业"} x"#,
            r#"{"entity":"企业""#,
        ] {
            assert!(scan(line, &mut f).is_none(), "{line}");
        }
        assert!(scan(r#" { "entity" : "企业" , "facts" : { } } "#, &mut f).is_some());
        assert!(scan(r#"{"entity":"企业","facts":{"a":-1.5e3}}"#, &mut f).is_some());
    }
}

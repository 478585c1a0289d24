//! A word-level diff of two texts, for the verbatim legal text of measures.
//!
//! Chinese is written without spaces, so a "word" is a run of ASCII letters and
//! digits (`2020`, `100%`, `12.5`), a run of whitespace, or a single other
//! character (one Han character or one punctuation mark). The longest common
//! subsequence of these tokens gives the change; a single unchanged token stuck
//! between two changes is folded into them, so that `提高至` → `降低至` reads
//! `[-提高-]{+降低+}至` and not a scatter of one-character edits.

use serde::Serialize;

/// One piece of a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "snake_case")]
pub enum Piece {
    /// Text in both.
    Same(String),
    /// Text only in the old version.
    Removed(String),
    /// Text only in the new version.
    Added(String),
}

/// Above this many token pairs, the changed middle is shown as removed + added
/// as a whole instead of being compared token by token.
const MAX_CELLS: usize = 4_000_000;

fn class(c: char) -> u8 {
    if c.is_ascii_alphanumeric() || matches!(c, '.' | '%' | '_') {
        1
    } else if c.is_whitespace() {
        2
    } else {
        0
    }
}

/// Splits a text into diff tokens (see the module documentation).
pub fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<u8> = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        let joins = prev.is_some_and(|p| p == k && k != 0);
        if !joins && i > start {
            out.push(s.get(start..i).unwrap_or(""));
            start = i;
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push(s.get(start..).unwrap_or(""));
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Ins,
}

/// The diff of `old` and `new`, as pieces in order; equal texts give one `Same`.
pub fn diff(old: &str, new: &str) -> Vec<Piece> {
    let a = tokens(old);
    let b = tokens(new);
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let a_rest = a.get(prefix..).unwrap_or(&[]);
    let b_rest = b.get(prefix..).unwrap_or(&[]);
    let suffix = a_rest
        .iter()
        .rev()
        .zip(b_rest.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let a_mid = a_rest.get(..a_rest.len() - suffix).unwrap_or(&[]);
    let b_mid = b_rest.get(..b_rest.len() - suffix).unwrap_or(&[]);

    let mut ops: Vec<(Op, &str)> = Vec::new();
    for t in a.get(..prefix).unwrap_or(&[]) {
        ops.push((Op::Same, t));
    }
    ops.extend(lcs_ops(a_mid, b_mid));
    for t in a_rest.get(a_rest.len() - suffix..).unwrap_or(&[]) {
        ops.push((Op::Same, t));
    }
    cleanup(group(&ops))
}

/// The edit script of two token lists by longest common subsequence.
fn lcs_ops<'t>(a: &[&'t str], b: &[&'t str]) -> Vec<(Op, &'t str)> {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 || n.saturating_mul(m) > MAX_CELLS {
        let mut v: Vec<(Op, &str)> = a.iter().map(|t| (Op::Del, *t)).collect();
        v.extend(b.iter().map(|t| (Op::Ins, *t)));
        return v;
    }
    // table[i][j] = LCS length of a[i..] and b[j..], row-major with m + 1 columns
    let w = m + 1;
    let mut table = vec![0u32; (n + 1) * w];
    let at = |t: &Vec<u32>, i: usize, j: usize| t.get(i * w + j).copied().unwrap_or(0);
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let v = if a.get(i) == b.get(j) {
                at(&table, i + 1, j + 1) + 1
            } else {
                at(&table, i + 1, j).max(at(&table, i, j + 1))
            };
            if let Some(cell) = table.get_mut(i * w + j) {
                *cell = v;
            }
        }
    }
    let mut out = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                out.push((Op::Same, *x));
                i += 1;
                j += 1;
            }
            (Some(x), Some(_)) if at(&table, i + 1, j) >= at(&table, i, j + 1) => {
                out.push((Op::Del, *x));
                i += 1;
            }
            (_, Some(y)) => {
                out.push((Op::Ins, *y));
                j += 1;
            }
            (Some(x), None) => {
                out.push((Op::Del, *x));
                i += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// Joins runs of one kind into pieces.
fn group(ops: &[(Op, &str)]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for (op, t) in ops {
        match (out.last_mut(), op) {
            (Some(Piece::Same(s)), Op::Same)
            | (Some(Piece::Removed(s)), Op::Del)
            | (Some(Piece::Added(s)), Op::Ins) => s.push_str(t),
            (_, Op::Same) => out.push(Piece::Same((*t).to_string())),
            (_, Op::Del) => out.push(Piece::Removed((*t).to_string())),
            (_, Op::Ins) => out.push(Piece::Added((*t).to_string())),
        }
    }
    out
}

/// Folds short unchanged runs between changes into the changes, and orders
/// each change as one removal followed by one addition.
fn cleanup(pieces: Vec<Piece>) -> Vec<Piece> {
    // Split into alternating "change groups" and unchanged runs.
    let mut groups: Vec<(String, String, Option<String>)> = Vec::new(); // (removed, added, same after)
    let mut lead: Option<String> = None;
    for p in pieces {
        match p {
            Piece::Same(s) => match groups.last_mut() {
                Some((_, _, after @ None)) => *after = Some(s),
                Some((_, _, Some(after))) => after.push_str(&s),
                None => lead = Some(lead.unwrap_or_default() + &s),
            },
            Piece::Removed(s) => match groups.last_mut() {
                Some((r, _, None)) => r.push_str(&s),
                _ => groups.push((s, String::new(), None)),
            },
            Piece::Added(s) => match groups.last_mut() {
                Some((_, a, None)) => a.push_str(&s),
                _ => groups.push((String::new(), s, None)),
            },
        }
    }
    // Merge a group with the next when the unchanged run between is one token.
    let mut merged: Vec<(String, String, Option<String>)> = Vec::new();
    for g in groups {
        if let Some((r, a, Some(between))) = merged.last_mut() {
            if tokens(between).len() <= 1 && class(between.chars().next().unwrap_or(' ')) == 0 {
                r.push_str(between);
                r.push_str(&g.0);
                a.push_str(between);
                a.push_str(&g.1);
                if let Some(last) = merged.last_mut() {
                    last.2 = g.2;
                }
                continue;
            }
        }
        merged.push(g);
    }
    let mut out = Vec::new();
    if let Some(l) = lead {
        out.push(Piece::Same(l));
    }
    for (r, a, after) in merged {
        if !r.is_empty() {
            out.push(Piece::Removed(r));
        }
        if !a.is_empty() {
            out.push(Piece::Added(a));
        }
        if let Some(s) = after {
            out.push(Piece::Same(s));
        }
    }
    out
}

/// Whether the pieces show any change.
pub fn changed(pieces: &[Piece]) -> bool {
    pieces.iter().any(|p| !matches!(p, Piece::Same(_)))
}

/// The pieces marked up as `same[-removed-]{+added+}same`. With `context`,
/// unchanged runs are cut to that many characters around each change (`…`
/// marks a cut); without, the whole text is shown.
pub fn render(pieces: &[Piece], context: Option<usize>) -> String {
    let mut out = String::new();
    let n = pieces.len();
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Removed(s) => {
                out.push_str("[-");
                out.push_str(s);
                out.push_str("-]");
            }
            Piece::Added(s) => {
                out.push_str("{+");
                out.push_str(s);
                out.push_str("+}");
            }
            Piece::Same(s) => {
                let Some(ctx) = context else {
                    out.push_str(s);
                    continue;
                };
                let chars: Vec<char> = s.chars().collect();
                let len = chars.len();
                let first = i == 0;
                let last = i + 1 == n;
                let keep_head = if first { 0 } else { ctx };
                let keep_tail = if last { 0 } else { ctx };
                if keep_head + keep_tail >= len {
                    out.push_str(s);
                } else {
                    out.extend(chars.iter().take(keep_head));
                    out.push('…');
                    out.extend(chars.iter().skip(len - keep_tail));
                }
            }
        }
    }
    out.replace('\n', "⏎")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_han_characters_and_keep_numbers_whole() {
        assert_eq!(
            tokens("由 15 万元提高至20万元。"),
            vec![
                "由", " ", "15", " ", "万", "元", "提", "高", "至", "20", "万", "元", "。"
            ]
        );
    }

    #[test]
    fn changed_number_is_one_piece() {
        let d = diff("额度由15万元提高至20万元。", "额度由15万元提高至25万元。");
        assert_eq!(render(&d, None), "额度由15万元提高至[-20-]{+25+}万元。");
    }

    #[test]
    fn words_replaced_read_as_words() {
        let d = diff("由25%下调为15%", "由25%提高为15%");
        assert_eq!(render(&d, None), "由25%[-下调-]{+提高+}为15%");
    }

    #[test]
    fn one_shared_character_between_changes_is_folded() {
        let d = diff("甲乙丙", "丁乙戊");
        assert_eq!(render(&d, None), "[-甲乙丙-]{+丁乙戊+}");
    }

    #[test]
    fn context_cuts_long_unchanged_runs() {
        let old = "一二三四五六七八九十甲一二三四五六七八九十";
        let new = "一二三四五六七八九十乙一二三四五六七八九十";
        let d = diff(old, new);
        assert_eq!(render(&d, Some(3)), "…八九十[-甲-]{+乙+}一二三…");
    }

    #[test]
    fn equal_texts_have_no_change() {
        let d = diff("相同", "相同");
        assert!(!changed(&d));
        assert!(!changed(&diff("", "")));
        assert!(changed(&diff("", "新")));
    }
}

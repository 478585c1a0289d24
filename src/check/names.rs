//! Names that print alike: a declared name may not contain a character that is
//! not displayed, and two declared names may not have the same confusable
//! skeleton (Unicode TR39), or a rule could silently read the wrong value.
//!
//! Both are found in linear time: each name is scanned once, its skeleton is
//! computed once and grouped in a hash map.

use std::collections::hash_map::Entry;

use unicode_security::confusable_detection::skeleton;

use super::*;

/// The Default_Ignorable_Code_Point ranges, from the Unicode Character
/// Database's `DerivedCoreProperties.txt` (Unicode 15.1; unchanged in 16.0):
/// characters that are not displayed unless a font supports them. Soft
/// hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers,
/// Khmer inherent vowels, Mongolian free variation selectors and vowel
/// separator, zero-width and bidirectional format characters, invisible
/// operators, variation selectors, the byte-order mark, tag characters and
/// the unassigned code points reserved as default-ignorable.
const DEFAULT_IGNORABLE: [(char, char); 17] = [
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF0}', '\u{FFF8}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

/// Whether `c` is a Default_Ignorable_Code_Point.
pub fn is_default_ignorable(c: char) -> bool {
    DEFAULT_IGNORABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The CJK Unified Ideographs blocks (the main block and extensions A to I).
const CJK_IDEOGRAPHS: [(char, char); 4] = [
    ('\u{3400}', '\u{4DBF}'),
    ('\u{4E00}', '\u{9FFF}'),
    ('\u{20000}', '\u{2EE5F}'),
    ('\u{30000}', '\u{323AF}'),
];

/// The TR39 confusable skeleton of `name`, tailored for Chinese names: a CJK
/// unified ideograph stands for itself. TR39 maps a few ordinary ideographs
/// onto others (`末` onto `未`), which would refuse distinct, ordinary names;
/// Kangxi radicals, compatibility ideographs and every other script are
/// still mapped (`⼈` is `人`, Cyrillic `а` is Latin `a`).
pub fn name_skeleton(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut buf = [0u8; 4];
    for c in name.chars() {
        if CJK_IDEOGRAPHS
            .iter()
            .any(|&(lo, hi)| (lo..=hi).contains(&c))
        {
            out.push(c);
        } else {
            out.extend(skeleton(c.encode_utf8(&mut buf)));
        }
    }
    out
}

/// `name` with each default-ignorable character written `<U+FE00>`.
fn shown(name: &str) -> String {
    name.chars()
        .map(|c| {
            if is_default_ignorable(c) {
                format!("<U+{:04X}>", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Where two names first differ: `U+0430 here, U+0061 there`.
fn difference(a: &str, b: &str) -> String {
    let mut x = a.chars();
    let mut y = b.chars();
    loop {
        match (x.next(), y.next()) {
            (Some(c), Some(d)) if c == d => continue,
            (c, d) => {
                let cp = |c: Option<char>| {
                    c.map_or_else(
                        || "nothing".to_string(),
                        |c| format!("U+{:04X}", u32::from(c)),
                    )
                };
                return format!("{} here, {} there", cp(c), cp(d));
            }
        }
    }
}

impl<'a> Checker<'a> {
    /// Refuses declared names with an invisible character, and declared names
    /// that look like another declared name without being it.
    pub(super) fn check_names(&mut self, files: &'a [ast::File]) {
        let mut by_skeleton: HashMap<String, &'a ast::Ident> = HashMap::new();
        for f in files {
            for item in &f.items {
                let (first, more): (Option<&ast::Ident>, &[ast::Ident]) = match item {
                    Item::Department(d) => (Some(&d.name), &[]),
                    Item::Enum(e) => (Some(&e.name), &e.variants),
                    Item::Parameter(p) => match &p.ty {
                        ast::TypeExpr::Choice { variants, .. } => (Some(&p.name), variants),
                        ast::TypeExpr::Named { .. } | ast::TypeExpr::List { .. } => {
                            (Some(&p.name), &[])
                        }
                    },
                    Item::Locality(l) => (Some(&l.name), &[]),
                    Item::Let(l) => (Some(&l.name), &[]),
                    Item::Entity(e) | Item::Record(e) => {
                        self.name_seen(&e.name, &mut by_skeleton);
                        for field in &e.fields {
                            self.name_seen(&field.name, &mut by_skeleton);
                        }
                        continue;
                    }
                    Item::Measure(m) => {
                        // rule names are local to their measure: only invisible characters
                        for c in &m.clauses {
                            if let ast::MeasureClause::Rule(r) = c {
                                self.visible(&r.name);
                            }
                        }
                        continue;
                    }
                    Item::Document(_) | Item::Section(_) => continue,
                };
                for n in first.into_iter().chain(more) {
                    self.name_seen(n, &mut by_skeleton);
                }
            }
        }
    }

    /// Checks one declared name against the invisible characters and the
    /// skeletons of the names declared before it.
    fn name_seen(&mut self, n: &'a ast::Ident, by_skeleton: &mut HashMap<String, &'a ast::Ident>) {
        if !self.visible(n) {
            return;
        }
        match by_skeleton.entry(name_skeleton(&n.name)) {
            Entry::Vacant(v) => {
                v.insert(n);
            }
            Entry::Occupied(o) => {
                let other = *o.get();
                if other.name != n.name {
                    self.err(
                        n.span,
                        CheckError::ConfusableNames {
                            name: n.name.clone(),
                            detail: difference(&n.name, &other.name),
                            other: other.name.clone(),
                            span: n.span,
                            other_span: other.span,
                        },
                    );
                }
            }
        }
    }

    /// Reports a name with a default-ignorable character; true if it has none.
    fn visible(&mut self, n: &ast::Ident) -> bool {
        let Some(c) = n.name.chars().find(|c| is_default_ignorable(*c)) else {
            return true;
        };
        self.err(
            n.span,
            CheckError::InvisibleInName {
                shown: shown(&n.name),
                code_point: format!("U+{:04X}", u32::from(c)),
                span: n.span,
            },
        );
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_covers_the_known_fillers() {
        assert!(DEFAULT_IGNORABLE.windows(2).all(|w| match w {
            [a, b] => a.1 < b.0 && a.0 <= a.1,
            _ => true,
        }));
        for c in [
            '\u{FE00}',
            '\u{3164}',
            '\u{180B}',
            '\u{E0100}',
            '\u{200D}',
            '\u{FFA0}',
        ] {
            assert!(is_default_ignorable(c), "{c:?}");
        }
        assert!(!is_default_ignorable('上'));
        assert!(!is_default_ignorable('\u{FE10}'));
    }

    #[test]
    fn ordinary_chinese_names_have_distinct_skeletons() {
        let names = [
            "人社厅",
            "人设厅",
            "上限",
            "下限",
            "土地",
            "士兵",
            "规模",
            "规摸",
            "裁员率",
            "裁员律",
            "失业保险",
            "失业保险金",
            "企业",
            "个人",
            "已",
            "己",
            "巳",
            "未",
            "末",
            "日",
            "曰",
        ];
        let mut seen = std::collections::HashMap::new();
        for n in names {
            let s = name_skeleton(n);
            assert!(seen.insert(s, n).is_none(), "{n} looks like another name");
        }
        // other scripts and radicals are still mapped
        assert_eq!(name_skeleton("\u{2F08}社厅"), name_skeleton("人社厅"));
        assert_eq!(name_skeleton("p\u{0430}y"), name_skeleton("pay"));
        assert_ne!(name_skeleton("上限"), name_skeleton("上限\u{FE00}x"));
    }
}

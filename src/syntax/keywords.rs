//! The words of the language, which cannot be names: the one list on the
//! Rust side. The grammar's `keyword` rule (`grammar/policy.pest`) and the
//! keyword line of `docs/language.md` must say the same (a test,
//! `tests/boundaries.rs`, compares all three).

/// The keywords, in the grammar's order.
pub const KEYWORDS: &[&str] = &[
    "document",
    "department",
    "enum",
    "entity",
    "parameter",
    "section",
    "measure",
    "locality",
    "kind",
    "to",
    "effective",
    "until",
    "applications",
    "lead",
    "cooperating",
    "joint",
    "text",
    "rule",
    "part",
    "exception",
    "when",
    "amount",
    "floor",
    "cap",
    "gives",
    "may",
    "example",
    "expect",
    "by",
    "default",
    "from",
    "and",
    "or",
    "not",
    "in",
    "if",
    "then",
    "else",
    "match",
    "true",
    "false",
    "choice",
    "application_date",
    "let",
    "implementing",
    "at",
    "least",
    "most",
    "for",
    "record",
    "where",
];

/// The aggregates over the members of a list that are always written as
/// one (`min` and `max` are aggregates when their first argument is a list).
pub const AGGREGATES: &[&str] = &["count", "sum", "all", "any"];

/// Whether `word` is a keyword (and so cannot be a name).
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

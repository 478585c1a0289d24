//! Generated policies for the scaling benchmark (`benches/scaling.rs`) and the
//! growth tests (`tests/scaling.rs`): each grows one dimension of the input
//! and keeps the rest small, so that a super-linear stage shows as a ratio of
//! times well above the ratio of sizes.

use std::fmt::Write as _;

/// One dimension of the input and the policy text of size `n` along it.
pub struct Dimension {
    /// Name, as in docs/performance.md.
    pub name: &'static str,
    /// The policy of size `n`.
    pub policy: fn(usize) -> String,
}

/// Every dimension `check` is measured along.
pub const CHECK_DIMENSIONS: [Dimension; 6] = [
    Dimension {
        name: "exception chain",
        policy: exception_chain,
    },
    Dimension {
        name: "rules",
        policy: rules,
    },
    Dimension {
        name: "entity fields",
        policy: fields,
    },
    Dimension {
        name: "enum variants",
        policy: variants,
    },
    Dimension {
        name: "departments in one clause",
        policy: departments,
    },
    Dimension {
        name: "unknown names",
        policy: unknown_names,
    },
];

/// One measure whose rule `r{i}` is an exception to `r{i-1}`: a chain of `n`.
/// Past `MAX_EXCEPTION_DEPTH` this is refused (once).
pub fn exception_chain(n: usize) -> String {
    let mut s =
        String::from("entity 企业 { 甲: money }\nmeasure 1 \"m\" {\n  kind benefit\n  to 企业\n");
    s.push_str("  rule r0 { amount 甲 }\n");
    for i in 1..n {
        let _ = writeln!(s, "  rule r{i} exception to r{} {{ amount 甲 }}", i - 1);
    }
    s.push_str("}\n");
    s
}

/// One measure with `n` independent rules.
pub fn rules(n: usize) -> String {
    let mut s =
        String::from("entity 企业 { 甲: money }\nmeasure 1 \"m\" {\n  kind benefit\n  to 企业\n");
    for i in 0..n {
        let _ = writeln!(s, "  rule r{i} part p{i} {{ amount 甲 }}");
    }
    s.push_str("}\n");
    s
}

/// An entity of `n` fields, each read by a rule and given by an example.
pub fn fields(n: usize) -> String {
    let mut s = String::from("entity 企业 {\n");
    for i in 0..n {
        let _ = writeln!(s, "  f{i}: money");
    }
    s.push_str("}\nmeasure 1 \"m\" {\n  kind benefit\n  to 企业\n  rule r { amount f0 }\n");
    s.push_str("  example \"e\" {\n    date 2020-07-01\n    企业 { ");
    for i in 0..n {
        let _ = write!(s, "f{i}: 1 元, ");
    }
    s.push_str("}\n    expect eligible 1 元\n  }\n}\n");
    s
}

/// An enumeration of `n` variants, all tested in one `in { … }`.
pub fn variants(n: usize) -> String {
    let mut s = String::from("enum 类 { ");
    for i in 0..n {
        let _ = write!(s, "v{i}, ");
    }
    s.push_str(
        "}\nentity 企业 { 甲: money 类别: 类 }\nmeasure 1 \"m\" {\n  kind benefit\n  to 企业\n",
    );
    s.push_str("  rule r {\n    when 类别 in { ");
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "v{i}");
    }
    s.push_str(" }\n    amount 甲\n  }\n}\n");
    s
}

/// `n` departments, all named in one `cooperating` clause.
pub fn departments(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "department d{i} = \"部门{i}\"");
    }
    s.push_str("measure 1 \"m\" {\n  kind directive\n  cooperating ");
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "d{i}");
    }
    s.push_str("\n}\n");
    s
}

/// `n` parameters and `n` rules each reading a name that is not declared.
pub fn unknown_names(n: usize) -> String {
    let mut s = String::from("entity 企业 { 甲: money }\n");
    for i in 0..n {
        let _ = writeln!(s, "parameter p{i}: money = 1 元");
    }
    s.push_str("measure 1 \"m\" {\n  kind benefit\n  to 企业\n");
    for i in 0..n {
        let _ = writeln!(s, "  rule r{i} part p{i} {{ amount q{i} }}");
    }
    s.push_str("}\n");
    s
}

/// An entity of `n` fields and one measure reading the first: the width of a
/// facts object for `eval` and `batch`.
pub fn wide_entity(n: usize) -> String {
    let mut s = String::from("entity 企业 {\n");
    for i in 0..n {
        let _ = writeln!(s, "  f{i}: money");
    }
    s.push_str("}\nmeasure 1 \"m\" {\n  kind benefit\n  to 企业\n  rule r { amount f0 }\n}\n");
    s
}

/// A facts object of `n` fields for [`wide_entity`]: `{"f0": "1", …}`.
pub fn wide_facts(n: usize) -> String {
    let mut s = String::from("{");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "\"f{i}\":\"1\"");
    }
    s.push('}');
    s
}

/// A policy of `n` measures (a file of about 200 bytes per measure), and the
/// same policy with every tenth measure changed: the two sides of a `diff`.
pub fn diff_pair(n: usize) -> (String, String) {
    let mut old = String::from("entity 企业 { 甲: money 乙: integer<人> }\n");
    let mut new = old.clone();
    for i in 1..=n {
        let m = |amount: &str| {
            format!(
                "measure {i} \"补贴{i}\" {{\n  kind benefit\n  to 企业\n  rule r {{\n    when 乙 >= 1 人\n    amount {amount}\n  }}\n}}\n"
            )
        };
        old.push_str(&m("甲"));
        new.push_str(&m(if i % 10 == 0 { "甲 * 50%" } else { "甲" }));
    }
    (old, new)
}

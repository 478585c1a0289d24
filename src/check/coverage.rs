//! The coverage of delegated values (issue 14, point 5): which delegated
//! parameters without `default` each locality has not set. Such a policy
//! loads: evaluating for that locality is `undetermined` wherever a measure
//! needs the value. `policyc check` reports it as a warning per locality and
//! in its JSON output (`unset`).

use serde::Serialize;

use super::CheckError;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, ParamValue};
use crate::syntax::ast::{self, Item};

/// The delegated values one locality leaves unset.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Unset {
    /// The locality.
    pub locality: String,
    /// The parameters it does not set (delegated, without `default`), in
    /// declaration order.
    pub params: Vec<String>,
}

/// Per locality (in policy order) that leaves a value unset, what it leaves.
pub fn coverage(policy: &ir::Policy) -> Vec<Unset> {
    policy
        .localities
        .iter()
        .filter_map(|l| {
            let params: Vec<String> = policy
                .parameters
                .iter()
                .enumerate()
                .filter(|(_, p)| matches!(p.value, ParamValue::Locality { default: None, .. }))
                .filter(|(i, _)| !l.values.iter().any(|v| v.param as usize == *i))
                .map(|(_, p)| p.name.clone())
                .collect();
            (!params.is_empty()).then(|| Unset {
                locality: l.name.clone(),
                params,
            })
        })
        .collect()
}

/// One warning (`policy::check::missing_locality_value`) per locality that
/// leaves a delegated value unset, at the locality's name.
pub fn warnings(files: &[ast::File], policy: &ir::Policy) -> Vec<Diagnostic> {
    let unset = coverage(policy);
    let mut out = Vec::new();
    for f in files {
        for item in &f.items {
            let Item::Locality(l) = item else { continue };
            let Some(u) = unset.iter().find(|u| u.locality == l.name.name) else {
                continue;
            };
            let list = u
                .params
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let first = u.params.first().map_or("", String::as_str);
            out.push(Diagnostic::new(
                l.name.span.file,
                CheckError::MissingLocalityValue {
                    locality: u.locality.clone(),
                    params: if u.params.len() == 1 {
                        format!("parameter {list}")
                    } else {
                        format!("parameters {list}")
                    },
                    span: l.name.span,
                    help: Some(format!(
                        "evaluating for `{}` is `undetermined` wherever a measure reads an unset value; \
                         add `{first} = …` to the locality, or give the parameter a `default`",
                        u.locality
                    )),
                },
            ));
        }
    }
    out
}

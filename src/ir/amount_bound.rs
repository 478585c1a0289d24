//! A rule's own bound (issue 14, point 4): where the final figure is decided
//! by someone else within a ceiling (a bank raising a loan "最高不超过…"), the
//! rule gives **at most** its amount (`amount at most E`); `amount at least
//! E` ("不低于") is the converse. The bound flows into the outcome like the
//! bound of a delegated parameter whose default is its floor or cap.

use serde::{Deserialize, Serialize};

/// `at least` or `at most`: the amount of a rule is a bound, not the figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountBound {
    /// The figure is at least the amount.
    AtLeast,
    /// The figure is at most the amount.
    AtMost,
}

impl AmountBound {
    /// `at least` or `at most`, as written.
    pub fn words(self) -> &'static str {
        match self {
            AmountBound::AtLeast => "at least",
            AmountBound::AtMost => "at most",
        }
    }
}

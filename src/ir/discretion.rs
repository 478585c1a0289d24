//! Discretion (issue 14, point 3): a rule written with 可, 原则上 or 鼓励 says
//! what the authority *may* grant; the addressee has no entitlement. The IR
//! carries it per rule, with the deciding department or locality when the
//! text names one.

use serde::{Deserialize, Serialize};

/// A discretionary rule: who decides, when the text says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discretion {
    /// The deciding department, by its full name (`may by 人社厅`).
    pub department: Option<String>,
    /// Whether the locality decides (`may by locality`).
    pub locality: bool,
}

impl Discretion {
    /// Who decides, in words: the department, `the locality`, or `None`.
    pub fn decider(&self) -> Option<&str> {
        match (&self.department, self.locality) {
            (Some(d), _) => Some(d),
            (None, true) => Some("the locality"),
            (None, false) => None,
        }
    }

    /// `may be granted (decided by …)`.
    pub fn words(&self) -> String {
        match self.decider() {
            Some(d) => format!("may be granted (decided by {d})"),
            None => "may be granted".into(),
        }
    }
}

//! "Did you mean …" by edit distance, in one place for every stage: `check`
//! (unknown names), the facts reader (unknown entities, fields, variants), the
//! scenario (unknown localities), `batch`, `sample` and the command line
//! (unknown entities and measures). A suggestion is made only when the
//! distance is small (at most a third of the name's length, and at least 1):
//! no suggestion beats a wrong one.

/// Names longer than this get no suggestion: the edit distance costs the
/// product of the two lengths, and no one mistypes a name of 200 characters.
const MAX_SUGGESTED: usize = 200;

/// The closest candidate to `name`, if it is close enough.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let len = name.chars().count();
    if len > MAX_SUGGESTED {
        return None;
    }
    let limit = (len / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        // the distance is at least the difference of the lengths
        .filter(|c| c.len() <= 4 * (len + limit) && c.chars().count().abs_diff(len) <= limit)
        .filter_map(|c| Some((distance_within(name, c, limit)?, c)))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// The help for an unknown `name`: the closest candidate if one is close
/// enough ([`did_you_mean`]), else the list of candidates ([`list`]).
pub fn or_list(name: &str, candidates: &[&str], plural: &str, none: &str) -> String {
    did_you_mean(name, candidates.iter().copied()).unwrap_or_else(|| list(candidates, plural, none))
}

/// `the {plural} are a, b, c`, or `none` when there are no candidates.
pub fn list(candidates: &[&str], plural: &str, none: &str) -> String {
    if candidates.is_empty() {
        none.to_string()
    } else {
        format!("the {plural} are {}", candidates.join(", "))
    }
}

/// The Levenshtein distance of `a` and `b` if it is at most `limit`: stops as
/// soon as a whole row of the table exceeds `limit`, so that most candidates
/// cost a few rows, not the product of the lengths.
fn distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX - 1) + 1;
            let sub = prev.get(j).copied().unwrap_or(usize::MAX - 1) + cost;
            if let Some(x) = cur.get_mut(j + 1) {
                *x = del.min(ins).min(sub);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
        if prev.iter().min().is_some_and(|m| *m > limit) {
            return None;
        }
    }
    prev.last().copied().filter(|d| *d <= limit)
}

/// Levenshtein distance counted in characters.
#[cfg(test)]
fn distance(a: &str, b: &str) -> usize {
    distance_within(a, b, usize::MAX - 1).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("人设厅", ["人社厅", "财政厅"]),
            Some("did you mean `人社厅`?".into())
        );
        assert_eq!(did_you_mean("完全不同", ["人社厅"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance_within("kitten", "sitting", 3), Some(3));
        assert_eq!(distance_within("kitten", "sitting", 2), None);
        assert_eq!(distance_within("ab", "ba", 2), Some(2));
        assert_eq!(
            or_list("包头", &["包头市", "呼和浩特市"], "localities", "none"),
            "did you mean `包头市`?"
        );
        assert_eq!(
            or_list("火星", &["包头市", "呼和浩特市"], "localities", "none"),
            "the localities are 包头市, 呼和浩特市"
        );
        assert_eq!(or_list("火星", &[], "localities", "none"), "none");
    }

    #[test]
    fn long_names_cost_nothing() {
        let long = "费".repeat(1_000_000);
        let other = format!("{long}x");
        let start = std::time::Instant::now();
        assert_eq!(did_you_mean(&long, [other.as_str()]), None);
        assert_eq!(did_you_mean("费用", [other.as_str()]), None);
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }
}

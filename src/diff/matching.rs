//! Pairing the measures of two versions: by number and title, then title,
//! then text, then number, each round by hash.

use std::collections::HashMap;

use crate::ir::Measure;

/// Pairs old and new measures: same number and title; then same title (a
/// renumbered measure); then same text; then same number (a retitled
/// measure). Unpaired measures were removed or added. Ordered by number.
pub(super) fn match_measures<'m>(
    old: &'m [Measure],
    new: &'m [Measure],
) -> Vec<(Option<&'m Measure>, Option<&'m Measure>)> {
    // each round pairs an old measure with the one new measure of the same key,
    // by hash: linear, where a scan of the new measures per old one was not
    type Key<'k> = (Option<u32>, Option<&'k str>);
    let rounds: [fn(&Measure) -> Option<Key<'_>>; 4] = [
        |m| Some((Some(m.number), Some(&m.title))),
        |m| Some((None, Some(&m.title))),
        |m| (!m.source_text.is_empty()).then_some((None, Some(&m.source_text))),
        |m| Some((Some(m.number), None)),
    ];
    let mut old_left: Vec<&Measure> = old.iter().collect();
    let mut new_left: Vec<&Measure> = new.iter().collect();
    let mut pairs: Vec<(Option<&Measure>, Option<&Measure>)> = Vec::new();
    for key in rounds {
        let mut by_key: HashMap<Key<'_>, Vec<usize>> = HashMap::new();
        for (i, n) in new_left.iter().enumerate() {
            if let Some(k) = key(n) {
                by_key.entry(k).or_default().push(i);
            }
        }
        let mut taken = vec![false; new_left.len()];
        old_left.retain(|o| {
            let Some(k) = key(o) else { return true };
            match by_key.get_mut(&k).map(|v| v.as_mut_slice()) {
                Some([i]) => {
                    let i = *i;
                    by_key.remove(&k);
                    if let (Some(t), Some(n)) = (taken.get_mut(i), new_left.get(i)) {
                        *t = true;
                        pairs.push((Some(*o), Some(*n)));
                    }
                    false
                }
                _ => true,
            }
        });
        let mut t = taken.iter();
        new_left.retain(|_| !t.next().copied().unwrap_or(false));
    }
    pairs.extend(old_left.into_iter().map(|o| (Some(o), None)));
    pairs.extend(new_left.into_iter().map(|n| (None, Some(n))));
    pairs.sort_by_key(|(o, n)| (n.or(*o).map_or(0, |m| m.number), o.map_or(0, |m| m.number)));
    pairs
}

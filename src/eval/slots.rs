//! Sets of field slots: the facts an unknown value is waiting for.
//!
//! Evaluation with missing facts builds and merges such sets at every unknown
//! leaf, so the first 128 slots (every entity written so far has fewer fields)
//! are a bitmask that needs no allocation; slots beyond go to a sorted set.

use std::collections::BTreeSet;

/// A set of field slots, iterated in ascending order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Slots {
    /// Slots 0..64 and 64..128, one bit each.
    bits: [u64; 2],
    /// Slots from 128 on; `None` rather than an empty set.
    #[expect(
        clippy::box_collection,
        reason = "one pointer keeps `Slots`, and so every value the evaluator returns, small"
    )]
    rest: Option<Box<BTreeSet<u32>>>,
}

impl Slots {
    /// The set of one slot.
    pub(crate) fn one(slot: u32) -> Slots {
        let mut s = Slots::default();
        s.insert(slot);
        s
    }

    /// Adds a slot.
    pub(crate) fn insert(&mut self, slot: u32) {
        match self.bits.get_mut((slot / 64) as usize) {
            Some(w) => *w |= 1u64 << (slot % 64),
            None => {
                self.rest.get_or_insert_with(Box::default).insert(slot);
            }
        }
    }

    /// Whether no slot is in the set.
    pub(crate) fn is_empty(&self) -> bool {
        self.bits == [0, 0] && self.rest.is_none()
    }

    /// Adds every slot of `other`.
    pub(crate) fn extend(&mut self, other: Slots) {
        for (a, b) in self.bits.iter_mut().zip(other.bits) {
            *a |= b;
        }
        if let Some(r) = other.rest {
            match &mut self.rest {
                Some(mine) => mine.extend(r.iter().copied()),
                None => self.rest = Some(r),
            }
        }
    }

    /// The slots in ascending order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let bits = self.bits.iter().enumerate().flat_map(|(w, &word)| {
            let base = (w as u32) * 64;
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let b = rest.trailing_zeros();
                    rest &= rest - 1;
                    base + b
                })
            })
        });
        bits.chain(self.rest.iter().flat_map(|r| r.iter().copied()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascending_and_merged() {
        let mut a = Slots::one(200);
        a.extend(Slots::one(3));
        a.extend(Slots::one(64));
        let mut b = Slots::one(127);
        b.insert(3);
        b.insert(150);
        a.extend(b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![3, 64, 127, 150, 200]);
        assert!(!a.is_empty());
        assert!(Slots::default().is_empty());
        assert_eq!(Slots::one(0).iter().collect::<Vec<_>>(), vec![0]);
        assert_eq!(Slots::one(63).iter().collect::<Vec<_>>(), vec![63]);
    }
}

//! Every name the checker looks up, in hash maps: a policy of ten thousand
//! parameters, fields, variants or departments is checked in linear time, not
//! in the product of the number of uses and the number of declarations.

use std::collections::HashMap;

/// Name → position, for each kind of declaration. Filled while declarations
/// are registered; the first declaration of a name wins (later ones are
/// reported as duplicates and not indexed).
#[derive(Default)]
pub(super) struct Index {
    /// Enumeration (and `choice` parameter) name → index in `Checker::enums`.
    pub enums: HashMap<String, usize>,
    /// For each enumeration, variant name → position.
    pub variants: Vec<HashMap<String, u32>>,
    /// Variant name → every (enumeration, position) that has it.
    pub owners: HashMap<String, Vec<(usize, u32)>>,
    /// Entity name → index in `Checker::entities`.
    pub entities: HashMap<String, usize>,
    /// For each entity, field name → slot.
    pub fields: Vec<HashMap<String, usize>>,
    /// Parameter name → index in `Checker::params`.
    pub params: HashMap<String, usize>,
    /// Department short name or full name → index in `Checker::departments`.
    pub departments: HashMap<String, usize>,
    /// Locality name → index in `Checker::locality_asts`.
    pub localities: HashMap<String, usize>,
}

impl Index {
    /// Registers enumeration `id` with its (already unique) variants.
    pub fn add_enum(&mut self, id: usize, name: &str, variants: &[String]) {
        self.enums.entry(name.to_string()).or_insert(id);
        let mut at = HashMap::with_capacity(variants.len());
        for (i, v) in variants.iter().enumerate() {
            at.insert(v.clone(), i as u32);
            self.owners
                .entry(v.clone())
                .or_default()
                .push((id, i as u32));
        }
        if self.variants.len() <= id {
            self.variants.resize_with(id + 1, HashMap::new);
        }
        if let Some(slot) = self.variants.get_mut(id) {
            *slot = at;
        }
    }

    /// The position of `variant` in enumeration `id`.
    pub fn variant(&self, id: usize, variant: &str) -> Option<u32> {
        self.variants.get(id)?.get(variant).copied()
    }

    /// The slot of `field` in entity `entity`.
    pub fn field(&self, entity: usize, field: &str) -> Option<usize> {
        self.fields.get(entity)?.get(field).copied()
    }
}

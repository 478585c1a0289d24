//! Validating a loaded IR: everything the checker guarantees of the IR it
//! writes is checked again when the IR is read back, so that a hand-edited or
//! foreign file is refused rather than evaluated to a wrong outcome.
//!
//! - every index points at something (`IrError::OutOfRange`);
//! - measure numbers are unique (`IrError::DuplicateMeasure`), and names are
//!   unique where the checker requires it (`IrError::Duplicate`);
//! - every expression is typed as the checker types it: each node's type
//!   follows from its operands, conditions are `bool`, amounts, floors and
//!   caps are money, constants fit their types (`IrError::TypeMismatch`);
//! - the exceptions of a measure form a tree (`IrError::ExceptionCycle`) no
//!   deeper than [`MAX_EXCEPTION_DEPTH`] (`IrError::ExceptionTooDeep`), an
//!   exception and its base define one part.
//!
//! Expressions are walked recursively: their depth is bounded by the JSON
//! depth [`super::MAX_JSON_DEPTH`] checked before they are read.

use std::collections::HashSet;

use super::*;
use crate::limits::MAX_EXCEPTION_DEPTH;
use crate::types::Dim;

fn out_of_range<T>(what: String) -> Result<T, IrError> {
    Err(IrError::OutOfRange { what })
}

fn inconsistent<T>(what: String) -> Result<T, IrError> {
    Err(IrError::Inconsistent { what })
}

/// The first name that occurs twice.
fn first_duplicate<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = HashSet::new();
    names.into_iter().find(|n| !seen.insert(*n))
}

fn unique<'a>(
    what: &'static str,
    place: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Result<(), IrError> {
    match first_duplicate(names) {
        Some(n) => Err(IrError::Duplicate {
            what,
            name: n.to_string(),
            place: place.to_string(),
        }),
        None => Ok(()),
    }
}

/// A type as text, with the kind of a number when its name does not say it.
fn type_text(t: &Type) -> String {
    match t {
        Type::Number { kind, unit } if unit.is_money_like() => {
            let k = match kind {
                NumKind::Integer => "integer",
                NumKind::Decimal => "decimal",
                NumKind::Percent => "percent",
            };
            format!("{t} ({k})")
        }
        _ => t.to_string(),
    }
}

fn mismatch<T>(expected: &Type, found: &Type, at: &str) -> Result<T, IrError> {
    Err(IrError::TypeMismatch {
        expected: type_text(expected),
        found: type_text(found),
        at: at.to_string(),
    })
}

/// The kind of a sum, difference or choice (as the checker's).
fn join_kind(a: NumKind, b: NumKind) -> NumKind {
    if a == b {
        a
    } else {
        NumKind::Decimal
    }
}

/// The kind of a product (as the checker's).
fn mul_kind(a: NumKind, b: NumKind) -> NumKind {
    match (a, b) {
        (NumKind::Percent, NumKind::Percent) => NumKind::Percent,
        (NumKind::Integer, NumKind::Integer) => NumKind::Integer,
        _ => NumKind::Decimal,
    }
}

/// The common type of two values that must be alike (as the checker's `unify`).
fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Number { kind: ka, unit: ua }, Type::Number { kind: kb, unit: ub }) if ua == ub => {
            Some(Type::Number {
                kind: join_kind(*ka, *kb),
                unit: *ua,
            })
        }
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}

fn is_duration(t: &Type) -> bool {
    matches!(t, Type::Number { kind: NumKind::Integer, unit } if unit.single_time_unit().is_some())
}

impl Policy {
    /// Checks everything the checker guarantees of the IR (see the module's
    /// documentation), so that evaluating a loaded policy cannot go out of
    /// bounds, count an amount twice or read a value as another type.
    pub fn validate(&self) -> Result<(), IrError> {
        self.validate_names()?;
        for p in &self.parameters {
            let at = format!("parameter `{}`", p.name);
            self.validate_type(&p.ty, &at)?;
            match &p.value {
                ParamValue::Constant { value } => self.validate_value(value, &p.ty, &at)?,
                ParamValue::Versioned { versions } => {
                    if versions.is_empty() {
                        return inconsistent(format!("parameter `{}` has no version", p.name));
                    }
                    if versions
                        .windows(2)
                        .any(|w| matches!(w, [a, b] if a.from >= b.from))
                    {
                        return inconsistent(format!(
                            "versions of parameter `{}` are not in date order",
                            p.name
                        ));
                    }
                    for v in versions {
                        self.validate_value(&v.value, &p.ty, &at)?;
                    }
                }
                ParamValue::Locality {
                    default,
                    floor,
                    cap,
                } => {
                    for v in [default, floor, cap].into_iter().flatten() {
                        self.validate_value(v, &p.ty, &at)?;
                    }
                }
            }
        }
        for e in &self.entities {
            for f in &e.fields {
                self.validate_type(&f.ty, &format!("field `{}`", f.name))?;
            }
        }
        for l in &self.localities {
            for v in &l.values {
                let Some(p) = self.parameters.get(v.param as usize) else {
                    return out_of_range(format!(
                        "locality `{}` sets parameter {} which does not exist",
                        l.name, v.param
                    ));
                };
                if !matches!(p.value, ParamValue::Locality { .. }) {
                    return inconsistent(format!(
                        "locality `{}` sets parameter `{}`, which is not set by localities",
                        l.name, p.name
                    ));
                }
                self.validate_value(&v.value, &p.ty, &format!("locality `{}`", l.name))?;
                if let ParamValue::Locality { floor, cap, .. } = &p.value {
                    let below = |b: &Option<Value>, less: bool| match (&v.value, b) {
                        (Value::Number(x), Some(Value::Number(f))) => (x < f) == less && x != f,
                        _ => false,
                    };
                    if below(floor, true) || below(cap, false) {
                        return inconsistent(format!(
                            "locality `{}` sets parameter `{}` outside its floor and cap",
                            l.name, p.name
                        ));
                    }
                }
            }
        }
        for m in &self.measures {
            self.validate_measure(m)?;
        }
        Ok(())
    }

    /// Unique measure numbers and names, where the checker requires them.
    fn validate_names(&self) -> Result<(), IrError> {
        let mut numbers = HashSet::new();
        if let Some(m) = self.measures.iter().find(|m| !numbers.insert(m.number)) {
            return Err(IrError::DuplicateMeasure { number: m.number });
        }
        unique(
            "department",
            "",
            self.departments.iter().map(|d| d.id.as_str()),
        )?;
        unique(
            "type",
            "",
            self.enums
                .iter()
                .map(|e| e.name.as_str())
                .chain(self.entities.iter().map(|e| e.name.as_str())),
        )?;
        for e in &self.enums {
            let place = format!(" in enumeration `{}`", e.name);
            unique("variant", &place, e.variants.iter().map(String::as_str))?;
        }
        for e in &self.entities {
            let place = format!(" in entity `{}`", e.name);
            unique("field", &place, e.fields.iter().map(|f| f.name.as_str()))?;
        }
        unique(
            "parameter",
            "",
            self.parameters.iter().map(|p| p.name.as_str()),
        )?;
        unique(
            "locality",
            "",
            self.localities.iter().map(|l| l.name.as_str()),
        )?;
        for l in &self.localities {
            let place = format!(" in locality `{}`", l.name);
            let names: Vec<&str> = l
                .values
                .iter()
                .map(|v| {
                    self.parameters
                        .get(v.param as usize)
                        .map_or(v.name.as_str(), |p| p.name.as_str())
                })
                .collect();
            unique("locality value", &place, names)?;
        }
        let mut sections = HashSet::new();
        if let Some(s) = self.sections.iter().find(|s| !sections.insert(s.number)) {
            return Err(IrError::Duplicate {
                what: "section",
                name: s.number.to_string(),
                place: String::new(),
            });
        }
        for m in &self.measures {
            let place = format!(" in measure {}", m.number);
            unique("rule", &place, m.rules.iter().map(|r| r.name.as_str()))?;
        }
        Ok(())
    }

    fn validate_measure(&self, m: &Measure) -> Result<(), IrError> {
        if let (Some(from), Some(to)) = (m.effective.from, m.effective.to) {
            if from > to {
                return inconsistent(format!(
                    "the effective period of measure {} ends before it starts",
                    m.number
                ));
            }
        }
        if let (Some(from), Some(d)) = (m.effective.from, m.applications_until) {
            if d < from {
                return inconsistent(format!(
                    "the application deadline of measure {} is before its effective period starts",
                    m.number
                ));
            }
        }
        let entity = match m.addressee {
            Some(a) => match self.entities.get(a as usize) {
                Some(e) => Some(e),
                None => {
                    return out_of_range(format!(
                        "measure {} is addressed to entity {a} which does not exist",
                        m.number
                    ))
                }
            },
            None => None,
        };
        self.validate_parts(m)?;
        if let Some(c) = &m.condition {
            let at = format!("the condition of measure {}", m.number);
            if !m.parts.is_empty() {
                return inconsistent(format!("{at} stands beside part declarations"));
            }
            if entity.is_none() {
                return inconsistent(format!(
                    "{at} reads facts, and the measure has no addressee"
                ));
            }
            self.validate_expr(c, entity, &at)?;
            if c.ty != Type::Bool {
                return mismatch(&Type::Bool, &c.ty, &at);
            }
        }
        for r in &m.rules {
            let at = format!("rule `{}` of measure {}", r.name, m.number);
            // the rules of a part with addressees of its own read the first one's facts
            let entity = match m.part_decl(r.part.as_deref()).and_then(|d| d.to.first()) {
                Some(a) => self.entities.get(a.entity as usize),
                None => entity,
            };
            if let Some(c) = &r.condition {
                self.validate_expr(c, entity, &at)?;
                if c.ty != Type::Bool {
                    return mismatch(&Type::Bool, &c.ty, &format!("the condition of {at}"));
                }
            }
            // a rule giving a date or duration: its floor and cap are of its type
            if let Some(v) = &r.value {
                super::values::validate(r, v, &at, |x| self.validate_expr(x, entity, &at))?;
                continue;
            }
            for (kw, x) in [("amount", &r.amount), ("floor", &r.floor), ("cap", &r.cap)] {
                let Some(x) = x else { continue };
                self.validate_expr(x, entity, &at)?;
                if !x.ty.is_money() {
                    return mismatch(&Type::money(), &x.ty, &format!("the {kw} of {at}"));
                }
                if kw != "amount" && r.amount.is_none() {
                    return inconsistent(format!("{at} has a {kw} but no amount"));
                }
            }
        }
        if let Some(r) = m
            .rules
            .iter()
            .find(|r| r.amount.is_some() && !r.gives.has_amount())
        {
            return inconsistent(format!(
                "rule `{}` of measure {} has an amount but gives `none`",
                r.name, m.number
            ));
        }
        let mut kinds = m
            .rules
            .iter()
            .filter(|r| r.amount.is_some())
            .map(|r| r.gives);
        if let Some(first) = kinds.next() {
            if kinds.any(|k| k != first) {
                return inconsistent(format!(
                    "the amounts of measure {} are of different kinds",
                    m.number
                ));
            }
        }
        self.validate_exceptions(m)?;
        for ex in &m.examples {
            let Some(ent) = self.entities.get(ex.entity as usize) else {
                return out_of_range(format!(
                    "example `{}` names entity {} which does not exist",
                    ex.name, ex.entity
                ));
            };
            for f in &ex.facts {
                let Some(field) = ent.fields.get(f.slot as usize) else {
                    return out_of_range(format!(
                        "example `{}` sets field {} which does not exist",
                        ex.name, f.slot
                    ));
                };
                self.validate_value(&f.value, &field.ty, &format!("example `{}`", ex.name))?;
            }
        }
        Ok(())
    }

    /// The exceptions of a measure form a tree within one part, no deeper than
    /// [`MAX_EXCEPTION_DEPTH`]; checked without recursion, in linear time.
    fn validate_exceptions(&self, m: &Measure) -> Result<(), IrError> {
        let n = m.rules.len();
        // per rule: its depth once known
        let mut depth: Vec<Option<usize>> = vec![None; n];
        let mut on_path = vec![false; n];
        let name = |i: usize| m.rules.get(i).map_or(String::new(), |r| r.name.clone());
        for i in 0..n {
            let mut path = Vec::new();
            let mut cur = i;
            // walk up until a rule of known depth or a base rule
            let mut known = loop {
                if let Some(d) = depth.get(cur).copied().flatten() {
                    break d;
                }
                if on_path.get(cur).copied().unwrap_or(false) {
                    return Err(IrError::ExceptionCycle {
                        measure: m.number,
                        rule: name(cur),
                    });
                }
                let Some(rule) = m.rules.get(cur) else {
                    return out_of_range(format!("rule {cur} of measure {}", m.number));
                };
                if let Some(x) = on_path.get_mut(cur) {
                    *x = true;
                }
                path.push(cur);
                match rule.exception_to {
                    None => {
                        path.pop();
                        if let Some(x) = on_path.get_mut(cur) {
                            *x = false;
                        }
                        if let Some(d) = depth.get_mut(cur) {
                            *d = Some(0);
                        }
                        break 0;
                    }
                    Some(b) => {
                        let Some(base) = m.rules.get(b as usize) else {
                            return out_of_range(format!(
                                "rule `{}` of measure {} is an exception to rule {b}",
                                rule.name, m.number
                            ));
                        };
                        if base.part != rule.part {
                            return inconsistent(format!(
                                "exception `{}` and its base rule `{}` of measure {} define different parts",
                                rule.name, base.name, m.number
                            ));
                        }
                        cur = b as usize;
                    }
                }
            };
            while let Some(j) = path.pop() {
                known += 1;
                if known > MAX_EXCEPTION_DEPTH {
                    return Err(IrError::ExceptionTooDeep {
                        measure: m.number,
                        rule: name(j),
                        depth: known,
                        max: MAX_EXCEPTION_DEPTH,
                    });
                }
                if let Some(d) = depth.get_mut(j) {
                    *d = Some(known);
                }
                if let Some(x) = on_path.get_mut(j) {
                    *x = false;
                }
            }
        }
        Ok(())
    }

    /// Checks that a value has the shape of its type (a variant index in range, …).
    fn validate_value(&self, v: &Value, t: &Type, at: &str) -> Result<(), IrError> {
        match (v, t) {
            (Value::Bool(_), Type::Bool)
            | (Value::Number(_), Type::Number { .. })
            | (Value::Date(_), Type::Date) => Ok(()),
            (Value::Variant(i), Type::Enum { id, .. }) => match self.enums.get(*id as usize) {
                Some(e) if (*i as usize) < e.variants.len() => Ok(()),
                Some(e) => out_of_range(format!("variant {i} of enumeration `{}` in {at}", e.name)),
                None => out_of_range(format!("enumeration {id} in {at}")),
            },
            _ => Err(IrError::TypeMismatch {
                expected: type_text(t),
                found: format!("{v:?}"),
                at: at.to_string(),
            }),
        }
    }

    fn validate_type(&self, t: &Type, at: &str) -> Result<(), IrError> {
        if let Type::Enum { id, name } = t {
            match self.enums.get(*id as usize) {
                None => {
                    return out_of_range(format!("{at} has enumeration {id} which does not exist"))
                }
                Some(e) if e.name != *name => {
                    return inconsistent(format!(
                        "{at} names enumeration {id} `{name}`, which is `{}`",
                        e.name
                    ))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Checks an expression's indices, and that its type is the one its
    /// operands give (as the checker computes it).
    fn validate_expr(&self, e: &Expr, entity: Option<&EntityDef>, at: &str) -> Result<(), IrError> {
        self.validate_type(&e.ty, at)?;
        let expected = self.expr_type(e, entity, at)?;
        if expected != e.ty {
            return mismatch(&expected, &e.ty, at);
        }
        Ok(())
    }

    /// The type an expression has by its operands (which are checked first).
    fn expr_type(&self, e: &Expr, entity: Option<&EntityDef>, at: &str) -> Result<Type, IrError> {
        use BinOp::*;
        let num = |kind, unit| Type::Number { kind, unit };
        Ok(match &e.node {
            Node::Literal { value } => {
                self.validate_value(value, &e.ty, at)?;
                e.ty.clone()
            }
            Node::Field { slot, name } => match entity.and_then(|en| en.fields.get(*slot as usize))
            {
                Some(f) if f.name == *name => f.ty.clone(),
                Some(f) => {
                    return inconsistent(format!(
                        "field {slot} is `{}`, not `{name}`, in {at}",
                        f.name
                    ))
                }
                None => return out_of_range(format!("field {slot} (`{name}`) in {at}")),
            },
            Node::Param { index, name } => match self.parameters.get(*index as usize) {
                Some(p) if p.name == *name => p.ty.clone(),
                Some(p) => {
                    return inconsistent(format!(
                        "parameter {index} is `{}`, not `{name}`, in {at}",
                        p.name
                    ))
                }
                None => return out_of_range(format!("parameter {index} (`{name}`) in {at}")),
            },
            Node::ApplicationDate => Type::Date,
            // inside an aggregate, `entity` is the member's record (see below)
            Node::Member { slot, name } => {
                match entity.and_then(|en| en.fields.get(*slot as usize)) {
                    Some(f) if f.name == *name => f.ty.clone(),
                    _ => return out_of_range(format!("member field {slot} (`{name}`) in {at}")),
                }
            }
            Node::Aggregate {
                func,
                list,
                name,
                value,
                filter,
            } => {
                let Some(l) = entity.and_then(|en| en.lists.get(*list as usize)) else {
                    return out_of_range(format!("list {list} (`{name}`) in {at}"));
                };
                let Some(rec) = self
                    .records
                    .get(l.record as usize)
                    .filter(|_| l.name == *name)
                else {
                    return inconsistent(format!("list {list} is not `{name}`, in {at}"));
                };
                let member = EntityDef {
                    name: rec.name.clone(),
                    description: None,
                    fields: rec.fields.clone(),
                    lists: Vec::new(),
                };
                if let Some(c) = filter {
                    self.validate_expr(c, Some(&member), at)?;
                    if c.ty != Type::Bool {
                        return mismatch(&Type::Bool, &c.ty, at);
                    }
                }
                if let Some(v) = value {
                    self.validate_expr(v, Some(&member), at)?;
                }
                let count = num(NumKind::Integer, Dim::of(Unit::Person));
                match (func, value.as_deref().map(|v| &v.ty)) {
                    (Aggregate::Count, None) => count,
                    (Aggregate::All | Aggregate::Any, Some(Type::Bool)) => Type::Bool,
                    (Aggregate::Sum, Some(t @ Type::Number { .. }))
                    | (
                        Aggregate::Min | Aggregate::Max,
                        Some(t @ (Type::Number { .. } | Type::Date)),
                    ) => t.clone(),
                    _ => {
                        return inconsistent(format!(
                            "`{}` of a wrong value, in {at}",
                            func.keyword()
                        ))
                    }
                }
            }
            Node::Definition { value, .. } => {
                self.validate_expr(value, entity, at)?;
                value.ty.clone()
            }
            Node::InPeriod { arg, from, to } => {
                self.validate_expr(arg, entity, at)?;
                if arg.ty != Type::Date {
                    return mismatch(&Type::Date, &arg.ty, at);
                }
                if to < from {
                    return inconsistent(format!("the period {from} to {to} in {at} is empty"));
                }
                Type::Bool
            }
            Node::Not { arg } => {
                self.validate_expr(arg, entity, at)?;
                if arg.ty != Type::Bool {
                    return mismatch(&Type::Bool, &arg.ty, at);
                }
                Type::Bool
            }
            Node::Neg { arg } => {
                self.validate_expr(arg, entity, at)?;
                if !matches!(arg.ty, Type::Number { .. }) {
                    return mismatch(&Type::plain(NumKind::Decimal), &arg.ty, at);
                }
                arg.ty.clone()
            }
            Node::Binary { op, lhs, rhs } => {
                self.validate_expr(lhs, entity, at)?;
                self.validate_expr(rhs, entity, at)?;
                let (a, b) = (&lhs.ty, &rhs.ty);
                let wrong = || mismatch(a, b, at);
                match op {
                    And | Or => {
                        for t in [a, b] {
                            if *t != Type::Bool {
                                return mismatch(&Type::Bool, t, at);
                            }
                        }
                        Type::Bool
                    }
                    Eq | Ne => {
                        if unify(a, b).is_none() {
                            return wrong();
                        }
                        Type::Bool
                    }
                    Lt | Le | Gt | Ge => match unify(a, b) {
                        Some(Type::Number { .. } | Type::Date) => Type::Bool,
                        _ => return wrong(),
                    },
                    Add | Sub => match (a, b) {
                        (
                            Type::Number { kind: ka, unit: ua },
                            Type::Number { kind: kb, unit: ub },
                        ) if ua == ub => num(join_kind(*ka, *kb), *ua),
                        (Type::Date, n) if is_duration(n) => Type::Date,
                        (n, Type::Date) if *op == Add && is_duration(n) => Type::Date,
                        (Type::Date, Type::Date) if *op == Sub => {
                            num(NumKind::Integer, Dim::of(Unit::Day))
                        }
                        _ => return wrong(),
                    },
                    Mul | Div => match (a, b) {
                        (
                            Type::Number { kind: ka, unit: ua },
                            Type::Number { kind: kb, unit: ub },
                        ) => {
                            let (unit, kind) = if *op == Mul {
                                (ua.times(*ub), mul_kind(*ka, *kb))
                            } else {
                                (ua.per(*ub), NumKind::Decimal)
                            };
                            match unit {
                                Some(u) => num(kind, u),
                                None => return wrong(),
                            }
                        }
                        _ => return wrong(),
                    },
                }
            }
            Node::In { arg, variants } => {
                self.validate_expr(arg, entity, at)?;
                if !matches!(arg.ty, Type::Enum { .. }) {
                    return mismatch(&Type::Bool, &arg.ty, at);
                }
                for v in variants {
                    self.validate_value(&Value::Variant(*v), &arg.ty, at)?;
                }
                if variants
                    .iter()
                    .enumerate()
                    .any(|(i, v)| variants.iter().take(i).any(|w| w == v))
                {
                    return inconsistent(format!("`in` lists a variant twice, in {at}"));
                }
                Type::Bool
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                self.validate_expr(cond, entity, at)?;
                if cond.ty != Type::Bool {
                    return mismatch(&Type::Bool, &cond.ty, at);
                }
                self.validate_expr(then, entity, at)?;
                self.validate_expr(otherwise, entity, at)?;
                match unify(&then.ty, &otherwise.ty) {
                    Some(t) => t,
                    None => return mismatch(&then.ty, &otherwise.ty, at),
                }
            }
            Node::Match { scrutinee, arms } => {
                self.validate_expr(scrutinee, entity, at)?;
                let variants = match &scrutinee.ty {
                    Type::Enum { id, .. } => self
                        .enums
                        .get(*id as usize)
                        .map_or(&[][..], |en| en.variants.as_slice()),
                    t => {
                        return inconsistent(format!(
                            "a match on a value of type `{t}`, not an enumeration, in {at}"
                        ))
                    }
                };
                if arms.len() != variants.len()
                    || arms
                        .iter()
                        .zip(variants)
                        .enumerate()
                        .any(|(i, (a, v))| a.variant as usize != i || a.name != *v)
                {
                    return inconsistent(format!(
                        "a match whose arms are not one per variant in order, in {at}"
                    ));
                }
                let mut ty: Option<Type> = None;
                for a in arms {
                    self.validate_expr(&a.value, entity, at)?;
                    ty = Some(match ty {
                        None => a.value.ty.clone(),
                        Some(t) => match unify(&t, &a.value.ty) {
                            Some(u) => u,
                            None => return mismatch(&t, &a.value.ty, at),
                        },
                    });
                }
                match ty {
                    Some(t) => t,
                    None => return inconsistent(format!("a match without arms, in {at}")),
                }
            }
            Node::Call { args, .. } => {
                if args.len() < 2 {
                    return inconsistent(format!("`min`/`max` of fewer than two values, in {at}"));
                }
                let mut ty: Option<Type> = None;
                for a in args {
                    self.validate_expr(a, entity, at)?;
                    ty = Some(match ty {
                        None => a.ty.clone(),
                        Some(t) => match unify(&t, &a.ty) {
                            Some(u) => u,
                            None => return mismatch(&t, &a.ty, at),
                        },
                    });
                }
                match ty {
                    Some(t @ (Type::Number { .. } | Type::Date)) => t,
                    Some(t) => return mismatch(&Type::plain(NumKind::Decimal), &t, at),
                    None => return inconsistent(format!("`min`/`max` without values, in {at}")),
                }
            }
        })
    }
}

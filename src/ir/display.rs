//! Printing IR expressions and values back as policy text (for explanations and
//! diffs), and validating a loaded IR's indices.

use std::fmt::Write as _;

use super::*;

impl Policy {
    /// Prints a value of type `ty` as it would be written in a policy.
    pub fn value_text(&self, value: &Value, ty: &Type) -> String {
        match value {
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Variant(v) => match ty {
                Type::Enum { id, .. } => self
                    .enums
                    .get(*id as usize)
                    .and_then(|e| e.variants.get(*v as usize))
                    .cloned()
                    .unwrap_or_else(|| format!("#{v}")),
                _ => format!("#{v}"),
            },
            Value::Number(n) => number_text(*n, ty),
        }
    }

    /// Prints an expression as policy text, fully parenthesised where needed.
    pub fn expr_text(&self, e: &Expr) -> String {
        let mut s = String::new();
        self.write_expr(&mut s, e, 0);
        s
    }

    fn write_expr(&self, out: &mut String, e: &Expr, parent_prec: u8) {
        match &e.node {
            Node::Literal { value } => out.push_str(&self.value_text(value, &e.ty)),
            Node::Field { name, .. } | Node::Param { name, .. } => out.push_str(name),
            Node::Not { arg } => {
                out.push_str("not ");
                self.write_expr(out, arg, 6);
            }
            Node::Neg { arg } => {
                out.push('-');
                self.write_expr(out, arg, 6);
            }
            Node::Binary { op, lhs, rhs } => {
                let p = op.precedence();
                if p < parent_prec {
                    out.push('(');
                }
                self.write_expr(out, lhs, p);
                let _ = write!(out, " {} ", op.symbol());
                self.write_expr(out, rhs, p + 1);
                if p < parent_prec {
                    out.push(')');
                }
            }
            Node::In { arg, variants } => {
                if 3 < parent_prec {
                    out.push('(');
                }
                self.write_expr(out, arg, 4);
                let names: Vec<String> = variants
                    .iter()
                    .map(|v| self.value_text(&Value::Variant(*v), &arg.ty))
                    .collect();
                let _ = write!(out, " in {{{}}}", names.join(", "));
                if 3 < parent_prec {
                    out.push(')');
                }
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                if parent_prec > 0 {
                    out.push('(');
                }
                out.push_str("if ");
                self.write_expr(out, cond, 0);
                out.push_str(" then ");
                self.write_expr(out, then, 0);
                out.push_str(" else ");
                self.write_expr(out, otherwise, 0);
                if parent_prec > 0 {
                    out.push(')');
                }
            }
            Node::Match { scrutinee, arms } => {
                if parent_prec > 0 {
                    out.push('(');
                }
                out.push_str("match ");
                self.write_expr(out, scrutinee, 0);
                out.push_str(" { ");
                for (i, a) in arms.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{} => ", a.name);
                    self.write_expr(out, &a.value, 0);
                }
                out.push_str(" }");
                if parent_prec > 0 {
                    out.push(')');
                }
            }
            Node::Call { func, args } => {
                out.push_str(match func {
                    Func::Min => "min(",
                    Func::Max => "max(",
                });
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_expr(out, a, 0);
                }
                out.push(')');
            }
        }
    }

    /// Checks that every index in the policy points at something of the right
    /// type, so that evaluating a loaded policy cannot go out of bounds.
    pub fn validate(&self) -> Result<(), IrError> {
        let bad = |what: String| Err(IrError::Inconsistent { what });
        for (pi, p) in self.parameters.iter().enumerate() {
            self.validate_type(&p.ty, &format!("parameter {pi}"))?;
            if let ParamValue::Versioned { versions } = &p.value {
                if versions.is_empty() {
                    return bad(format!("parameter `{}` has no version", p.name));
                }
                if versions
                    .windows(2)
                    .any(|w| matches!(w, [a, b] if a.from >= b.from))
                {
                    return bad(format!(
                        "versions of parameter `{}` are not in date order",
                        p.name
                    ));
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
                if self.parameters.get(v.param as usize).is_none() {
                    return bad(format!(
                        "locality `{}` sets parameter {} which does not exist",
                        l.name, v.param
                    ));
                }
            }
        }
        for m in &self.measures {
            let entity = match m.addressee {
                Some(a) => match self.entities.get(a as usize) {
                    Some(e) => Some(e),
                    None => {
                        return bad(format!(
                            "measure {} is addressed to entity {a} which does not exist",
                            m.number
                        ))
                    }
                },
                None => None,
            };
            for r in &m.rules {
                if let Some(x) = r.exception_to {
                    if x as usize >= m.rules.len() {
                        return bad(format!(
                            "rule `{}` is an exception to rule {x} which does not exist",
                            r.name
                        ));
                    }
                }
                for e in [&r.condition, &r.amount, &r.floor, &r.cap]
                    .into_iter()
                    .flatten()
                {
                    self.validate_expr(
                        e,
                        entity,
                        &format!("rule `{}` of measure {}", r.name, m.number),
                    )?;
                }
            }
            for ex in &m.examples {
                let Some(ent) = self.entities.get(ex.entity as usize) else {
                    return bad(format!(
                        "example `{}` names entity {} which does not exist",
                        ex.name, ex.entity
                    ));
                };
                for f in &ex.facts {
                    if ent.fields.get(f.slot as usize).is_none() {
                        return bad(format!(
                            "example `{}` sets field {} which does not exist",
                            ex.name, f.slot
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks that a value has the shape of its type (a variant index in range, …).
    fn validate_value(&self, v: &Value, t: &Type, at: &str) -> Result<(), IrError> {
        let ok = match (v, t) {
            (Value::Bool(_), Type::Bool)
            | (Value::Number(_), Type::Number { .. })
            | (Value::Date(_), Type::Date) => true,
            (Value::Variant(i), Type::Enum { id, .. }) => self
                .enums
                .get(*id as usize)
                .is_some_and(|e| (*i as usize) < e.variants.len()),
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(IrError::Inconsistent {
                what: format!("a value {v:?} that does not fit type {t} in {at}"),
            })
        }
    }

    fn validate_type(&self, t: &Type, at: &str) -> Result<(), IrError> {
        if let Type::Enum { id, .. } = t {
            if self.enums.get(*id as usize).is_none() {
                return Err(IrError::Inconsistent {
                    what: format!("{at} has enumeration {id} which does not exist"),
                });
            }
        }
        Ok(())
    }

    fn validate_expr(&self, e: &Expr, entity: Option<&EntityDef>, at: &str) -> Result<(), IrError> {
        let bad = |what: String| {
            Err(IrError::Inconsistent {
                what: format!("{what} in {at}"),
            })
        };
        self.validate_type(&e.ty, at)?;
        match &e.node {
            Node::Literal { value } => self.validate_value(value, &e.ty, at)?,
            Node::Field { slot, .. } => match entity.and_then(|en| en.fields.get(*slot as usize)) {
                Some(f) if f.ty == e.ty => {}
                Some(_) => return bad(format!("field {slot} has another type")),
                None => return bad(format!("field {slot} does not exist")),
            },
            Node::Param { index, .. } => match self.parameters.get(*index as usize) {
                Some(p) if p.ty == e.ty => {}
                Some(_) => return bad(format!("parameter {index} has another type")),
                None => return bad(format!("parameter {index} does not exist")),
            },
            Node::Not { arg } | Node::Neg { arg } => self.validate_expr(arg, entity, at)?,
            Node::Binary { lhs, rhs, .. } => {
                self.validate_expr(lhs, entity, at)?;
                self.validate_expr(rhs, entity, at)?;
            }
            Node::In { arg, variants } => {
                self.validate_expr(arg, entity, at)?;
                for v in variants {
                    self.validate_value(&Value::Variant(*v), &arg.ty, at)?;
                }
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                self.validate_expr(cond, entity, at)?;
                self.validate_expr(then, entity, at)?;
                self.validate_expr(otherwise, entity, at)?;
            }
            Node::Match { scrutinee, arms } => {
                self.validate_expr(scrutinee, entity, at)?;
                let n = match &scrutinee.ty {
                    Type::Enum { id, .. } => self
                        .enums
                        .get(*id as usize)
                        .map_or(0, |en| en.variants.len()),
                    _ => return bad("a match on a value that is not an enumeration".into()),
                };
                if arms.len() != n
                    || arms
                        .iter()
                        .enumerate()
                        .any(|(i, a)| a.variant as usize != i)
                {
                    return bad("a match whose arms are not one per variant in order".into());
                }
                for a in arms {
                    self.validate_expr(&a.value, entity, at)?;
                }
            }
            Node::Call { args, .. } => {
                if args.is_empty() {
                    return bad("a call without arguments".into());
                }
                for a in args {
                    self.validate_expr(a, entity, at)?;
                }
            }
        }
        Ok(())
    }
}

/// Prints a number with its unit: `1000 元`, `5.5%`, `6 个月`, `100 元/人/天`.
pub fn number_text(n: rust_decimal::Decimal, ty: &Type) -> String {
    let Type::Number { kind, unit } = ty else {
        return n.normalize().to_string();
    };
    if *kind == NumKind::Percent {
        let pct = n
            .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
            .unwrap_or(n);
        return format!("{}%", pct.normalize());
    }
    let num = n.normalize().to_string();
    if unit.is_none() {
        return num;
    }
    let mut s = num;
    s.push(' ');
    let mut first = true;
    let mut den = String::new();
    for u in [Unit::Yuan, Unit::Person, Unit::Day, Unit::Month, Unit::Year] {
        let e = unit.exp(u);
        for _ in 0..e.max(0) {
            if !first {
                s.push('·');
            }
            s.push_str(if unit.single_time_unit().is_some() {
                u.count_symbol()
            } else {
                u.symbol()
            });
            first = false;
        }
        for _ in 0..(-e).max(0) {
            den.push('/');
            den.push_str(u.symbol());
        }
    }
    s.push_str(&den);
    s
}

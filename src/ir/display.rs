//! Printing IR expressions and values back as policy text (for explanations and
//! diffs).

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
            Node::Field { name, .. }
            | Node::Member { name, .. }
            | Node::Param { name, .. }
            | Node::Definition { name, .. } => out.push_str(name),
            Node::Aggregate {
                func,
                name,
                value,
                filter,
                ..
            } => {
                let _ = write!(out, "{}({name}", func.keyword());
                if let Some(v) = value {
                    out.push_str(", ");
                    self.write_expr(out, v, 0);
                }
                if let Some(c) = filter {
                    out.push_str(" where ");
                    self.write_expr(out, c, 0);
                }
                out.push(')');
            }
            Node::ApplicationDate => out.push_str("application_date"),
            Node::InPeriod { arg, from, to } => {
                if 3 < parent_prec {
                    out.push('(');
                }
                self.write_expr(out, arg, 4);
                let _ = write!(out, " in {from} to {to}");
                if 3 < parent_prec {
                    out.push(')');
                }
            }
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

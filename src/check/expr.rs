//! Typing expressions: names to slots and indices, operators to typed nodes,
//! units checked by dimension.

use super::*;
use crate::ir::{Expr, Func, Node};
use crate::syntax::ast::{BinaryOp, ExprKind, UnaryOp};

/// The kind of a sum, difference or choice between two numbers.
fn join_kind(a: NumKind, b: NumKind) -> NumKind {
    match (a, b) {
        (x, y) if x == y => x,
        _ => NumKind::Decimal,
    }
}

/// The kind of a product.
fn mul_kind(a: NumKind, b: NumKind) -> NumKind {
    match (a, b) {
        (NumKind::Percent, NumKind::Percent) => NumKind::Percent,
        (NumKind::Integer, NumKind::Integer) => NumKind::Integer,
        _ => NumKind::Decimal,
    }
}

fn num(kind: NumKind, unit: Dim) -> Type {
    Type::Number { kind, unit }
}

impl Checker<'_> {
    /// Types an expression in the scope of `entity`'s facts. `hint` resolves
    /// bare enumeration variants. Returns `None` after reporting an error.
    pub(super) fn expr(
        &mut self,
        e: &ast::Expr,
        entity: Option<u32>,
        hint: Option<&Type>,
    ) -> Option<Expr> {
        let (ty, node) = match &e.kind {
            ExprKind::Quantity(q) => (
                self.literal_type(q)?,
                Node::Literal {
                    value: ir::Value::Number(q.value),
                },
            ),
            ExprKind::Date(d) => (
                Type::Date,
                Node::Literal {
                    value: ir::Value::Date(*d),
                },
            ),
            ExprKind::Bool(b) => (
                Type::Bool,
                Node::Literal {
                    value: ir::Value::Bool(*b),
                },
            ),
            ExprKind::Paren(inner) => return self.expr(inner, entity, hint),
            ExprKind::ApplicationDate => (Type::Date, Node::ApplicationDate),
            ExprKind::InPeriod(a, from, to) => return self.in_period(a, from, to, entity),
            ExprKind::Name(n) => return self.name(n, entity, hint),
            ExprKind::Qualified(en, v) => {
                let Some(&id) = self.index.enums.get(en.name.as_str()) else {
                    let help =
                        self.suggest(&en.name, || self.enums.iter().map(|x| x.name.as_str()));
                    self.err(
                        en.span,
                        CheckError::UnknownItem {
                            what: "enumeration",
                            name: en.name.clone(),
                            span: en.span,
                            help,
                        },
                    );
                    return None;
                };
                let ty = Type::Enum {
                    id: id as u32,
                    name: en.name.clone(),
                };
                let value = self.value(&ast::Value::Variant(v.clone()), &ty)?;
                (ty, Node::Literal { value })
            }
            ExprKind::Unary(UnaryOp::Not, a) => {
                let a = self.expr(a, entity, None)?;
                if a.ty != Type::Bool {
                    self.type_mismatch(
                        e.span,
                        "bool",
                        a.ty.to_string(),
                        Some("`not` negates a condition".into()),
                    );
                    return None;
                }
                (Type::Bool, Node::Not { arg: Box::new(a) })
            }
            ExprKind::Unary(UnaryOp::Neg, a) => {
                let a = self.expr(a, entity, hint)?;
                if !matches!(a.ty, Type::Number { .. }) {
                    self.type_mismatch(e.span, "a number", a.ty.to_string(), None);
                    return None;
                }
                (a.ty.clone(), Node::Neg { arg: Box::new(a) })
            }
            ExprKind::Binary(op, l, r) => return self.binary(e, *op, l, r, entity, hint),
            ExprKind::In(a, set) => {
                let a = self.expr(a, entity, None)?;
                let Type::Enum { id, name } = &a.ty else {
                    self.type_mismatch(
                        a_span(e),
                        "a value of an enumeration",
                        a.ty.to_string(),
                        Some("`in { … }` tests enumeration values".into()),
                    );
                    return None;
                };
                let en_ty = Type::Enum {
                    id: *id,
                    name: name.clone(),
                };
                let mut variants = Vec::new();
                let mut seen = std::collections::HashSet::with_capacity(set.len());
                for v in set {
                    if let Some(ir::Value::Variant(i)) =
                        self.value(&ast::Value::Variant(v.clone()), &en_ty)
                    {
                        if !seen.insert(i) {
                            self.err(
                                v.span,
                                CheckError::Duplicate {
                                    what: "variant in this set",
                                    name: v.name.clone(),
                                    span: v.span,
                                    help: None,
                                },
                            );
                        }
                        variants.push(i);
                    } else {
                        return None;
                    }
                }
                (
                    Type::Bool,
                    Node::In {
                        arg: Box::new(a),
                        variants,
                    },
                )
            }
            ExprKind::Aggregate(f, args, filter) => {
                return self.aggregate(e, f, args, filter.as_deref(), entity)
            }
            ExprKind::Call(f, args) => {
                if let Some(agg) = self.list_call(e, f, args, entity) {
                    return agg;
                }
                let func = match f.name.as_str() {
                    "min" => Func::Min,
                    "max" => Func::Max,
                    other => {
                        let help = did_you_mean(other, ["min", "max"])
                            .or(Some("the functions are `min` and `max`".into()));
                        self.err(
                            f.span,
                            CheckError::UnknownItem {
                                what: "function",
                                name: other.to_string(),
                                span: f.span,
                                help,
                            },
                        );
                        return None;
                    }
                };
                if args.len() < 2 {
                    self.problem(
                        Problem::TOO_FEW_ARGUMENTS,
                        e.span,
                        format!("`{}` takes at least two values", f.name),
                        "here",
                        None,
                    );
                    return None;
                }
                let mut typed = Vec::new();
                for a in args {
                    typed.push(self.expr(a, entity, hint)?);
                }
                let mut ty = typed.first().map(|x| x.ty.clone())?;
                for (a, ast_a) in typed.iter().zip(args).skip(1) {
                    ty = self.unify(&ty, &a.ty, ast_a.span, "compare", "vs")?;
                }
                if !matches!(ty, Type::Number { .. } | Type::Date) {
                    self.type_mismatch(e.span, "numbers or dates", ty.to_string(), None);
                    return None;
                }
                (ty, Node::Call { func, args: typed })
            }
            ExprKind::If(c, t, o) => {
                let c2 = self.expr(c, entity, None)?;
                if c2.ty != Type::Bool {
                    self.err(
                        c.span,
                        CheckError::ConditionNotBool {
                            found: c2.ty.to_string(),
                            span: c.span,
                        },
                    );
                    return None;
                }
                let t2 = self.expr(t, entity, hint)?;
                let o2 = self.expr(o, entity, Some(&t2.ty))?;
                let ty = self.unify(&t2.ty, &o2.ty, o.span, "choose between", "or")?;
                (
                    ty,
                    Node::If {
                        cond: Box::new(c2),
                        then: Box::new(t2),
                        otherwise: Box::new(o2),
                    },
                )
            }
            ExprKind::Match(s, arms, _) => {
                let s2 = self.expr(s, entity, None)?;
                let Type::Enum { id, name } = s2.ty.clone() else {
                    self.type_mismatch(s.span, "a value of an enumeration", s2.ty.to_string(), Some("`match` and `by` choose by an enumeration value, e.g. a `choice` parameter".into()));
                    return None;
                };
                let variants = self
                    .enums
                    .get(id as usize)
                    .map(|x| x.variants.clone())
                    .unwrap_or_default();
                let en_ty = Type::Enum {
                    id,
                    name: name.clone(),
                };
                let mut slots: Vec<Option<Expr>> = vec![None; variants.len()];
                let mut ty: Option<Type> = None;
                let mut ok = true;
                for arm in arms {
                    let Some(ir::Value::Variant(vi)) =
                        self.value(&ast::Value::Variant(arm.variant.clone()), &en_ty)
                    else {
                        ok = false;
                        continue;
                    };
                    let Some(v) = self.expr(&arm.value, entity, ty.as_ref().or(hint)) else {
                        ok = false;
                        continue;
                    };
                    ty = match &ty {
                        None => Some(v.ty.clone()),
                        Some(t) => {
                            match self.unify(t, &v.ty, arm.value.span, "choose between", "or") {
                                Some(t) => Some(t),
                                None => {
                                    ok = false;
                                    continue;
                                }
                            }
                        }
                    };
                    match slots.get_mut(vi as usize) {
                        Some(slot @ None) => *slot = Some(v),
                        _ => {
                            self.err(
                                arm.variant.span,
                                CheckError::Duplicate {
                                    what: "match arm",
                                    name: arm.variant.name.clone(),
                                    span: arm.variant.span,
                                    help: None,
                                },
                            );
                            ok = false;
                        }
                    }
                }
                if !ok {
                    return None;
                }
                let missing: Vec<&str> = variants
                    .iter()
                    .zip(&slots)
                    .filter(|(_, s)| s.is_none())
                    .map(|(v, _)| v.as_str())
                    .collect();
                if !missing.is_empty() {
                    self.problem(
                        Problem::NON_EXHAUSTIVE_MATCH,
                        e.span,
                        format!("this choice does not cover every variant of `{name}`"),
                        format!(
                            "no arm for {}",
                            missing
                                .iter()
                                .map(|m| format!("`{m}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        Some(format!(
                            "add `{} => …`",
                            missing.first().copied().unwrap_or_default()
                        )),
                    );
                    return None;
                }
                let arms: Vec<ir::Arm> = slots
                    .into_iter()
                    .zip(&variants)
                    .enumerate()
                    .filter_map(|(i, (s, n))| {
                        s.map(|value| ir::Arm {
                            variant: i as u32,
                            name: n.clone(),
                            value,
                        })
                    })
                    .collect();
                (
                    ty?,
                    Node::Match {
                        scrutinee: Box::new(s2),
                        arms,
                    },
                )
            }
        };
        Some(Expr { ty, node })
    }

    fn name(&mut self, n: &ast::Ident, entity: Option<u32>, hint: Option<&Type>) -> Option<Expr> {
        // a member's field inside an aggregate, or a list where a value is expected
        if let Some(m) = self.member_name(n, entity) {
            return m;
        }
        // 0. a definition of the measure (`let`), which no fact or parameter shadows
        if let Some(d) = self.definition(n) {
            return d;
        }
        // 1. a fact of the addressee
        if let Some(ei) = entity {
            if let Some((slot, f)) = self.index.field(ei as usize, &n.name).and_then(|slot| {
                let f = self.entities.get(ei as usize)?.fields.get(slot)?;
                Some((slot, f))
            }) {
                return Some(Expr {
                    ty: f.ty.clone(),
                    node: Node::Field {
                        slot: slot as u32,
                        name: n.name.clone(),
                    },
                });
            }
        }
        // 2. a parameter
        if let Some((index, p)) = self
            .index
            .params
            .get(n.name.as_str())
            .and_then(|&i| Some((i, self.params.get(i)?)))
        {
            let ty = p.ty.clone()?;
            return Some(Expr {
                ty,
                node: Node::Param {
                    index: index as u32,
                    name: n.name.clone(),
                },
            });
        }
        // 3. an enumeration variant: the hinted enumeration first, then a unique one
        if let Some(Type::Enum { id, name }) = hint {
            if let Some(vi) = self.index.variant(*id as usize, &n.name) {
                return Some(Expr {
                    ty: Type::Enum {
                        id: *id,
                        name: name.clone(),
                    },
                    node: Node::Literal {
                        value: ir::Value::Variant(vi),
                    },
                });
            }
        }
        let owners: Vec<(usize, u32)> = self
            .index
            .owners
            .get(n.name.as_str())
            .cloned()
            .unwrap_or_default();
        match owners.as_slice() {
            [(ei, vi)] => {
                let name = self
                    .enums
                    .get(*ei)
                    .map(|e| e.name.clone())
                    .unwrap_or_default();
                Some(Expr {
                    ty: Type::Enum {
                        id: *ei as u32,
                        name,
                    },
                    node: Node::Literal {
                        value: ir::Value::Variant(*vi),
                    },
                })
            }
            [] => {
                let help = self.suggest(&n.name, || {
                    entity
                        .and_then(|i| self.entities.get(i as usize))
                        .into_iter()
                        .flat_map(|ent| ent.fields.iter().map(|f| f.name.as_str()))
                        .chain(self.params.iter().map(|p| p.ast.name.name.as_str()))
                        .chain(
                            self.enums
                                .iter()
                                .flat_map(|e| e.variants.iter().map(String::as_str)),
                        )
                });
                let scope = match entity.and_then(|i| self.entities.get(i as usize)) {
                    Some(e) => format!("`{}`", e.name),
                    None => "the addressee (this measure has no `to`)".into(),
                };
                self.err(
                    n.span,
                    CheckError::UnknownName {
                        name: n.name.clone(),
                        span: n.span,
                        scope,
                        help,
                    },
                );
                None
            }
            many => {
                let enums: Vec<String> = many
                    .iter()
                    .filter_map(|(ei, _)| {
                        self.enums
                            .get(*ei)
                            .map(|e| format!("`{}.{}`", e.name, n.name))
                    })
                    .collect();
                self.problem(
                    Problem::AMBIGUOUS_VARIANT,
                    n.span,
                    format!("`{}` is a variant of several enumerations", n.name),
                    "ambiguous",
                    Some(format!("write {}", enums.join(" or "))),
                );
                None
            }
        }
    }

    /// The common type of two values that must be alike (branches, min/max, comparisons).
    fn unify(
        &mut self,
        a: &Type,
        b: &Type,
        span: Span,
        action: &'static str,
        op: &str,
    ) -> Option<Type> {
        match (a, b) {
            (Type::Number { kind: ka, unit: ua }, Type::Number { kind: kb, unit: ub })
                if ua == ub =>
            {
                Some(num(join_kind(*ka, *kb), *ua))
            }
            (x, y) if x == y => Some(x.clone()),
            _ => {
                self.unit_mismatch(span, action, a, b, op);
                None
            }
        }
    }

    fn unit_mismatch(&mut self, span: Span, action: &'static str, a: &Type, b: &Type, op: &str) {
        let help = match (a.dim(), b.dim()) {
            (Some(x), Some(y)) => {
                let ratio = x.per(y);
                let single = |d: Dim| {
                    [Unit::Person, Unit::Day, Unit::Month, Unit::Year]
                        .into_iter()
                        .find(|u| d == Dim::of(*u) || Some(d) == Dim::NONE.per(Dim::of(*u)))
                };
                if x.single_time_unit().is_some() && y.single_time_unit().is_some() {
                    Some("months, years and days do not convert exactly; write both in the same unit, e.g. `12 个月` for a year".into())
                } else if let Some(u) = ratio.and_then(single) {
                    Some(format!("the two sides differ by a unit of {}: multiply the rate by a count of {} first", u.symbol(), u.count_symbol()))
                } else if x.is_none() != y.is_none() {
                    Some("write the number with its unit, e.g. `1000 元`".into())
                } else {
                    None
                }
            }
            _ if matches!(a, Type::Date) || matches!(b, Type::Date) => Some(
                "a date compares only with another date, and moves by a count of 天, 个月 or 年"
                    .into(),
            ),
            _ => Some(format!(
                "a value of type {a} compares only with another {a}"
            )),
        };
        self.err(
            span,
            CheckError::UnitMismatch {
                action,
                left: a.to_string(),
                right: b.to_string(),
                span,
                op: op.to_string(),
                help,
            },
        );
    }

    fn binary(
        &mut self,
        e: &ast::Expr,
        op: BinaryOp,
        l: &ast::Expr,
        r: &ast::Expr,
        entity: Option<u32>,
        hint: Option<&Type>,
    ) -> Option<Expr> {
        let lhint = match op {
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::And
            | BinaryOp::Or => None,
            _ => hint,
        };
        let lt = self.expr(l, entity, lhint);
        let rhint = lt.as_ref().map(|x| x.ty.clone());
        let rt = self.expr(r, entity, rhint.as_ref());
        let (lt, rt) = (lt?, rt?);
        let ty = match op {
            BinaryOp::And | BinaryOp::Or => {
                for (x, span) in [(&lt, l.span), (&rt, r.span)] {
                    if x.ty != Type::Bool {
                        self.err(
                            span,
                            CheckError::ConditionNotBool {
                                found: x.ty.to_string(),
                                span,
                            },
                        );
                        return None;
                    }
                }
                Type::Bool
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                self.unify(&lt.ty, &rt.ty, e.span, "compare", op.symbol())?;
                Type::Bool
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let t = self.unify(&lt.ty, &rt.ty, e.span, "compare", op.symbol())?;
                if !matches!(t, Type::Number { .. } | Type::Date) {
                    self.type_mismatch(
                        e.span,
                        "numbers or dates",
                        t.to_string(),
                        Some("only numbers and dates are ordered".into()),
                    );
                    return None;
                }
                Type::Bool
            }
            BinaryOp::Add | BinaryOp::Sub => match (&lt.ty, &rt.ty) {
                (Type::Number { kind: ka, unit: ua }, Type::Number { kind: kb, unit: ub }) => {
                    if ua != ub {
                        self.unit_mismatch(
                            e.span,
                            if op == BinaryOp::Add {
                                "add"
                            } else {
                                "subtract"
                            },
                            &lt.ty,
                            &rt.ty,
                            op.symbol(),
                        );
                        return None;
                    }
                    num(join_kind(*ka, *kb), *ua)
                }
                (
                    Type::Date,
                    Type::Number {
                        kind: NumKind::Integer,
                        unit,
                    },
                ) if unit.single_time_unit().is_some() => Type::Date,
                (
                    Type::Number {
                        kind: NumKind::Integer,
                        unit,
                    },
                    Type::Date,
                ) if op == BinaryOp::Add && unit.single_time_unit().is_some() => Type::Date,
                (Type::Date, Type::Date) if op == BinaryOp::Sub => {
                    num(NumKind::Integer, Dim::of(Unit::Day))
                }
                (a, b) => {
                    let help = if matches!(a, Type::Date) || matches!(b, Type::Date) {
                        Some("a date moves by a whole number of 天, 个月 or 年, e.g. `发放日 + 6 个月`".into())
                    } else {
                        None
                    };
                    self.err(
                        e.span,
                        CheckError::UnitMismatch {
                            action: if op == BinaryOp::Add {
                                "add"
                            } else {
                                "subtract"
                            },
                            left: a.to_string(),
                            right: b.to_string(),
                            span: e.span,
                            op: op.symbol().to_string(),
                            help,
                        },
                    );
                    return None;
                }
            },
            BinaryOp::Mul | BinaryOp::Div => match (&lt.ty, &rt.ty) {
                (Type::Number { kind: ka, unit: ua }, Type::Number { kind: kb, unit: ub }) => {
                    let (unit, kind) = if op == BinaryOp::Mul {
                        (ua.times(*ub), mul_kind(*ka, *kb))
                    } else {
                        (ua.per(*ub), NumKind::Decimal)
                    };
                    let Some(unit) = unit else {
                        self.problem(
                            Problem::UNIT_TOO_COMPLEX,
                            e.span,
                            "the unit of this product is too complex",
                            "here",
                            None,
                        );
                        return None;
                    };
                    num(kind, unit)
                }
                (a, b) => {
                    let bad = if matches!(a, Type::Number { .. }) {
                        b
                    } else {
                        a
                    };
                    self.type_mismatch(
                        e.span,
                        "numbers",
                        bad.to_string(),
                        Some(format!("`{}` works on numbers only", op.symbol())),
                    );
                    return None;
                }
            },
        };
        Some(Expr {
            ty,
            node: Node::Binary {
                op: ir_op(op),
                lhs: Box::new(lt),
                rhs: Box::new(rt),
            },
        })
    }
}

/// The IR's operator for the parser's: the IR has its own enum
/// ([`crate::ir::BinOp`]), so that it does not depend on the syntax tree.
fn ir_op(op: BinaryOp) -> crate::ir::BinOp {
    use crate::ir::BinOp as I;
    match op {
        BinaryOp::Or => I::Or,
        BinaryOp::And => I::And,
        BinaryOp::Eq => I::Eq,
        BinaryOp::Ne => I::Ne,
        BinaryOp::Lt => I::Lt,
        BinaryOp::Le => I::Le,
        BinaryOp::Gt => I::Gt,
        BinaryOp::Ge => I::Ge,
        BinaryOp::Add => I::Add,
        BinaryOp::Sub => I::Sub,
        BinaryOp::Mul => I::Mul,
        BinaryOp::Div => I::Div,
    }
}

fn a_span(e: &ast::Expr) -> Span {
    match &e.kind {
        ExprKind::In(a, _) => a.span,
        _ => e.span,
    }
}

//! Evaluating expressions: exact arithmetic, calendar arithmetic and Kleene logic.
//!
//! Month arithmetic follows the calendar and clamps to the month's last day:
//! 2020-01-31 + 1 个月 = 2020-02-29; 2020-03-31 − 1 个月 = 2020-02-29. A year is
//! 12 months, so 2020-02-29 + 1 年 = 2021-02-28.

use chrono::{Days, Months, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::arith::{self, ArithError};
use super::slots::Slots;
use super::{param_lookup, Ctx, Ev, EvalError};
use crate::ir::{BinOp, Expr, Func, Node, RuleDef, Type, Unit, Value};

/// What can go wrong inside an expression, before the rule is known.
#[derive(Debug)]
pub(crate) enum OpError {
    Overflow,
    DivisionByZero,
    DateOutOfRange,
    /// `min`/`max` of no member: the aggregate, e.g. `min(新招用人员)`.
    EmptyAggregate(String),
    /// Boxed: an error is rare, and a small `Result` is cheap to return.
    Eval(Box<EvalError>),
}

impl OpError {
    /// Names the rule the expression belongs to.
    pub(crate) fn for_rule(self, rule: &RuleDef) -> EvalError {
        let (r, s) = (rule.name.clone(), rule.source.clone());
        match self {
            OpError::Overflow => EvalError::Overflow {
                rule: r,
                source_ref: s,
            },
            OpError::DivisionByZero => EvalError::DivisionByZero {
                rule: r,
                source_ref: s,
            },
            OpError::DateOutOfRange => EvalError::DateOutOfRange {
                rule: r,
                source_ref: s,
            },
            OpError::EmptyAggregate(aggregate) => EvalError::EmptyAggregate {
                rule: r,
                source_ref: s,
                aggregate,
            },
            OpError::Eval(e) => *e,
        }
    }
}

impl From<EvalError> for OpError {
    fn from(e: EvalError) -> Self {
        OpError::Eval(Box::new(e))
    }
}

fn inconsistent(what: &str) -> OpError {
    OpError::Eval(Box::new(EvalError::Inconsistent {
        what: what.to_string(),
    }))
}

fn union(a: Slots, b: Slots) -> Ev {
    let mut a = a;
    a.extend(b);
    Ev::Unknown(a)
}

/// Evaluates an expression.
pub(crate) fn eval(ctx: &Ctx<'_>, e: &Expr) -> Result<Ev, OpError> {
    Ok(match &e.node {
        Node::Literal { value } => Ev::Known(value.clone()),
        Node::Field { slot, .. } => match ctx.facts.values.get(*slot as usize) {
            Some(Some(v)) => Ev::Known(v.clone()),
            Some(None) => Ev::Unknown(Slots::one(*slot)),
            None => return Err(inconsistent("a field slot beyond the entity's fields")),
        },
        Node::Param { index, .. } => Ev::Known(param_lookup(ctx, *index)?.0.clone()),
        Node::ApplicationDate => Ev::Known(Value::Date(ctx.date)),
        Node::Definition { value, .. } => eval(ctx, value)?,
        Node::Member { slot, .. } => match ctx.facts.values.get(*slot as usize) {
            Some(Some(v)) => Ev::Known(v.clone()),
            Some(None) => Ev::Unknown(Slots::one(*slot)),
            None => return Err(inconsistent("a member's slot beyond the record's fields")),
        },
        Node::Aggregate {
            func,
            list,
            name,
            value,
            filter,
        } => {
            super::members::aggregate(ctx, *func, *list, name, value.as_deref(), filter.as_deref())?
        }
        Node::InPeriod { arg, from, to } => match eval(ctx, arg)? {
            Ev::Known(Value::Date(d)) => Ev::Known(Value::Bool(*from <= d && d <= *to)),
            Ev::Known(_) => return Err(inconsistent("`in … to …` of a value that is not a date")),
            u => u,
        },
        Node::Not { arg } => match eval(ctx, arg)? {
            Ev::Known(Value::Bool(b)) => Ev::Known(Value::Bool(!b)),
            Ev::Known(_) => return Err(inconsistent("`not` of a value that is not a condition")),
            u => u,
        },
        Node::Neg { arg } => match eval(ctx, arg)? {
            Ev::Known(Value::Number(n)) => Ev::Known(Value::Number(arith::neg(n))),
            Ev::Known(_) => return Err(inconsistent("`-` of a value that is not a number")),
            u => u,
        },
        Node::Binary {
            op: BinOp::And,
            lhs,
            rhs,
        } => logic(ctx, lhs, rhs, false)?,
        Node::Binary {
            op: BinOp::Or,
            lhs,
            rhs,
        } => logic(ctx, lhs, rhs, true)?,
        Node::Binary { op, lhs, rhs } => {
            let (a, b) = (eval(ctx, lhs)?, eval(ctx, rhs)?);
            match (a, b) {
                (Ev::Known(a), Ev::Known(b)) => {
                    let v = binary(*op, &a, &b, &lhs.ty, &rhs.ty)?;
                    // a comparison of a value that is only a bound
                    if let (true, Value::Bool(t)) = (ctx.scenario.has_bounds(), &v) {
                        super::bounded_cond::decided(ctx, *op, (lhs, rhs), (&a, &b), *t)?;
                    }
                    Ev::Known(v)
                }
                (Ev::Unknown(x), Ev::Unknown(y)) => union(x, y),
                (Ev::Unknown(x), _) | (_, Ev::Unknown(x)) => Ev::Unknown(x),
            }
        }
        Node::In { arg, variants } => match eval(ctx, arg)? {
            Ev::Known(Value::Variant(v)) => Ev::Known(Value::Bool(variants.contains(&v))),
            Ev::Known(_) => return Err(inconsistent("`in` on a value that is not an enumeration")),
            u => u,
        },
        Node::If {
            cond,
            then,
            otherwise,
        } => match eval(ctx, cond)? {
            Ev::Known(Value::Bool(true)) => eval(ctx, then)?,
            Ev::Known(Value::Bool(false)) => eval(ctx, otherwise)?,
            Ev::Known(_) => return Err(inconsistent("`if` on a value that is not a condition")),
            Ev::Unknown(s) => {
                // if both branches agree, the condition does not matter
                match (eval(ctx, then)?, eval(ctx, otherwise)?) {
                    (Ev::Known(a), Ev::Known(b)) if a == b => Ev::Known(a),
                    _ => Ev::Unknown(s),
                }
            }
        },
        Node::Match { scrutinee, arms } => match eval(ctx, scrutinee)? {
            Ev::Known(Value::Variant(v)) => match arms.get(v as usize) {
                Some(arm) => eval(ctx, &arm.value)?,
                None => return Err(inconsistent("a match without an arm for a variant")),
            },
            Ev::Known(_) => {
                return Err(inconsistent(
                    "`match` on a value that is not an enumeration",
                ))
            }
            u => u,
        },
        Node::Call { func, args } => {
            let mut best: Option<Value> = None;
            let mut missing = Slots::default();
            for a in args {
                match eval(ctx, a)? {
                    Ev::Known(v) => {
                        best = Some(match best {
                            None => v,
                            Some(b) => {
                                let keep_b = match (&b, &v) {
                                    (Value::Number(x), Value::Number(y)) => {
                                        (*func == Func::Min) == (x <= y)
                                    }
                                    (Value::Date(x), Value::Date(y)) => {
                                        (*func == Func::Min) == (x <= y)
                                    }
                                    _ => {
                                        return Err(inconsistent(
                                            "`min`/`max` of values that are not ordered",
                                        ))
                                    }
                                };
                                if keep_b {
                                    b
                                } else {
                                    v
                                }
                            }
                        });
                    }
                    Ev::Unknown(s) => missing.extend(s),
                }
            }
            if missing.is_empty() {
                match best {
                    Some(b) => Ev::Known(b),
                    None => return Err(inconsistent("`min`/`max` without arguments")),
                }
            } else {
                Ev::Unknown(missing)
            }
        }
    })
}

/// `and` / `or` with Kleene's rules: a decisive side decides, whatever the other.
fn logic(ctx: &Ctx<'_>, lhs: &Expr, rhs: &Expr, is_or: bool) -> Result<Ev, OpError> {
    let a = match eval(ctx, lhs) {
        Ok(a) => a,
        // a delegated value not set (undetermined) does not matter when the
        // other side decides: `unset and false` is false
        Err(OpError::Eval(e)) if matches!(*e, EvalError::NeedsLocality { .. }) => {
            return match eval(ctx, rhs) {
                Ok(b @ Ev::Known(Value::Bool(v))) if v == is_or => Ok(b),
                _ => Err(OpError::Eval(e)),
            };
        }
        Err(e) => return Err(e),
    };
    if matches!(a, Ev::Known(Value::Bool(b)) if b == is_or) {
        return Ok(a);
    }
    let b = eval(ctx, rhs)?;
    if matches!(b, Ev::Known(Value::Bool(v)) if v == is_or) {
        return Ok(b);
    }
    Ok(match (a, b) {
        (Ev::Known(Value::Bool(_)), Ev::Known(Value::Bool(_))) => Ev::Known(Value::Bool(!is_or)),
        (Ev::Unknown(x), Ev::Unknown(y)) => union(x, y),
        (Ev::Unknown(x), Ev::Known(Value::Bool(_)))
        | (Ev::Known(Value::Bool(_)), Ev::Unknown(x)) => Ev::Unknown(x),
        _ => return Err(inconsistent("`and`/`or` of values that are not conditions")),
    })
}

/// The error of an operation on numbers, as an expression error.
fn arith(r: Result<Decimal, ArithError>) -> Result<Value, OpError> {
    match r {
        Ok(x) => Ok(Value::Number(x)),
        Err(ArithError::Overflow) => Err(OpError::Overflow),
        Err(ArithError::DivisionByZero) => Err(OpError::DivisionByZero),
    }
}

/// A binary operation on known values.
pub(crate) fn binary(
    op: BinOp,
    a: &Value,
    b: &Value,
    aty: &Type,
    bty: &Type,
) -> Result<Value, OpError> {
    use BinOp::*;
    Ok(match (op, a, b) {
        (Eq, x, y) => Value::Bool(x == y),
        (Ne, x, y) => Value::Bool(x != y),
        (Lt | Le | Gt | Ge, Value::Number(x), Value::Number(y)) => Value::Bool(order(op, x.cmp(y))),
        (Lt | Le | Gt | Ge, Value::Date(x), Value::Date(y)) => Value::Bool(order(op, x.cmp(y))),
        // the one rule of arithmetic, shared with the columnar engine
        (Add, Value::Number(x), Value::Number(y)) => arith(arith::add(*x, *y))?,
        (Sub, Value::Number(x), Value::Number(y)) => arith(arith::sub(*x, *y))?,
        (Mul, Value::Number(x), Value::Number(y)) => arith(arith::mul(*x, *y))?,
        (Div, Value::Number(x), Value::Number(y)) => arith(arith::div(*x, *y))?,
        (Add, Value::Date(d), Value::Number(n)) => Value::Date(shift(*d, *n, bty)?),
        (Add, Value::Number(n), Value::Date(d)) => Value::Date(shift(*d, *n, aty)?),
        (Sub, Value::Date(d), Value::Number(n)) => Value::Date(shift(*d, -*n, bty)?),
        (Sub, Value::Date(x), Value::Date(y)) => Value::Number(Decimal::from((*x - *y).num_days())),
        _ => return Err(inconsistent("an operation on values of the wrong kinds")),
    })
}

fn order(op: BinOp, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        BinOp::Lt => o == Less,
        BinOp::Le => o != Greater,
        BinOp::Gt => o == Greater,
        _ => o != Less,
    }
}

/// Moves a date by `n` days, months or years (the unit is in the type).
pub(crate) fn shift(d: NaiveDate, n: Decimal, ty: &Type) -> Result<NaiveDate, OpError> {
    let unit = ty
        .dim()
        .and_then(|x| x.single_time_unit())
        .ok_or_else(|| inconsistent("a date moved by a number that is not a duration"))?;
    if !n.fract().is_zero() {
        return Err(inconsistent("a date moved by a fraction of a unit"));
    }
    let k = n.to_i64().ok_or(OpError::DateOutOfRange)?;
    let mag = u32::try_from(k.unsigned_abs()).map_err(|_| OpError::DateOutOfRange)?;
    let r = match unit {
        Unit::Day => {
            if k >= 0 {
                d.checked_add_days(Days::new(u64::from(mag)))
            } else {
                d.checked_sub_days(Days::new(u64::from(mag)))
            }
        }
        Unit::Month | Unit::Year => {
            let months = if unit == Unit::Year {
                mag.checked_mul(12).ok_or(OpError::DateOutOfRange)?
            } else {
                mag
            };
            if k >= 0 {
                d.checked_add_months(Months::new(months))
            } else {
                d.checked_sub_months(Months::new(months))
            }
        }
        _ => None,
    };
    r.ok_or(OpError::DateOutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Dim, NumKind};

    fn months() -> Type {
        Type::Number {
            kind: NumKind::Integer,
            unit: Dim::of(Unit::Month),
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn month_ends_clamp() {
        assert_eq!(
            shift(date(2020, 1, 31), Decimal::ONE, &months()).ok(),
            Some(date(2020, 2, 29))
        );
        assert_eq!(
            shift(date(2020, 3, 31), -Decimal::ONE, &months()).ok(),
            Some(date(2020, 2, 29))
        );
        let years = Type::Number {
            kind: NumKind::Integer,
            unit: Dim::of(Unit::Year),
        };
        assert_eq!(
            shift(date(2020, 2, 29), Decimal::ONE, &years).ok(),
            Some(date(2021, 2, 28))
        );
    }

    #[test]
    fn overflow_is_an_error() {
        let r = binary(
            BinOp::Mul,
            &Value::Number(Decimal::MAX),
            &Value::Number(Decimal::TWO),
            &months(),
            &months(),
        );
        assert!(matches!(r, Err(OpError::Overflow)));
        let r = binary(
            BinOp::Div,
            &Value::Number(Decimal::ONE),
            &Value::Number(Decimal::ZERO),
            &months(),
            &months(),
        );
        assert!(matches!(r, Err(OpError::DivisionByZero)));
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn op(o: BinOp, a: &str, b: &str) -> Result<Value, OpError> {
        binary(
            o,
            &Value::Number(d(a)),
            &Value::Number(d(b)),
            &months(),
            &months(),
        )
    }

    #[test]
    fn rounding_that_could_change_an_amount_is_an_overflow() {
        // 28 digits do not hold the exact product: rounding at 10^-7 is refused
        assert!(matches!(
            op(BinOp::Mul, "999999999999999.99", "99999999999.99999"),
            Err(OpError::Overflow)
        ));
        // rounding at the 25th decimal is harmless
        assert!(op(BinOp::Mul, "0.1234567890123456789012345678", "48000").is_ok());
        // a quotient that cannot be exact is rounded far below the fen …
        assert!(op(BinOp::Div, "100", "3").is_ok());
        // … unless it is huge
        assert!(matches!(
            op(BinOp::Div, "100000000000000000000", "3"),
            Err(OpError::Overflow)
        ));
        assert_eq!(
            op(BinOp::Div, "48000", "2").ok(),
            Some(Value::Number(d("24000")))
        );
        assert!(matches!(
            op(BinOp::Add, "79228162514264337593543950335", "0.5"),
            Err(OpError::Overflow)
        ));
    }
}

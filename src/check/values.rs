//! Values that are not money (issue 14, point 2): a rule's `until E` (a
//! date) or `for E` (a duration), its `floor` and `cap` of the same type, the
//! kind it gives (`deferral`, `extension`, `term`), the measure kinds that
//! can give one, one kind and form per measure, and `expect eligible until …`
//! in examples. Each problem has its own code (`docs/language.md`).

use super::*;
use crate::ir::{Given, RuleValue, ValueForm, ValueKind};

/// A rule's clauses about its date or duration, gathered by
/// [`Checker::rules`] and checked together by [`Checker::rule_value`].
#[derive(Default)]
pub(super) struct ValueClauses<'a> {
    /// `until E` / `for E`, in source order.
    pub clauses: Vec<(ValueForm, &'a ast::Expr)>,
    /// `gives deferral` (a value kind named by `gives`).
    pub kind: Option<(ValueKind, Span)>,
    /// `floor E`, `cap E` when the rule gives a value.
    pub floor: Option<&'a ast::Expr>,
    pub cap: Option<&'a ast::Expr>,
}

/// What the check of a rule's value gives the IR: the value, its floor, its cap.
pub(super) type Checked = (RuleValue, Option<ir::Expr>, Option<ir::Expr>);

impl ValueClauses<'_> {
    /// Whether the rule has `until` or `for`.
    pub(super) fn any(&self) -> bool {
        !self.clauses.is_empty()
    }
}

/// The value kinds as words for help lines.
fn kinds() -> String {
    let v: Vec<&str> = ValueKind::ALL.iter().map(|(_, n)| *n).collect();
    v.join(", ")
}

/// The type a value of `form` has, in words.
fn form_type(form: ValueForm) -> &'static str {
    match form {
        ValueForm::Until => "a date",
        ValueForm::For => "a duration (天, 月 or 年)",
    }
}

/// Whether `ty` is what `form` gives.
fn fits(form: ValueForm, ty: &Type) -> bool {
    match form {
        ValueForm::Until => *ty == Type::Date,
        ValueForm::For => ty.dim().and_then(|d| d.single_time_unit()).is_some(),
    }
}

/// A literal date or duration, for comparing a floor with a cap.
fn literal(e: &ir::Expr) -> Option<Given> {
    match (&e.node, &e.ty) {
        (
            ir::Node::Literal {
                value: ir::Value::Date(d),
            },
            _,
        ) => Some(Given::Until(*d)),
        (
            ir::Node::Literal {
                value: ir::Value::Number(n),
            },
            ty,
        ) => {
            let unit = ty.dim()?.single_time_unit()?;
            Some(Given::For(ir::Duration { count: *n, unit }))
        }
        _ => None,
    }
}

impl Checker<'_> {
    /// Checks a rule's `until`/`for`, its kind and its floor and cap.
    /// `money_gives` is the rule's `gives` when it names a kind of money,
    /// `amount` the span of its `amount`. `None`: an error was reported.
    pub(super) fn rule_value(
        &mut self,
        rule: &ast::Rule,
        v: &ValueClauses<'_>,
        addressee: Option<u32>,
        measure_kind: Option<MeasureKind>,
        money_gives: Option<(ir::Gives, Span)>,
        amount: Option<Span>,
    ) -> Option<Checked> {
        let (form, e) = *v.clauses.first()?;
        let mut ok = true;
        if let Some(span) = amount {
            self.problem(
                Problem::VALUE_AND_AMOUNT,
                span,
                format!(
                    "rule `{}` gives both an amount and a {}",
                    rule.name.name,
                    if form == ValueForm::Until {
                        "date"
                    } else {
                        "duration"
                    }
                ),
                "an amount here",
                Some("a rule gives money or a date or a duration: write two rules".into()),
            );
            ok = false;
        }
        if let Some((second, e2)) = v.clauses.get(1) {
            self.problem(
                Problem::VALUE_AND_AMOUNT,
                e2.span,
                format!(
                    "rule `{}` gives more than one date or duration",
                    rule.name.name
                ),
                format!("a second value (`{}`)", second.keyword()),
                Some("keep one `until` or `for` per rule".into()),
            );
            ok = false;
        }
        if let Some((g, span)) = money_gives {
            self.problem(
                Problem::VALUE_GIVES_MONEY,
                span,
                format!(
                    "rule `{}` gives a {} but says it gives `{}`",
                    rule.name.name,
                    if form == ValueForm::Until {
                        "date"
                    } else {
                        "duration"
                    },
                    g.keyword()
                ),
                "a kind of money",
                Some(format!(
                    "a date or duration is one of {}; money is given with `amount`",
                    kinds()
                )),
            );
            ok = false;
        }
        let kind = match (v.kind, measure_kind) {
            (Some((k, _)), Some(mk)) if ValueKind::default_for(mk).is_some() => Some(k),
            (None, Some(mk)) => ValueKind::default_for(mk),
            (Some((k, _)), None) => Some(k),
            (_, None) => Some(ValueKind::Deferral),
            (Some(_), Some(_)) => None,
        };
        let Some(kind) = kind else {
            if let Some(mk) = measure_kind {
                self.problem(
                    Problem::VALUE_MEASURE_KIND,
                    e.span,
                    format!(
                        "a `{}` measure cannot give a {}",
                        mk.keyword(),
                        if form == ValueForm::Until {
                            "date"
                        } else {
                            "duration"
                        }
                    ),
                    format!("`{}` in a `{}` measure", form.keyword(), mk.keyword()),
                    Some(
                        "dates and durations are given by `deferral`, `loan_terms` and \
                         `procedural_right` measures"
                            .into(),
                    ),
                );
            }
            return None;
        };
        let x = self.expr(e, addressee, None);
        let x = match x {
            Some(x) if fits(form, &x.ty) => Some(x),
            Some(x) => {
                self.problem(
                    Problem::VALUE_TYPE,
                    e.span,
                    format!(
                        "`{}` takes {}, not {}",
                        form.keyword(),
                        form_type(form),
                        x.ty
                    ),
                    format!("{} here", x.ty),
                    Some(match form {
                        ValueForm::Until => {
                            "`until` gives a date (`until 申请延期至`); a duration is `for 6 个月`"
                                .into()
                        }
                        ValueForm::For => {
                            "`for` gives a number of 天, 月 or 年 (`for 贷款期限`); a date is `until …`"
                                .into()
                        }
                    }),
                );
                None
            }
            None => None,
        };
        let bound = |this: &mut Self, b: Option<&ast::Expr>, kw: &str| -> Option<ir::Expr> {
            let b = b?;
            let y = this.expr(b, addressee, x.as_ref().map(|x| &x.ty))?;
            let expected = x.as_ref().map(|x| x.ty.clone());
            match expected {
                Some(t) if t == y.ty || (form == ValueForm::For && t.dim() == y.ty.dim()) => {
                    Some(y)
                }
                Some(t) => {
                    this.problem(
                        Problem::VALUE_BOUND_TYPE,
                        b.span,
                        format!(
                            "the `{kw}` of `{}` must be {t}, not {}",
                            form.keyword(),
                            y.ty
                        ),
                        format!("{} here", y.ty),
                        Some(format!(
                            "a `{kw}` bounds the rule's `{}`: give it the same type ({t})",
                            form.keyword()
                        )),
                    );
                    None
                }
                None => Some(y),
            }
        };
        let floor = bound(self, v.floor, "floor");
        let cap = bound(self, v.cap, "cap");
        if (v.floor.is_some() && floor.is_none()) || (v.cap.is_some() && cap.is_none()) {
            ok = false;
        }
        if let (Some(f), Some(c), Some(cap_ast)) = (&floor, &cap, v.cap) {
            if let (Some(lf), Some(lc)) = (literal(f), literal(c)) {
                if lf.compare(&lc) == Some(std::cmp::Ordering::Greater) {
                    self.problem(
                        Problem::VALUE_FLOOR_AFTER_CAP,
                        cap_ast.span,
                        format!(
                            "the floor of rule `{}` ({lf}) is after its cap ({lc})",
                            rule.name.name
                        ),
                        "the cap is before the floor",
                        Some("a floor raises the value and a cap lowers it: swap them".into()),
                    );
                    ok = false;
                }
            }
        }
        let x = x?;
        ok.then_some((
            RuleValue {
                form,
                kind,
                expr: x,
            },
            floor,
            cap,
        ))
    }

    /// `gives deferral` on a rule without `until`/`for`: a value kind for money.
    pub(super) fn value_kind_without_value(&mut self, rule: &ast::Rule, kind: (ValueKind, Span)) {
        self.problem(
            Problem::AMOUNT_GIVES_VALUE,
            kind.1,
            format!(
                "rule `{}` says it gives `{}` but gives no date or duration",
                rule.name.name,
                kind.0.keyword()
            ),
            "a kind of date or duration",
            Some(
                "give the date with `until …` or the duration with `for …`; an amount is \
                 `paid`, `refunded`, `fee_reduced`, `interest_subsidy` or `loan_ceiling`"
                    .into(),
            ),
        );
    }

    /// The dates or durations of one measure are of one kind and form (and
    /// unit), and a measure gives either amounts or values.
    pub(super) fn one_value_kind(
        &mut self,
        number: u32,
        rules: &[&ast::Rule],
        out: &[ir::RuleDef],
    ) -> bool {
        let mut with_value = out
            .iter()
            .zip(rules)
            .filter_map(|(r, a)| r.value.as_ref().map(|v| (r, v, a)));
        let Some((first, fv, _)) = with_value.next() else {
            return true;
        };
        let same = |v: &RuleValue| {
            v.kind == fv.kind && v.form == fv.form && v.expr.ty.dim() == fv.expr.ty.dim()
        };
        let what = |v: &RuleValue| {
            format!(
                "{} `{}` ({})",
                v.kind.keyword(),
                v.form.keyword(),
                v.expr.ty
            )
        };
        if let Some((other, ov, ast)) = with_value.find(|(_, v, _)| !same(v)) {
            self.problem(
                Problem::MIXED_VALUES,
                ast.name.span,
                format!(
                    "measure {number} gives values of different kinds: {} in rule `{}`, {} in rule `{}`",
                    what(fv),
                    first.name,
                    what(ov),
                    other.name
                ),
                format!("gives {}", what(ov)),
                Some(
                    "the values of one measure must be of one kind, form and unit: write each as its own measure"
                        .into(),
                ),
            );
            return false;
        }
        if let Some((other, ast)) = out.iter().zip(rules).find(|(r, _)| r.amount.is_some()) {
            self.problem(
                Problem::MIXED_VALUES,
                ast.name.span,
                format!(
                    "measure {number} gives both amounts (rule `{}`) and dates or durations (rule `{}`)",
                    other.name, first.name
                ),
                "gives an amount",
                Some("write the money and the date or duration as two measures".into()),
            );
            return false;
        }
        true
    }

    /// The value of `expect eligible until 2020-06-30` / `for 6 个月`.
    pub(super) fn expect_value(
        &mut self,
        v: &ast::ExpectValue,
        status: Status,
        span: Span,
    ) -> Option<Given> {
        if status != Status::Eligible {
            self.problem(
                Problem::EXAMPLE_MISPLACED_AMOUNT,
                span,
                "only `eligible` takes a date or duration",
                "remove this value",
                None,
            );
        }
        match v {
            ast::ExpectValue::Until(d) => Some(Given::Until(d.value)),
            ast::ExpectValue::For(q) => {
                let unit = q
                    .unit
                    .filter(|u| u.is_time() && q.per.is_empty() && !q.percent);
                let Some(unit) = unit else {
                    self.problem(
                        Problem::VALUE_TYPE,
                        q.span,
                        format!("`for` takes a duration, not `{}`", q.digits),
                        "not a number of 天, 月 or 年",
                        Some("write the duration with its unit: `for 6 个月`".into()),
                    );
                    return None;
                };
                Some(Given::For(ir::Duration {
                    count: q.value,
                    unit,
                }))
            }
        }
    }
}

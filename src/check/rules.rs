//! Rules of a measure: clauses, exceptions, and the shape of the exception
//! forest (no cycle, no chain deeper than [`crate::limits::MAX_EXCEPTION_DEPTH`]),
//! found in time linear in the number of rules.

use super::*;
use crate::limits::MAX_EXCEPTION_DEPTH;

impl Checker<'_> {
    pub(super) fn rules(
        &mut self,
        rules: &[&ast::Rule],
        measure_addressee: Option<u32>,
        part_addressee: &HashMap<String, u32>,
        measure_kind: Option<MeasureKind>,
    ) -> Option<Vec<ir::RuleDef>> {
        let mut out = Vec::new();
        let mut ok = true;
        // rule name → position of its first declaration
        let mut at: HashMap<&str, usize> = HashMap::with_capacity(rules.len());
        for (i, r) in rules.iter().enumerate() {
            at.entry(r.name.name.as_str()).or_insert(i);
        }
        for (i, r) in rules.iter().enumerate() {
            // the rules of a part with an addressee of its own read its facts
            let addressee = r
                .part
                .as_ref()
                .and_then(|p| part_addressee.get(p.name.as_str()).copied())
                .or(measure_addressee);
            if let Some(first) = at
                .get(r.name.name.as_str())
                .filter(|&&f| f != i)
                .and_then(|&f| rules.get(f))
            {
                let help = self.first_at(first.name.span);
                self.err(
                    r.name.span,
                    CheckError::Duplicate {
                        what: "rule",
                        name: r.name.name.clone(),
                        span: r.name.span,
                        help,
                    },
                );
                ok = false;
                continue;
            }
            let exception_to = match &r.exception_to {
                None => None,
                Some(b) => match at.get(b.name.as_str()).copied() {
                    Some(p) if p != i => Some(p as u32),
                    Some(_) => {
                        self.err(
                            b.span,
                            CheckError::ExceptionCycle {
                                name: r.name.name.clone(),
                                span: b.span,
                            },
                        );
                        ok = false;
                        None
                    }
                    None => {
                        let help =
                            self.suggest(&b.name, || rules.iter().map(|x| x.name.name.as_str()));
                        self.err(
                            b.span,
                            CheckError::UnknownBaseRule {
                                name: r.name.name.clone(),
                                base: b.name.clone(),
                                span: b.span,
                                help,
                            },
                        );
                        ok = false;
                        None
                    }
                },
            };
            let mut text: Option<(String, Span)> = None;
            let mut when: Option<(ir::Expr, Span)> = None;
            let mut amount: Option<(ir::Expr, Span)> = None;
            let mut floor: Option<(ir::Expr, Span)> = None;
            let mut cap: Option<(ir::Expr, Span)> = None;
            let mut gives: Option<(ir::Gives, Span)> = None;
            let mut may: Option<(ir::Discretion, Span)> = None;
            let mut own_bound = None;
            // a date or duration (`until`, `for`): its floor and cap are of its type
            let mut value = values::ValueClauses::default();
            let gives_value = r
                .clauses
                .iter()
                .any(|c| matches!(c, ast::RuleClause::Until(_) | ast::RuleClause::For(_)));
            for c in &r.clauses {
                match c {
                    ast::RuleClause::Until(e) => value.clauses.push((ir::ValueForm::Until, e)),
                    ast::RuleClause::For(e) => value.clauses.push((ir::ValueForm::For, e)),
                    ast::RuleClause::Floor(e) if gives_value => value.floor = Some(e),
                    ast::RuleClause::Cap(e) if gives_value => value.cap = Some(e),
                    ast::RuleClause::Gives(k) if ir::ValueKind::parse(&k.name).is_some() => {
                        if let Some(v) = ir::ValueKind::parse(&k.name) {
                            self.once(&mut value.kind, v, k.span, "gives");
                        }
                    }
                    ast::RuleClause::May(by, span) => {
                        match self.discretion(by.as_ref(), *span, measure_kind) {
                            Some(d) => self.once(&mut may, d, *span, "may"),
                            None => ok = false,
                        }
                    }
                    ast::RuleClause::Gives(k) => match self.gives_keyword(k) {
                        Some(g) => self.once(&mut gives, g, k.span, "gives"),
                        None => ok = false,
                    },
                    ast::RuleClause::Text(t) => {
                        self.once(&mut text, t.value.clone(), t.span, "text")
                    }
                    ast::RuleClause::When(e) => {
                        if let Some(x) = self.expr(e, addressee, None) {
                            if x.ty == Type::Bool {
                                self.once(&mut when, x, e.span, "when");
                            } else {
                                self.err(
                                    e.span,
                                    CheckError::ConditionNotBool {
                                        found: x.ty.to_string(),
                                        span: e.span,
                                    },
                                );
                                ok = false;
                            }
                        } else {
                            ok = false;
                        }
                    }
                    ast::RuleClause::Amount(e)
                    | ast::RuleClause::BoundedAmount(_, e)
                    | ast::RuleClause::Floor(e)
                    | ast::RuleClause::Cap(e) => {
                        let money = Type::money();
                        let Some(x) = self.expr(e, addressee, Some(&money)) else {
                            ok = false;
                            continue;
                        };
                        if !x.ty.is_money() {
                            let help = money_help(&x.ty);
                            self.type_mismatch(e.span, "money", x.ty.to_string(), help);
                            ok = false;
                            continue;
                        }
                        if let ast::RuleClause::BoundedAmount(b, _) = c {
                            own_bound = Some(match b {
                                ast::AmountBound::AtLeast => ir::AmountBound::AtLeast,
                                ast::AmountBound::AtMost => ir::AmountBound::AtMost,
                            });
                        }
                        let (slot, kw) = match c {
                            ast::RuleClause::Amount(_) | ast::RuleClause::BoundedAmount(..) => {
                                (&mut amount, "amount")
                            }
                            ast::RuleClause::Floor(_) => (&mut floor, "floor"),
                            _ => (&mut cap, "cap"),
                        };
                        let mut s = slot.take();
                        self.once(&mut s, x, e.span, kw);
                        match c {
                            ast::RuleClause::Amount(_) | ast::RuleClause::BoundedAmount(..) => {
                                amount = s
                            }
                            ast::RuleClause::Floor(_) => floor = s,
                            _ => cap = s,
                        }
                    }
                }
            }
            let mut given = None;
            if value.any() {
                match self.rule_value(
                    r,
                    &value,
                    addressee,
                    measure_kind,
                    gives,
                    amount.as_ref().map(|(_, s)| *s),
                ) {
                    Some((v, f, c)) => {
                        given = Some(v);
                        floor = f.map(|x| (x, r.span));
                        cap = c.map(|x| (x, r.span));
                    }
                    None => {
                        ok = false;
                        continue;
                    }
                }
                // the value's kind is in `value`; no money kind
                gives = None;
            } else if let Some(k) = value.kind {
                self.value_kind_without_value(r, k);
                ok = false;
                continue;
            }
            if amount.is_none() && given.is_none() {
                for (x, kw) in [(&floor, "floor"), (&cap, "cap")] {
                    if let Some((_, span)) = x {
                        let span = *span;
                        self.problem(
                            Problem::BOUND_WITHOUT_AMOUNT,
                            span,
                            format!("a `{kw}` needs an `amount` to bound"),
                            "no `amount` in this rule",
                            Some("add `amount …` or remove this clause".into()),
                        );
                        ok = false;
                    }
                }
            }
            let resolved = if given.is_some() {
                Some(ir::Gives::None)
            } else {
                self.resolve_gives(r, measure_kind, gives, amount.as_ref().map(|(_, s)| *s))
            };
            let Some(gives) = resolved else {
                ok = false;
                continue;
            };
            out.push(ir::RuleDef {
                name: r.name.name.clone(),
                part: r.part.as_ref().map(|p| p.name.clone()),
                exception_to,
                text: text.map(|(t, _)| normalize_text(&t)),
                condition: when.map(|(x, _)| x),
                amount: amount.map(|(x, _)| x),
                floor: floor.map(|(x, _)| x),
                cap: cap.map(|(x, _)| x),
                gives,
                discretion: may.map(|(d, _)| d),
                bound: own_bound,
                value: given,
                source: self.sref(r.span),
            });
        }
        // exceptions must form a tree of bounded depth
        if ok {
            ok = self.exception_tree(rules, &out);
        }
        ok.then_some(out)
    }

    /// Checks that the exceptions of a measure form a forest no deeper than
    /// [`MAX_EXCEPTION_DEPTH`], in time linear in the number of rules: each
    /// rule's depth is computed once, by walking up to a rule whose depth is
    /// known and then down the path again (no recursion). Reports the first
    /// cycle, the first chain too deep, and every exception in another part.
    fn exception_tree(&mut self, rules: &[&ast::Rule], out: &[ir::RuleDef]) -> bool {
        const UNKNOWN: usize = usize::MAX;
        const ON_PATH: usize = usize::MAX - 1;
        let mut depth = vec![UNKNOWN; out.len()];
        let mut path: Vec<usize> = Vec::new();
        let mut ok = true;
        let mut too_deep_reported = false;
        for (i, r) in out.iter().enumerate() {
            // walk up from i until a rule of known depth, a root, or a cycle
            path.clear();
            let mut cur = i;
            let mut base_depth = None;
            loop {
                match depth.get(cur).copied() {
                    Some(ON_PATH) => break,
                    Some(UNKNOWN) => {}
                    Some(d) => {
                        base_depth = Some(d);
                        break;
                    }
                    None => break,
                }
                path.push(cur);
                if let Some(x) = depth.get_mut(cur) {
                    *x = ON_PATH;
                }
                match out.get(cur).and_then(|x| x.exception_to) {
                    Some(n) => cur = n as usize,
                    None => {
                        base_depth = Some(usize::MAX);
                        break;
                    }
                }
            }
            let Some(base) = base_depth else {
                // a cycle: rule i leads into it
                if let Some(ast) = rules.get(i) {
                    self.err(
                        ast.name.span,
                        CheckError::ExceptionCycle {
                            name: r.name.clone(),
                            span: ast.name.span,
                        },
                    );
                }
                return false;
            };
            // down the path: the last rule on it is a root (depth 0) or the
            // exception of a rule of known depth `base`
            let mut d = base;
            for &n in path.iter().rev() {
                d = d.wrapping_add(1);
                if let Some(x) = depth.get_mut(n) {
                    *x = d;
                }
            }
            let di = depth.get(i).copied().unwrap_or(0);
            if di > MAX_EXCEPTION_DEPTH && !too_deep_reported {
                too_deep_reported = true;
                ok = false;
                if let Some(b) = rules.get(i).and_then(|a| a.exception_to.as_ref()) {
                    self.err(
                        b.span,
                        CheckError::ExceptionTooDeep {
                            name: r.name.clone(),
                            limit: MAX_EXCEPTION_DEPTH,
                            span: b.span,
                        },
                    );
                }
            }
            if let (Some(base), Some(ast)) = (
                r.exception_to.and_then(|b| out.get(b as usize)),
                rules.get(i),
            ) {
                if base.part != r.part {
                    self.problem(
                        Problem::EXCEPTION_PART_MISMATCH,
                        ast.name.span,
                        format!(
                            "exception `{}` and its base rule `{}` define different parts",
                            r.name, base.name
                        ),
                        "an exception replaces its base within one part",
                        Some("give both rules the same `part`".into()),
                    );
                    ok = false;
                }
            }
        }
        ok
    }
}

/// A help line for a rule amount that is not money.
fn money_help(t: &Type) -> Option<String> {
    let Type::Number { unit, .. } = t else {
        return None;
    };
    if unit.exp(Unit::Yuan) == 1 {
        let missing: Vec<String> = [Unit::Person, Unit::Day, Unit::Month, Unit::Year]
            .iter()
            .filter(|u| unit.exp(**u) < 0)
            .map(|u| format!("a count of {}", u.count_symbol()))
            .collect();
        if !missing.is_empty() {
            return Some(format!(
                "this is a rate; multiply it by {}",
                missing.join(" and ")
            ));
        }
    }
    Some("an amount is money: a number of 元".into())
}

//! Expressions: the Pratt parser for operators and the primary expressions,
//! with the depth bound.

use std::sync::OnceLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::{Builder, Rule, R};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::syntax::MAX_DEPTH;

fn pratt() -> &'static PrattParser<Rule> {
    static P: OnceLock<PrattParser<Rule>> = OnceLock::new();
    P.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::postfix(Rule::op_in))
            .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
            .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
            .op(Op::prefix(Rule::op_neg))
    })
}

impl Builder {
    pub(super) fn expr(&mut self, p: Pair<'_, Rule>) -> R<Expr> {
        self.expr_depth(p).map(|(e, _)| e)
    }

    /// Converts an expression and returns it with its depth (a name is 1,
    /// `a + b` is 2). Neither the depth of the tree nor the recursion that builds
    /// it may pass [`MAX_DEPTH`]: operator chains (`1 + 1 + … + 1`), runs of
    /// `not`/`-` and `if … else if …` chains nest without brackets, so the
    /// bracket count of `scan` does not bound them. Every later stage (checker,
    /// evaluator, JSON export, destructors) recurses over this tree.
    pub(super) fn expr_depth(&mut self, p: Pair<'_, Rule>) -> R<(Expr, usize)> {
        if p.as_rule() != Rule::expr {
            return Err(self.internal("expected an expression", &p));
        }
        let file = self.file;
        let sp = |p: &Pair<'_, Rule>| {
            let s = p.as_span();
            Span::new(file, s.start(), s.end())
        };
        let too_deep = |span: Span| SyntaxError::TooDeep {
            limit: MAX_DEPTH,
            span,
        };
        if self.nesting >= MAX_DEPTH {
            return Err(too_deep(sp(&p)));
        }
        // pest's Pratt parser recurses once per prefix operator, before any
        // closure below runs: refuse long runs of `not`/`-` first.
        let mut run = 0usize;
        for x in p.clone().into_inner() {
            if matches!(x.as_rule(), Rule::op_not | Rule::op_neg) {
                run += 1;
                if self.nesting + run >= MAX_DEPTH {
                    return Err(too_deep(sp(&x)));
                }
            } else {
                run = 0;
            }
        }
        // `at` is the operator that makes the tree too deep
        let checked = |e: Expr, depth: usize, at: Span| -> R<(Expr, usize)> {
            if depth > MAX_DEPTH {
                Err(too_deep(at))
            } else {
                Ok((e, depth))
            }
        };
        // The Pratt closures cannot all borrow `self` mutably at once: they share
        // a side builder through a `RefCell`, which collects the literal errors.
        let mut side = Builder {
            file,
            errors: Vec::new(),
            nesting: self.nesting + 1,
        };
        let cell = std::cell::RefCell::new(&mut side);
        let result = pratt()
            .map_primary(|prim| cell.borrow_mut().primary(prim))
            .map_prefix(|op, rhs| {
                let (rhs, d) = rhs?;
                let span = sp(&op).to(rhs.span);
                let o = if op.as_rule() == Rule::op_not {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                checked(
                    Expr {
                        kind: ExprKind::Unary(o, Box::new(rhs)),
                        span,
                    },
                    d + 1,
                    sp(&op),
                )
            })
            .map_postfix(|lhs, op| {
                let (lhs, d) = lhs?;
                let span = lhs.span.to(sp(&op));
                let mut b = cell.borrow_mut();
                if let Some(period) = op
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::period)
                {
                    let mut dates = period
                        .into_inner()
                        .filter(|x| x.as_rule() == Rule::date_lit);
                    let from = dates
                        .next()
                        .ok_or_else(|| b.internal("missing first day", &op))?;
                    let to = dates
                        .next()
                        .ok_or_else(|| b.internal("missing last day", &op))?;
                    let (from, to) = (b.date(from)?, b.date(to)?);
                    return checked(
                        Expr {
                            kind: ExprKind::InPeriod(Box::new(lhs), from, to),
                            span,
                        },
                        d + 1,
                        sp(&op),
                    );
                }
                let list = op
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::ident_list)
                    .ok_or_else(|| b.internal("missing set", &op))?;
                let set = b.ident_list(list)?;
                checked(
                    Expr {
                        kind: ExprKind::In(Box::new(lhs), set),
                        span,
                    },
                    d + 1,
                    sp(&op),
                )
            })
            .map_infix(|lhs, op, rhs| {
                let ((lhs, dl), (rhs, dr)) = (lhs?, rhs?);
                let o = match op.as_rule() {
                    Rule::op_or => BinaryOp::Or,
                    Rule::op_and => BinaryOp::And,
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_lt => BinaryOp::Lt,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_gt => BinaryOp::Gt,
                    Rule::op_ge => BinaryOp::Ge,
                    Rule::op_add => BinaryOp::Add,
                    Rule::op_sub => BinaryOp::Sub,
                    Rule::op_mul => BinaryOp::Mul,
                    _ => BinaryOp::Div,
                };
                let span = lhs.span.to(rhs.span);
                checked(
                    Expr {
                        kind: ExprKind::Binary(o, Box::new(lhs), Box::new(rhs)),
                        span,
                    },
                    dl.max(dr) + 1,
                    sp(&op),
                )
            })
            .parse(p.into_inner());
        self.errors.append(&mut side.errors);
        result
    }

    /// A primary expression and its depth.
    pub(super) fn primary(&mut self, p: Pair<'_, Rule>) -> R<(Expr, usize)> {
        let span = self.span(&p);
        let mut depth = 0usize;
        let kind = match p.as_rule() {
            Rule::date_lit => ExprKind::Date(self.date(p)?.value),
            Rule::quantity => ExprKind::Quantity(self.quantity(p)?),
            Rule::bool_lit => ExprKind::Bool(p.as_str() == "true"),
            Rule::application_date => ExprKind::ApplicationDate,
            Rule::ident => ExprKind::Name(self.ident(p)?),
            Rule::qualified => {
                let mut it = p.clone().into_inner();
                let a = self.ident(self.next(&mut it, &p, "enumeration")?)?;
                let b = self.ident(self.next(&mut it, &p, "variant")?)?;
                ExprKind::Qualified(a, b)
            }
            Rule::paren => {
                let inner = self.next(&mut p.clone().into_inner(), &p, "expression")?;
                let (e, d) = self.expr_depth(inner)?;
                depth = d;
                ExprKind::Paren(Box::new(e))
            }
            Rule::call => {
                let mut it = p.clone().into_inner();
                let f = self.ident(self.next(&mut it, &p, "function")?)?;
                let mut args = Vec::new();
                let mut filter = None;
                for a in it {
                    let where_ = a.as_rule() == Rule::agg_where;
                    let a = if where_ {
                        let mut inner = a.clone().into_inner();
                        inner.next(); // `where`
                        self.next(&mut inner, &a, "condition")?
                    } else {
                        a
                    };
                    let (e, d) = self.expr_depth(a)?;
                    depth = depth.max(d);
                    if where_ {
                        filter = Some(Box::new(e));
                    } else {
                        args.push(e);
                    }
                }
                if filter.is_some() || crate::syntax::AGGREGATES.contains(&f.name.as_str()) {
                    ExprKind::Aggregate(f, args, filter)
                } else {
                    ExprKind::Call(f, args)
                }
            }
            Rule::if_expr => {
                let mut it = p.clone().into_inner().filter(|x| x.as_rule() == Rule::expr);
                let (c, dc) = self.expr_depth(
                    it.next()
                        .ok_or_else(|| self.internal("missing condition", &p))?,
                )?;
                let (t, dt) =
                    self.expr_depth(it.next().ok_or_else(|| self.internal("missing then", &p))?)?;
                let (e, de) =
                    self.expr_depth(it.next().ok_or_else(|| self.internal("missing else", &p))?)?;
                depth = dc.max(dt).max(de);
                ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
            }
            Rule::match_expr => {
                let mut it = p.clone().into_inner();
                let kw = self.next(&mut it, &p, "keyword")?;
                let keyword = if kw.as_rule() == Rule::kw_by {
                    MatchKeyword::By
                } else {
                    MatchKeyword::Match
                };
                let (scrutinee, ds) =
                    self.expr_depth(self.next(&mut it, &p, "matched expression")?)?;
                depth = ds;
                let mut arms = Vec::new();
                for a in it {
                    let mut ai = a.clone().into_inner();
                    let variant = self.ident(self.next(&mut ai, &a, "variant")?)?;
                    let (value, d) = self.expr_depth(self.next(&mut ai, &a, "arm value")?)?;
                    depth = depth.max(d);
                    arms.push(MatchArm { variant, value });
                }
                ExprKind::Match(Box::new(scrutinee), arms, keyword)
            }
            _ => return Err(self.internal("unexpected expression", &p)),
        };
        let depth = depth + 1;
        if depth > MAX_DEPTH {
            return Err(SyntaxError::TooDeep {
                limit: MAX_DEPTH,
                span,
            });
        }
        Ok((Expr { kind, span }, depth))
    }
}

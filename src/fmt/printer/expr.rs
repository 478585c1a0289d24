//! Expressions: clauses and operator chains broken before each operator.

use super::*;

impl Printer<'_> {
    /// `when`/`amount`/`floor`/`cap` and its expression. A chain of `and`, of
    /// `or` or of `+`/`-` that is too long for one line, or holds a comment, is
    /// broken before each operator, the operands indented one level.
    pub(super) fn expr_clause(&mut self, kw: &str, e: &Expr) {
        self.start_line(e.span.start, true);
        self.word(kw);
        self.word(" ");
        let chain = operator_chain(e);
        let broken = chain.len() > 1
            && (self.comment_within(e.span.start, expr_end(e)) || {
                let mut s = self.scratch();
                s.line = self.line.clone();
                s.expr(e);
                s.out.is_empty() && s.width() > LINE_WIDTH
            });
        if broken {
            let mut parts = chain.into_iter();
            if let Some((_, first)) = parts.next() {
                self.expr(first);
            }
            self.indent += INDENT;
            for (op, operand) in parts {
                self.end_line();
                self.start_line(operand.span.start, false);
                self.word(op.map_or("", BinaryOp::symbol));
                self.word(" ");
                self.expr(operand);
            }
            self.indent -= INDENT;
        } else {
            self.expr(e);
        }
    }

    pub(super) fn expr(&mut self, e: &Expr) {
        let (start, end) = (e.span.start, e.span.end);
        match &e.kind {
            ExprKind::Quantity(q) => self.quantity(q),
            ExprKind::Date(_) => {
                let raw = self.slice(start, end);
                self.token(start, end, raw);
            }
            ExprKind::Bool(b) => self.token(start, end, if *b { "true" } else { "false" }),
            ExprKind::ApplicationDate => self.token(start, end, "application_date"),
            ExprKind::InPeriod(x, from, to) => {
                self.expr(x);
                self.word(" in ");
                for (k, d) in [from, to].into_iter().enumerate() {
                    if k > 0 {
                        self.word(" to ");
                    }
                    let raw = self.slice(d.span.start, d.span.end);
                    self.token(d.span.start, d.span.end, raw);
                }
            }
            ExprKind::Name(i) => self.ident(i),
            ExprKind::Qualified(a, b) => {
                self.ident(a);
                self.word(".");
                self.word(&b.name);
                self.set_end(b.span.end);
            }
            ExprKind::Unary(op, x) => {
                self.token(start, start, "");
                match op {
                    UnaryOp::Not => self.word("not "),
                    UnaryOp::Neg => self.word("-"),
                }
                self.expr(x);
            }
            ExprKind::Binary(op, a, b) => {
                self.expr(a);
                self.word(" ");
                self.word(op.symbol());
                self.word(" ");
                self.expr(b);
            }
            ExprKind::In(x, set) => {
                self.expr(x);
                self.word(" in {");
                self.ident_list(set);
                self.close_inline(end.saturating_sub(1), "}");
            }
            ExprKind::Call(f, args) | ExprKind::Aggregate(f, args, None) => {
                self.ident(f);
                self.word("(");
                for (k, a) in args.iter().enumerate() {
                    if k > 0 {
                        self.word(", ");
                    }
                    self.expr(a);
                }
                self.close_inline(end.saturating_sub(1), ")");
            }
            ExprKind::Aggregate(f, args, Some(c)) => {
                self.ident(f);
                self.word("(");
                for (k, a) in args.iter().enumerate() {
                    if k > 0 {
                        self.word(", ");
                    }
                    self.expr(a);
                }
                self.word(" where ");
                self.expr(c);
                self.close_inline(end.saturating_sub(1), ")");
            }
            ExprKind::If(c, t, o) => {
                self.token(start, start, "");
                self.word("if ");
                self.expr(c);
                self.word(" then ");
                self.expr(t);
                self.word(" else ");
                self.expr(o);
            }
            ExprKind::Match(x, arms, kw) => {
                self.token(start, start, "");
                self.word(match kw {
                    MatchKeyword::Match => "match ",
                    MatchKeyword::By => "by ",
                });
                self.expr(x);
                self.word(" {");
                self.open_block();
                for a in arms {
                    self.start_line(a.variant.span.start, true);
                    self.ident(&a.variant);
                    self.word(" => ");
                    self.expr(&a.value);
                    self.end_line();
                }
                self.close_block(end.saturating_sub(1), end);
            }
            ExprKind::Paren(x) => {
                self.token(start, start, "");
                self.word("(");
                self.expr(x);
                self.close_inline(end.saturating_sub(1), ")");
            }
        }
    }
}

/// Where an expression really ends: the span of an `if` (and of a binary or
/// unary expression ending in one) may run over the comments after it.
pub(super) fn expr_end(e: &Expr) -> usize {
    match &e.kind {
        ExprKind::If(_, _, o) => expr_end(o),
        ExprKind::Binary(_, _, b) => expr_end(b),
        ExprKind::Unary(_, x) => expr_end(x),
        _ => e.span.end,
    }
}

/// The operands of the top-level chain of `and`, of `or`, or of `+`/`-`
/// (operators of one precedence, left-nested as the parser builds them), each
/// with the operator before it (`None` for the first); a single operand for any
/// other expression.
pub(super) fn operator_chain(e: &Expr) -> Vec<(Option<BinaryOp>, &Expr)> {
    let same_level = |a: BinaryOp, b: BinaryOp| match a {
        BinaryOp::And | BinaryOp::Or => a == b,
        BinaryOp::Add | BinaryOp::Sub => matches!(b, BinaryOp::Add | BinaryOp::Sub),
        _ => false,
    };
    let ExprKind::Binary(op, _, _) = &e.kind else {
        return vec![(None, e)];
    };
    if !same_level(*op, *op) {
        return vec![(None, e)];
    }
    let mut rights = Vec::new();
    let mut cur = e;
    while let ExprKind::Binary(o, a, b) = &cur.kind {
        if !same_level(*op, *o) {
            break;
        }
        rights.push((Some(*o), b.as_ref()));
        cur = a;
    }
    let mut out = vec![(None, cur)];
    out.extend(rights.into_iter().rev());
    out
}

//! Syntax trees with positions erased, to check that formatting kept the meaning.
//!
//! Two trees are the same when they are equal after [`erase_spans`]: every span
//! is zeroed, and the few things the formatter is allowed to change are set to
//! one form — the space between a number and its unit (`1000元` → `1000 元`),
//! and spaces, tabs and carriage returns at the ends of lines of the `"""` text
//! blocks of `text` clauses (the IR drops them too, see `check::normalize_text`;
//! text blocks of the `document` header are kept as they are, as in the IR).

use crate::source::Span;
use crate::syntax::ast::*;

/// A copy of `file` with every span zeroed and formatting-only details unified.
pub fn erase_spans(file: &File) -> File {
    let mut f = file.clone();
    f.span = Span::default();
    for item in &mut f.items {
        item_mut(item);
    }
    f
}

/// Whether two files have the same syntax tree, positions aside.
pub fn same_tree(a: &File, b: &File) -> bool {
    erase_spans(a) == erase_spans(b)
}

/// A description of the first top-level item that differs, if any.
pub(crate) fn first_difference(a: &File, b: &File) -> Option<String> {
    let (a, b) = (erase_spans(a), erase_spans(b));
    if a == b {
        return None;
    }
    if a.items.len() != b.items.len() {
        return Some(format!(
            "{} top-level items before, {} after",
            a.items.len(),
            b.items.len()
        ));
    }
    let i = a
        .items
        .iter()
        .zip(&b.items)
        .position(|(x, y)| x != y)
        .unwrap_or(0);
    Some(format!("item {} differs", i + 1))
}

fn span(s: &mut Span) {
    *s = Span::default();
}

fn ident(i: &mut Ident) {
    span(&mut i.span);
}

fn idents(v: &mut [Ident]) {
    v.iter_mut().for_each(ident);
}

fn dept_list(l: &mut DeptList) {
    idents(&mut l.names);
    l.open.iter_mut().for_each(span);
    l.misplaced_open.iter_mut().for_each(span);
}

fn text(t: &mut Text) {
    span(&mut t.span);
}

/// The text of a `text` clause, compared as the IR keeps it (the printer drops
/// spaces at the ends of a block's lines, as the IR does).
fn text_clause(t: &mut Text) {
    span(&mut t.span);
    if t.block {
        t.value = crate::syntax::literal::text_block(&t.value);
    }
}

fn date(d: &mut DateLit) {
    span(&mut d.span);
}

fn quantity(q: &mut Quantity) {
    span(&mut q.span);
    q.spaced = false;
}

fn value(v: &mut Value) {
    match v {
        Value::Quantity(q) => quantity(q),
        Value::Date(d) => date(d),
        Value::Bool(_, s) => span(s),
        Value::Variant(i) => ident(i),
        Value::Members(ms, s) => {
            span(s);
            for m in ms {
                span(&mut m.span);
                for f in &mut m.facts {
                    span(&mut f.span);
                    ident(&mut f.name);
                    value(&mut f.value);
                }
            }
        }
    }
}

fn type_expr(t: &mut TypeExpr) {
    match t {
        TypeExpr::Named {
            base,
            unit,
            per,
            span: s,
        } => {
            ident(base);
            if let Some((_, s)) = unit {
                span(s);
            }
            per.iter_mut().for_each(|(_, s)| span(s));
            span(s);
        }
        TypeExpr::Choice { variants, span: s } => {
            idents(variants);
            span(s);
        }
        TypeExpr::List { record, span: s } => {
            ident(record);
            span(s);
        }
    }
}

fn item_mut(item: &mut Item) {
    match item {
        Item::Document(d) => {
            span(&mut d.span);
            for f in &mut d.fields {
                ident(&mut f.key);
                match &mut f.value {
                    DocValue::Text(t) => text(t),
                    DocValue::Date(x) => date(x),
                }
                if let Some(t) = &mut f.second {
                    text(t);
                }
            }
            for x in &mut d.departments {
                span(&mut x.span);
                dept_list(&mut x.list);
            }
        }
        Item::Department(d) => {
            span(&mut d.span);
            ident(&mut d.name);
            text(&mut d.full_name);
            d.spellings.iter_mut().for_each(text);
        }
        Item::Enum(e) => {
            span(&mut e.span);
            ident(&mut e.name);
            idents(&mut e.variants);
        }
        Item::Entity(e) | Item::Record(e) => {
            span(&mut e.span);
            ident(&mut e.name);
            if let Some(d) = &mut e.description {
                text(d);
            }
            for f in &mut e.fields {
                span(&mut f.span);
                ident(&mut f.name);
                type_expr(&mut f.ty);
            }
        }
        Item::Parameter(p) => {
            span(&mut p.span);
            ident(&mut p.name);
            type_expr(&mut p.ty);
            match &mut p.body {
                ParamBody::Constant(v) => value(v),
                ParamBody::Versioned(vs) => {
                    for v in vs {
                        span(&mut v.span);
                        value(&mut v.value);
                        date(&mut v.from);
                    }
                }
                ParamBody::Locality {
                    default,
                    floor,
                    cap,
                    ..
                } => {
                    for v in [default, floor, cap].into_iter().flatten() {
                        value(v);
                    }
                }
            }
        }
        Item::Section(s) => {
            span(&mut s.span);
            text(&mut s.title);
        }
        Item::Measure(m) => {
            span(&mut m.span);
            span(&mut m.number_span);
            text(&mut m.title);
            m.clauses.iter_mut().for_each(measure_clause);
        }
        Item::Locality(l) => {
            span(&mut l.span);
            ident(&mut l.name);
            for v in &mut l.values {
                span(&mut v.span);
                ident(&mut v.param);
                value(&mut v.value);
            }
        }
        Item::Let(l) => {
            span(&mut l.span);
            ident(&mut l.name);
            expr(&mut l.value);
        }
    }
}

fn measure_clause(c: &mut MeasureClause) {
    match c {
        MeasureClause::Section(_, s) => span(s),
        MeasureClause::Kind(i) | MeasureClause::To(i) => ident(i),
        MeasureClause::Effective(e) => {
            span(&mut e.span);
            if let Some(d) = &mut e.from {
                date(d);
            }
            if let Some(d) = &mut e.to {
                date(d);
            }
        }
        MeasureClause::Deadline(d, s) => {
            date(d);
            span(s);
        }
        MeasureClause::Departments(_, list, s) => {
            dept_list(list);
            span(s);
        }
        MeasureClause::Text(t) => text_clause(t),
        MeasureClause::Part(p) => {
            span(&mut p.span);
            ident(&mut p.name);
            for c in &mut p.clauses {
                match c {
                    PartClause::To(names, s) => {
                        idents(names);
                        span(s);
                    }
                    PartClause::Effective(e) => {
                        let mut m = MeasureClause::Effective(e.clone());
                        measure_clause(&mut m);
                        if let MeasureClause::Effective(x) = m {
                            *e = x;
                        }
                    }
                    PartClause::Deadline(d, s) => {
                        date(d);
                        span(s);
                    }
                }
            }
        }
        MeasureClause::When(e, s) => {
            span(s);
            expr(e);
        }
        MeasureClause::Let(n, e, s) => {
            span(s);
            ident(n);
            expr(e);
        }
        MeasureClause::Rule(r) => {
            span(&mut r.span);
            ident(&mut r.name);
            if let Some(p) = &mut r.part {
                ident(p);
            }
            if let Some(x) = &mut r.exception_to {
                ident(x);
            }
            for c in &mut r.clauses {
                match c {
                    RuleClause::Text(t) => text_clause(t),
                    RuleClause::When(e)
                    | RuleClause::Amount(e)
                    | RuleClause::BoundedAmount(_, e)
                    | RuleClause::Until(e)
                    | RuleClause::For(e)
                    | RuleClause::Floor(e)
                    | RuleClause::Cap(e) => expr(e),
                    RuleClause::Gives(k) => ident(k),
                    RuleClause::May(by, s) => {
                        if let Some(b) = by {
                            ident(b);
                        }
                        span(s);
                    }
                }
            }
        }
        MeasureClause::Example(x) => {
            span(&mut x.span);
            text(&mut x.name);
            for c in &mut x.clauses {
                match c {
                    ExampleClause::Date(d, s) => {
                        date(d);
                        span(s);
                    }
                    ExampleClause::Locality(i, s) => {
                        ident(i);
                        span(s);
                    }
                    ExampleClause::Facts(e, facts, s) => {
                        ident(e);
                        span(s);
                        for f in facts {
                            span(&mut f.span);
                            ident(&mut f.name);
                            value(&mut f.value);
                        }
                    }
                    ExampleClause::Expect(e) => {
                        span(&mut e.span);
                        ident(&mut e.status);
                        if let Some(k) = &mut e.kind {
                            ident(k);
                        }
                        if let Some((_, s)) = &mut e.bound {
                            span(s);
                        }
                        if let Some(q) = &mut e.amount {
                            quantity(q);
                        }
                        if let Some(n) = &mut e.name {
                            ident(n);
                        }
                        match e.value.as_deref_mut() {
                            Some(ExpectValue::Until(d)) => date(d),
                            Some(ExpectValue::For(q)) => quantity(q),
                            None => {}
                        }
                        if let Some(f) = &mut e.facts {
                            idents(f);
                        }
                        for p in &mut e.parts {
                            span(&mut p.span);
                            ident(&mut p.name);
                            if let Some((_, s)) = &mut p.bound {
                                span(s);
                            }
                            quantity(&mut p.amount);
                        }
                    }
                }
            }
        }
    }
}

fn expr(e: &mut Expr) {
    span(&mut e.span);
    match &mut e.kind {
        ExprKind::Quantity(q) => quantity(q),
        ExprKind::Date(_) | ExprKind::Bool(_) | ExprKind::ApplicationDate => {}
        ExprKind::InPeriod(x, from, to) => {
            expr(x);
            span(&mut from.span);
            span(&mut to.span);
        }
        ExprKind::Name(i) => ident(i),
        ExprKind::Qualified(a, b) => {
            ident(a);
            ident(b);
        }
        ExprKind::Unary(_, x) | ExprKind::Paren(x) => expr(x),
        ExprKind::Binary(_, a, b) => {
            expr(a);
            expr(b);
        }
        ExprKind::In(x, set) => {
            expr(x);
            idents(set);
        }
        ExprKind::Call(f, args) => {
            ident(f);
            args.iter_mut().for_each(expr);
        }
        ExprKind::Aggregate(f, args, filter) => {
            ident(f);
            args.iter_mut().for_each(expr);
            if let Some(c) = filter {
                expr(c);
            }
        }
        ExprKind::If(c, t, o) => {
            expr(c);
            expr(t);
            expr(o);
        }
        ExprKind::Match(x, arms, _) => {
            expr(x);
            for a in arms {
                ident(&mut a.variant);
                expr(&mut a.value);
            }
        }
    }
}

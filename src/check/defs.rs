//! Named definitions of a measure (`let 名称 = expr`): a condition or a value
//! computed from the addressee's facts, used by name in the measure's `when`
//! and rules and shown by name in explanations.
//!
//! A definition may use earlier or later definitions of the same measure, but
//! not itself through any chain (`policy::check::definition_cycle`); its name
//! may not be a fact of the addressee, a parameter or an enumeration variant
//! (`policy::check::definition_shadows`). An unused definition is allowed and
//! reported by nothing (it may document the text). In the IR each use is a
//! `definition` node carrying the value, so the IR stays a tree; a use that
//! would nest deeper than [`crate::syntax::MAX_DEPTH`] is
//! `policy::check::definition_too_deep`.

use super::*;
use crate::ir::{Expr, Node};
use crate::syntax::ast::ExprKind;

impl Checker<'_> {
    /// The use of definition `name` of the measure being checked, if it is
    /// one (`Some(None)`: a definition whose error is already reported).
    pub(super) fn definition(&self, name: &str) -> Option<Option<Expr>> {
        let (n, value) = self.defs.iter().find(|(n, _)| n == name)?;
        Some(value.as_ref().map(|value| Expr {
            ty: value.ty.clone(),
            node: Node::Definition {
                name: n.clone(),
                value: Box::new(value.clone()),
            },
        }))
    }

    /// Checks and types the definitions of a measure into `self.defs`, each
    /// after those it uses.
    pub(super) fn definitions(&mut self, lets: &[(&ast::Ident, &ast::Expr)], entity: Option<u32>) {
        self.defs.clear();
        let mut unique: Vec<(&ast::Ident, &ast::Expr)> = Vec::new();
        for (n, e) in lets {
            if let Some((first, _)) = unique.iter().find(|(f, _)| f.name == n.name) {
                let help = self.first_at(first.span);
                self.err(
                    n.span,
                    CheckError::Duplicate {
                        what: "definition",
                        name: n.name.clone(),
                        span: n.span,
                        help,
                    },
                );
                continue;
            }
            if let Some(what) = self.taken(&n.name, entity) {
                self.problem(
                    Problem::DEFINITION_SHADOWS,
                    n.span,
                    format!("definition `{}` has the name of {what}", n.name),
                    format!("already {what}"),
                    Some(
                        "give the definition a name of its own, e.g. what the text calls it".into(),
                    ),
                );
                continue;
            }
            unique.push((n, e));
        }
        // who uses whom
        let uses: Vec<Vec<usize>> = unique
            .iter()
            .map(|(_, e)| {
                let mut names = Vec::new();
                mentioned(e, &mut names);
                unique
                    .iter()
                    .enumerate()
                    .filter(|(_, (d, _))| names.contains(&d.name.as_str()))
                    .map(|(j, _)| j)
                    .collect()
            })
            .collect();
        // depth-first order, each definition after those it uses; a cycle is
        // reported once, at the definition where the walk closes it
        let mut state = vec![0u8; unique.len()]; // 0 new, 1 on the path, 2 done
        let mut order = Vec::new();
        let mut cyclic = vec![false; unique.len()];
        for start in 0..unique.len() {
            let mut path: Vec<(usize, usize)> = Vec::new(); // (definition, next use)
            if state.get(start) != Some(&0) {
                continue;
            }
            path.push((start, 0));
            if let Some(s) = state.get_mut(start) {
                *s = 1;
            }
            while let Some(&(d, k)) = path.last() {
                let next = uses.get(d).and_then(|u| u.get(k)).copied();
                if let Some(last) = path.last_mut() {
                    last.1 += 1;
                }
                match next {
                    None => {
                        path.pop();
                        if let Some(s) = state.get_mut(d) {
                            *s = 2;
                        }
                        order.push(d);
                    }
                    Some(u) => match state.get(u) {
                        Some(0) => {
                            if let Some(s) = state.get_mut(u) {
                                *s = 1;
                            }
                            path.push((u, 0));
                        }
                        Some(1) => {
                            let from = path.iter().position(|(x, _)| *x == u).unwrap_or(0);
                            let names: Vec<&str> = path
                                .get(from..)
                                .unwrap_or_default()
                                .iter()
                                .filter_map(|(x, _)| unique.get(*x).map(|(n, _)| n.name.as_str()))
                                .chain(unique.get(u).map(|(n, _)| n.name.as_str()))
                                .collect();
                            for (x, _) in path.get(from..).unwrap_or_default() {
                                if let Some(c) = cyclic.get_mut(*x) {
                                    *c = true;
                                }
                            }
                            if let Some((n, _)) = unique.get(d) {
                                self.problem(
                                    Problem::DEFINITION_CYCLE,
                                    n.span,
                                    format!("definition `{}` uses itself: {}", n.name, names.join(" → ")),
                                    "part of the cycle",
                                    Some("a definition may use other definitions, but not itself through them".into()),
                                );
                            }
                        }
                        _ => {}
                    },
                }
            }
        }
        for d in order {
            let Some((n, e)) = unique.get(d) else {
                continue;
            };
            let blocked = cyclic.get(d) == Some(&true)
                || uses
                    .get(d)
                    .is_some_and(|u| u.iter().any(|x| cyclic.get(*x) == Some(&true)));
            if blocked {
                if let Some(c) = cyclic.get_mut(d) {
                    *c = true;
                }
                self.defs.push((n.name.clone(), None));
                continue;
            }
            let x = self.expr(e, entity, None);
            self.defs.push((n.name.clone(), x));
        }
    }

    /// What else is called `name` in the scope of `entity`'s facts.
    fn taken(&self, name: &str, entity: Option<u32>) -> Option<&'static str> {
        if entity.is_some_and(|e| self.index.field(e as usize, name).is_some()) {
            return Some("a fact of the addressee");
        }
        if self.index.params.contains_key(name) {
            return Some("a parameter");
        }
        if self.index.owners.contains_key(name) {
            return Some("an enumeration variant");
        }
        None
    }

    /// Refuses expressions that, with their definitions written out, nest
    /// deeper than the language allows.
    pub(super) fn definitions_depth(
        &mut self,
        m: &ast::Measure,
        condition: Option<&Expr>,
        rules: Option<&[ir::RuleDef]>,
        asts: &[&ast::Rule],
    ) {
        let limit = crate::syntax::MAX_DEPTH;
        let mut deep: Vec<(Span, String)> = Vec::new();
        if condition.is_some_and(|c| depth(c) > limit) {
            deep.push((m.span, format!("measure {}'s `when`", m.number)));
        }
        for (r, a) in rules.unwrap_or_default().iter().zip(asts) {
            let exprs = [&r.condition, &r.amount, &r.floor, &r.cap];
            if exprs.into_iter().flatten().any(|e| depth(e) > limit) {
                deep.push((a.name.span, format!("rule `{}`", r.name)));
            }
        }
        for (span, what) in deep {
            self.problem(
                Problem::DEFINITION_TOO_DEEP,
                span,
                format!("{what} nests more than {limit} deep with its definitions written out"),
                "too deep",
                Some(
                    "split a definition into smaller ones, or use it in fewer nested places".into(),
                ),
            );
        }
    }
}

/// The nesting of an IR expression, counting a `match` arm as two levels
/// more (as its JSON does).
fn depth(e: &Expr) -> usize {
    let sub = match &e.node {
        Node::Literal { .. } | Node::Field { .. } | Node::Param { .. } | Node::ApplicationDate => 0,
        Node::Not { arg }
        | Node::Neg { arg }
        | Node::In { arg, .. }
        | Node::InPeriod { arg, .. }
        | Node::Definition { value: arg, .. } => depth(arg),
        Node::Binary { lhs, rhs, .. } => depth(lhs).max(depth(rhs)),
        Node::If {
            cond,
            then,
            otherwise,
        } => depth(cond).max(depth(then)).max(depth(otherwise)),
        Node::Match { scrutinee, arms } => arms
            .iter()
            .map(|a| depth(&a.value) + 2)
            .max()
            .unwrap_or(0)
            .max(depth(scrutinee)),
        Node::Call { args, .. } => args.iter().map(depth).max().unwrap_or(0),
    };
    sub + 1
}

/// The bare names an expression mentions.
fn mentioned<'e>(e: &'e ast::Expr, out: &mut Vec<&'e str>) {
    match &e.kind {
        ExprKind::Name(n) => out.push(n.name.as_str()),
        ExprKind::Quantity(_)
        | ExprKind::Date(_)
        | ExprKind::Bool(_)
        | ExprKind::Qualified(..)
        | ExprKind::ApplicationDate => {}
        ExprKind::Unary(_, x)
        | ExprKind::Paren(x)
        | ExprKind::In(x, _)
        | ExprKind::InPeriod(x, ..) => mentioned(x, out),
        ExprKind::Binary(_, a, b) => {
            mentioned(a, out);
            mentioned(b, out);
        }
        ExprKind::Call(_, args) => args.iter().for_each(|a| mentioned(a, out)),
        ExprKind::If(c, t, o) => {
            mentioned(c, out);
            mentioned(t, out);
            mentioned(o, out);
        }
        ExprKind::Match(x, arms, _) => {
            mentioned(x, out);
            for a in arms {
                mentioned(&a.value, out);
            }
        }
    }
}

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
//! `policy::check::definition_too_deep`, and definitions that would write out
//! more than [`MAX_DEFINITION_NODES`] nodes each, or [`MAX_INLINED_NODES`] in
//! one measure, are `policy::check::definition_too_large` (so that a chain of
//! definitions each using the previous one twice cannot blow up).

use super::*;
use crate::ir::{Expr, Node};
use crate::syntax::ast::ExprKind;

/// The most IR nodes one definition's value may have.
pub const MAX_DEFINITION_NODES: usize = 1 << 16;
/// The most IR nodes the uses of definitions may add to one measure (each
/// use carries its value).
pub const MAX_INLINED_NODES: usize = 1 << 20;

/// The document's definitions (`let` outside any measure): checked in each
/// measure whose addressee has the facts they read, as if the measure wrote
/// them; a diagnostic about one is given once, not once per measure.
#[derive(Default)]
pub(super) struct DocDefs<'a> {
    /// In source order.
    pub(super) lets: Vec<&'a ast::DocLet>,
    /// The diagnostics already given while checking them.
    seen: std::collections::HashSet<String>,
}

/// The definitions of the measure being checked.
#[derive(Default)]
pub(super) struct Scope {
    /// Name, typed value (`None`: its error is reported, and its uses are not
    /// reported again) and the value's number of nodes.
    defs: Vec<(String, Option<Expr>, usize)>,
    /// The names among `defs` that are the document's.
    document: Vec<String>,
    /// The document's definitions the addressee cannot use: name, the fact
    /// it reads that the addressee lacks, and the addressee.
    unavailable: Vec<(String, String, u32)>,
    /// Nodes added by uses so far.
    inlined: usize,
    /// Whether the measure went over [`MAX_INLINED_NODES`] (reported once).
    over: bool,
}

impl Scope {
    /// Forgets the measure's definitions.
    pub(super) fn clear(&mut self) {
        *self = Scope::default();
    }

    /// Whether `name` is a definition of the measure.
    pub(super) fn has(&self, name: &str) -> bool {
        self.defs.iter().any(|(d, _, _)| d == name)
    }

    /// Whether some definition was typed.
    pub(super) fn any(&self) -> bool {
        self.defs.iter().any(|(_, x, _)| x.is_some())
    }
}

impl<'a> Checker<'a> {
    /// The use of definition `n` of the measure being checked, if it is one
    /// (`Some(None)`: a definition whose error is already reported).
    pub(super) fn definition(&mut self, n: &ast::Ident) -> Option<Option<Expr>> {
        if let Some((_, fact, entity)) = self.defs.unavailable.iter().find(|(d, _, _)| *d == n.name)
        {
            let entity = self
                .entities
                .get(*entity as usize)
                .map_or("", |e| e.name.as_str());
            let (fact, entity) = (fact.clone(), entity.to_string());
            if fact.is_empty() {
                self.problem(
                    Problem::DEFINITION_NOT_FOR_ADDRESSEE,
                    n.span,
                    format!(
                        "the document's definition `{}` is used in a measure with a part addressed to `{entity}`",
                        n.name
                    ),
                    "a definition of the document",
                    Some("the parts of this measure read the facts of different entities: write the condition in the rules of each part".into()),
                );
                return Some(None);
            }
            self.problem(
                Problem::DEFINITION_NOT_FOR_ADDRESSEE,
                n.span,
                format!(
                    "the document's definition `{}` reads `{fact}`, which is not a fact of `{entity}`",
                    n.name
                ),
                format!("the addressee here is `{entity}`"),
                Some("use it only in measures addressed to an entity with the facts it reads, or define the condition in this measure".into()),
            );
            return Some(None);
        }
        let document = self.defs.document.contains(&n.name);
        let (name, value, size) = self.defs.defs.iter().find(|(d, _, _)| *d == n.name)?;
        let Some(value) = value else {
            return Some(None);
        };
        if self.defs.over {
            return Some(None);
        }
        self.defs.inlined = self.defs.inlined.saturating_add(*size);
        if self.defs.inlined > MAX_INLINED_NODES {
            self.defs.over = true;
            self.problem(
                Problem::DEFINITION_TOO_LARGE,
                n.span,
                format!(
                    "the uses of definitions in this measure write out more than {MAX_INLINED_NODES} expression nodes"
                ),
                "one use too many",
                Some("use large definitions in fewer places, or split the measure".into()),
            );
            return Some(None);
        }
        Some(Some(Expr {
            ty: value.ty.clone(),
            node: Node::Definition {
                name: name.clone(),
                value: Box::new(value.clone()),
                document,
            },
        }))
    }

    /// Checks and types the definitions of a measure into `self.defs`, each
    /// after those it uses.
    /// The document's definitions are typed for `doc_entity` (the measure's
    /// addressee, or the one entity its parts are addressed to); `other`: an
    /// entity a part is addressed to besides (then they are not available).
    pub(super) fn definitions(
        &mut self,
        lets: &[(&ast::Ident, &ast::Expr)],
        entity: Option<u32>,
        doc_entity: Option<u32>,
        other: Option<u32>,
    ) {
        self.defs.clear();
        let before = self.errors.len();
        let doc = match (doc_entity, other) {
            (Some(e), None) => self.document_lets(e),
            (_, Some(o)) => {
                for l in &self.doc_defs.lets {
                    self.defs
                        .unavailable
                        .push((l.name.name.clone(), String::new(), o));
                }
                Vec::new()
            }
            (None, None) => Vec::new(),
        };
        let n_doc = doc.len();
        let all: Vec<(&ast::Ident, &ast::Expr)> =
            doc.into_iter().chain(lets.iter().copied()).collect();
        let mut unique: Vec<(&ast::Ident, &ast::Expr)> = Vec::new();
        for (k, (n, e)) in all.iter().enumerate() {
            let first_doc = unique
                .iter()
                .take(n_doc)
                .find(|(f, _)| f.name == n.name)
                .map(|(f, _)| f.span);
            if let (Some(first), true) = (first_doc, k >= n_doc) {
                let at = self.sref(first);
                self.problem(
                    Problem::DEFINITION_SHADOWS,
                    n.span,
                    format!("definition `{}` has the name of a definition of the document", n.name),
                    "already a definition of the document",
                    Some(format!(
                        "the document defines `{}` at {at} for every measure: use it, or give this one a name of its own",
                        n.name
                    )),
                );
                continue;
            }
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
            let ent = if k < n_doc { doc_entity } else { entity };
            if let Some(what) = self.taken(&n.name, ent) {
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
            if k < n_doc {
                self.defs.document.push(n.name.clone());
            }
            unique.push((n, e));
        }
        let n_doc_unique = self.defs.document.len();
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
                self.defs.defs.push((n.name.clone(), None, 0));
                continue;
            }
            let ent = if d < n_doc_unique { doc_entity } else { entity };
            let x = self.expr(e, ent, None);
            let size = x.as_ref().map_or(0, nodes);
            if size > MAX_DEFINITION_NODES {
                self.problem(
                    Problem::DEFINITION_TOO_LARGE,
                    n.span,
                    format!(
                        "definition `{}` writes out more than {MAX_DEFINITION_NODES} expression nodes",
                        n.name
                    ),
                    "too large",
                    Some("split it into smaller definitions used in fewer places".into()),
                );
                self.defs.defs.push((n.name.clone(), None, 0));
                continue;
            }
            self.defs.defs.push((n.name.clone(), x, size));
        }
        self.once_for_the_document(before);
    }

    /// The document's definitions `entity` can use (each with the facts it
    /// reads, through the others); the others go to `unavailable`.
    fn document_lets(&mut self, entity: u32) -> Vec<(&'a ast::Ident, &'a ast::Expr)> {
        let lets = self.doc_defs.lets.clone();
        let names: Vec<&str> = lets.iter().map(|l| l.name.name.as_str()).collect();
        // the first name each reads that is no fact of the entity (nor a
        // parameter, a variant or another definition of the document)
        let mut missing: Vec<Option<String>> = lets
            .iter()
            .map(|l| {
                let mut m = Vec::new();
                mentioned(&l.value, &mut m);
                m.into_iter()
                    .find(|x| {
                        !names.contains(x)
                            && self.index.field(entity as usize, x).is_none()
                            && self.list_of(Some(entity), x).is_none()
                            && !self.index.params.contains_key(*x)
                            && !self.index.owners.contains_key(*x)
                    })
                    .map(str::to_string)
            })
            .collect();
        // through the definitions it uses
        let mut changed = true;
        while changed {
            changed = false;
            for (i, l) in lets.iter().enumerate() {
                if missing.get(i).is_some_and(Option::is_some) {
                    continue;
                }
                let mut m = Vec::new();
                mentioned(&l.value, &mut m);
                let via = lets.iter().enumerate().find_map(|(j, o)| {
                    (m.contains(&o.name.name.as_str()))
                        .then(|| missing.get(j).cloned().flatten())
                        .flatten()
                });
                if let (Some(v), Some(slot)) = (via, missing.get_mut(i)) {
                    *slot = Some(v);
                    changed = true;
                }
            }
        }
        let mut out = Vec::new();
        for (l, miss) in lets.iter().zip(missing) {
            match miss {
                Some(fact) => self
                    .defs
                    .unavailable
                    .push((l.name.name.clone(), fact, entity)),
                None => out.push((&l.name, &l.value)),
            }
        }
        out
    }

    /// Drops the diagnostics from `before` on that were already given while
    /// checking another measure (about a definition of the document).
    fn once_for_the_document(&mut self, before: usize) {
        if self.doc_defs.lets.is_empty() {
            return;
        }
        let new = self.errors.split_off(before.min(self.errors.len()));
        for d in new {
            let key = format!("{:?}{:?}", d.file, d.error);
            if self.doc_defs.seen.insert(key) {
                self.errors.push(d);
            }
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

/// The number of nodes of an IR expression.
fn nodes(e: &Expr) -> usize {
    let sub: usize = match &e.node {
        Node::Literal { .. } | Node::Field { .. } | Node::Param { .. } | Node::ApplicationDate => 0,
        Node::Not { arg }
        | Node::Neg { arg }
        | Node::In { arg, .. }
        | Node::InPeriod { arg, .. }
        | Node::Definition { value: arg, .. } => nodes(arg),
        Node::Binary { lhs, rhs, .. } => nodes(lhs).saturating_add(nodes(rhs)),
        Node::If {
            cond,
            then,
            otherwise,
        } => nodes(cond)
            .saturating_add(nodes(then))
            .saturating_add(nodes(otherwise)),
        Node::Match { scrutinee, arms } => arms
            .iter()
            .fold(nodes(scrutinee), |a, x| a.saturating_add(nodes(&x.value))),
        Node::Call { args, .. } => args.iter().fold(0, |a, x| a.saturating_add(nodes(x))),
        Node::Member { .. } => 0,
        Node::Aggregate { value, filter, .. } => value
            .iter()
            .chain(filter)
            .fold(0, |a, x| a.saturating_add(nodes(x))),
    };
    sub.saturating_add(1)
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
        Node::Member { .. } => 0,
        Node::Aggregate { value, filter, .. } => value
            .iter()
            .chain(filter)
            .map(|x| depth(x))
            .max()
            .unwrap_or(0),
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
        // the list only: the other names are read in the member's scope
        ExprKind::Aggregate(_, args, _) => args.iter().take(1).for_each(|a| mentioned(a, out)),
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

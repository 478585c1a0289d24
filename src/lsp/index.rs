//! Every name of a policy, where it is declared and where it is used, found
//! in the syntax trees of its files. Hover, definition, references, rename,
//! completion and symbols all read this index.
//!
//! Names in expressions are resolved as the checker resolves them: a `let`
//! of the measure, then a fact of the measure's addressees, then a parameter,
//! then an enumeration variant (of the enumeration the context expects, else
//! of the one enumeration that has it). The index is built from the files
//! that parse, so that it is there while another file of the policy is being
//! typed; constructs it does not know yet are skipped.

use std::collections::{HashMap, HashSet};

use crate::source::{FileId, Span};
use crate::syntax::ast::{
    self, ExampleClause, Expr, ExprKind, Item, MeasureClause, ParamBody, PartClause, RuleClause,
    TypeExpr, Value,
};

/// Something the policy declares.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sym {
    /// A department, by short name.
    Department(String),
    /// An enumeration (or a `choice` parameter's variants).
    Enum(String),
    /// A variant of an enumeration.
    Variant(String, String),
    /// An entity.
    Entity(String),
    /// A fact: a field of an entity.
    Fact(String, String),
    /// A parameter.
    Parameter(String),
    /// A locality.
    Locality(String),
    /// A section, by number.
    Section(u32),
    /// A measure, by number.
    Measure(u32),
    /// A rule of a measure.
    Rule(u32, String),
    /// A part of a measure.
    Part(u32, String),
    /// A `let` definition of a measure.
    Let(u32, String),
}

impl Sym {
    /// The name as written in the policy (a number for sections and measures).
    pub fn name(&self) -> String {
        match self {
            Sym::Department(n)
            | Sym::Enum(n)
            | Sym::Entity(n)
            | Sym::Parameter(n)
            | Sym::Locality(n)
            | Sym::Variant(_, n)
            | Sym::Fact(_, n)
            | Sym::Rule(_, n)
            | Sym::Part(_, n)
            | Sym::Let(_, n) => n.clone(),
            Sym::Section(n) | Sym::Measure(n) => n.to_string(),
        }
    }

    /// Whether the symbol has a name that can be renamed (not a number).
    pub fn renamable(&self) -> bool {
        !matches!(self, Sym::Section(_) | Sym::Measure(_))
    }

    /// What kind of thing it is, in words.
    pub fn what(&self) -> &'static str {
        match self {
            Sym::Department(_) => "department",
            Sym::Enum(_) => "enum",
            Sym::Variant(..) => "variant",
            Sym::Entity(_) => "entity",
            Sym::Fact(..) => "fact",
            Sym::Parameter(_) => "parameter",
            Sym::Locality(_) => "locality",
            Sym::Section(_) => "section",
            Sym::Measure(_) => "measure",
            Sym::Rule(..) => "rule",
            Sym::Part(..) => "part",
            Sym::Let(..) => "definition",
        }
    }
}

/// One place a symbol is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The symbol.
    pub sym: Sym,
    /// Where its name (or number) is written.
    pub span: Span,
    /// Whether this is its declaration.
    pub decl: bool,
}

/// Where a symbol is declared: its name and its whole item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decl {
    /// The name (or number).
    pub name: Span,
    /// The whole declaration.
    pub item: Span,
}

/// The names of a policy.
#[derive(Debug, Default)]
pub struct Index {
    /// Every occurrence, in the order the files are walked.
    pub occurrences: Vec<Occurrence>,
    /// The declaration of each symbol (the first, if declared twice).
    pub decls: HashMap<Sym, Decl>,
    /// Enumeration name → its variants.
    enums: HashMap<String, Vec<String>>,
    /// Variant name → the enumerations that have it.
    owners: HashMap<String, Vec<String>>,
    /// Entity name → field name → the enumeration of its type, if any.
    fields: HashMap<String, HashMap<String, Option<String>>>,
    /// Parameter name → the enumeration of its type, if any.
    params: HashMap<String, Option<String>>,
}

/// What a name in an expression of a measure can be.
struct Scope<'a> {
    measure: u32,
    entities: &'a [String],
    lets: &'a HashSet<String>,
}

impl Index {
    /// The index of `files`, which must have been parsed from the same source map.
    pub fn build(files: &[ast::File]) -> Index {
        let mut ix = Index::default();
        for f in files {
            ix.register(f);
        }
        for f in files {
            ix.walk(f);
        }
        ix
    }

    /// The occurrence whose span holds byte `offset` of `file` (a position just
    /// after a name counts, so that the cursor at a word's end finds it).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let inside =
            |o: &&Occurrence| o.span.file == file && o.span.start <= offset && offset < o.span.end;
        let touching =
            |o: &&Occurrence| o.span.file == file && o.span.start <= offset && offset == o.span.end;
        self.occurrences
            .iter()
            .find(inside)
            .or_else(|| self.occurrences.iter().find(touching))
    }

    /// Every occurrence of `sym`.
    pub fn occurrences_of<'a>(&'a self, sym: &'a Sym) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |o| &o.sym == sym)
    }

    /// The variants of an enumeration.
    pub fn variants(&self, name: &str) -> &[String] {
        self.enums.get(name).map_or(&[], Vec::as_slice)
    }

    fn declare(&mut self, sym: Sym, name: Span, item: Span) {
        self.decls.entry(sym.clone()).or_insert(Decl { name, item });
        self.occurrences.push(Occurrence {
            sym,
            span: name,
            decl: true,
        });
    }

    fn refer(&mut self, sym: Sym, span: Span) {
        self.occurrences.push(Occurrence {
            sym,
            span,
            decl: false,
        });
    }

    fn enum_of_type(&self, ty: &TypeExpr) -> Option<String> {
        match ty {
            TypeExpr::Named { base, .. } if self.enums.contains_key(&base.name) => {
                Some(base.name.clone())
            }
            _ => None,
        }
    }

    /// First pass: the declarations, so that uses may come before them.
    fn register(&mut self, f: &ast::File) {
        for item in &f.items {
            match item {
                Item::Enum(e) => {
                    let vs = e.variants.iter().map(|v| v.name.clone()).collect();
                    self.add_enum(&e.name.name, vs);
                }
                Item::Parameter(p) => {
                    if let TypeExpr::Choice { variants, .. } = &p.ty {
                        let vs = variants.iter().map(|v| v.name.clone()).collect();
                        self.add_enum(&p.name.name, vs);
                    }
                }
                _ => {}
            }
        }
    }

    fn add_enum(&mut self, name: &str, variants: Vec<String>) {
        if self.enums.contains_key(name) {
            return;
        }
        for v in &variants {
            self.owners
                .entry(v.clone())
                .or_default()
                .push(name.to_string());
        }
        self.enums.insert(name.to_string(), variants);
    }

    /// Second pass: declarations and uses, in source order.
    fn walk(&mut self, f: &ast::File) {
        // entities and parameters first: their types resolve variants below
        for item in &f.items {
            match item {
                Item::Entity(e) => {
                    let mut fields = HashMap::new();
                    for fd in &e.fields {
                        fields.insert(fd.name.name.clone(), self.enum_of_type(&fd.ty));
                    }
                    self.fields.entry(e.name.name.clone()).or_insert(fields);
                }
                Item::Parameter(p) => {
                    let en = match &p.ty {
                        TypeExpr::Choice { .. } => Some(p.name.name.clone()),
                        ty => self.enum_of_type(ty),
                    };
                    self.params.entry(p.name.name.clone()).or_insert(en);
                }
                _ => {}
            }
        }
        for item in &f.items {
            self.item(item);
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Department(d) => {
                self.declare(Sym::Department(d.name.name.clone()), d.name.span, d.span)
            }
            Item::Enum(e) => {
                self.declare(Sym::Enum(e.name.name.clone()), e.name.span, e.span);
                for v in &e.variants {
                    let sym = Sym::Variant(e.name.name.clone(), v.name.clone());
                    self.declare(sym, v.span, v.span);
                }
            }
            Item::Entity(e) => {
                self.declare(Sym::Entity(e.name.name.clone()), e.name.span, e.span);
                for fd in &e.fields {
                    let sym = Sym::Fact(e.name.name.clone(), fd.name.name.clone());
                    self.declare(sym, fd.name.span, fd.span);
                    self.type_expr(&fd.ty, None);
                }
            }
            Item::Parameter(p) => {
                let name = p.name.name.clone();
                self.declare(Sym::Parameter(name.clone()), p.name.span, p.span);
                self.type_expr(&p.ty, Some(&name));
                let en = self.params.get(&name).cloned().flatten();
                // `if let`, not `match`: a new form of parameter is skipped, not an error
                if let ParamBody::Constant(v) = &p.body {
                    self.value(v, en.as_deref());
                } else if let ParamBody::Versioned(vs) = &p.body {
                    for v in vs {
                        self.value(&v.value, en.as_deref());
                    }
                } else if let ParamBody::Locality {
                    default,
                    floor,
                    cap,
                    ..
                } = &p.body
                {
                    for v in [default, floor, cap].into_iter().flatten() {
                        self.value(v, en.as_deref());
                    }
                }
            }
            Item::Section(s) => self.declare(Sym::Section(s.number), s.title.span, s.span),
            Item::Locality(l) => {
                self.declare(Sym::Locality(l.name.name.clone()), l.name.span, l.span);
                for v in &l.values {
                    self.refer(Sym::Parameter(v.param.name.clone()), v.param.span);
                    let en = self.params.get(&v.param.name).cloned().flatten();
                    self.value(&v.value, en.as_deref());
                }
            }
            Item::Measure(m) => self.measure(m),
            _ => {}
        }
    }

    fn type_expr(&mut self, ty: &TypeExpr, choice_of: Option<&str>) {
        if let TypeExpr::Named { base, .. } = ty {
            if self.enums.contains_key(&base.name) {
                self.refer(Sym::Enum(base.name.clone()), base.span);
            }
        } else if let (TypeExpr::Choice { variants, .. }, Some(owner)) = (ty, choice_of) {
            for v in variants {
                let sym = Sym::Variant(owner.to_string(), v.name.clone());
                self.declare(sym, v.span, v.span);
            }
        }
    }

    /// A literal value of a parameter, a locality or an example.
    fn value(&mut self, v: &Value, enum_name: Option<&str>) {
        if let Value::Variant(i) = v {
            self.variant(i, enum_name);
        }
    }

    /// A variant written alone: of `enum_name` if it has it, else of the
    /// one enumeration that has it.
    fn variant(&mut self, i: &ast::Ident, enum_name: Option<&str>) -> bool {
        if let Some(en) = enum_name {
            if self.variants(en).contains(&i.name) {
                self.refer(Sym::Variant(en.to_string(), i.name.clone()), i.span);
                return true;
            }
        }
        match self.owners.get(&i.name).map(Vec::as_slice) {
            Some([only]) => {
                let sym = Sym::Variant(only.clone(), i.name.clone());
                self.refer(sym, i.span);
                true
            }
            _ => false,
        }
    }

    fn measure(&mut self, m: &ast::Measure) {
        let n = m.number;
        self.declare(Sym::Measure(n), m.number_span, m.span);
        self.occurrences.push(Occurrence {
            sym: Sym::Measure(n),
            span: m.title.span,
            decl: true,
        });
        let mut entities: Vec<String> = Vec::new();
        let mut lets = HashSet::new();
        let mut parts = HashSet::new();
        for c in &m.clauses {
            match c {
                MeasureClause::To(e) => entities.push(e.name.clone()),
                MeasureClause::Part(p) => {
                    parts.insert(p.name.name.clone());
                    for pc in &p.clauses {
                        if let PartClause::To(es, _) = pc {
                            entities.extend(es.iter().map(|e| e.name.clone()));
                        }
                    }
                }
                MeasureClause::Let(name, _, _) => {
                    lets.insert(name.name.clone());
                }
                _ => {}
            }
        }
        let scope = Scope {
            measure: n,
            entities: &entities,
            lets: &lets,
        };
        for c in &m.clauses {
            match c {
                MeasureClause::Section(s, span) => self.refer(Sym::Section(*s), *span),
                MeasureClause::To(e) => self.refer(Sym::Entity(e.name.clone()), e.span),
                MeasureClause::Departments(_, ds, _) => {
                    for d in &ds.names {
                        self.refer(Sym::Department(d.name.clone()), d.span);
                    }
                }
                MeasureClause::Part(p) => {
                    self.declare(Sym::Part(n, p.name.name.clone()), p.name.span, p.span);
                    for pc in &p.clauses {
                        if let PartClause::To(es, _) = pc {
                            for e in es {
                                self.refer(Sym::Entity(e.name.clone()), e.span);
                            }
                        }
                    }
                }
                MeasureClause::When(e, _) => {
                    self.expr(e, &scope, None);
                }
                MeasureClause::Let(name, e, span) => {
                    self.declare(Sym::Let(n, name.name.clone()), name.span, *span);
                    self.expr(e, &scope, None);
                }
                MeasureClause::Rule(r) => self.rule(r, &scope, &parts),
                MeasureClause::Example(x) => self.example(x, &scope),
                _ => {}
            }
        }
    }

    fn rule(&mut self, r: &ast::Rule, scope: &Scope<'_>, parts: &HashSet<String>) {
        let n = scope.measure;
        self.declare(Sym::Rule(n, r.name.name.clone()), r.name.span, r.span);
        if let Some(p) = &r.part {
            let sym = Sym::Part(n, p.name.clone());
            if parts.contains(&p.name) || self.decls.contains_key(&sym) {
                self.refer(sym, p.span);
            } else {
                // a part without a declaration is declared by its first rule
                self.declare(sym, p.span, r.span);
            }
        }
        if let Some(base) = &r.exception_to {
            self.refer(Sym::Rule(n, base.name.clone()), base.span);
        }
        for c in &r.clauses {
            match c {
                RuleClause::When(e)
                | RuleClause::Amount(e)
                | RuleClause::Floor(e)
                | RuleClause::Cap(e) => {
                    self.expr(e, scope, None);
                }
                RuleClause::May(Some(d), _) if d.name != "locality" => {
                    self.refer(Sym::Department(d.name.clone()), d.span);
                }
                _ => {}
            }
        }
    }

    fn example(&mut self, x: &ast::Example, scope: &Scope<'_>) {
        let mut entity = scope.entities.first().cloned();
        for c in &x.clauses {
            match c {
                ExampleClause::Locality(l, _) => self.refer(Sym::Locality(l.name.clone()), l.span),
                ExampleClause::Facts(e, values, _) => {
                    self.refer(Sym::Entity(e.name.clone()), e.span);
                    entity = Some(e.name.clone());
                    for fv in values {
                        let en = self
                            .fields
                            .get(&e.name)
                            .and_then(|f| f.get(&fv.name.name))
                            .cloned()
                            .flatten();
                        self.refer(
                            Sym::Fact(e.name.clone(), fv.name.name.clone()),
                            fv.name.span,
                        );
                        self.value(&fv.value, en.as_deref());
                    }
                }
                ExampleClause::Expect(ex) => {
                    for f in ex.facts.iter().flatten() {
                        if let Some(e) = &entity {
                            self.refer(Sym::Fact(e.clone(), f.name.clone()), f.span);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The symbol a bare name in an expression of the measure stands for.
    fn resolve(&self, name: &str, scope: &Scope<'_>) -> Option<(Sym, Option<String>)> {
        if scope.lets.contains(name) {
            return Some((Sym::Let(scope.measure, name.to_string()), None));
        }
        for e in scope.entities {
            if let Some(en) = self.fields.get(e).and_then(|f| f.get(name)) {
                return Some((Sym::Fact(e.clone(), name.to_string()), en.clone()));
            }
        }
        if let Some(en) = self.params.get(name) {
            return Some((Sym::Parameter(name.to_string()), en.clone()));
        }
        None
    }

    /// Walks an expression; returns the enumeration of its value when known
    /// (so that `x in {A, B}` and `match x { … }` resolve their variants).
    fn expr(&mut self, e: &Expr, scope: &Scope<'_>, hint: Option<&str>) -> Option<String> {
        match &e.kind {
            ExprKind::Name(i) => match self.resolve(&i.name, scope) {
                Some((sym, en)) => {
                    self.refer(sym, i.span);
                    en
                }
                None => {
                    if self.variant(i, hint) {
                        return self.variant_owner(&i.name, hint);
                    }
                    None
                }
            },
            ExprKind::Qualified(en, v) => {
                if self.enums.contains_key(&en.name) {
                    self.refer(Sym::Enum(en.name.clone()), en.span);
                    self.refer(Sym::Variant(en.name.clone(), v.name.clone()), v.span);
                    return Some(en.name.clone());
                }
                None
            }
            ExprKind::Unary(_, a) | ExprKind::Paren(a) => self.expr(a, scope, hint),
            ExprKind::Binary(_, a, b) => {
                let left = self.expr(a, scope, None);
                let right = self.expr(b, scope, left.as_deref());
                left.or(right)
            }
            ExprKind::In(a, vs) => {
                let en = self.expr(a, scope, None);
                for v in vs {
                    self.variant(v, en.as_deref());
                }
                None
            }
            ExprKind::Call(_, args) => {
                for a in args {
                    self.expr(a, scope, hint);
                }
                None
            }
            ExprKind::If(c, a, b) => {
                self.expr(c, scope, None);
                let x = self.expr(a, scope, hint);
                let y = self.expr(b, scope, hint);
                x.or(y)
            }
            ExprKind::Match(s, arms, _) => {
                let en = self.expr(s, scope, None);
                let mut out = None;
                for arm in arms {
                    self.variant(&arm.variant, en.as_deref());
                    out = out.or(self.expr(&arm.value, scope, hint));
                }
                out
            }
            ExprKind::InPeriod(a, _, _) => {
                self.expr(a, scope, None);
                None
            }
            _ => None,
        }
    }

    fn variant_owner(&self, variant: &str, hint: Option<&str>) -> Option<String> {
        if let Some(h) = hint {
            if self.variants(h).iter().any(|v| v == variant) {
                return Some(h.to_string());
            }
        }
        match self.owners.get(variant).map(Vec::as_slice) {
            Some([only]) => Some(only.clone()),
            _ => None,
        }
    }
}

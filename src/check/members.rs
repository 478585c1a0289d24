//! Member records and aggregates: `record` declarations, `list<记录>` fields
//! of entities, aggregates over them (`count(新招用人员 where …)`) and the
//! member lists of examples. See `docs/language.md`, "Member records".
//!
//! Inside an aggregate's value and `where` condition, a name is first a field
//! of the member; a fact, list or definition of the entity cannot be read
//! there (compute it outside the aggregate); parameters and enumeration
//! variants resolve as everywhere.

use super::*;
use crate::ir::{Aggregate, Expr, Node};
use crate::syntax::ast::ExprKind;

/// A list field inside a record: one level of nesting only.
pub(super) const NESTED_LIST: &str = "policy::check::nested_list";
/// `list<…>` as the type of a parameter.
pub(super) const MISPLACED_LIST: &str = "policy::check::misplaced_list";
/// An aggregate whose first argument is not a list of the addressee.
pub(super) const NOT_A_LIST: &str = "policy::check::not_a_list";
/// A list used where a value is expected.
pub(super) const LIST_AS_VALUE: &str = "policy::check::list_as_value";
/// A fact, list or definition of the entity inside an aggregate.
pub(super) const OUTER_NAME: &str = "policy::check::outer_name_in_member";
/// An aggregate with the wrong number of arguments.
pub(super) const AGGREGATE_ARGUMENTS: &str = "policy::check::aggregate_arguments";
/// An example's list with more members than [`ir::MAX_MEMBERS`].
pub(super) const TOO_MANY_MEMBERS: &str = "policy::check::too_many_members";

/// What the checker knows about records and lists.
#[derive(Default)]
pub(super) struct Members<'a> {
    /// The record types, in declaration order.
    pub records: Vec<ir::RecordDef>,
    asts: Vec<&'a ast::Entity>,
    /// Record name → index.
    index: HashMap<String, usize>,
    /// For each record, field name → slot.
    fields: Vec<HashMap<String, usize>>,
    /// For each entity, list name → (index in its lists, record).
    lists: Vec<HashMap<String, (u32, u32)>>,
    /// The record of the member at hand, inside an aggregate.
    scope: Option<u32>,
}

impl<'a> Checker<'a> {
    /// Registers `record 名 { … }`.
    pub(super) fn collect_record(&mut self, r: &'a ast::Entity) {
        if self.type_name_taken(&r.name) {
            return;
        }
        if let Some(&i) = self.members.index.get(r.name.name.as_str()) {
            let first = self.members.asts.get(i).map(|x| x.name.span);
            let help = first.and_then(|s| self.first_at(s));
            self.err(
                r.name.span,
                CheckError::Duplicate {
                    what: "record",
                    name: r.name.name.clone(),
                    span: r.name.span,
                    help,
                },
            );
            return;
        }
        let at = self.members.records.len();
        self.members.index.insert(r.name.name.clone(), at);
        self.members.records.push(ir::RecordDef {
            name: r.name.name.clone(),
            description: r.description.as_ref().map(|d| d.value.clone()),
            fields: Vec::new(),
        });
        self.members.asts.push(r);
    }

    /// Resolves the fields of every record (before the entities' lists).
    pub(super) fn resolve_records(&mut self) {
        let asts = self.members.asts.clone();
        for (ri, r) in asts.iter().enumerate() {
            let mut fields = Vec::new();
            let mut at: HashMap<String, usize> = HashMap::with_capacity(r.fields.len());
            for f in &r.fields {
                if let ast::TypeExpr::List { span, .. } = &f.ty {
                    self.problem(
                        NESTED_LIST,
                        *span,
                        format!("record `{}` cannot hold a list", r.name.name),
                        "a list inside a member",
                        Some("members have one level: declare the list on the entity, next to this one".into()),
                    );
                    continue;
                }
                if at.contains_key(f.name.name.as_str()) {
                    self.err(
                        f.name.span,
                        CheckError::Duplicate {
                            what: "field",
                            name: f.name.name.clone(),
                            span: f.name.span,
                            help: None,
                        },
                    );
                    continue;
                }
                if let Some(ty) = self.resolve_type(&f.ty, None) {
                    at.insert(f.name.name.clone(), fields.len());
                    fields.push(ir::FieldDef {
                        name: f.name.name.clone(),
                        ty,
                    });
                }
            }
            if let Some(rec) = self.members.records.get_mut(ri) {
                rec.fields = fields;
            }
            self.members.fields.push(at);
        }
    }

    /// `名: list<记录>` in entity `ei`.
    pub(super) fn list_field(&mut self, ei: usize, f: &ast::Field, record: &ast::Ident) {
        while self.members.lists.len() <= ei {
            self.members.lists.push(HashMap::new());
        }
        let Some(&ri) = self.members.index.get(record.name.as_str()) else {
            let help = self
                .suggest(&record.name, || {
                    self.members.records.iter().map(|r| r.name.as_str())
                })
                .or_else(|| Some(format!("declare it with `record {} {{ … }}`", record.name)));
            self.err(
                record.span,
                CheckError::UnknownItem {
                    what: "record",
                    name: record.name.clone(),
                    span: record.span,
                    help,
                },
            );
            return;
        };
        let earlier = self
            .entity_asts
            .get(ei)
            .and_then(|e| e.fields.iter().find(|x| x.name.name == f.name.name))
            .map(|x| x.name.span);
        if earlier.is_some_and(|s| s != f.name.span) {
            let help = earlier.and_then(|s| self.first_at(s));
            self.err(
                f.name.span,
                CheckError::Duplicate {
                    what: "field",
                    name: f.name.name.clone(),
                    span: f.name.span,
                    help,
                },
            );
            return;
        }
        let Some(ent) = self.entities.get_mut(ei) else {
            return;
        };
        let li = ent.lists.len() as u32;
        ent.lists.push(ir::ListDef {
            name: f.name.name.clone(),
            record: ri as u32,
        });
        if let Some(m) = self.members.lists.get_mut(ei) {
            m.insert(f.name.name.clone(), (li, ri as u32));
        }
    }

    /// `list<…>` where only an entity's field may have it.
    pub(super) fn misplaced_list(&mut self, span: Span) {
        self.problem(
            MISPLACED_LIST,
            span,
            "a list is only the type of an entity's field",
            "not allowed here",
            Some("declare `名: list<记录>` in an `entity`".into()),
        );
    }

    pub(super) fn list_of(&self, entity: Option<u32>, name: &str) -> Option<(u32, u32)> {
        let ei = entity? as usize;
        self.members.lists.get(ei)?.get(name).copied()
    }

    /// A name inside or outside an aggregate, where members decide it: a
    /// member's field, or an error for a name of the entity inside an
    /// aggregate or for a list used as a value. `None`: resolve as usual.
    pub(super) fn member_name(
        &mut self,
        n: &ast::Ident,
        entity: Option<u32>,
    ) -> Option<Option<Expr>> {
        let Some(ri) = self.members.scope else {
            self.list_of(entity, &n.name)?;
            self.problem(
                LIST_AS_VALUE,
                n.span,
                format!("`{}` is a list of members, not a value", n.name),
                "a list",
                Some(format!(
                    "aggregate it: `count({0})`, `sum({0}, 字段)`, `all({0}, 条件)`, `any({0}, 条件)`, `min({0}, 字段)` or `max({0}, 字段)`",
                    n.name
                )),
            );
            return Some(None);
        };
        if let Some((slot, ty)) = self
            .members
            .fields
            .get(ri as usize)
            .and_then(|m| m.get(n.name.as_str()))
            .and_then(|&slot| {
                let f = self.members.records.get(ri as usize)?.fields.get(slot)?;
                Some((slot, f.ty.clone()))
            })
        {
            return Some(Some(Expr {
                ty,
                node: Node::Member {
                    slot: slot as u32,
                    name: n.name.clone(),
                },
            }));
        }
        let outer = entity.is_some_and(|e| self.index.field(e as usize, &n.name).is_some())
            || self.list_of(entity, &n.name).is_some()
            || self.defs.has(&n.name);
        if !outer {
            return None;
        }
        let record = self
            .members
            .records
            .get(ri as usize)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        self.problem(
            OUTER_NAME,
            n.span,
            format!(
                "`{}` is not a field of `{record}`, and the entity's facts cannot be read inside an aggregate",
                n.name
            ),
            "outside the member",
            Some("write the condition on the entity outside the aggregate, e.g. `count(…) >= 1 人 and 条件`".into()),
        );
        Some(None)
    }

    /// `min(列表, x)` / `max(列表, x)`: an aggregate when the first argument
    /// is a list of the addressee. `None`: the two-value function.
    pub(super) fn list_call(
        &mut self,
        e: &ast::Expr,
        f: &ast::Ident,
        args: &[ast::Expr],
        entity: Option<u32>,
    ) -> Option<Option<Expr>> {
        let first = args.first()?;
        let ExprKind::Name(n) = &first.kind else {
            return None;
        };
        if self.members.scope.is_some() || self.list_of(entity, &n.name).is_none() {
            return None;
        }
        Some(self.aggregate(e, f, args, None, entity))
    }

    /// `count(列表 where c)`, `sum(列表, x where c)`, `all(列表, c)`, …
    pub(super) fn aggregate(
        &mut self,
        e: &ast::Expr,
        f: &ast::Ident,
        args: &[ast::Expr],
        filter: Option<&ast::Expr>,
        entity: Option<u32>,
    ) -> Option<Expr> {
        let Some(func) = Aggregate::parse(&f.name) else {
            let names = Aggregate::ALL.iter().map(|(_, n)| *n);
            let help = did_you_mean(&f.name, names).or(Some(
                "`where` selects the members of a list in `count`, `sum`, `all`, `any`, `min` and `max`".into(),
            ));
            self.err(
                f.span,
                CheckError::UnknownItem {
                    what: "aggregate",
                    name: f.name.clone(),
                    span: f.span,
                    help,
                },
            );
            return None;
        };
        let list_arg = args.first();
        let list = match list_arg.map(|a| &a.kind) {
            Some(ExprKind::Name(n)) if self.members.scope.is_none() => {
                self.list_of(entity, &n.name).map(|l| (n, l))
            }
            _ => None,
        };
        let Some((list_name, (li, ri))) = list else {
            let span = list_arg.map_or(e.span, |a| a.span);
            let (what, label) = if self.members.scope.is_some() {
                (
                    format!("`{}` cannot be used inside another aggregate", f.name),
                    "an aggregate inside a member",
                )
            } else {
                (
                    format!("`{}` aggregates a list of the addressee's members", f.name),
                    "not a list",
                )
            };
            let lists: Vec<String> = entity
                .and_then(|ei| self.entities.get(ei as usize))
                .map(|en| en.lists.iter().map(|l| format!("`{}`", l.name)).collect())
                .unwrap_or_default();
            let help = if lists.is_empty() {
                "declare `名: list<记录>` in the addressee's entity".to_string()
            } else {
                format!("the lists of the addressee are {}", lists.join(", "))
            };
            self.problem(NOT_A_LIST, span, what, label, Some(help));
            return None;
        };
        let wants = if func == Aggregate::Count { 1 } else { 2 };
        if args.len() != wants {
            let form = match func {
                Aggregate::Count => "count(列表 where 条件)",
                Aggregate::Sum => "sum(列表, 值 where 条件)",
                Aggregate::All => "all(列表, 条件)",
                Aggregate::Any => "any(列表, 条件)",
                Aggregate::Min => "min(列表, 值 where 条件)",
                Aggregate::Max => "max(列表, 值 where 条件)",
            };
            self.problem(
                AGGREGATE_ARGUMENTS,
                e.span,
                format!(
                    "`{}` takes {} here",
                    f.name,
                    if wants == 1 {
                        "the list only"
                    } else {
                        "the list and one value"
                    }
                ),
                "here",
                Some(format!("write `{form}` (`where` is optional)")),
            );
            return None;
        }
        let outer = self.members.scope.replace(ri);
        let value = args.get(1).map(|a| (a, self.expr(a, entity, None)));
        let filter = filter.map(|c| (c, self.expr(c, entity, None)));
        self.members.scope = outer;
        let mut ok = true;
        let cond = |c: &mut Self, x: &(&ast::Expr, Option<Expr>)| -> Option<Box<Expr>> {
            let t = x.1.clone()?;
            if t.ty != Type::Bool {
                c.err(
                    x.0.span,
                    CheckError::ConditionNotBool {
                        found: t.ty.to_string(),
                        span: x.0.span,
                    },
                );
                return None;
            }
            Some(Box::new(t))
        };
        let filter_ir = match &filter {
            Some(x) => {
                let r = cond(self, x);
                ok &= r.is_some();
                r
            }
            None => None,
        };
        let (ty, value_ir) = match (func, value) {
            (Aggregate::Count, _) => (
                Type::Number {
                    kind: NumKind::Integer,
                    unit: Dim::of(Unit::Person),
                },
                None,
            ),
            (Aggregate::All | Aggregate::Any, Some(x)) => {
                let v = cond(self, &x)?;
                (Type::Bool, Some(v))
            }
            (Aggregate::Sum | Aggregate::Min | Aggregate::Max, Some((a, Some(v)))) => {
                let fits = match func {
                    Aggregate::Sum => matches!(v.ty, Type::Number { .. }),
                    _ => matches!(v.ty, Type::Number { .. } | Type::Date),
                };
                if !fits {
                    let expected = if func == Aggregate::Sum {
                        "a number"
                    } else {
                        "a number or a date"
                    };
                    self.type_mismatch(a.span, expected, v.ty.to_string(), None);
                    return None;
                }
                (v.ty.clone(), Some(Box::new(v)))
            }
            _ => return None,
        };
        if !ok {
            return None;
        }
        Some(Expr {
            ty,
            node: Node::Aggregate {
                func,
                list: li,
                name: list_name.name.clone(),
                value: value_ir,
                filter: filter_ir,
            },
        })
    }

    /// The members of list `fv` in an example of entity `ei`; `None` after
    /// reporting an error.
    pub(super) fn example_list(
        &mut self,
        ei: usize,
        fv: &ast::FactValue,
        members: &[ast::MemberLit],
    ) -> Option<ir::ListFactDef> {
        let Some((li, ri)) = self.list_of(Some(ei as u32), &fv.name.name) else {
            let span = fv.value.span();
            let ty = self
                .entities
                .get(ei)
                .and_then(|e| e.fields.iter().find(|f| f.name == fv.name.name))
                .map(|f| f.ty.to_string());
            match ty {
                Some(ty) => self.type_mismatch(span, ty, "a list of members", None),
                None => self.unknown_field(ei, &fv.name),
            }
            return None;
        };
        if members.len() > ir::MAX_MEMBERS {
            self.problem(
                TOO_MANY_MEMBERS,
                fv.value.span(),
                format!(
                    "`{}` has {} members, more than {}",
                    fv.name.name,
                    members.len(),
                    ir::MAX_MEMBERS
                ),
                "too many",
                Some("an example shows a case: a few members are enough".into()),
            );
            return None;
        }
        let mut out = Vec::with_capacity(members.len());
        let mut ok = true;
        for m in members {
            let mut facts: Vec<ir::FactDef> = Vec::new();
            for f in &m.facts {
                let field = self
                    .members
                    .fields
                    .get(ri as usize)
                    .and_then(|x| x.get(f.name.name.as_str()))
                    .and_then(|&slot| {
                        let fd = self.members.records.get(ri as usize)?.fields.get(slot)?;
                        Some((slot, fd.ty.clone()))
                    });
                let Some((slot, ty)) = field else {
                    let record = self.members.records.get(ri as usize);
                    let names = || {
                        record
                            .into_iter()
                            .flat_map(|r| r.fields.iter().map(|x| x.name.as_str()))
                    };
                    let help = self.suggest(&f.name.name, names);
                    self.err(
                        f.name.span,
                        CheckError::UnknownItem {
                            what: "field of the member",
                            name: f.name.name.clone(),
                            span: f.name.span,
                            help,
                        },
                    );
                    ok = false;
                    continue;
                };
                if facts.iter().any(|x| x.slot == slot as u32) {
                    self.err(
                        f.name.span,
                        CheckError::Duplicate {
                            what: "fact",
                            name: f.name.name.clone(),
                            span: f.name.span,
                            help: None,
                        },
                    );
                    ok = false;
                    continue;
                }
                match self.value(&f.value, &ty) {
                    Some(value) => facts.push(ir::FactDef {
                        slot: slot as u32,
                        name: f.name.name.clone(),
                        value,
                    }),
                    None => ok = false,
                }
            }
            facts.sort_by_key(|f| f.slot);
            out.push(facts);
        }
        ok.then(|| ir::ListFactDef {
            list: li,
            name: fv.name.name.clone(),
            members: out,
        })
    }

    /// Whether `name` is a member's fact of entity `ei`: `列表[i].字段`.
    pub(super) fn member_fact_known(&self, ei: usize, name: &str) -> bool {
        let Some((list, rest)) = name.split_once('[') else {
            return self.list_of(Some(ei as u32), name).is_some();
        };
        let Some((index, field)) = rest.split_once("].") else {
            return false;
        };
        let Some((_, ri)) = self.list_of(Some(ei as u32), list) else {
            return false;
        };
        index.parse::<usize>().is_ok_and(|i| i < ir::MAX_MEMBERS)
            && self
                .members
                .fields
                .get(ri as usize)
                .is_some_and(|m| m.contains_key(field))
    }
}

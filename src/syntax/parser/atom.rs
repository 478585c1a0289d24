//! Names, texts and literals: identifiers, dates, numbers, quantities, values.

use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::{Builder, Rule, R};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::types::Unit;

impl Builder {
    pub(super) fn ident(&self, p: Pair<'_, Rule>) -> R<Ident> {
        if p.as_rule() != Rule::ident {
            return Err(self.internal("expected a name", &p));
        }
        // U+200C and U+200D may continue a Unicode name, but two names that
        // look the same must be the same name
        if let Some((i, c)) = p
            .as_str()
            .char_indices()
            .find(|(_, c)| matches!(c, '\u{200C}' | '\u{200D}'))
        {
            let at = p.as_span().start() + i;
            return Err(SyntaxError::InvalidLiteral {
                what: "name",
                text: p.as_str().escape_debug().to_string(),
                span: Span::new(self.file, at, at + c.len_utf8()),
                reason: format!("invisible character U+{:04X} in a name", u32::from(c)),
                help: Some(
                    "remove the invisible character (zero-width joiner or non-joiner)".into(),
                ),
            });
        }
        Ok(Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        })
    }

    pub(super) fn ident_list(&self, p: Pair<'_, Rule>) -> R<Vec<Ident>> {
        p.into_inner().map(|i| self.ident(i)).collect()
    }

    pub(super) fn text(&self, p: Pair<'_, Rule>) -> R<Text> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::string => {
                let inner = p.into_inner().next();
                let raw = inner.as_ref().map_or("", |i| i.as_str());
                let at = inner.map_or(span.start, |i| i.as_span().start());
                let value = crate::syntax::scan::unescape(raw).map_err(|(i, c)| {
                    let start = at + i;
                    SyntaxError::UnknownEscape {
                        escape: format!("\\{}", c.escape_debug()),
                        span: Span::new(self.file, start, start + 1 + c.len_utf8()),
                    }
                })?;
                Ok(Text {
                    value,
                    block: false,
                    span,
                })
            }
            Rule::text_block => {
                let raw = p.into_inner().next().map_or("", |i| i.as_str());
                Ok(Text {
                    value: raw.to_string(),
                    block: true,
                    span,
                })
            }
            _ => Err(self.internal("expected a string", &p)),
        }
    }

    pub(super) fn date(&mut self, p: Pair<'_, Rule>) -> R<DateLit> {
        let span = self.span(&p);
        let s = p.as_str();
        // the grammar reads one-digit months and days so that this can say why
        let value = match crate::literal::date(s) {
            Ok(d) => Some(d),
            Err(reason) => {
                self.errors.push(SyntaxError::InvalidLiteral {
                    what: "date",
                    text: s.to_string(),
                    span,
                    reason,
                    help: Some(
                        "dates are written YYYY-MM-DD and must exist in the calendar".into(),
                    ),
                });
                None
            }
        };
        Ok(DateLit {
            value: value.unwrap_or_default(),
            span,
        })
    }

    pub(super) fn number(&mut self, p: &Pair<'_, Rule>) -> Decimal {
        let s = p.as_str();
        // the grammar's `number` is digits and points: only a second point
        // (or two in a row) makes it the wrong shape
        match crate::literal::decimal(s) {
            Ok(d) => d,
            Err(e) => {
                let reason = match e {
                    crate::literal::NumberError::Shape => "a number has at most one decimal point",
                    crate::literal::NumberError::Inexact => {
                        "the number is too large or too precise to be kept exactly"
                    }
                }
                .to_string();
                self.errors.push(SyntaxError::InvalidLiteral {
                    what: "number",
                    text: s.to_string(),
                    span: self.span(p),
                    reason,
                    help: Some("write digits with at most one `.`, e.g. `12.5`".into()),
                });
                Decimal::ZERO
            }
        }
    }

    pub(super) fn quantity(&mut self, p: Pair<'_, Rule>) -> R<Quantity> {
        let span = self.span(&p);
        let full = p.as_str().to_string();
        let mut it = p.clone().into_inner();
        let num = self.next(&mut it, &p, "number")?;
        let digits = num.as_str().to_string();
        let mut value = self.number(&num);
        let fractional = digits.contains('.');
        let mut q = Quantity {
            value,
            digits,
            percent: false,
            wan: false,
            unit: None,
            per: Vec::new(),
            spaced: false,
            fractional,
            span,
        };
        if let Some(next) = it.next() {
            match next.as_rule() {
                Rule::percent_sign => {
                    q.percent = true;
                    // exactly, as in facts: `0.0000000000000000000000000001%` is refused
                    match crate::literal::percent(value) {
                        Some(v) => value = v,
                        None => self.errors.push(SyntaxError::InvalidLiteral {
                            what: "number",
                            text: full.clone(),
                            span,
                            reason: "too precise to be kept exactly".into(),
                            help: None,
                        }),
                    }
                }
                Rule::unit_spec => {
                    q.spaced = full
                        .get(num.as_str().len()..)
                        .is_some_and(|rest| rest.starts_with(' '));
                    for u in next.into_inner() {
                        match u.as_rule() {
                            Rule::scale => q.wan = true,
                            Rule::unit => q.unit = Unit::parse(u.as_str()),
                            Rule::per_unit => {
                                if let Some(x) = Unit::parse(u.as_str()) {
                                    q.per.push(x);
                                }
                            }
                            _ => return Err(self.internal("unexpected unit part", &u)),
                        }
                    }
                    if q.wan {
                        match crate::literal::wan(value) {
                            Some(v) => value = v,
                            None => {
                                self.errors.push(SyntaxError::InvalidLiteral {
                                    what: "number",
                                    text: full.clone(),
                                    span,
                                    reason: "too large to be kept exactly".into(),
                                    help: None,
                                });
                            }
                        }
                    }
                }
                _ => return Err(self.internal("unexpected quantity part", &next)),
            }
        }
        q.value = value;
        Ok(q)
    }

    pub(super) fn value(&mut self, p: Pair<'_, Rule>) -> R<Value> {
        let mut it = p.clone().into_inner();
        let first = self.next(&mut it, &p, "value")?;
        Ok(match first.as_rule() {
            Rule::neg => {
                let q = self.next(&mut it, &p, "number")?;
                let mut q = self.quantity(q)?;
                q.value = -q.value;
                q.digits = format!("-{}", q.digits);
                q.span = self.span(&p);
                Value::Quantity(q)
            }
            Rule::quantity => Value::Quantity(self.quantity(first)?),
            Rule::date_lit => Value::Date(self.date(first)?),
            Rule::bool_lit => Value::Bool(first.as_str() == "true", self.span(&first)),
            Rule::ident => Value::Variant(self.ident(first)?),
            _ => return Err(self.internal("unexpected value", &first)),
        })
    }

    /// A fact's value in an example: a value, or `[{…}, …]`, the members of a list.
    pub(super) fn fact_value(&mut self, p: Pair<'_, Rule>) -> R<Value> {
        if p.as_rule() != Rule::member_list {
            return self.value(p);
        }
        let span = self.span(&p);
        let mut members = Vec::new();
        for m in p.into_inner() {
            let mspan = self.span(&m);
            let mut facts = Vec::new();
            for f in m.clone().into_inner() {
                let fspan = self.span(&f);
                let mut fi = f.clone().into_inner();
                let name = self.ident(self.next(&mut fi, &f, "fact name")?)?;
                let value = self.fact_value(self.next(&mut fi, &f, "fact value")?)?;
                facts.push(FactValue {
                    name,
                    value,
                    span: fspan,
                });
            }
            members.push(MemberLit { facts, span: mspan });
        }
        Ok(Value::Members(members, span))
    }

    pub(super) fn whole_number(&mut self, p: &Pair<'_, Rule>) -> u32 {
        match p.as_str().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                self.errors.push(SyntaxError::InvalidLiteral {
                    what: "number",
                    text: p.as_str().to_string(),
                    span: self.span(p),
                    reason: "too large".into(),
                    help: Some("numbers of sections and measures are small whole numbers".into()),
                });
                0
            }
        }
    }
}

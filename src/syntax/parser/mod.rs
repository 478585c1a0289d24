//! From pest's parse tree to the AST: one converter per grammar rule.
//!
//! Converters return `Result` and never assume the shape of a pair: a missing
//! child becomes [`SyntaxError::Internal`] rather than a panic. Invalid literals
//! (a 13th month, `12..5`) are collected, so that a file reports all of them.

mod atom;
mod decl;
mod expr;
mod measure;

use pest::iterators::{Pair, Pairs};
use pest::Parser as _;

use super::ast::*;
use super::error::SyntaxError;
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

type R<T> = Result<T, SyntaxError>;

/// Parses one file into its AST, or returns every syntax error found.
pub(crate) fn parse(file: FileId, text: &str) -> Result<File, Vec<SyntaxError>> {
    let first = {
        let _plain = DETAIL
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        PolicyParser::parse(Rule::file, text)
    };
    let pairs = match first {
        Ok(p) => p,
        Err(_) => {
            // Parse again with detailed tracking, which costs time only on failure.
            let err = {
                let _detailed = DETAIL
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                pest::set_error_detail(true);
                let err = PolicyParser::parse(Rule::file, text).err();
                pest::set_error_detail(false);
                err
            };
            return Err(vec![match err {
                Some(e) => super::unexpected::convert_pest_error(file, text, &e),
                None => SyntaxError::Internal {
                    what: "the parser disagreed with itself".into(),
                    span: Span::new(file, 0, 0),
                },
            }]);
        }
    };
    let mut b = Builder {
        file,
        errors: Vec::new(),
        nesting: 0,
    };
    let result = b.file(pairs, text.len());
    match result {
        Ok(f) if b.errors.is_empty() => Ok(f),
        Ok(_) => Err(b.errors),
        Err(e) => {
            b.errors.push(e);
            Err(b.errors)
        }
    }
}

/// Guards pest's process-wide error-detail flag.
///
/// Detailed tracking lists the tokens expected where a parse stops, but doubles
/// the time of every parse, so it is on only to parse a failed file again. The
/// flag is read when a parse starts: a plain parse holds the read lock, so that
/// it never starts while a detailed parse (holding the write lock) has the flag
/// on, and a detailed parse never has it turned off under it. Without the lock,
/// concurrent parses of the same bad text could report different messages.
static DETAIL: std::sync::RwLock<()> = std::sync::RwLock::new(());

struct Builder {
    file: FileId,
    errors: Vec<SyntaxError>,
    /// How many expressions enclose the one being converted: conversion stops
    /// at [`MAX_DEPTH`](super::MAX_DEPTH) instead of recursing further.
    nesting: usize,
}

impl Builder {
    pub(super) fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    pub(super) fn internal(&self, what: &str, p: &Pair<'_, Rule>) -> SyntaxError {
        SyntaxError::Internal {
            what: what.to_string(),
            span: self.span(p),
        }
    }

    pub(super) fn next<'i>(
        &self,
        it: &mut Pairs<'i, Rule>,
        parent: &Pair<'i, Rule>,
        what: &str,
    ) -> R<Pair<'i, Rule>> {
        it.next()
            .ok_or_else(|| self.internal(&format!("missing {what}"), parent))
    }

    pub(super) fn file(&mut self, mut pairs: Pairs<'_, Rule>, len: usize) -> R<File> {
        let file_pair = pairs.next().ok_or_else(|| SyntaxError::Internal {
            what: "empty parse".into(),
            span: Span::new(self.file, 0, 0),
        })?;
        let mut items = Vec::new();
        for p in file_pair.into_inner() {
            if p.as_rule() == Rule::EOI {
                continue;
            }
            match self.item(p) {
                Ok(i) => items.push(i),
                Err(e) => self.errors.push(e),
            }
        }
        Ok(File {
            items,
            span: Span::new(self.file, 0, len),
        })
    }

    pub(super) fn item(&mut self, p: Pair<'_, Rule>) -> R<Item> {
        Ok(match p.as_rule() {
            Rule::document => Item::Document(self.document(p)?),
            Rule::department => Item::Department(self.department(p)?),
            Rule::enum_decl => Item::Enum(self.enum_decl(p)?),
            Rule::entity => Item::Entity(self.entity(p)?),
            Rule::record => Item::Record(self.entity(p)?),
            Rule::parameter => Item::Parameter(self.parameter(p)?),
            Rule::section => Item::Section(self.section(p)?),
            Rule::measure => Item::Measure(self.measure(p)?),
            Rule::locality => Item::Locality(self.locality(p)?),
            Rule::doc_let => {
                let span = self.span(&p);
                let mut it = p
                    .clone()
                    .into_inner()
                    .filter(|x| x.as_rule() != Rule::kw_let);
                let name = it.next().ok_or_else(|| self.internal("missing name", &p))?;
                let value = it
                    .next()
                    .ok_or_else(|| self.internal("missing value", &p))?;
                Item::Let(DocLet {
                    name: self.ident(name)?,
                    value: self.expr(value)?,
                    span,
                })
            }
            _ => return Err(self.internal("unexpected item", &p)),
        })
    }
}

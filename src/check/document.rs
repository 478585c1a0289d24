//! The document header: number, title, issuer, date and region, and the
//! document as the text has it — its legal basis (依据), preamble, recipients
//! (主送), copies (抄送) and publication note, kept verbatim.

use super::*;

/// The fields of `document { … }`.
const FIELDS: [&str; 10] = [
    "number",
    "title",
    "issuer",
    "issued",
    "region",
    "basis",
    "preamble",
    "recipients",
    "copied_to",
    "publication",
];

/// A text field's value as the IR keeps it.
fn text_value(t: &ast::Text) -> String {
    if t.block {
        normalize_text(&t.value)
    } else {
        t.value.clone()
    }
}

impl<'a> Checker<'a> {
    pub(super) fn collect_document(&mut self, d: &'a ast::Document) {
        if let Some(first) = self.document_span {
            let help = self.first_at(first);
            self.err(
                d.span,
                CheckError::Duplicate {
                    what: "document header",
                    name: "document".into(),
                    span: Span {
                        end: d.span.start + 8,
                        ..d.span
                    },
                    help,
                },
            );
            return;
        }
        self.document_span = Some(d.span);
        self.document_ast = Some(d);
        let mut doc = ir::Document {
            source: self.sref(d.span),
            ..Default::default()
        };
        for f in &d.fields {
            let text = match &f.value {
                ast::DocValue::Text(t) => Some(if t.block {
                    normalize_text(&t.value)
                } else {
                    t.value.clone()
                }),
                ast::DocValue::Date(_) => None,
            };
            let date = match &f.value {
                ast::DocValue::Date(dl) => Some(dl.value),
                ast::DocValue::Text(_) => None,
            };
            let key = f.key.name.as_str();
            if key == "basis" {
                self.basis(f, &mut doc);
                continue;
            }
            if let Some(second) = &f.second {
                self.problem(
                    Problem::HEADER_FIELD_FORM,
                    second.span,
                    format!("`{key}` takes one value"),
                    "a second string",
                    Some("only `basis` takes two strings: the number and the title".into()),
                );
            }
            let slot = match key {
                "number" => &mut doc.number,
                "preamble" => &mut doc.preamble,
                "recipients" => &mut doc.recipients,
                "copied_to" => &mut doc.copied_to,
                "publication" => &mut doc.publication,
                "title" => &mut doc.title,
                "issuer" => &mut doc.issuer,
                "region" => &mut doc.region,
                "issued" => {
                    if date.is_none() {
                        self.type_mismatch(
                            f.key.span,
                            "a date",
                            "a string",
                            Some("write the date as YYYY-MM-DD without quotes".into()),
                        );
                    }
                    doc.issued = date;
                    continue;
                }
                other => {
                    let help = did_you_mean(other, FIELDS);
                    self.err(
                        f.key.span,
                        CheckError::UnknownItem {
                            what: "header field",
                            name: other.to_string(),
                            span: f.key.span,
                            help: help.or(Some(format!(
                                "the header fields are {}",
                                FIELDS.map(|f| format!("`{f}`")).join(", ")
                            ))),
                        },
                    );
                    continue;
                }
            };
            if text.is_none() {
                self.type_mismatch(f.key.span, "a string", "a date", None);
            }
            *slot = text;
        }
        self.document = Some(doc);
    }

    /// `basis "国发〔2019〕28号" "国务院关于进一步做好稳就业工作的意见"`
    fn basis(&mut self, f: &ast::DocField, doc: &mut ir::Document) {
        let number = match &f.value {
            ast::DocValue::Text(t) => t,
            ast::DocValue::Date(_) => {
                self.type_mismatch(f.key.span, "a string", "a date", None);
                return;
            }
        };
        let Some(title) = &f.second else {
            self.problem(
                Problem::HEADER_FIELD_FORM,
                number.span,
                "`basis` needs a number and a title",
                "only one string",
                Some(
                    "write the document's number, then its title: `basis \"国发〔2019〕28号\" \"国务院关于进一步做好稳就业工作的意见\"`"
                        .into(),
                ),
            );
            return;
        };
        doc.basis.push(ir::Basis {
            number: text_value(number),
            title: text_value(title),
        });
    }
}

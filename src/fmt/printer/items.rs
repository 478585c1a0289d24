//! Leaves (names, texts, literals, types) and items: the file, declarations,
//! parameters.

use super::*;

impl Printer<'_> {
    pub(super) fn ident(&mut self, i: &Ident) {
        self.token(i.span.start, i.span.end, &i.name);
    }

    pub(super) fn ident_list(&mut self, list: &[Ident]) {
        for (k, i) in list.iter().enumerate() {
            if k > 0 {
                self.word(", ");
            }
            self.ident(i);
        }
    }

    /// `cooperating 财政厅, 烟草专卖局 等`: a department list, `等` after the
    /// last name when the list is open (a misplaced `等` is an error, never printed).
    pub(super) fn dept_list(&mut self, list: &DeptList) {
        self.ident_list(&list.names);
        if let Some(open) = list.open {
            self.word(" 等");
            self.set_end(open.end);
        }
    }

    /// `implementing 各盟市政府` in the document header.
    fn doc_departments(&mut self, x: &DocDepartments) {
        self.start_line(x.span.start, true);
        self.word(x.role.keyword());
        self.word(" ");
        self.dept_list(&x.list);
        self.set_end(x.span.end);
        self.end_line();
    }

    /// A string, or the text block of a `text` clause: printed as written,
    /// except for whitespace at the ends of a block's lines (the IR drops it).
    pub(super) fn text(&mut self, t: &Text) {
        let raw = self.slice(t.span.start, t.span.end);
        self.token(t.span.start, t.span.end, raw);
    }

    /// A text block of the document header: the IR keeps it as it is, so it is
    /// printed byte for byte, trailing whitespace included.
    pub(super) fn verbatim_text(&mut self, t: &Text) {
        let raw = self.slice(t.span.start, t.span.end);
        self.token_lines(t.span.start, t.span.end, raw, t.block);
    }

    pub(super) fn date(&mut self, d: &DateLit) {
        let raw = self.slice(d.span.start, d.span.end);
        self.token(d.span.start, d.span.end, raw);
    }

    /// A quantity as written, with one space between the number and its unit.
    pub(super) fn quantity_text(&self, q: &Quantity) -> String {
        let raw = self.slice(q.span.start, q.span.end);
        let digits = q.digits.trim_start_matches('-');
        let rest = raw
            .rfind(digits)
            .and_then(|i| raw.get(i + digits.len()..))
            .unwrap_or("")
            .trim_start_matches(' ');
        let mut s = String::new();
        if q.digits.starts_with('-') {
            s.push('-');
        }
        s.push_str(digits);
        if q.percent {
            s.push('%');
        } else if !rest.is_empty() {
            s.push(' ');
            s.push_str(rest);
        }
        s
    }

    pub(super) fn quantity(&mut self, q: &Quantity) {
        let t = self.quantity_text(q);
        self.token(q.span.start, q.span.end, &t);
    }

    pub(super) fn value_text(&self, v: &Value) -> String {
        match v {
            Value::Quantity(q) => self.quantity_text(q),
            Value::Date(d) => self.slice(d.span.start, d.span.end).to_string(),
            Value::Bool(b, _) => b.to_string(),
            Value::Variant(i) => i.name.clone(),
            // a list of members prints on one line: `[{甲: 1, 乙: 2}, {…}]`
            Value::Members(ms, _) => {
                let member = |m: &crate::syntax::ast::MemberLit| {
                    let facts: Vec<String> = m
                        .facts
                        .iter()
                        .map(|f| format!("{}: {}", f.name.name, self.value_text(&f.value)))
                        .collect();
                    format!("{{{}}}", facts.join(", "))
                };
                let all: Vec<String> = ms.iter().map(member).collect();
                format!("[{}]", all.join(", "))
            }
        }
    }

    pub(super) fn value(&mut self, v: &Value) {
        let s = v.span();
        let t = self.value_text(v);
        self.token(s.start, s.end, &t);
    }

    pub(super) fn type_expr(&mut self, t: &TypeExpr) {
        match t {
            TypeExpr::Named {
                base,
                unit,
                per,
                span,
            } => {
                self.ident(base);
                if let Some((_, s)) = unit {
                    self.word("<");
                    let raw = self.slice(s.start, s.end);
                    self.token(s.start, s.end, raw);
                    self.word(">");
                    self.mark_after(">");
                }
                for (_, s) in per {
                    self.word("/");
                    let raw = self.slice(s.start, s.end);
                    self.token(s.start, s.end, raw);
                }
                let _ = span;
            }
            TypeExpr::List { record, span } => {
                self.token(span.start, span.start, "");
                self.word("list<");
                self.ident(record);
                self.word(">");
                self.mark_after(">");
            }
            TypeExpr::Choice { variants, span } => {
                self.token(span.start, span.start, "");
                self.word("choice { ");
                self.ident_list(variants);
                let at = self.closing(self.last_end, "}");
                self.word(" ");
                self.close_inline(at, "}");
            }
        }
    }

    // -----------------------------------------------------------------------
    // Items

    /// Items in order. One blank line separates two items unless both are
    /// one-line items of the same kind (a run of `department`s, of one-line
    /// `parameter`s, …), where the author's choice (none or one) is kept. The
    /// blank line goes before the comments that precede an item.
    pub(super) fn file(&mut self, f: &File) {
        self.first_in_block = true;
        let mut prev: Option<(std::mem::Discriminant<Item>, bool)> = None;
        for item in &f.items {
            let mark = self.out.len();
            let first_line = self.item(item);
            let lines = self
                .out
                .get(first_line..)
                .map_or(0, |s| s.matches('\n').count());
            let multi = lines > 1;
            let kind = std::mem::discriminant(item);
            if let Some((pk, pmulti)) = prev {
                let force = pmulti || multi || pk != kind;
                if force && !self.out.get(mark..).is_some_and(|s| s.starts_with('\n')) {
                    self.out.insert(mark, '\n');
                }
            }
            prev = Some((kind, multi));
        }
    }

    /// Prints an item (after the comments before it); returns the offset in
    /// the output where the item's own first line starts.
    pub(super) fn item(&mut self, item: &Item) -> usize {
        let span = item.span();
        self.start_line(span.start, true);
        let first_line = self.out.len();
        match item {
            Item::Document(d) => {
                self.word("document");
                self.set_end(span.start + "document".len());
                if d.fields.is_empty()
                    && d.departments.is_empty()
                    && !self.comment_within(span.start, span.end)
                {
                    self.word(" {}");
                } else {
                    self.word(" {");
                    self.open_block();
                    // fields and department lists in source order
                    let mut depts = d.departments.iter().peekable();
                    for f in &d.fields {
                        while let Some(x) = depts.next_if(|x| x.span.start < f.key.span.start) {
                            self.doc_departments(x);
                        }
                        self.start_line(f.key.span.start, true);
                        self.ident(&f.key);
                        self.word(" ");
                        match &f.value {
                            DocValue::Text(t) => self.verbatim_text(t),
                            DocValue::Date(x) => self.date(x),
                        }
                        if let Some(t) = &f.second {
                            self.word(" ");
                            self.verbatim_text(t);
                        }
                        self.end_line();
                    }
                    for x in depts {
                        self.doc_departments(x);
                    }
                    self.close_block(span.end.saturating_sub(1), span.end);
                }
            }
            Item::Department(d) => {
                self.word("department ");
                self.ident(&d.name);
                self.word(" = ");
                self.text(&d.full_name);
                for t in &d.spellings {
                    self.word(", ");
                    self.text(t);
                }
            }
            Item::Enum(e) => {
                self.word("enum ");
                self.ident(&e.name);
                self.list_block(
                    &e.variants,
                    (span.start, span.end),
                    |v| v.span.start,
                    |p, v| p.ident(v),
                );
            }
            Item::Entity(e) | Item::Record(e) => {
                self.word(if matches!(item, Item::Record(_)) {
                    "record "
                } else {
                    "entity "
                });
                self.ident(&e.name);
                if let Some(d) = &e.description {
                    self.word(" ");
                    self.text(d);
                }
                if e.fields.is_empty() && !self.comment_within(e.name.span.end, span.end) {
                    self.word(" {}");
                } else {
                    self.word(" {");
                    self.open_block();
                    for f in &e.fields {
                        self.start_line(f.span.start, true);
                        self.ident(&f.name);
                        self.word(": ");
                        self.type_expr(&f.ty);
                        self.end_line();
                    }
                    self.close_block(span.end.saturating_sub(1), span.end);
                }
            }
            Item::Parameter(p) => self.parameter(p),
            Item::Section(s) => {
                self.word(&format!("section {} ", s.number));
                self.text(&s.title);
            }
            Item::Measure(m) => self.measure(m),
            Item::Let(l) => {
                self.word("let ");
                self.ident(&l.name);
                self.word(" = ");
                self.expr(&l.value);
            }
            Item::Locality(l) => {
                self.word("locality ");
                self.ident(&l.name);
                if l.values.is_empty() && !self.comment_within(l.name.span.end, span.end) {
                    self.word(" {}");
                } else {
                    self.word(" {");
                    self.open_block();
                    for v in &l.values {
                        self.start_line(v.span.start, true);
                        self.ident(&v.param);
                        self.word(" = ");
                        self.value(&v.value);
                        self.end_line();
                    }
                    self.close_block(span.end.saturating_sub(1), span.end);
                }
            }
        }
        self.end_line();
        first_line
    }

    /// `{ a, b, c }` on one line if it fits and holds no comment, else one
    /// element per line with a comma after each but the last. `first` gives the
    /// position of an element's first token; the list spans `start..end` and
    /// ends with its `}`.
    pub(super) fn list_block<T>(
        &mut self,
        elems: &[T],
        (start, end): (usize, usize),
        first: impl Fn(&T) -> usize,
        mut one: impl FnMut(&mut Self, &T),
    ) {
        if !self.comment_within(start, end) {
            let mut s = self.scratch();
            s.line = self.line.clone();
            s.word(" { ");
            for (k, e) in elems.iter().enumerate() {
                if k > 0 {
                    s.word(", ");
                }
                one(&mut s, e);
            }
            s.word(" }");
            if s.out.is_empty() && (s.width() <= LINE_WIDTH || elems.len() < 2) {
                self.line = s.line;
                self.set_end(end);
                return;
            }
        }
        self.word(" {");
        self.open_block();
        let n = elems.len();
        for (k, e) in elems.iter().enumerate() {
            self.start_line(first(e), true);
            one(self, e);
            if k + 1 < n {
                self.word(",");
            }
            self.end_line();
        }
        self.close_block(end.saturating_sub(1), end);
    }

    pub(super) fn parameter(&mut self, p: &Parameter) {
        self.word("parameter ");
        self.ident(&p.name);
        self.word(": ");
        self.type_expr(&p.ty);
        match &p.body {
            ParamBody::Constant(v) => {
                self.word(" = ");
                self.value(v);
            }
            ParamBody::Versioned(vs) => {
                self.word(" {");
                self.open_block();
                for v in vs {
                    self.start_line(v.span.start, true);
                    self.value(&v.value);
                    self.word(" from ");
                    self.date(&v.from);
                    self.set_end(v.span.end);
                    self.end_line();
                }
                self.close_block(p.span.end.saturating_sub(1), p.span.end);
            }
            ParamBody::Locality {
                default,
                floor,
                cap,
                order,
            } => {
                self.word(" by locality");
                self.mark_after("by");
                self.mark_after("locality");
                for k in order {
                    let (kw, v) = match k {
                        BoundKind::Default => ("default", default),
                        BoundKind::Floor => ("floor", floor),
                        BoundKind::Cap => ("cap", cap),
                    };
                    if let Some(v) = v {
                        self.word(&format!(" {kw} "));
                        self.value(v);
                    }
                }
            }
        }
    }
}

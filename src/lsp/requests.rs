//! The requests the server answers, each a function from its parameters to
//! its result or a JSON-RPC error.

use std::collections::HashMap;

use lsp_server::ErrorCode;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CompletionParams,
    DocumentFormattingParams, DocumentSymbolParams, GotoDefinitionParams, Hover, HoverContents,
    HoverParams, MarkupContent, MarkupKind, Position, Range, ReferenceParams, RenameParams,
    TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit, WorkspaceSymbolParams,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::index::Occurrence;
use super::workspace::{Analysis, Workspace};
use super::{complete, convert, hover, nav, outline, LineIndex};
use crate::source::FileId;

/// A JSON-RPC error.
pub struct RpcError {
    /// The JSON-RPC code.
    pub code: i32,
    /// What went wrong.
    pub message: String,
}

fn failed(message: impl Into<String>) -> RpcError {
    RpcError {
        code: ErrorCode::RequestFailed as i32,
        message: message.into(),
    }
}

type Answer = Result<Value, RpcError>;

/// What the server can do, for the `initialize` answer.
pub fn capabilities() -> Value {
    json!({
        "positionEncoding": "utf-16",
        "textDocumentSync": { "openClose": true, "change": 1, "save": true },
        "hoverProvider": true,
        "definitionProvider": true,
        "referencesProvider": true,
        "renameProvider": { "prepareProvider": true },
        "completionProvider": { "triggerCharacters": ["."] },
        "documentSymbolProvider": true,
        "workspaceSymbolProvider": true,
        "documentFormattingProvider": true,
        "codeActionProvider": { "codeActionKinds": ["quickfix"] },
    })
}

/// Answers one request.
pub fn handle(ws: &mut Workspace, method: &str, params: Value) -> Answer {
    match method {
        "textDocument/hover" => {
            let p: HoverParams = parse(params)?;
            let found = at(ws, &p.text_document_position_params);
            let Some((a, occ)) = found else {
                return Ok(Value::Null);
            };
            let Some(text) = hover::hover(a, &occ.sym) else {
                return Ok(Value::Null);
            };
            to_json(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: text,
                }),
                range: convert::range(a, occ.span),
            })
        }
        "textDocument/definition" => {
            let p: GotoDefinitionParams = parse(params)?;
            match at(ws, &p.text_document_position_params) {
                Some((a, occ)) => to_json(nav::definition(a, &occ.sym)),
                None => Ok(Value::Null),
            }
        }
        "textDocument/references" => {
            let p: ReferenceParams = parse(params)?;
            let with_decl = p.context.include_declaration;
            match at(ws, &p.text_document_position) {
                Some((a, occ)) => to_json(nav::references(a, &occ.sym, with_decl)),
                None => Ok(json!([])),
            }
        }
        "textDocument/prepareRename" => {
            let p: TextDocumentPositionParams = parse(params)?;
            let (a, file, offset) =
                locate(ws, &p).ok_or_else(|| failed("the file is not part of a policy"))?;
            let occ = nav::prepare(a, file, offset).map_err(|e| failed(e.0))?;
            to_json(json!({
                "range": convert::range(a, occ.span),
                "placeholder": occ.sym.name(),
            }))
        }
        "textDocument/rename" => {
            let p: RenameParams = parse(params)?;
            let (a, file, offset) = locate(ws, &p.text_document_position)
                .ok_or_else(|| failed("the file is not part of a policy"))?;
            let occ = nav::prepare(a, file, offset).map_err(|e| failed(e.0))?;
            to_json(nav::rename(a, &occ.sym, &p.new_name).map_err(|e| failed(e.0))?)
        }
        "textDocument/completion" => {
            let p: CompletionParams = parse(params)?;
            match locate(ws, &p.text_document_position) {
                Some((a, file, offset)) => {
                    let text = a.text(file).map(|(t, _, _)| t).unwrap_or("");
                    to_json(complete::complete(a, file, text, offset))
                }
                None => Ok(json!([])),
            }
        }
        "textDocument/documentSymbol" => {
            let p: DocumentSymbolParams = parse(params)?;
            let key = ws.unit_of(&p.text_document.uri);
            let a = ws.analysis(&key);
            match a.file_of(&p.text_document.uri) {
                Some(file) => to_json(outline::document_symbols(a, file)),
                None => Ok(json!([])),
            }
        }
        "workspace/symbol" => {
            let p: WorkspaceSymbolParams = parse(params)?;
            // the policies of the open documents, each checked at most once
            let keys: std::collections::BTreeSet<_> =
                ws.docs.keys().map(|u| ws.unit_of(u)).collect();
            for k in &keys {
                ws.analysis(k);
            }
            let mut out = Vec::new();
            for (_, a) in ws.analyses() {
                outline::workspace_symbols(a, &p.query, &mut out);
            }
            to_json(out)
        }
        "textDocument/formatting" => {
            let p: DocumentFormattingParams = parse(params)?;
            format(ws, &p.text_document.uri)
        }
        "textDocument/codeAction" => {
            let p: CodeActionParams = parse(params)?;
            to_json(code_actions(&p))
        }
        _ => Err(RpcError {
            code: ErrorCode::MethodNotFound as i32,
            message: format!("policyc does not answer `{method}`"),
        }),
    }
}

fn parse<T: DeserializeOwned>(params: Value) -> Result<T, RpcError> {
    serde_json::from_value(params).map_err(|e| RpcError {
        code: ErrorCode::InvalidParams as i32,
        message: format!("invalid parameters: {e}"),
    })
}

fn to_json(v: impl serde::Serialize) -> Answer {
    serde_json::to_value(v).map_err(|e| RpcError {
        code: ErrorCode::InternalError as i32,
        message: e.to_string(),
    })
}

/// The analysis, file and byte offset of a position.
fn locate<'a>(
    ws: &'a mut Workspace,
    p: &TextDocumentPositionParams,
) -> Option<(&'a Analysis, FileId, usize)> {
    let key = ws.unit_of(&p.text_document.uri);
    let a = ws.analysis(&key);
    let file = a.file_of(&p.text_document.uri)?;
    let (text, lines, _) = a.text(file)?;
    let offset = lines.offset(text, p.position);
    Some((a, file, offset))
}

/// The name under a position.
fn at<'a>(
    ws: &'a mut Workspace,
    p: &TextDocumentPositionParams,
) -> Option<(&'a Analysis, &'a Occurrence)> {
    let (a, file, offset) = locate(ws, p)?;
    let occ = a.index.at(file, offset)?;
    Some((a, occ))
}

/// The whole document replaced by its canonical form (no edit if it is canonical).
fn format(ws: &mut Workspace, uri: &Uri) -> Answer {
    let text = match ws.docs.get(uri) {
        Some(d) => d.text.clone(),
        None => {
            let key = ws.unit_of(uri);
            let a = ws.analysis(&key);
            let file = a
                .file_of(uri)
                .ok_or_else(|| failed("the file is not open"))?;
            a.text(file)
                .map(|(t, _, _)| t.to_string())
                .unwrap_or_default()
        }
    };
    let tidy = crate::fmt::format_source(&text).map_err(|e| failed(e.to_string()))?;
    if tidy == text {
        return Ok(json!([]));
    }
    let lines = LineIndex::new(&text);
    let end = lines.position(&text, text.len());
    to_json(vec![TextEdit::new(
        Range::new(Position::new(0, 0), end),
        tidy,
    )])
}

/// A quick fix for each diagnostic that suggests a name ("did you mean").
fn code_actions(p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in &p.context.diagnostics {
        if d.source.as_deref() != Some(convert::SOURCE) {
            continue;
        }
        let name = d
            .data
            .as_ref()
            .and_then(|v| v.get("replace_with"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| convert::suggestion(&d.message));
        let Some(name) = name else {
            continue;
        };
        let mut changes = HashMap::new();
        changes.insert(
            p.text_document.uri.clone(),
            vec![TextEdit::new(d.range, name.clone())],
        );
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("replace with `{name}`"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(WorkspaceEdit::new(changes)),
            is_preferred: Some(true),
            ..CodeAction::default()
        }));
    }
    out
}

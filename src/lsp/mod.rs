//! `policyc lsp`: a language server over stdio, on the same library as the
//! command line (feature `lsp`, on by default). See `docs/editors.md`.
//!
//! One thread reads JSON-RPC messages from stdin; the main loop answers them
//! in order and writes to stdout. Every request is answered: with its result,
//! or with a JSON-RPC error (unknown method, invalid parameters, a refused
//! rename, a file that cannot be formatted, or an internal error if a handler
//! failed), never by a crash. A message that is not JSON-RPC is logged and
//! skipped.
//!
//! The policy is checked at most once per change: edits mark the policy of
//! the edited file as changed, and its diagnostics are published once no
//! message has come for [`DEBOUNCE`]; a request that needs the analysis
//! before then checks it once, and the publication reuses that check.

#![expect(
    clippy::mutable_key_type,
    reason = "`lsp_types::Uri` compares and hashes by its text; its cells only cache parsing"
)]

mod complete;
mod convert;
mod hover;
mod index;
mod nav;
mod outline;
mod position;
mod requests;
#[cfg(test)]
mod tests;
mod transport;
mod uri;
mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufReader, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::Uri;
use serde_json::{json, Value};

pub use position::LineIndex;
use workspace::{UnitKey, Workspace};

/// How long the server waits after the last message before it checks an
/// edited policy and publishes its diagnostics.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// What the reader thread hands the main loop.
enum Incoming {
    Message(Message),
    Malformed(String),
}

/// Runs the server on stdin and stdout until the client says `exit` or
/// closes stdin. Returns the process's exit code: 0 after `shutdown` then
/// `exit`, 1 when the client exits without `shutdown` (as the protocol
/// says), 2 when stdout cannot be written.
pub fn run() -> u8 {
    let (tx, rx) = mpsc::channel::<Incoming>();
    let reader = std::thread::Builder::new()
        .name("policyc-lsp-reader".into())
        .spawn(move || {
            let stdin = std::io::stdin();
            let mut input = BufReader::new(stdin.lock());
            loop {
                match transport::read(&mut input) {
                    Ok(Some(Ok(m))) => {
                        let exit = matches!(&m, Message::Notification(n) if n.method == "exit");
                        if tx.send(Incoming::Message(m)).is_err() || exit {
                            return;
                        }
                    }
                    Ok(Some(Err(why))) => {
                        if tx.send(Incoming::Malformed(why)).is_err() {
                            return;
                        }
                    }
                    Ok(None) | Err(_) => return,
                }
            }
        });
    if reader.is_err() {
        return 2;
    }
    let stdout = std::io::stdout();
    let mut server = Server {
        out: Box::new(stdout.lock()),
        ws: Workspace::default(),
        initialized: false,
        shutdown: false,
        pending: BTreeSet::new(),
        published: BTreeMap::new(),
        broken_pipe: false,
    };
    server.serve(&rx)
}

struct Server<'a> {
    out: Box<dyn Write + 'a>,
    ws: Workspace,
    initialized: bool,
    shutdown: bool,
    /// Policies whose diagnostics are to be published.
    pending: BTreeSet<UnitKey>,
    /// The URIs each policy last published diagnostics for.
    published: BTreeMap<UnitKey, BTreeSet<Uri>>,
    broken_pipe: bool,
}

impl Server<'_> {
    fn serve(&mut self, rx: &mpsc::Receiver<Incoming>) -> u8 {
        loop {
            if self.broken_pipe {
                return 2;
            }
            let next = if self.pending.is_empty() {
                rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
            } else {
                rx.recv_timeout(DEBOUNCE)
            };
            match next {
                Err(RecvTimeoutError::Timeout) => self.publish(),
                Err(RecvTimeoutError::Disconnected) => return if self.shutdown { 0 } else { 1 },
                Ok(Incoming::Malformed(why)) => self.log(
                    1,
                    &format!("policyc: skipped a message that is not JSON-RPC: {why}"),
                ),
                Ok(Incoming::Message(Message::Request(r))) => self.request(r),
                Ok(Incoming::Message(Message::Notification(n))) => {
                    if n.method == "exit" {
                        return if self.shutdown { 0 } else { 1 };
                    }
                    self.notification(n);
                }
                Ok(Incoming::Message(Message::Response(_))) => {}
            }
        }
    }

    fn send(&mut self, m: Message) {
        if m.write(&mut self.out).is_err() {
            self.broken_pipe = true;
        }
    }

    fn respond(&mut self, r: Response) {
        self.send(Message::Response(r));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    /// `window/logMessage`; `level` 1 error … 4 log.
    fn log(&mut self, level: u8, message: &str) {
        self.notify(
            "window/logMessage",
            json!({ "type": level, "message": message }),
        );
    }

    fn request(&mut self, r: Request) {
        let id = r.id.clone();
        if r.method == "initialize" {
            let resp = self.initialize(&r);
            self.respond(resp);
            return;
        }
        if !self.initialized {
            self.respond(Response::new_err(
                id,
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized".into(),
            ));
            return;
        }
        if self.shutdown {
            self.respond(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        if r.method == "shutdown" {
            self.shutdown = true;
            self.respond(Response::new_ok(id, Value::Null));
            return;
        }
        let ws = &mut self.ws;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            requests::handle(ws, &r.method, r.params)
        }));
        let resp = match outcome {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(e)) => Response::new_err(id, e.code, e.message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!(
                    "policyc failed on `{}`; this is a bug, please report it",
                    r.method
                ),
            ),
        };
        self.respond(resp);
    }

    fn initialize(&mut self, r: &Request) -> Response {
        let mut roots = Vec::new();
        if let Some(folders) = r.params.get("workspaceFolders").and_then(Value::as_array) {
            for f in folders {
                if let Some(p) = f
                    .get("uri")
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse::<Uri>().ok())
                    .and_then(|u| uri::to_path(&u))
                {
                    roots.push(p);
                }
            }
        }
        if roots.is_empty() {
            if let Some(p) = r
                .params
                .get("rootUri")
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<Uri>().ok())
                .and_then(|u| uri::to_path(&u))
            {
                roots.push(p);
            }
        }
        self.ws = Workspace::new(roots);
        self.initialized = true;
        Response::new_ok(
            r.id.clone(),
            json!({
                "capabilities": requests::capabilities(),
                "serverInfo": { "name": "policyc", "version": env!("CARGO_PKG_VERSION") },
            }),
        )
    }

    fn notification(&mut self, n: Notification) {
        if !self.initialized {
            return;
        }
        let uri_of = |v: &Value| -> Option<Uri> {
            v.get("textDocument")?.get("uri")?.as_str()?.parse().ok()
        };
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let doc = n.params.get("textDocument");
                let (Some(uri), Some(text)) = (
                    uri_of(&n.params),
                    doc.and_then(|d| d.get("text")).and_then(Value::as_str),
                ) else {
                    return;
                };
                let version = doc
                    .and_then(|d| d.get("version"))
                    .and_then(Value::as_i64)
                    .and_then(|v| i32::try_from(v).ok())
                    .unwrap_or(0);
                self.ws.docs.insert(
                    uri.clone(),
                    workspace::Doc {
                        text: text.to_string(),
                        version,
                    },
                );
                self.changed(&uri);
            }
            "textDocument/didChange" => {
                let Some(uri) = uri_of(&n.params) else {
                    return;
                };
                // full sync: the last change holds the whole text
                let text = n
                    .params
                    .get("contentChanges")
                    .and_then(Value::as_array)
                    .and_then(|c| c.last())
                    .and_then(|c| c.get("text"))
                    .and_then(Value::as_str);
                let version = n
                    .params
                    .get("textDocument")
                    .and_then(|d| d.get("version"))
                    .and_then(Value::as_i64)
                    .and_then(|v| i32::try_from(v).ok())
                    .unwrap_or(0);
                if let (Some(text), Some(doc)) = (text, self.ws.docs.get_mut(&uri)) {
                    doc.text = text.to_string();
                    doc.version = version;
                    self.changed(&uri);
                }
            }
            "textDocument/didClose" => {
                if let Some(uri) = uri_of(&n.params) {
                    let key = self.ws.unit_of(&uri);
                    self.ws.docs.remove(&uri);
                    self.ws.invalidate(&uri);
                    if let UnitKey::Buffer(_) = key {
                        // a buffer's policy goes with it
                        self.published.remove(&key);
                        self.pending.remove(&key);
                        self.ws.forget(&key);
                        self.notify(
                            "textDocument/publishDiagnostics",
                            json!({ "uri": uri, "diagnostics": [] }),
                        );
                    } else {
                        self.pending.insert(key);
                    }
                }
            }
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => {
                // files on disk may have changed: check the open policies again
                self.ws.invalidate_all();
                let keys: Vec<UnitKey> = self.published.keys().cloned().collect();
                self.pending.extend(keys);
            }
            _ => {}
        }
    }

    fn changed(&mut self, uri: &Uri) {
        self.ws.invalidate(uri);
        let key = self.ws.unit_of(uri);
        self.pending.insert(key);
    }

    /// Checks the policies that changed (once each) and publishes their diagnostics.
    fn publish(&mut self) {
        let keys = std::mem::take(&mut self.pending);
        for key in keys {
            let versions: BTreeMap<Uri, i32> = self
                .ws
                .docs
                .iter()
                .map(|(u, d)| (u.clone(), d.version))
                .collect();
            let a = self.ws.analysis(&key);
            let mut notes = Vec::new();
            let mut now = BTreeSet::new();
            for (i, diags) in &a.diagnostics {
                let Some(f) = a.files.get(*i) else {
                    continue;
                };
                now.insert(f.uri.clone());
                let version = versions.get(&f.uri);
                notes.push(json!({ "uri": f.uri, "diagnostics": diags, "version": version }));
            }
            let took = format!(
                "policyc: checked {} files in {} ms",
                a.files.len(),
                a.took.as_millis()
            );
            let before = self.published.insert(key, now.clone()).unwrap_or_default();
            for gone in before.difference(&now) {
                notes.push(json!({ "uri": gone, "diagnostics": [] }));
            }
            self.log(4, &took);
            for n in notes {
                self.notify("textDocument/publishDiagnostics", n);
            }
        }
    }
}

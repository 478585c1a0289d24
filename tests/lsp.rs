//! `policyc lsp` driven over stdio through a real JSON-RPC conversation on
//! the seed (`policies/`): initialize, open a file with an error
//! (diagnostic at the right UTF-16 position on a CJK line, with a character
//! outside the BMP), quick fix, hover, definition, completion, formatting,
//! references, rename (and refused renames), symbols, errors for unknown
//! methods and bad parameters, shutdown and exit.

#![cfg(feature = "lsp")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notes: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_policyc"))
            .args(["lsp", "--stdio"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start policyc lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                r.read_exact(&mut body).unwrap();
                let v: Value = serde_json::from_slice(&body).unwrap();
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 0,
            notes: Vec::new(),
        }
    }

    fn send(&mut self, v: &Value) {
        self.send_raw(&serde_json::to_vec(v).unwrap());
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let v = self
                .rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no answer to `{method}`"));
            if v.get("id") == Some(&json!(id)) {
                return v;
            }
            self.notes.push(v);
        }
    }

    fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.call(method, params);
        assert!(r.get("error").is_none(), "`{method}` failed: {r}");
        r["result"].clone()
    }

    /// Waits for a notification `method` whose params satisfy `pred`.
    fn wait_for(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .notes
            .iter()
            .position(|n| n["method"] == method && pred(&n["params"]))
        {
            return self.notes.remove(i)["params"].clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let v = self
                .rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no `{method}` notification"));
            if v["method"] == method && pred(&v["params"]) {
                return v["params"].clone();
            }
            self.notes.push(v);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `file:` URI of a path, every byte but unreserved ones escaped.
fn uri(p: &Path) -> String {
    let mut out = String::from("file://");
    for b in p.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The LSP position (UTF-16) of the first `needle` in `text`, after `skip` bytes.
fn pos(text: &str, needle: &str, skip: usize) -> Value {
    let at = skip
        + text[skip..]
            .find(needle)
            .unwrap_or_else(|| panic!("no `{needle}`"));
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let character = text[start..at].encode_utf16().count();
    json!({ "line": line, "character": character })
}

#[test]
fn a_conversation_on_the_seed() {
    let seed = root().join("policies/seed");
    let measures = seed.join("02_加大减负稳岗力度.policy");
    let document = seed.join("00_document.policy");
    let original = std::fs::read_to_string(&measures).unwrap();
    // an unknown name that starts with a character outside the BMP, on a CJK line
    let typo = "𠀀裁员率";
    let line = "  let 困难企业条件 = 暂时生产经营困难 and 恢复有望 and 参加失业保险 and 裁员率 <= 困难企业裁员率上限";
    let broken_line = line.replacen("and 裁员率", &format!("and {typo}"), 1);
    let with_error = original.replacen(line, &broken_line, 1);
    assert_ne!(with_error, original);
    // and a line out of the canonical form, for the formatter
    let messy = with_error.replacen("  kind refund", "  kind    refund", 1);
    let (doc_uri, seed_uri) = (uri(&measures), uri(&document));

    let mut c = Client::start();
    let init = c.result(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&root()),
            "workspaceFolders": [{ "uri": uri(&root()), "name": "policyc" }],
            "capabilities": {},
        }),
    );
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "policyc");
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
            "uri": doc_uri, "languageId": "policy", "version": 1, "text": messy,
        }}),
    );

    // the diagnostic: at the UTF-16 position of the typo, two units for 𠀀
    let published = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == doc_uri && !p["diagnostics"].as_array().unwrap().is_empty()
    });
    let diags = published["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    let start = pos(&messy, typo, 0);
    assert_eq!(d["range"]["start"], start);
    let line_no = start["line"].as_u64().unwrap();
    let character = start["character"].as_u64().unwrap();
    // `  let 困难企业条件 = 暂时生产经营困难 and 恢复有望 and 参加失业保险 and ` is 48 UTF-16 units
    assert_eq!(character, 48);
    assert_eq!(
        d["range"]["end"],
        json!({ "line": line_no, "character": character + 2 + 3 })
    );
    assert_eq!(d["code"], "policy::check::unknown_name");
    assert_eq!(d["severity"], 1);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `裁员率`?"),
        "{d}"
    );
    assert_eq!(published["version"], 1);
    // the other files of the policy have been checked with it: no error there
    let other = c.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == seed_uri);
    assert_eq!(other["diagnostics"], json!([]));
    let log = c.wait_for("window/logMessage", |p| {
        p["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("policyc: checked")
    });
    eprintln!("{}", log["message"]);

    // the quick fix for "did you mean"
    let actions = c.result(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": doc_uri },
            "range": d["range"],
            "context": { "diagnostics": [d] },
        }),
    );
    let edit = &actions[0]["edit"]["changes"][&doc_uri][0];
    assert_eq!(edit["newText"], "裁员率");
    assert_eq!(edit["range"], d["range"]);
    assert_eq!(actions[0]["kind"], "quickfix");

    // hover on a measure: its number, title and text
    let hover = c.result(
        "textDocument/hover",
        json!({ "textDocument": { "uri": doc_uri }, "position": pos(&messy, "失业保险稳岗返还", 0) }),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("measure 3 （三）"), "{shown}");
    assert!(
        shown.contains("加大失业保险稳岗返还，对不裁员或少裁员的中小微企业"),
        "{shown}"
    );
    assert!(shown.contains("自治区人力资源社会保障厅"), "{shown}");
    // hover on a parameter set by locality: its values there
    let param_at = pos(&messy, "困难企业裁员率上限", 0);
    let hover = c.result(
        "textDocument/hover",
        json!({ "textDocument": { "uri": doc_uri }, "position": param_at }),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("困难企业裁员率上限: percent"), "{shown}");
    assert!(shown.contains("呼和浩特市: 10%"), "{shown}");

    // go to the parameter's definition, in another file
    let def = c.result(
        "textDocument/definition",
        json!({ "textDocument": { "uri": doc_uri }, "position": param_at }),
    );
    let decl_text = std::fs::read_to_string(&document).unwrap();
    assert_eq!(def["uri"], seed_uri);
    assert_eq!(
        def["range"]["start"],
        pos(
            &decl_text,
            "困难企业裁员率上限",
            decl_text.find("parameter 困难企业裁员率上限").unwrap()
        )
    );

    // references: the declaration, the locality values and the uses
    let refs = c.result(
        "textDocument/references",
        json!({ "textDocument": { "uri": doc_uri }, "position": param_at,
                "context": { "includeDeclaration": true } }),
    );
    let refs = refs.as_array().unwrap();
    assert!(refs.iter().any(|r| r["uri"] == seed_uri), "{refs:?}");
    assert!(refs.iter().any(|r| r["uri"] == doc_uri), "{refs:?}");
    let localities = uri(&root().join("policies/localities/呼和浩特市.policy"));
    assert!(refs.iter().any(|r| r["uri"] == localities), "{refs:?}");

    // complete a department after `lead`
    let lead_line = messy.find("  lead 人社厅").unwrap();
    let completion = c.result(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc_uri },
                "position": pos(&messy, "人社厅", lead_line) }),
    );
    let items = completion.as_array().unwrap();
    let dept = items
        .iter()
        .find(|i| i["label"] == "人社厅")
        .expect("the department in the completions");
    assert_eq!(dept["detail"], "自治区人力资源社会保障厅");
    assert!(dept["sortText"].as_str().unwrap().starts_with('0'));
    assert!(items.iter().any(|i| i["label"] == "measure"));
    assert!(items.iter().any(|i| i["label"] == "万元"));

    // format: the whole file, back in the canonical form (the typo kept)
    let edits = c.result(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": doc_uri },
                "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits[0]["newText"], with_error);
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );

    // the fix typed: the diagnostics go away
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": doc_uri, "version": 2 },
                "contentChanges": [{ "text": original }] }),
    );
    let fixed = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == doc_uri && p["version"] == 2
    });
    assert_eq!(fixed["diagnostics"], json!([]));

    // rename a fact: its declaration, the rules and the examples
    let fact_at = pos(&original, "裁员率", original.find("and 裁员率").unwrap());
    let prepared = c.result(
        "textDocument/prepareRename",
        json!({ "textDocument": { "uri": doc_uri }, "position": fact_at }),
    );
    assert_eq!(prepared["placeholder"], "裁员率");
    let renamed = c.result(
        "textDocument/rename",
        json!({ "textDocument": { "uri": doc_uri }, "position": fact_at, "newName": "裁员比例" }),
    );
    let changes = renamed["changes"].as_object().unwrap();
    assert!(
        changes.contains_key(&seed_uri),
        "the declaration is renamed"
    );
    let here = changes[&doc_uri].as_array().unwrap();
    assert!(here.len() >= 5, "{here:?}");
    assert!(here.iter().all(|e| e["newText"] == "裁员比例"));
    // refused: a keyword, a name already declared, a name that is no name
    for (new, why) in [
        ("when", "keyword"),
        ("规模", "already declared"),
        ("a b", "is not a name"),
    ] {
        let r = c.call(
            "textDocument/rename",
            json!({ "textDocument": { "uri": doc_uri }, "position": fact_at, "newName": new }),
        );
        let message = r["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{new}: {r}");
        assert_eq!(r["error"]["code"], -32803);
    }

    // symbols: the outline of the file, and the policy's names
    let symbols = c.result(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": doc_uri } }),
    );
    let first = &symbols[0];
    assert!(
        first["name"].as_str().unwrap().contains("失业保险稳岗返还"),
        "{first}"
    );
    let children = first["children"].as_array().unwrap();
    assert!(children.iter().any(|c| c["name"] == "中小微企业"));
    let found = c.result("workspace/symbol", json!({ "query": "困难企业裁员率" }));
    assert!(found
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "困难企业裁员率上限" && s["location"]["uri"] == seed_uri));

    // every request is answered: unknown methods and bad parameters are errors
    let r = c.call("textDocument/unknownThing", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.call("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(r["error"]["code"], -32602);
    // a body that is not JSON is skipped, and the server goes on
    c.send_raw(b"{ not json");
    let r = c.call(
        "textDocument/hover",
        json!({ "textDocument": { "uri": doc_uri }, "position": { "line": 99999, "character": 99999 } }),
    );
    assert!(r.get("error").is_none(), "{r}");

    assert_eq!(c.result("shutdown", Value::Null), Value::Null);
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn requests_before_initialize_are_refused_and_exit_without_shutdown_is_1() {
    let mut c = Client::start();
    let r = c.call("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002);
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(1));
}

#[test]
fn an_untitled_buffer_is_a_policy_of_its_own() {
    let mut c = Client::start();
    c.result(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    c.notify("initialized", json!({}));
    // an astral character before the error, on a line of CJK
    let text =
        "department 人社厅 = \"𠀀自治区\"\nenum 规模 { 小型 }\nparameter 上限: 规模 = 大型\n";
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": "untitled:Untitled-1", "languageId": "policy",
                                  "version": 1, "text": text }}),
    );
    let p = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == "untitled:Untitled-1" && !p["diagnostics"].as_array().unwrap().is_empty()
    });
    let d = &p["diagnostics"][0];
    assert_eq!(d["range"]["start"], pos(text, "大型", 0));
    assert_eq!(
        d["range"]["end"]["character"],
        d["range"]["start"]["character"].as_u64().unwrap() + 2
    );
    // twenty keystrokes in a row: far fewer checks than changes (debounced)
    c.notes.clear();
    for v in 2..22 {
        let typed = format!("{text}// {}\n", "x".repeat(v));
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": "untitled:Untitled-1", "version": v },
                    "contentChanges": [{ "text": typed }] }),
        );
    }
    c.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 21);
    let checks = c
        .notes
        .iter()
        .filter(|n| {
            n["params"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("policyc: checked"))
        })
        .count();
    assert!((1..5).contains(&checks), "{checks} checks for 20 changes");
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": "untitled:Untitled-1" } }),
    );
    let p = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == "untitled:Untitled-1" && p["diagnostics"] == json!([])
    });
    assert_eq!(p["diagnostics"], json!([]));
    c.result("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(0));
}

#[test]
fn odd_requests_are_all_answered() {
    let mut c = Client::start();
    c.result(
        "initialize",
        json!({ "processId": null, "rootUri": uri(&root()), "capabilities": {} }),
    );
    c.notify("initialized", json!({}));
    let missing = uri(&root().join("no/such/folder/x.policy"));
    let seed = uri(&root().join("policies/seed/00_document.policy"));
    let empty = "untitled:empty";
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": empty, "languageId": "policy", "version": 1,
                                  "text": "\u{feff}" }}),
    );
    // a change to a document never opened, a close of one never opened
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": missing, "version": 2 }, "contentChanges": [{ "text": "x" }] }),
    );
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": missing } }),
    );
    c.notify("$/cancelRequest", json!({ "id": 99 }));
    let far = json!({ "line": 4_000_000_000u32, "character": 4_000_000_000u32 });
    for doc in [
        missing.as_str(),
        seed.as_str(),
        empty,
        "weird:%%",
        "file:relative.policy",
    ] {
        let at = json!({ "textDocument": { "uri": doc }, "position": far });
        for (method, params) in [
            ("textDocument/hover", at.clone()),
            ("textDocument/definition", at.clone()),
            ("textDocument/completion", at.clone()),
            ("textDocument/prepareRename", at.clone()),
            (
                "textDocument/references",
                json!({ "textDocument": { "uri": doc }, "position": far,
                                                  "context": { "includeDeclaration": false } }),
            ),
            (
                "textDocument/rename",
                json!({ "textDocument": { "uri": doc }, "position": far, "newName": "新" }),
            ),
            (
                "textDocument/documentSymbol",
                json!({ "textDocument": { "uri": doc } }),
            ),
            (
                "textDocument/formatting",
                json!({ "textDocument": { "uri": doc },
                                                 "options": { "tabSize": 2, "insertSpaces": true } }),
            ),
            (
                "textDocument/codeAction",
                json!({ "textDocument": { "uri": doc },
                "range": { "start": far, "end": far },
                "context": { "diagnostics": [{ "range": { "start": far, "end": far },
                    "message": "did you mean `x`?", "source": "policyc" }] } }),
            ),
            ("workspace/symbol", json!({ "query": "" })),
        ] {
            let r = c.call(method, params);
            assert!(
                r.get("result").is_some() || r["error"]["code"].is_i64(),
                "{method} on {doc}: {r}"
            );
        }
    }
    // still alive, and exits cleanly
    assert_eq!(c.result("shutdown", Value::Null), Value::Null);
    let r = c.call("textDocument/hover", json!({}));
    assert_eq!(
        r["error"]["code"], -32600,
        "requests after shutdown are refused"
    );
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(0));
}

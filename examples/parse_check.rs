//! Temporary: parses the given files and prints syntax errors (until `policyc check` exists).
use policyc::diagnostic::render_plain;
use policyc::source::SourceMap;

fn main() {
    let mut map = SourceMap::new();
    let mut ids = Vec::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        ids.push(map.add(path, text));
    }
    let mut diags = Vec::new();
    for id in ids {
        let text = map.get(id).map(|f| f.text.clone()).unwrap_or_default();
        if let Err(mut d) = policyc::syntax::parse(id, &text) {
            diags.append(&mut d);
        }
    }
    print!("{}", render_plain(&map, &diags));
    if !diags.is_empty() {
        std::process::exit(1);
    }
    println!("ok");
}

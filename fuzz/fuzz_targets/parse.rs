//! Any bytes → `syntax::parse`, the comment scanner, and both diagnostic renderers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policyc::diagnostic::{render_plain, to_json};
use policyc::source::SourceMap;

fuzz_target!(|data: &[u8]| {
    let text = policyc_fuzz::text(data);
    let mut map = SourceMap::new();
    let id = map.add("fuzz.policy", text.as_ref());
    let _ = policyc::syntax::comments(&text);
    if let Err(diags) = policyc::syntax::parse(id, &text) {
        assert!(!diags.is_empty(), "a failed parse without a diagnostic");
        let _ = render_plain(&map, &diags);
        let _ = to_json(&map, &diags);
    }
});

//! Any bytes as a JSONL population through `policyc batch`: every record
//! evaluated or rejected exactly once, in order, on its line (against a
//! reference framer); every record evaluated parses with `serde_json` (the
//! reference reader) to an object without repeated keys, whose `id` is the id
//! batch reports.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, body)) = data.split_first() else {
        return;
    };
    let limit = [16, 64, 256, 1 << 20][usize::from(knobs & 3)];
    let chunk = [1, 7, 64, 4096][usize::from((knobs >> 2) & 3)];
    let mut input = Vec::new();
    if knobs & 0x10 != 0 {
        input.extend_from_slice(b"\xEF\xBB\xBF");
    }
    input.extend_from_slice(body);
    for ((line, start, end, _), result) in
        policyc_fuzz::batch_accounting(&input, false, limit, chunk)
    {
        if result.get("rejected").is_some() {
            continue;
        }
        let text = std::str::from_utf8(&input[start..end]).expect("an evaluated record is UTF-8");
        let json: serde_json::Value =
            serde_json::from_str(text).expect("an evaluated record is JSON");
        assert!(json.is_object(), "line {line}");
        assert!(
            policyc::eval::Facts::repeated_keys(text).is_empty(),
            "line {line}: repeated keys evaluated"
        );
        match (json.get("id"), result.get("id")) {
            (None | Some(serde_json::Value::Null), None) => {}
            (Some(serde_json::Value::String(a)), Some(b)) => {
                assert_eq!(Some(a.as_str()), b.as_str(), "line {line}")
            }
            (Some(a), Some(b)) => {
                assert_eq!(Some(a.to_string().as_str()), b.as_str(), "line {line}")
            }
            (a, b) => panic!("line {line}: id {a:?} reported as {b:?}"),
        }
    }
});

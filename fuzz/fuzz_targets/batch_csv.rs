//! Any bytes as a CSV population (after the header `id,规模,裁员率`) through
//! `policyc batch`: every record evaluated or rejected exactly once, in order,
//! on the line it starts (against a reference framer written from the rules);
//! and every record evaluated reads, through the `csv` crate (the reference
//! reader), as three cells whose first is the id batch reports.
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
    input.extend_from_slice("id,规模,裁员率\n".as_bytes());
    input.extend_from_slice(body);
    for ((line, start, end, _), result) in
        policyc_fuzz::batch_accounting(&input, true, limit, chunk)
    {
        if result.get("rejected").is_some() {
            continue;
        }
        let record = &input[start..end];
        // the csv crate drops a byte-order mark at the start of what it reads;
        // batch only at the start of the input (elsewhere it is text)
        if record.starts_with(b"\xEF\xBB\xBF") {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(record);
        let rows: Vec<csv::ByteRecord> = reader
            .byte_records()
            .map(|r| r.expect("csv reads it"))
            .collect();
        assert_eq!(
            rows.len(),
            1,
            "line {line}: the csv crate sees {} records",
            rows.len()
        );
        assert_eq!(rows[0].len(), 3, "line {line}: cells");
        let id = &rows[0][0];
        match result.get("id").and_then(|v| v.as_str()) {
            Some(got) => assert_eq!(got.as_bytes(), id, "line {line}: id"),
            None => assert!(id.is_empty(), "line {line}: id"),
        }
    }
});

//! Input that is not UTF-8: what it probably is, and how to convert it. Chinese
//! spreadsheets save CSV in GBK/GB18030 by default; such a file is named as
//! such, with the `iconv` command that converts it.

use super::BatchError;

/// The command that converts a GB18030 (or GBK) file.
const ICONV: &str = "iconv -f GB18030 -t UTF-8 in.csv > out.csv";

/// Whether `bytes` (not UTF-8) read as GB18030 — which GBK is part of — with
/// at least one character outside ASCII.
pub(crate) fn looks_like_gb18030(bytes: &[u8]) -> bool {
    let mut i = 0;
    let mut wide = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            0x00..=0x80 => i += 1,
            0x81..=0xFE => {
                match (bytes.get(i + 1), bytes.get(i + 2), bytes.get(i + 3)) {
                    (Some(0x40..=0x7E | 0x80..=0xFE), _, _) => i += 2,
                    (Some(0x30..=0x39), Some(0x81..=0xFE), Some(0x30..=0x39)) => i += 4,
                    // cut at the end of the text read: give it the benefit of the doubt
                    (None, _, _) => i += 1,
                    _ => return false,
                }
                wide = true;
            }
            _ => return false,
        }
    }
    wide
}

/// What to do about `bytes`, which are not UTF-8.
pub(crate) fn not_utf8_help(bytes: &[u8]) -> String {
    if looks_like_gb18030(bytes) {
        format!("it looks like GBK/GB18030 (as Chinese spreadsheets save CSV): convert it with `{ICONV}`")
    } else {
        "save the file as UTF-8, or convert it with `iconv -f <its encoding> -t UTF-8`".into()
    }
}

/// The error for a `format` input whose first record is not UTF-8.
pub(crate) fn not_utf8_error(bytes: &[u8], format: &str) -> BatchError {
    BatchError::NotUtf8 {
        format: format.to_string(),
        help: not_utf8_help(bytes),
    }
}

/// The reason a record (or cell) `bytes` that is not UTF-8 is rejected.
pub(crate) fn not_utf8_reason(what: &str, bytes: &[u8], err: std::str::Utf8Error) -> String {
    if looks_like_gb18030(bytes) {
        format!(
            "{what} is not UTF-8: it looks like GBK/GB18030 (as Chinese spreadsheets save CSV); \
             convert the file with `{ICONV}`"
        )
    } else {
        format!("{what} is not valid UTF-8: {err}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_is_recognised() {
        // 企业,裁员率 in GBK
        let gbk = [
            0xC6, 0xF3, 0xD2, 0xB5, b',', 0xB2, 0xC3, 0xD4, 0xB1, 0xC2, 0xCA,
        ];
        assert!(looks_like_gb18030(&gbk));
        assert!(!looks_like_gb18030(b"plain ascii"));
        assert!(!looks_like_gb18030(&[0xFF, 0xFE, b'a', 0]));
        assert!(not_utf8_help(&gbk).contains("iconv -f GB18030"));
    }
}

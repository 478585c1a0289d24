//! Reading JSON-RPC messages framed by `Content-Length` headers. Our own
//! reader rather than `lsp_server::Message::read`, so that a header or body
//! that is wrong is skipped with a message instead of ending the session, and
//! a `Content-Length` of petabytes is refused instead of allocated.

use std::io::{self, BufRead, Read};

use lsp_server::Message;

/// The largest message body read: 256 MiB (a policy file is at most 8 MiB,
/// and JSON escapes at most multiply it by six).
pub const MAX_BODY: usize = 256 * 1024 * 1024;

/// The longest header line read.
const MAX_HEADER: u64 = 8 * 1024;

/// One message: `Ok(None)` at the end of the input, `Ok(Some(Err(why)))` for
/// a message that was skipped (the input stays in step when the framing was
/// right), `Err` when the input cannot be read.
pub fn read(r: &mut impl BufRead) -> io::Result<Option<Result<Message, String>>> {
    let mut size: Option<usize> = None;
    let mut bad_header = None;
    let mut saw_any = false;
    loop {
        let mut line = Vec::new();
        let n = r.by_ref().take(MAX_HEADER).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(if saw_any {
                Some(Err("the input ended inside a message's headers".into()))
            } else {
                None
            });
        }
        saw_any = true;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(v) => size = Some(v),
                    Err(_) => bad_header = Some(format!("bad Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("malformed header `{}`", shorten(text))),
        }
    }
    if let Some(why) = bad_header {
        return Ok(Some(Err(why)));
    }
    let Some(size) = size else {
        return Ok(Some(Err("a message without Content-Length".into())));
    };
    if size > MAX_BODY {
        // skip the body without holding it
        let skipped = io::copy(&mut r.by_ref().take(size as u64), &mut io::sink())?;
        if skipped < size as u64 {
            return Ok(None);
        }
        return Ok(Some(Err(format!(
            "a message of {size} bytes, over the limit of {MAX_BODY}"
        ))));
    }
    let mut body = Vec::new();
    r.by_ref().take(size as u64).read_to_end(&mut body)?;
    if body.len() < size {
        return Ok(None);
    }
    Ok(Some(
        serde_json::from_slice::<Message>(&body).map_err(|e| format!("not JSON-RPC: {e}")),
    ))
}

fn shorten(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &str) -> Vec<Result<String, String>> {
        let mut r = io::BufReader::new(input.as_bytes());
        let mut out = Vec::new();
        while let Ok(Some(m)) = read(&mut r) {
            out.push(m.map(|m| match m {
                Message::Request(r) => r.method,
                Message::Notification(n) => n.method,
                Message::Response(_) => "response".into(),
            }));
        }
        out
    }

    #[test]
    fn bad_messages_are_skipped_and_the_next_one_is_read() {
        let ok = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let input = format!(
            "Content-Length: 10\r\n\r\n{{ not json\
             Content-Length: x\r\n\r\n\
             Content-Length: 99999999999999999\r\n\r\n\
             Content-Length: {}\r\n\r\n{ok}",
            ok.len()
        );
        // the huge one swallows the rest: the input ends inside its body
        let got = all(&input);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].is_err() && got[1].is_err());
        let input = format!(
            "Content-Length: x\r\n\r\nContent-Length: {}\r\n\r\n{ok}",
            ok.len()
        );
        assert_eq!(
            all(&input),
            vec![Err("bad Content-Length `x`".into()), Ok("exit".into())]
        );
    }
}

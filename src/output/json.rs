//! JSON text written straight into a buffer, escaped as serde_json escapes it: lines are
//! written by the hundred thousand, and a value tree per line costs more than the text.

/// A number's digits.
pub fn number(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(crate::util::decimal(n, &mut [0; 10]).as_bytes());
}

/// A JSON string.
pub fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escaped(out, s);
    out.push(b'"');
}

/// A string's JSON escapes as serde_json writes them: `"`, `\` and control characters.
pub fn escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Most texts need no escape; a pass without branches (which vectorizes) tells.
    let special = |b: u8| (b < 0x20) | (b == b'"') | (b == b'\\');
    if bytes.iter().fold(0u8, |any, &b| any | u8::from(special(b))) == 0 {
        out.extend_from_slice(bytes);
        return;
    }
    // Drafts have a line break every line: the blocks between are skipped 16 bytes at a
    // time, each told by the same pass without branches.
    const BLOCK: usize = 16;
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(block) = bytes.get(i..i + BLOCK)
            && block.iter().fold(0u8, |any, &b| any | u8::from(special(b))) == 0
        {
            i += BLOCK;
            continue;
        }
        let b = bytes[i];
        i += 1;
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0..=0x1F => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i - 1]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xF) as usize],
            ]);
        } else {
            out.extend_from_slice(esc);
        }
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(s in "(\\PC|[\"\\\\\n\r\t\u{0}-\u{1f}]|[a-z ]{16,40}){0,40}") {
            let mut out = Vec::new();
            super::string(&mut out, &s);
            prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }
}

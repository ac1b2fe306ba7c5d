//! Opening an input: files or stdin, decoded to UTF-8, the format from the extension
//! or the first bytes.

use std::io::{self, BufRead, BufReader};
use std::path::Path;

use crate::config::Format;

/// The input as UTF-8: as it is when it is UTF-8 already, else transcoded from the
/// configured encoding (or from UTF-16 when a byte-order mark says so).
pub(super) fn decoded(
    raw: Box<dyn io::Read>,
    encoding: &'static encoding_rs::Encoding,
) -> io::Result<Box<dyn BufRead>> {
    let mut input = BufReader::with_capacity(1 << 16, raw);
    let head = input.fill_buf()?;
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    if encoding == encoding_rs::UTF_8 && !utf16 {
        return Ok(Box::new(input));
    }
    let decoder = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(input);
    Ok(Box::new(BufReader::with_capacity(1 << 16, decoder)))
}

pub(super) fn skip_bom(input: &mut Box<dyn BufRead>) -> io::Result<()> {
    if input.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    Ok(())
}

pub(super) fn by_extension(p: &Path) -> Option<Format> {
    let ext = p.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "tsv" | "txt" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "ndjson" | "jsonl" => Some(Format::Ndjson),
        _ => None,
    }
}

/// The first non-blank byte decides: `[` is a JSON array, `{` NDJSON, anything else CSV.
pub(super) fn sniff(input: &mut Box<dyn BufRead>) -> io::Result<Format> {
    let buf = input.fill_buf()?;
    let buf = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
    let Some(start) = buf.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Ok(Format::Csv);
    };
    Ok(match buf[start] {
        b'[' => Format::Json,
        // One object per line is NDJSON; an object across lines is a JSON export object.
        b'{' => match buf[start..].iter().position(|b| *b == b'\n') {
            Some(end)
                if serde_json::from_slice::<serde::de::IgnoredAny>(&buf[start..start + end])
                    .is_err() =>
            {
                Format::Json
            }
            _ => Format::Ndjson,
        },
        _ => Format::Csv,
    })
}

//! Opening inputs: plain files are read in place; stdin, gzip and UTF-16
//! inputs are decoded once into a spooled temporary file so every record can
//! be re-read later by its byte span. Input files are only ever opened for
//! reading.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

/// Why an input cannot be read at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{name}: no such file")]
    Missing { name: String },
    #[error("{name}: is a directory, not a log file")]
    Directory { name: String },
    #[error("{name}: cannot be read ({reason})")]
    Unreadable { name: String, reason: String },
    #[error("{name}: looks like a binary file, not a text log (NUL bytes near offset {offset})")]
    Binary { name: String, offset: usize },
    #[error("{name}: not a gzip stream that can be read ({reason})")]
    BadGzip { name: String, reason: String },
}

/// A readable input: the bytes to scan, and a handle to re-read spans.
pub struct Opened {
    pub name: String,
    pub file: File,
    pub len: u64,
    pub warnings: Vec<String>,
}

/// Random access to an input's (decoded) bytes.
pub struct SpanReader {
    file: Mutex<File>,
}

impl SpanReader {
    pub fn new(file: File) -> SpanReader {
        SpanReader { file: Mutex::new(file) }
    }

    /// Read a byte span; invalid UTF-8 is replaced, never fatal.
    pub fn read(&self, offset: u64, len: u32) -> String {
        let mut buf = vec![0u8; len as usize];
        let ok =
            self.file.lock().map(|mut f| f.seek(SeekFrom::Start(offset)).is_ok() && f.read_exact(&mut buf).is_ok());
        if !matches!(ok, Ok(true)) {
            return String::new();
        }
        match String::from_utf8(buf) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }
}

const SNIFF: usize = 64 * 1024;

/// Open one input ("-" = standard input).
pub fn open_input(name: &str) -> Result<Opened, InputError> {
    let mut warnings = Vec::new();
    let mut raw: Box<dyn Read> = if name == "-" {
        Box::new(io::stdin())
    } else {
        let path = Path::new(name);
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => InputError::Missing { name: name.to_string() },
            _ => InputError::Unreadable { name: name.to_string(), reason: e.to_string() },
        })?;
        if meta.is_dir() {
            return Err(InputError::Directory { name: name.to_string() });
        }
        let f =
            File::open(path).map_err(|e| InputError::Unreadable { name: name.to_string(), reason: reason_text(&e) })?;
        Box::new(f)
    };

    // Look at the head to decide how to decode.
    let mut head = Vec::with_capacity(SNIFF);
    (&mut raw)
        .take(SNIFF as u64)
        .read_to_end(&mut head)
        .map_err(|e| InputError::Unreadable { name: name.to_string(), reason: reason_text(&e) })?;

    if head.starts_with(&[0x1f, 0x8b]) {
        let chained = io::Cursor::new(head).chain(raw);
        let mut gz = flate2::read::MultiGzDecoder::new(chained);
        let mut spool = tempfile::tempfile()
            .map_err(|e| InputError::Unreadable { name: name.to_string(), reason: e.to_string() })?;
        let copied = copy_keep_partial(&mut gz, &mut spool);
        if let Err(e) = copied.1 {
            if copied.0 == 0 {
                return Err(InputError::BadGzip { name: name.to_string(), reason: e.to_string() });
            }
            warnings.push(format!(
                "{name}: the gzip stream is cut short or damaged ({e}); kept the {} bytes read before that",
                copied.0
            ));
        }
        return finish_spooled(name, spool, warnings);
    }

    if let Some(big_endian) = utf16_bom(&head) {
        let mut bytes = head;
        raw.read_to_end(&mut bytes)
            .map_err(|e| InputError::Unreadable { name: name.to_string(), reason: reason_text(&e) })?;
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        let text = String::from_utf16_lossy(&units);
        warnings.push(format!("{name}: decoded from UTF-16"));
        let mut spool = tempfile::tempfile()
            .map_err(|e| InputError::Unreadable { name: name.to_string(), reason: e.to_string() })?;
        spool
            .write_all(text.as_bytes())
            .map_err(|e| InputError::Unreadable { name: name.to_string(), reason: e.to_string() })?;
        return finish_spooled(name, spool, warnings);
    }

    if let Some(offset) = binary_offset(&head) {
        return Err(InputError::Binary { name: name.to_string(), offset });
    }

    if name == "-" {
        let mut spool = tempfile::tempfile()
            .map_err(|e| InputError::Unreadable { name: name.to_string(), reason: e.to_string() })?;
        spool
            .write_all(&head)
            .and_then(|_| io::copy(&mut raw, &mut spool).map(|_| ()))
            .map_err(|e| InputError::Unreadable { name: name.to_string(), reason: e.to_string() })?;
        return finish_spooled("<stdin>", spool, warnings);
    }

    drop(raw);
    let file =
        File::open(name).map_err(|e| InputError::Unreadable { name: name.to_string(), reason: reason_text(&e) })?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok(Opened { name: name.to_string(), file, len, warnings })
}

fn finish_spooled(name: &str, mut spool: File, warnings: Vec<String>) -> Result<Opened, InputError> {
    let len = spool
        .seek(SeekFrom::End(0))
        .and_then(|l| spool.seek(SeekFrom::Start(0)).map(|_| l))
        .map_err(|e| InputError::Unreadable { name: name.to_string(), reason: e.to_string() })?;
    // a decompressed stream may itself be binary
    let mut head = vec![0u8; (len as usize).min(SNIFF)];
    let _ = spool.read_exact(&mut head);
    let _ = spool.seek(SeekFrom::Start(0));
    if let Some(offset) = binary_offset(&head) {
        return Err(InputError::Binary { name: name.to_string(), offset });
    }
    Ok(Opened { name: name.to_string(), file: spool, len, warnings })
}

/// Copy until EOF or error; returns the bytes copied and the error if any.
fn copy_keep_partial(from: &mut dyn Read, to: &mut File) -> (u64, io::Result<()>) {
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        match from.read(&mut buf) {
            Ok(0) => return (total, Ok(())),
            Ok(n) => {
                if let Err(e) = to.write_all(&buf[..n]) {
                    return (total, Err(e));
                }
                total += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return (total, Err(e)),
        }
    }
}

fn utf16_bom(head: &[u8]) -> Option<bool> {
    match head {
        [0xFF, 0xFE, ..] => Some(false),
        [0xFE, 0xFF, ..] => Some(true),
        _ => None,
    }
}

/// A text log has no NUL bytes; a few stray control bytes are tolerated.
fn binary_offset(head: &[u8]) -> Option<usize> {
    memchr::memchr(0, head)
}

fn reason_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_temp(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    #[test]
    fn missing_and_directory_are_errors() {
        assert!(matches!(open_input("/nonexistent/x.log"), Err(InputError::Missing { .. })));
        assert!(matches!(open_input("/tmp"), Err(InputError::Directory { .. })));
    }

    #[test]
    fn binary_is_refused() {
        let f = write_temp(b"\x7fELF\x00\x00\x01");
        assert!(matches!(open_input(f.path().to_str().unwrap()), Err(InputError::Binary { .. })));
    }

    #[test]
    fn gzip_is_decoded_and_truncation_is_kept() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let text = "line one\n".repeat(5000);
        enc.write_all(text.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        let f = write_temp(&gz);
        let o = open_input(f.path().to_str().unwrap()).unwrap();
        assert_eq!(o.len, text.len() as u64);
        assert!(o.warnings.is_empty());
        let cut = write_temp(&gz[..gz.len() - 30]);
        let o = open_input(cut.path().to_str().unwrap()).unwrap();
        assert!(o.len > 0);
        assert_eq!(o.warnings.len(), 1, "{:?}", o.warnings);
    }

    #[test]
    fn utf16_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a,b\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let f = write_temp(&bytes);
        let o = open_input(f.path().to_str().unwrap()).unwrap();
        let r = SpanReader::new(o.file);
        assert_eq!(r.read(0, o.len as u32), "a,b\n");
    }
}

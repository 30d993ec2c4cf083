//! Making log text inert before it reaches a terminal.

use std::borrow::Cow;

/// Replace terminal control characters (C0 except tab, DEL, C1, bidi
/// overrides and isolates) with visible escapes, so text from a log can
/// never move the cursor, clear the screen, set the title or the clipboard.
pub fn inert(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_dangerous(c) {
            match c {
                '\x1b' => out.push_str("\\e"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_dangerous(c: char) -> bool {
    let u = c as u32;
    (u < 0x20 && c != '\t')
        || u == 0x7f
        || (0x80..0xa0).contains(&u)
        || matches!(u, 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069 | 0x061c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_inert() {
        assert_eq!(inert("plain"), "plain");
        assert_eq!(inert("a\x1b[2Jb"), "a\\e[2Jb");
        assert_eq!(inert("\x1b]52;c;aGk=\x07"), "\\e]52;c;aGk=\\x07");
        assert_eq!(inert("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(inert("bs\x08"), "bs\\x08");
        assert_eq!(inert("\u{9b}31m"), "\\u{009b}31m");
    }
}

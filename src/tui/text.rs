//! Small text helpers for drawing: sanitizing, fitting to a width,
//! highlighting search matches, wrapping and colouring JSON.

use super::theme::Theme;
use crate::sanitize::inert;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Log text made inert and cut to `width` characters (with `…` when cut).
pub fn fit(s: &str, width: usize) -> String {
    let clean = inert(s);
    let n = clean.chars().count();
    if n <= width {
        return clean.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = clean.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// `fit` and pad to exactly `width`.
pub fn pad(s: &str, width: usize) -> String {
    let mut out = fit(s, width);
    let n = out.chars().count();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    out
}

/// Char ranges of `line` where some term occurs (ASCII case-insensitive).
fn match_ranges(line: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let lower: Vec<char> = line.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut ranges = Vec::new();
    for t in terms {
        let tc: Vec<char> = t.chars().collect();
        if tc.is_empty() || tc.len() > lower.len() {
            continue;
        }
        for start in 0..=lower.len() - tc.len() {
            if lower[start..start + tc.len()] == tc[..] {
                ranges.push((start, start + tc.len()));
            }
        }
    }
    ranges
}

/// Does the line show a search term?
pub fn shows_match(line: &Line, terms: &[String]) -> bool {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    !match_ranges(&text, terms).is_empty()
}

/// Restyle the parts of a line where a search term occurs.
pub fn highlight(line: Line<'static>, terms: &[String], hit: Style) -> Line<'static> {
    if terms.is_empty() {
        return line;
    }
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let ranges = match_ranges(&text, terms);
    if ranges.is_empty() {
        return line;
    }
    let marked = |pos: usize| ranges.iter().any(|&(a, b)| pos >= a && pos < b);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut pos = 0;
    for span in line.spans {
        let mut cur = String::new();
        let mut cur_hit = false;
        for ch in span.content.chars() {
            let h = marked(pos);
            if h != cur_hit && !cur.is_empty() {
                let style = if cur_hit { span.style.patch(hit) } else { span.style };
                spans.push(Span::styled(std::mem::take(&mut cur), style));
            }
            cur_hit = h;
            cur.push(ch);
            pos += 1;
        }
        if !cur.is_empty() {
            let style = if cur_hit { span.style.patch(hit) } else { span.style };
            spans.push(Span::styled(cur, style));
        }
    }
    Line { spans, style: line.style, alignment: line.alignment }
}

/// Word-wrap plain text to `width` columns (long words are cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in inert(text).split_whitespace() {
        let w: String = word.chars().take(width).collect();
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Colour one line of pretty-printed JSON (already made inert).
pub fn json_line(line: &str, theme: &Theme) -> Line<'static> {
    let chars: Vec<char> = line.chars().collect();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            let s: String = chars[start..i].iter().collect();
            let is_key = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&':');
            spans.push(Span::styled(s, if is_key { theme.json_key() } else { theme.json_string() }));
        } else if c == '-' || c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || "+-.eE".contains(chars[i])) {
                i += 1;
            }
            spans.push(Span::styled(chars[start..i].iter().collect::<String>(), theme.json_number()));
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            spans.push(Span::styled(chars[start..i].iter().collect::<String>(), theme.json_literal()));
        } else {
            let start = i;
            while i < chars.len() && !(chars[i] == '"' || chars[i] == '-' || chars[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            spans.push(Span::raw(chars[start..i].iter().collect::<String>()));
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_and_wrapping() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("a\x1b[2J", 10), "a\\e[2J");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(wrap("one two three four", 9), vec!["one two", "three", "four"]);
    }

    #[test]
    fn highlighting_splits_spans() {
        let line = Line::from(vec![Span::raw("Status"), Span::raw("Notification")]);
        let hit = Style::new().add_modifier(ratatui::style::Modifier::BOLD);
        let out = highlight(line, &["usno".to_string()], hit);
        let parts: Vec<(&str, bool)> = out.spans.iter().map(|s| (s.content.as_ref(), s.style == hit)).collect();
        assert_eq!(parts, vec![("Stat", false), ("us", true), ("No", true), ("tification", false)]);
    }

    #[test]
    fn json_colouring_keeps_text() {
        let t = Theme::default();
        let l = json_line(r#"  "status": "Faulted", "n": -12.5, "ok": true"#, &t);
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, r#"  "status": "Faulted", "n": -12.5, "ok": true"#);
        assert_eq!(l.spans[1].style, t.json_key());
    }
}

//! The one byte-level scanner of JSON nesting (brackets outside strings),
//! shared by frame detection and the line groupers.

/// What one byte did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// `[` or `{` outside a string.
    Open,
    /// `]` or `}` outside a string.
    Close,
    StringStart,
    StringEnd,
    Other,
}

/// Nesting depth and string state, fed one byte at a time.
#[derive(Clone, Copy, Debug, Default)]
pub struct Nesting {
    pub depth: usize,
    in_string: bool,
    escaped: bool,
}

impl Nesting {
    pub fn step(&mut self, b: u8) -> Event {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                return Event::StringEnd;
            }
            return Event::Other;
        }
        match b {
            b'"' => {
                self.in_string = true;
                Event::StringStart
            }
            b'[' | b'{' => {
                self.depth += 1;
                Event::Open
            }
            b']' | b'}' => {
                self.depth = self.depth.saturating_sub(1);
                Event::Close
            }
            _ => Event::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_inside_strings_and_escaped_quotes_do_not_count() {
        let mut n = Nesting::default();
        let events: Vec<Event> = br#"[{"a":"x\"]}"}]"#.iter().map(|&b| n.step(b)).collect();
        assert_eq!(events.iter().filter(|&&e| e == Event::Open).count(), 2);
        assert_eq!(events.iter().filter(|&&e| e == Event::Close).count(), 2);
        assert_eq!(events.iter().filter(|&&e| e == Event::StringEnd).count(), 2);
        assert_eq!(n.depth, 0);
    }
}

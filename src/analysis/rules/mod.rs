//! The rules, one per file.

mod unparsed_row;

use super::Rule;

/// Every rule, in catalogue order.
pub fn all() -> Vec<Box<dyn Rule>> {
    vec![Box::new(unparsed_row::UnparsedRow)]
}

/// Every rule id (for validating `--rule`).
pub fn ids() -> Vec<&'static str> {
    all().iter().map(|r| r.id()).collect()
}

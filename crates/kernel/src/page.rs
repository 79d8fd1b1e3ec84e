//! Pagination convention shared by every list: `?limit=&cursor=`, newest first.

use serde::{Deserialize, Serialize};

/// Largest page a client may ask for.
pub const MAX_LIMIT: u32 = 500;
/// Page size when the client gives none.
pub const DEFAULT_LIMIT: u32 = 50;

/// What a client asked for: at most `limit` items after the opaque `cursor`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PageRequest {
    /// Items wanted (1..=MAX_LIMIT).
    pub limit: u32,
    /// Cursor returned by the previous page, if any.
    pub cursor: Option<String>,
}

impl PageRequest {
    /// Validates a client's `limit`/`cursor`; the message names the bad value.
    pub fn new(limit: Option<u32>, cursor: Option<String>) -> Result<Self, String> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(format!("limit must be between 1 and {MAX_LIMIT}, got {limit}"));
        }
        let cursor = cursor.filter(|c| !c.is_empty());
        Ok(Self { limit, cursor })
    }

    /// The first page of the default size.
    pub fn first() -> Self {
        Self { limit: DEFAULT_LIMIT, cursor: None }
    }
}

/// One page of results and the cursor of the next page (absent on the last page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says a next page exists.
    pub fn from_overfetch(mut rows: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> String) -> Self {
        let limit = limit as usize;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(&cursor_of)
        } else {
            None
        };
        Self { items: rows, next_cursor }
    }

    /// Maps the items, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_no_limit_when_parsed_then_default() {
        assert_eq!(PageRequest::new(None, None).unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn given_zero_or_huge_limit_when_parsed_then_rejected_with_value() {
        assert!(PageRequest::new(Some(0), None).unwrap_err().contains("got 0"));
        assert!(PageRequest::new(Some(501), None).unwrap_err().contains("501"));
    }

    #[test]
    fn given_overfetched_rows_when_paged_then_next_cursor_is_last_kept() {
        let p = Page::from_overfetch(vec![5, 4, 3], 2, |n| n.to_string());
        assert_eq!(p.items, vec![5, 4]);
        assert_eq!(p.next_cursor.as_deref(), Some("4"));
        let last = Page::from_overfetch(vec![2, 1], 2, |n| n.to_string());
        assert_eq!(last.next_cursor, None);
    }
}

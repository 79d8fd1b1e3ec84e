//! JSON paths in `$`, `[i]`, `.key` notation for errors and skips.

use std::fmt;

/// Longest key shown verbatim in a path; longer keys are shortened with `…`.
const MAX_SHOWN_KEY_CHARS: usize = 64;

/// A JSON path such as `$[3].values.temperature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonPath(String);

impl JsonPath {
    /// The document root, `$`.
    pub(crate) fn root() -> Self {
        Self("$".to_owned())
    }

    /// A location outside the body, e.g. `header X-Ts`.
    pub(crate) fn header(name: &str) -> Self {
        Self(format!("header {name}"))
    }

    /// The `i`-th array element below this path.
    pub(crate) fn index(&self, i: usize) -> Self {
        Self(format!("{}[{i}]", self.0))
    }

    /// The member `key` below this path: `.key` for identifiers, `["key"]` otherwise.
    pub(crate) fn key(&self, key: &str) -> Self {
        let shown: String = if key.chars().count() > MAX_SHOWN_KEY_CHARS {
            key.chars().take(MAX_SHOWN_KEY_CHARS).chain(std::iter::once('…')).collect()
        } else {
            key.to_owned()
        };
        let plain = !shown.is_empty() && shown.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if plain {
            Self(format!("{}.{shown}", self.0))
        } else {
            let quoted = serde_json::to_string(&shown).unwrap_or_else(|_| format!("{shown:?}"));
            Self(format!("{}[{quoted}]", self.0))
        }
    }

    /// The path as text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_nested_members_when_building_path_then_dollar_index_dot_notation() {
        let p = JsonPath::root().index(3).key("values").key("temperature");
        assert_eq!(p.as_str(), "$[3].values.temperature");
    }

    #[test]
    fn given_unusual_or_long_keys_when_building_path_then_quoted_and_shortened() {
        assert_eq!(JsonPath::root().key("a b").as_str(), r#"$["a b"]"#);
        assert_eq!(JsonPath::root().key("").as_str(), r#"$[""]"#);
        let long = "k".repeat(200);
        assert_eq!(JsonPath::root().key(&long).as_str(), format!("$[\"{}…\"]", "k".repeat(64)));
    }
}

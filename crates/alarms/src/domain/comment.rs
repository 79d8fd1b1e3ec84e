//! The comment an operator leaves when acknowledging or clearing an alarm.

/// Longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// A validated operator comment: not blank, at most [`MAX_COMMENT_CHARS`] characters, no NUL or
/// other control character except line breaks and tabs (it is stored and sent in notifications).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorComment(String);

/// Why a comment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommentError {
    /// Longer than the limit.
    #[error("comment: at most {MAX_COMMENT_CHARS} characters, got {0}")]
    TooLong(usize),
    /// Holds a control character (NUL included), which cannot be stored or shown.
    #[error("comment: control character U+{0:04X} is not allowed")]
    ControlCharacter(u32),
}

impl CommentError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            CommentError::TooLong(_) => "comment_too_long",
            CommentError::ControlCharacter(_) => "invalid_value",
        }
    }
}

impl OperatorComment {
    /// The comment of `text`: None when absent or blank.
    pub fn parse(text: Option<String>) -> Result<Option<Self>, CommentError> {
        let Some(text) = text.filter(|t| !t.trim().is_empty()) else { return Ok(None) };
        if let Some(c) = text.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(CommentError::ControlCharacter(u32::from(c)));
        }
        let chars = text.chars().count();
        if chars > MAX_COMMENT_CHARS {
            return Err(CommentError::TooLong(chars));
        }
        Ok(Some(Self(text)))
    }

    /// The text.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_blank_or_absent_text_when_parsed_then_no_comment() {
        assert_eq!(OperatorComment::parse(None), Ok(None));
        assert_eq!(OperatorComment::parse(Some("  \n".into())), Ok(None));
    }

    #[test]
    fn given_a_nul_character_when_parsed_then_refused_as_a_control_character() {
        assert_eq!(OperatorComment::parse(Some("ok\u{0}".into())), Err(CommentError::ControlCharacter(0)));
        assert_eq!(CommentError::ControlCharacter(0).code(), "invalid_value");
    }

    #[test]
    fn given_2001_characters_when_parsed_then_too_long_and_2000_multibyte_characters_pass() {
        assert_eq!(OperatorComment::parse(Some("a".repeat(2001))), Err(CommentError::TooLong(2001)));
        let chinese = "告".repeat(2000);
        assert_eq!(
            OperatorComment::parse(Some(chinese.clone())).map(|c| c.map(OperatorComment::into_inner)),
            Ok(Some(chinese))
        );
    }

    #[test]
    fn given_line_breaks_when_parsed_then_kept() {
        let c = OperatorComment::parse(Some("line 1\nline 2\tend".into())).unwrap().unwrap();
        assert_eq!(c.into_inner(), "line 1\nline 2\tend");
    }
}

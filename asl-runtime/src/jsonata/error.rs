//! Why an evaluation failed: JSONata's error code (`T1006`, `D3001`, …) and its message. AWS
//! quotes both in a `States.QueryEvaluationError` cause.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: &'static str,
    message: String,
}

impl Error {
    pub fn new(code: &'static str, message: impl Into<String>) -> Error {
        Error { code, message: message.into() }
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

impl From<super::text::TextError> for Error {
    fn from(e: super::text::TextError) -> Error {
        Error::new(e.code, e.detail)
    }
}

impl From<super::format::FormatError> for Error {
    fn from(e: super::format::FormatError) -> Error {
        Error::new(e.code, e.detail)
    }
}

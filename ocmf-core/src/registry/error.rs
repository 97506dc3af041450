//! What can be wrong in a registry file, and where.

use alloc::{format, string::String};

use crate::error::{Error, ErrorCode, Lang, Span};

/// What went wrong in a registry file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryErrorKind {
    /// The text is not valid JSON.
    Json,
    /// Valid JSON of the wrong shape: a wrong type, an unknown member, or no `keys` array.
    Structure,
    /// A `format`/`version` member names another format.
    FormatVersion,
    /// A CSV field has a stray or unterminated quote.
    Quote,
    /// A CSV row has more or fewer fields than the header.
    FieldCount,
    /// A CSV header names an unknown column.
    UnknownColumn,
    /// A CSV header names a column twice.
    DuplicateColumn,
    /// A required column or member is missing or empty (`public_key`, a serial).
    Missing,
    /// The public key cannot be decoded (the key error's code).
    Key(ErrorCode),
    /// A `valid_from`/`valid_until` value is not a timestamp.
    Time,
    /// `valid_until` lies before `valid_from`.
    Window,
    /// The file holds no header (CSV) or nothing at all.
    Empty,
    /// The bytes are not UTF-8 text ([`Registry::load_bytes`](super::Registry::load_bytes)).
    NotUtf8,
}

impl RegistryErrorKind {
    /// A short description (lowercase, no trailing period).
    #[must_use]
    pub const fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::NotUtf8, Lang::En) => "not valid utf-8 text",
            (Self::NotUtf8, Lang::De) => "kein gültiger utf-8-text",
            (Self::Json, Lang::En) => "not valid json",
            (Self::Json, Lang::De) => "kein gültiges json",
            (Self::Structure, Lang::En) => "unexpected json structure or member",
            (Self::Structure, Lang::De) => "unerwartete json-struktur oder unerwartetes element",
            (Self::FormatVersion, Lang::En) => "unknown registry format or version",
            (Self::FormatVersion, Lang::De) => {
                "unbekanntes verzeichnisformat oder unbekannte version"
            }
            (Self::Quote, Lang::En) => "stray or unterminated quote",
            (Self::Quote, Lang::De) => {
                "falsch gesetztes oder nicht geschlossenes anführungszeichen"
            }
            (Self::FieldCount, Lang::En) => {
                "the row has a different number of fields than the header"
            }
            (Self::FieldCount, Lang::De) => {
                "die zeile hat eine andere anzahl felder als die kopfzeile"
            }
            (Self::UnknownColumn, Lang::En) => "unknown column",
            (Self::UnknownColumn, Lang::De) => "unbekannte spalte",
            (Self::DuplicateColumn, Lang::En) => "column given twice",
            (Self::DuplicateColumn, Lang::De) => "spalte doppelt angegeben",
            (Self::Missing, Lang::En) => "a required value is missing",
            (Self::Missing, Lang::De) => "ein pflichtwert fehlt",
            (Self::Key(_), Lang::En) => "public key cannot be decoded",
            (Self::Key(_), Lang::De) => "öffentlicher schlüssel kann nicht dekodiert werden",
            (Self::Time, Lang::En) => "not a timestamp (rfc 3339 or ocmf)",
            (Self::Time, Lang::De) => "kein zeitstempel (rfc 3339 oder ocmf)",
            (Self::Window, Lang::En) => "the validity window ends before it starts",
            (Self::Window, Lang::De) => "der gültigkeitszeitraum endet vor seinem beginn",
            (Self::Empty, Lang::En) => "the file holds no header or no data",
            (Self::Empty, Lang::De) => "die datei enthält keine kopfzeile oder keine daten",
        }
    }
}

/// A registry file that cannot be read: always [`ErrorCode::RegistryFormat`],
/// with the 1-based line and column and the byte span of the offending part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.display())]
#[non_exhaustive]
pub struct RegistryError {
    /// What is wrong.
    pub kind: RegistryErrorKind,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// The column or member concerned (`public_key`, `valid_from`, …).
    pub field: Option<&'static str>,
    /// Byte range in the file.
    pub span: Span,
}

impl RegistryError {
    pub(super) fn at(
        kind: RegistryErrorKind,
        text: &str,
        span: Span,
        field: Option<&'static str>,
    ) -> Self {
        let (line, column) = line_col(text, span.start);
        Self {
            kind,
            line,
            column,
            field,
            span,
        }
    }

    /// [`ErrorCode::NotUtf8`] for bytes that are not text, else
    /// [`ErrorCode::RegistryFormat`].
    #[must_use]
    pub const fn code(&self) -> ErrorCode {
        match self.kind {
            RegistryErrorKind::NotUtf8 => ErrorCode::NotUtf8,
            _ => ErrorCode::RegistryFormat,
        }
    }

    /// The message with line, column and field.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        let (l, c) = match lang {
            Lang::En => ("line", "column"),
            Lang::De => ("zeile", "spalte"),
        };
        let mut s = format!(
            "{}: {l} {}, {c} {}: {}",
            ErrorCode::RegistryFormat.message(lang),
            self.line,
            self.column,
            self.kind.message(lang)
        );
        if let Some(f) = self.field {
            s.push_str(" (");
            s.push_str(f);
            s.push(')');
        }
        if let RegistryErrorKind::Key(code) = self.kind {
            s.push_str(": ");
            s.push_str(code.message(lang));
        }
        s
    }

    fn display(&self) -> String {
        self.message(Lang::En)
    }
}

impl From<RegistryError> for Error {
    fn from(e: RegistryError) -> Self {
        let mut err = Error::new(e.code()).at(e.span);
        err.field = e.field;
        err
    }
}

/// 1-based line and column (in characters) of byte `offset`.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }
}

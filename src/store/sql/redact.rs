//! How the SQL stores word a failure. A message names the table, column or
//! operation and never quotes a stored value: an error may be logged, and
//! a value in it (an email address, a password hash) would leak there.
//! What the driver or the decoder said, which may quote one (serde's
//! message, PostgreSQL's `DETAIL`), is kept as the error's
//! [`source`](std::error::Error::source) instead.

use std::error::Error as StdError;
use std::fmt::Display;

use crate::store::StoreError;

/// The source of an error: anything `StoreError` can keep.
type Source = Box<dyn StdError + Send + Sync>;

/// A stored value of column `name` that cannot be read back: the message
/// names the column, `cause` (which may quote the value) is the source.
pub(crate) fn invalid_stored(name: &str, cause: impl Into<Source>) -> StoreError {
    StoreError::unavailable_because(format!("invalid stored {name}"), cause)
}

/// A stored value of column `name` that cannot be read back, for a
/// `detail` that quotes nothing stored (a length, "not a user status").
pub(crate) fn invalid_stored_value(name: &str, detail: &str) -> StoreError {
    StoreError::unavailable(format!("invalid stored {name}: {detail}"))
}

/// Stored attributes that are not a JSON object of strings: where the
/// JSON broke, never what it says.
pub(crate) fn invalid_attributes(e: serde_json::Error) -> StoreError {
    let message = format!(
        "invalid stored attributes: not a JSON object of strings (line {}, column {})",
        e.line(),
        e.column()
    );
    StoreError::unavailable_because(message, e)
}

/// Attributes that cannot be encoded as JSON.
pub(crate) fn unencodable_attributes(e: serde_json::Error) -> StoreError {
    StoreError::unavailable_because("cannot encode attributes", e)
}

/// A failure of the backend itself: `<backend>: <what>`, where `what` is
/// the driver's description of the failure in words that quote no bound
/// value (each backend says which of its driver's words those are).
pub(crate) fn backend(backend: &str, what: impl Display, cause: impl Into<Source>) -> StoreError {
    StoreError::unavailable_because(format!("{backend}: {what}"), cause)
}

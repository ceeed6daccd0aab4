//! The SQL core `SqliteStore` and `PostgresStore` share: how a record
//! becomes column values and back, the column lists, the attributes the
//! `users` table indexes by value, the bound of a prefix range, and how a
//! failure is worded without quoting a stored value.
//!
//! The two schemas store every record in the same columns, in the same
//! order, with the same encodings: timestamps as Unix milliseconds in a
//! 64-bit integer, `u64` ids and versions bit for bit in a signed 64-bit
//! integer, `u32` counters in a 64-bit integer, attributes as a JSON
//! object, digests and sealed blobs as bytes. They differ in one storage
//! class: PostgreSQL's `text` cannot hold NUL, so there the free-form
//! values (password hashes, group descriptions and roles, pool and client
//! definitions) are `bytea` holding UTF-8; [`SqlRow`] reads them, and
//! each backend binds them, accordingly. Everything else here is
//! backend-neutral, so the two stores cannot drift apart in what they
//! accept, return or say.

use crate::clock::Timestamp;

use super::{StoreError, StoreResult};

pub(crate) mod attributes;
pub(crate) mod mfa;
pub(crate) mod records;
pub(crate) mod redact;

/// One row of a result, as the shared decoders ([`records`]) read it. Each
/// backend implements it for its driver's row; a value of the wrong type
/// is [`StoreError::Unavailable`] naming the column (see [`redact`]).
pub(crate) trait SqlRow {
    /// A text column (a key or name).
    fn text(&self, idx: usize, name: &str) -> StoreResult<String>;
    /// A nullable text column.
    fn opt_text(&self, idx: usize, name: &str) -> StoreResult<Option<String>>;
    /// A free-form text value (which may hold NUL).
    fn value(&self, idx: usize, name: &str) -> StoreResult<String>;
    /// A nullable free-form text value.
    fn opt_value(&self, idx: usize, name: &str) -> StoreResult<Option<String>>;
    /// A 64-bit integer.
    fn int(&self, idx: usize, name: &str) -> StoreResult<i64>;
    /// A nullable 64-bit integer.
    fn opt_int(&self, idx: usize, name: &str) -> StoreResult<Option<i64>>;
    /// A boolean (an integer in SQLite).
    fn boolean(&self, idx: usize, name: &str) -> StoreResult<bool>;
    /// Bytes.
    fn bytes(&self, idx: usize, name: &str) -> StoreResult<Vec<u8>>;
    /// Nullable bytes.
    fn opt_bytes(&self, idx: usize, name: &str) -> StoreResult<Option<Vec<u8>>>;

    /// A timestamp (Unix milliseconds).
    fn timestamp(&self, idx: usize, name: &str) -> StoreResult<Timestamp> {
        self.int(idx, name).map(Timestamp::from_unix_millis)
    }

    /// A nullable timestamp.
    fn opt_timestamp(&self, idx: usize, name: &str) -> StoreResult<Option<Timestamp>> {
        Ok(self.opt_int(idx, name)?.map(Timestamp::from_unix_millis))
    }

    /// A `u32` counter, stored in a 64-bit integer.
    fn counter(&self, idx: usize, name: &str) -> StoreResult<u32> {
        u32::try_from(self.int(idx, name)?).map_err(|e| redact::invalid_stored(name, e))
    }

    /// A nullable `u32`.
    fn opt_counter(&self, idx: usize, name: &str) -> StoreResult<Option<u32>> {
        self.opt_int(idx, name)?
            .map(|v| u32::try_from(v).map_err(|e| redact::invalid_stored(name, e)))
            .transpose()
    }

    /// A record version: a `u64` stored as a non-negative 64-bit integer.
    fn version(&self, idx: usize, name: &str) -> StoreResult<u64> {
        u64::try_from(self.int(idx, name)?).map_err(|e| redact::invalid_stored(name, e))
    }

    /// A `u64` id, stored bit for bit in a signed 64-bit integer.
    fn id(&self, idx: usize, name: &str) -> StoreResult<u64> {
        Ok(self.int(idx, name)?.cast_unsigned())
    }

    /// A SHA-256 digest.
    fn digest(&self, idx: usize, name: &str) -> StoreResult<[u8; 32]> {
        let v = self.bytes(idx, name)?;
        <[u8; 32]>::try_from(v.as_slice()).map_err(|_| {
            redact::invalid_stored_value(name, &format!("{} bytes, expected 32", v.len()))
        })
    }
}

/// A timestamp as stored.
pub(crate) fn millis(t: Timestamp) -> i64 {
    t.unix_millis()
}

/// A nullable timestamp as stored.
pub(crate) fn opt_millis(t: Option<Timestamp>) -> Option<i64> {
    t.map(Timestamp::unix_millis)
}

/// `limit` as an SQL `LIMIT` (saturating).
pub(crate) fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// The stored form of an expected version. A version beyond `i64::MAX`
/// was never stored: it becomes -1, which matches no row.
pub(crate) fn expected_version(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(-1)
}

/// The stored form of the version after `expected`.
///
/// # Errors
/// [`StoreError::InvalidInput`] when it does not fit a signed 64-bit
/// integer.
pub(crate) fn next_version(expected: u64) -> StoreResult<i64> {
    expected
        .checked_add(1)
        .and_then(|v| i64::try_from(v).ok())
        .ok_or_else(|| StoreError::InvalidInput(format!("version {expected} out of range")))
}

/// A `u64` id as stored: bit for bit in a signed 64-bit integer.
pub(crate) const fn id_param(id: u64) -> i64 {
    id.cast_signed()
}

#[cfg(test)]
mod tests;

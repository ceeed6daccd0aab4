//! `ListUsers`: Cognito's filter, pagination and attribute selection.

use super::{ListUsersRequest, ListUsersResponse, User, UserPool, store_error};
use crate::error::{Constraint, Error, Result, Shown};
use crate::filter::{Filter, FilterAttribute, FilterTarget};
use crate::hex;

/// Cognito's page-size ceiling.
pub(crate) const MAX_LIST_LIMIT: u32 = 60;
/// How many records one store read fetches while filtering.
const SCAN_BATCH: usize = 256;
const TOKEN_PREFIX: &str = "v1.";

/// A page size as Cognito's list operations take it: `None` or 0 means 60,
/// more than 60 is refused.
pub(super) fn page_limit(limit: Option<u32>) -> Result<usize> {
    match limit.unwrap_or(0) {
        0 => Ok(MAX_LIST_LIMIT as usize),
        n if n > MAX_LIST_LIMIT => Err(Error::violation(
            "limit",
            Shown::Value(n.to_string()),
            Constraint::MaxValue(i64::from(MAX_LIST_LIMIT)),
        )),
        n => Ok(n as usize),
    }
}

pub(super) fn encode_token(username: &str) -> String {
    format!("{TOKEN_PREFIX}{}", hex::encode(username.as_bytes()))
}

pub(super) fn decode_token(token: &str) -> Result<String> {
    token
        .strip_prefix(TOKEN_PREFIX)
        .and_then(hex::decode)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Error::invalid_parameter("Invalid pagination token."))
}

impl UserPool {
    /// `ListUsers`: users in internal-username order, optionally filtered
    /// (`email ^= "ali"`; see `crate::filter`), one page at a time.
    ///
    /// The pagination token is opaque; it stays valid across processes that
    /// share the store.
    ///
    /// # Errors
    /// `InvalidParameterException` for a limit over 60, a malformed filter,
    /// an unsearchable attribute, an unknown name in `attributes_to_get`, or
    /// a malformed pagination token.
    pub fn list_users(&self, request: ListUsersRequest) -> Result<ListUsersResponse> {
        let limit = page_limit(request.limit)?;
        let filter = match request.filter.as_deref() {
            Some(f) => Filter::parse(f)?,
            None => None,
        };
        if let Some(names) = &request.attributes_to_get {
            let config = self.config();
            let schema = config.schema();
            if let Some(bad) = names.iter().find(|n| !schema.is_known(n)) {
                return Err(Error::invalid_parameter(format!(
                    "Invalid attribute name in AttributesToGet: {bad}"
                )));
            }
        }
        let mut cursor = request
            .pagination_token
            .as_deref()
            .map(decode_token)
            .transpose()?;
        let case_insensitive = !self.config().case_sensitive();
        // A case-sensitive filter on an attribute is a prefix the store can
        // look up (`=` too: its value is a prefix of every match); the
        // filter below still decides every user.
        let prefix = filter.as_ref().and_then(|f| match f.attribute() {
            FilterAttribute::Username | FilterAttribute::UserStatus | FilterAttribute::Status => {
                None
            }
            a if a.is_case_insensitive(case_insensitive) => None,
            a => Some((a.as_str(), f.value())),
        });
        let mut matched = Vec::with_capacity(limit + 1);
        // Read until one match more than the page, so the token is only
        // returned when another page really exists.
        'scan: loop {
            let batch = match prefix {
                Some((attribute, prefix)) => self.store().list_users_by_attribute_prefix(
                    self.id(),
                    attribute,
                    prefix,
                    cursor.as_deref(),
                    SCAN_BATCH,
                ),
                None => self
                    .store()
                    .list_users(self.id(), cursor.as_deref(), SCAN_BATCH),
            }
            .map_err(store_error)?;
            let exhausted = batch.len() < SCAN_BATCH;
            for u in batch {
                cursor = Some(u.username.clone());
                let keep = filter.as_ref().is_none_or(|f| {
                    f.matches(
                        &FilterTarget {
                            username: &u.username,
                            user_status: u.status.as_str(),
                            enabled: u.enabled,
                            attributes: &u.attributes,
                        },
                        case_insensitive,
                    )
                });
                if keep {
                    matched.push(u);
                    if matched.len() > limit {
                        break 'scan;
                    }
                }
            }
            if exhausted {
                break;
            }
        }
        let more = matched.len() > limit;
        matched.truncate(limit);
        let pagination_token = if more {
            matched.last().map(|u| encode_token(&u.username))
        } else {
            None
        };
        let only = request.attributes_to_get.as_deref();
        Ok(ListUsersResponse {
            users: matched.iter().map(|u| User::from_record(u, only)).collect(),
            pagination_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let t = encode_token("ünïcode user");
        assert_eq!(decode_token(&t).ok().as_deref(), Some("ünïcode user"));
        for bad in ["", "v1.zz", "v2.00", "v1.f"] {
            assert!(decode_token(bad).is_err(), "{bad}");
        }
    }
}

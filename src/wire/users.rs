//! User, auth, token, recovery and group operations (being written).

use super::Handler;

/// The operations of this module.
pub(super) static HANDLERS: &[(&str, Handler)] = &[];

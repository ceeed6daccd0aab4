//! Pool and app-client operations (being written).

use super::Handler;

/// The operations of this module.
pub(super) static HANDLERS: &[(&str, Handler)] = &[];

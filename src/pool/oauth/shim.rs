//! Stand-ins for the grants branch's issuing of codes and implicit tokens,
//! so the hosted pages compile and can be tested on their own.

use super::{CodeGrant, ImplicitTokens};
use crate::error::{Error, Result};
use crate::pool::UserPool;

impl UserPool {
    /// A fresh authorization code for `grant` (stand-in: not stored).
    ///
    /// # Errors
    /// `InternalErrorException` if the random source fails.
    pub(crate) fn issue_authorization_code(&self, grant: &CodeGrant) -> Result<String> {
        let _ = grant;
        crate::random::uuid_v4()
    }

    /// The tokens of an implicit answer for `grant` (stand-in: refused).
    ///
    /// # Errors
    /// Always `InternalErrorException` here.
    pub(crate) fn issue_implicit_tokens(&self, grant: &CodeGrant) -> Result<ImplicitTokens> {
        let _ = grant;
        Err(Error::internal(
            "Implicit tokens are issued by the grants branch.",
        ))
    }
}

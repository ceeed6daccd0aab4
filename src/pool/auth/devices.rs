//! Remembered devices in sign-in (cognito-mfa-devices-passwordless.md §3
//! steps 0, 4 and 7, §6.1, §6.4).

use super::{AuthResponse, Authenticated, RespondToAuthChallengeRequest};
use crate::client::AppClient;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::pool::UserPool;
use crate::store::UserRecord;

impl UserPool {
    /// §3 step 4: whether `device_key` names a remembered device of `user`
    /// that lets the sign-in skip MFA.
    pub(in crate::pool) fn device_skips_mfa(
        &self,
        _user: &UserRecord,
        _device_key: Option<&str>,
    ) -> Result<bool> {
        Ok(false)
    }

    /// §3 step 7: `DEVICE_SRP_AUTH` for a remembered device, else `None`.
    pub(super) fn device_challenge(
        &self,
        _client: &AppClient,
        _proof: &Authenticated,
        _device_key: Option<&str>,
    ) -> Result<Option<AuthResponse>> {
        Ok(None)
    }

    /// Answers `DEVICE_SRP_AUTH` and `DEVICE_PASSWORD_VERIFIER`.
    pub(super) fn device_respond(
        &self,
        _client: &AppClient,
        _request: &RespondToAuthChallengeRequest,
        _now: Timestamp,
    ) -> Result<AuthResponse> {
        Err(Error::invalid_parameter(
            "Device tracking is not enabled for the user pool.",
        ))
    }
}

//! A user's second factors (cognito-mfa-devices-passwordless.md §2, §4.2,
//! §4.3): `AssociateSoftwareToken`, `VerifySoftwareToken`,
//! `SetUserMFAPreference` / `AdminSetUserMFAPreference`, `SetUserSettings`
//! / `AdminSetUserSettings` and `AdminDeleteSoftwareToken`.
//!
//! TOTP secrets come from the OS CSPRNG (32 bytes, shown once as a
//! 52-character base32 `SecretCode`) and are kept sealed (AES-256-GCM under
//! a key derived from the pool secret, bound to the pool and the user): a
//! store never holds one in the clear.
//!
//! # Choices where Cognito is undocumented
//!
//! * `AssociateSoftwareToken` and `VerifySoftwareToken` with both or
//!   neither of `AccessToken` and `Session`: `InvalidParameterException`.
//! * `VerifySoftwareToken` never answers `Status: ERROR`: a wrong code is
//!   `EnableSoftwareTokenMFAException` and the pending secret stays. The
//!   verifying code's time step is recorded, so it cannot also answer the
//!   next sign-in's challenge.
//! * Two `PreferredMfa: true` are `Only one MFA method can be set as
//!   preferred.`; `PreferredMfa: true` with `Enabled: false` is refused
//!   too; a missing `Enabled` is `false`, as in every AWS boolean.
//! * With `MfaConfiguration: OFF` preferences are stored and have no effect.
//! * `SetUserSettings`: a non-empty `MFAOptions` of SMS turns SMS on, `[]`
//!   turns it off, any other entry is `InvalidParameterException`.
//! * `AdminDeleteSoftwareToken` of a user without one succeeds.

use super::auth::mfa::{MFA_SETUP, SETUP_ASSOCIATED, SETUP_VERIFIED};
use super::session::SessionState;
use super::{UserPool, store_error};
use crate::clock::Timestamp;
use crate::config::MfaFactor;
use crate::error::{Error, ErrorCode, Result};
use crate::random;
use crate::store::{PendingSoftwareToken, SoftwareToken, UserMfa, UserRecord};
use crate::totp::{self, SecretCode, TotpKey};

/// One factor's block of `SetUserMFAPreference` (`SMSMfaSettings`,
/// `SoftwareTokenMfaSettings`, `EmailMfaSettings`).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MfaPreference {
    /// `Enabled`: turn the factor on or off.
    pub enabled: bool,
    /// `PreferredMfa`: make it the preferred factor (or stop preferring it).
    pub preferred: bool,
}

impl MfaPreference {
    /// A block with `Enabled` and `PreferredMfa`.
    #[must_use]
    pub const fn new(enabled: bool, preferred: bool) -> Self {
        Self { enabled, preferred }
    }
}

/// `SetUserMFAPreference` / `AdminSetUserMFAPreference`: a `None` block
/// leaves that factor as it is.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MfaPreferences {
    /// `SMSMfaSettings`.
    pub sms: Option<MfaPreference>,
    /// `SoftwareTokenMfaSettings`.
    pub software_token: Option<MfaPreference>,
    /// `EmailMfaSettings`.
    pub email: Option<MfaPreference>,
}

impl MfaPreferences {
    /// No change.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the block of `factor`.
    #[must_use]
    pub fn with(mut self, factor: MfaFactor, preference: MfaPreference) -> Self {
        match factor {
            MfaFactor::Sms => self.sms = Some(preference),
            MfaFactor::SoftwareToken => self.software_token = Some(preference),
            MfaFactor::Email => self.email = Some(preference),
        }
        self
    }

    fn blocks(&self) -> [(MfaFactor, Option<MfaPreference>); 3] {
        [
            (MfaFactor::Sms, self.sms),
            (MfaFactor::SoftwareToken, self.software_token),
            (MfaFactor::Email, self.email),
        ]
    }
}

/// Who `AssociateSoftwareToken` / `VerifySoftwareToken` is for: the owner
/// of an access token, or the user of an `MFA_SETUP` sign-in.
#[derive(Clone, Copy)]
pub enum MfaCaller<'a> {
    /// `AccessToken`.
    AccessToken(&'a str),
    /// `Session`.
    Session(&'a str),
}

impl std::fmt::Debug for MfaCaller<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::AccessToken(_) => "AccessToken([redacted])",
            Self::Session(_) => "Session([redacted])",
        })
    }
}

impl<'a> MfaCaller<'a> {
    /// Exactly one of `access_token` and `session`.
    ///
    /// # Errors
    /// `InvalidParameterException` for both or neither.
    pub fn from_parts(access_token: Option<&'a str>, session: Option<&'a str>) -> Result<Self> {
        match (access_token, session) {
            (Some(t), None) => Ok(Self::AccessToken(t)),
            (None, Some(s)) => Ok(Self::Session(s)),
            _ => Err(Error::invalid_parameter(
                "Exactly one of AccessToken and Session must be given.",
            )),
        }
    }
}

/// The answer of `AssociateSoftwareToken`. `Debug` redacts both.
#[non_exhaustive]
#[derive(Clone)]
pub struct AssociateSoftwareTokenResponse {
    /// The new secret, base32: shown once, for the user's authenticator app.
    pub secret_code: SecretCode,
    /// The session `VerifySoftwareToken` must use (called with a session).
    pub session: Option<String>,
}

impl std::fmt::Debug for AssociateSoftwareTokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssociateSoftwareTokenResponse")
            .field("secret_code", &self.secret_code)
            .field("session", &self.session.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// The answer of `VerifySoftwareToken` (its `Status` is always `SUCCESS`).
/// `Debug` redacts the session.
#[non_exhaustive]
#[derive(Clone, Default)]
pub struct VerifySoftwareTokenResponse {
    /// The session the `MFA_SETUP` answer must use (called with a session).
    pub session: Option<String>,
}

impl std::fmt::Debug for VerifySoftwareTokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifySoftwareTokenResponse")
            .field("session", &self.session.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

fn totp_aad(pool_id: &str, username: &str) -> Vec<u8> {
    format!("userpool/totp|{pool_id}|{username}").into_bytes()
}

fn not_associated() -> Error {
    Error::new(
        ErrorCode::SoftwareTokenMfaNotFound,
        "Software Token MFA has not been associated with the user.",
    )
}

impl UserPool {
    /// `key` sealed for `username`'s record.
    pub(super) fn seal_totp(&self, username: &str, key: &TotpKey) -> Result<Vec<u8>> {
        self.inner.keys.seal(
            super::keys::Sealed::TotpSecret,
            random::bytes::<12>()?,
            &totp_aad(self.id(), username),
            key.expose_secret(),
        )
    }

    /// `sealed` re-sealed under the current pool secret, if it is still
    /// sealed under the previous one (see `rotation`).
    pub(super) fn resealed_totp(&self, username: &str, sealed: &[u8]) -> Result<Option<Vec<u8>>> {
        let aad = totp_aad(self.id(), username);
        match self
            .inner
            .keys
            .open(super::keys::Sealed::TotpSecret, &aad, sealed, self.now())
        {
            Some((plain, true)) => self
                .inner
                .keys
                .seal(
                    super::keys::Sealed::TotpSecret,
                    random::bytes::<12>()?,
                    &aad,
                    &plain,
                )
                .map(Some),
            _ => Ok(None),
        }
    }

    /// The TOTP key sealed in `username`'s record, if it opens.
    pub(super) fn open_totp(&self, username: &str, sealed: &[u8]) -> Option<TotpKey> {
        let (plain, _) = self.inner.keys.open(
            super::keys::Sealed::TotpSecret,
            &totp_aad(self.id(), username),
            sealed,
            self.now(),
        )?;
        Some(TotpKey::from_bytes(plain.to_vec()))
    }

    /// The user a call is for, and the open `MFA_SETUP` session when it
    /// came with one (issued for `tag`).
    fn mfa_caller(
        &self,
        caller: MfaCaller<'_>,
        tags: &[&str],
        now: Timestamp,
    ) -> Result<(UserRecord, Option<SessionState>)> {
        match caller {
            MfaCaller::AccessToken(token) => Ok((self.authorize(token, now)?.user, None)),
            MfaCaller::Session(session) => {
                let state = self.open_any_session(Some(session), None, now)?;
                if !tags.contains(&state.challenge.as_str()) {
                    return Err(Error::not_authorized("Invalid session for the user."));
                }
                let user = self
                    .store()
                    .get_user(self.id(), &state.username)
                    .map_err(store_error)?
                    .filter(|u| u.sub() == state.sub && u.enabled)
                    .ok_or_else(|| Error::not_authorized("Invalid session for the user."))?;
                Ok((user, Some(state)))
            }
        }
    }

    /// `AssociateSoftwareToken`: a fresh TOTP secret for the caller, kept
    /// pending until `VerifySoftwareToken` proves it (a verified
    /// authenticator stays in force until then).
    ///
    /// # Errors
    /// `SoftwareTokenMFANotFoundException` (`Software Token MFA has not
    /// been enabled by the userPool`) when the pool does not offer TOTP;
    /// the token errors of [`UserPool::get_user`]; `NotAuthorizedException`
    /// `Invalid session for the user.` for a session not of an
    /// `MFA_SETUP` challenge (or expired: `…, session is expired.`).
    pub fn associate_software_token(
        &self,
        caller: MfaCaller<'_>,
    ) -> Result<AssociateSoftwareTokenResponse> {
        let now = self.now();
        if !self.config().mfa().factor_enabled(MfaFactor::SoftwareToken) {
            return Err(Error::new(
                ErrorCode::SoftwareTokenMfaNotFound,
                "Software Token MFA has not been enabled by the userPool",
            ));
        }
        let (user, state) = self.mfa_caller(caller, &[MFA_SETUP, SETUP_ASSOCIATED], now)?;
        let key = TotpKey::generate()?;
        let sealed = self.seal_totp(&user.username, &key)?;
        self.modify_user(&user.username, now, |cur| {
            if cur.sub() != user.sub() {
                return Err(Error::user_not_found());
            }
            let mut next = cur.clone();
            next.mfa.pending_software_token = Some(PendingSoftwareToken {
                sealed_secret: sealed.clone(),
                created_at: now,
            });
            Ok(Some(next))
        })?;
        let session = match state {
            Some(state) => Some(self.next_setup_session(&user, &state, SETUP_ASSOCIATED, now)?),
            None => None,
        };
        Ok(AssociateSoftwareTokenResponse {
            secret_code: key.secret_code(),
            session,
        })
    }

    fn next_setup_session(
        &self,
        user: &UserRecord,
        state: &SessionState,
        tag: &str,
        now: Timestamp,
    ) -> Result<String> {
        let client = self.client(&state.client_id)?;
        self.issue_session(
            client.id(),
            user,
            tag,
            client.config().auth_session_validity(),
            now,
            state.extra.clone(),
        )
    }

    /// `VerifySoftwareToken`: proves the pending secret with a code from
    /// the authenticator; the secret becomes the user's authenticator
    /// (replacing any other) and `SOFTWARE_TOKEN_MFA` turns on; the
    /// preference is left as it was.
    ///
    /// # Errors
    /// `SoftwareTokenMFANotFoundException` (`Software Token MFA has not been
    /// associated with the user.`) without a pending secret;
    /// `EnableSoftwareTokenMFAException` (`Code mismatch and fail enable
    /// Software Token MFA`) for a wrong code; the caller errors of
    /// [`UserPool::associate_software_token`]; a session is used once.
    pub fn verify_software_token(
        &self,
        caller: MfaCaller<'_>,
        user_code: &str,
        friendly_device_name: Option<&str>,
    ) -> Result<VerifySoftwareTokenResponse> {
        let now = self.now();
        let (user, state) = self.mfa_caller(caller, &[SETUP_ASSOCIATED], now)?;
        let pending = user
            .mfa
            .pending_software_token
            .clone()
            .ok_or_else(not_associated)?;
        let key = self
            .open_totp(&user.username, &pending.sealed_secret)
            .ok_or_else(not_associated)?;
        let secs = u64::try_from(now.unix_seconds()).unwrap_or(0);
        let step = totp::verify(key.expose_secret(), user_code, secs, None).ok_or_else(|| {
            Error::new(
                ErrorCode::EnableSoftwareTokenMfa,
                "Code mismatch and fail enable Software Token MFA",
            )
        })?;
        if let Some(state) = &state {
            self.consume_session(state)?;
        }
        let stored = self.modify_user(&user.username, now, |cur| {
            let mut next = cur.clone();
            if next.mfa.pending_software_token.as_ref() != Some(&pending) {
                // Replaced or verified meanwhile.
                return Err(not_associated());
            }
            next.mfa.pending_software_token = None;
            next.mfa.software_token = Some(SoftwareToken {
                sealed_secret: pending.sealed_secret.clone(),
                friendly_name: friendly_device_name.map(str::to_owned),
                last_used_step: Some(step),
                verified_at: now,
            });
            enable(&mut next.mfa, MfaFactor::SoftwareToken);
            Ok(Some(next))
        })?;
        let session = match state {
            Some(state) => Some(self.next_setup_session(&stored, &state, SETUP_VERIFIED, now)?),
            None => None,
        };
        Ok(VerifySoftwareTokenResponse { session })
    }

    /// `SetUserMFAPreference`: the token owner's factors and preference.
    ///
    /// # Errors
    /// The token errors of [`UserPool::get_user`];
    /// `InvalidParameterException` for two preferred factors, a preferred
    /// factor turned off, SMS without `phone_number` (`User does not have a
    /// phone_number set to turn on SMS MFA`), TOTP without a verified
    /// authenticator (`User does not have delivery config set to turn on
    /// SOFTWARE_TOKEN_MFA`), email without `email` or with a pool not
    /// offering it.
    pub fn set_user_mfa_preference(
        &self,
        access_token: &str,
        preferences: MfaPreferences,
    ) -> Result<()> {
        let now = self.now();
        let user = self.authorize(access_token, now)?.user;
        self.apply_mfa_preferences(&user, preferences, now)
    }

    /// `AdminSetUserMFAPreference`.
    ///
    /// # Errors
    /// As [`UserPool::set_user_mfa_preference`], with
    /// `UserNotFoundException` for an unknown user.
    pub fn admin_set_user_mfa_preference(
        &self,
        username: &str,
        preferences: MfaPreferences,
    ) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        self.apply_mfa_preferences(&user, preferences, now)
    }

    fn apply_mfa_preferences(
        &self,
        user: &UserRecord,
        preferences: MfaPreferences,
        now: Timestamp,
    ) -> Result<()> {
        let blocks = preferences.blocks();
        if blocks
            .iter()
            .filter(|(_, p)| p.is_some_and(|p| p.preferred))
            .count()
            > 1
        {
            return Err(Error::invalid_parameter(
                "Only one MFA method can be set as preferred.",
            ));
        }
        if blocks
            .iter()
            .any(|(_, p)| p.is_some_and(|p| p.preferred && !p.enabled))
        {
            return Err(Error::invalid_parameter(
                "An MFA method must be enabled to be set as preferred.",
            ));
        }
        let config = self.config();
        self.modify_user(&user.username, now, |cur| {
            if cur.sub() != user.sub() {
                return Err(Error::user_not_found());
            }
            let has = |name: &str| cur.attributes.get(name).is_some_and(|v| !v.is_empty());
            let mut next = cur.clone();
            for (factor, block) in blocks {
                let Some(block) = block else { continue };
                if block.enabled {
                    match factor {
                        MfaFactor::Sms if !has("phone_number") => {
                            return Err(Error::invalid_parameter(
                                "User does not have a phone_number set to turn on SMS MFA",
                            ));
                        }
                        MfaFactor::SoftwareToken if cur.mfa.software_token.is_none() => {
                            return Err(Error::invalid_parameter(
                                "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA",
                            ));
                        }
                        MfaFactor::Email
                            if !config.mfa().factor_enabled(MfaFactor::Email) || !has("email") =>
                        {
                            return Err(Error::invalid_parameter(
                                "User does not have an email set to turn on EMAIL_OTP",
                            ));
                        }
                        _ => {}
                    }
                    enable(&mut next.mfa, factor);
                    if block.preferred {
                        next.mfa.preferred = Some(factor);
                    } else if next.mfa.preferred == Some(factor) {
                        next.mfa.preferred = None;
                    }
                } else {
                    disable(&mut next.mfa, factor);
                }
            }
            Ok((next != *cur).then_some(next))
        })?;
        Ok(())
    }

    /// `SetUserSettings` (legacy): `sms` turns SMS MFA on or off.
    ///
    /// # Errors
    /// As [`UserPool::set_user_mfa_preference`].
    pub fn set_user_settings(&self, access_token: &str, sms: bool) -> Result<()> {
        let now = self.now();
        let user = self.authorize(access_token, now)?.user;
        self.apply_mfa_preferences(
            &user,
            MfaPreferences::new().with(MfaFactor::Sms, MfaPreference::new(sms, false)),
            now,
        )
    }

    /// `AdminSetUserSettings` (legacy): `sms` turns SMS MFA on or off.
    ///
    /// # Errors
    /// As [`UserPool::admin_set_user_mfa_preference`].
    pub fn admin_set_user_settings(&self, username: &str, sms: bool) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        self.apply_mfa_preferences(
            &user,
            MfaPreferences::new().with(MfaFactor::Sms, MfaPreference::new(sms, false)),
            now,
        )
    }

    /// `AdminDeleteSoftwareToken`: removes the user's authenticator (and a
    /// pending one), so a new one can be registered.
    ///
    /// # Errors
    /// `UserNotFoundException` for an unknown user.
    pub fn admin_delete_software_token(&self, username: &str) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        self.modify_user(&user.username, now, |cur| {
            let mut next = cur.clone();
            next.mfa.software_token = None;
            next.mfa.pending_software_token = None;
            disable(&mut next.mfa, MfaFactor::SoftwareToken);
            Ok((next != *cur).then_some(next))
        })?;
        Ok(())
    }
}

fn enable(mfa: &mut UserMfa, factor: MfaFactor) {
    if !mfa.enabled.contains(&factor) {
        mfa.enabled.push(factor);
        mfa.enabled.sort();
    }
}

fn disable(mfa: &mut UserMfa, factor: MfaFactor) {
    mfa.enabled.retain(|f| *f != factor);
    if mfa.preferred == Some(factor) {
        mfa.preferred = None;
    }
}

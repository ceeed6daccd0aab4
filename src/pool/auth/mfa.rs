//! The second factor: what follows a proven first factor
//! (cognito-mfa-devices-passwordless.md §3), and the answers to its
//! challenges — `SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP`,
//! `SELECT_MFA_TYPE` and `MFA_SETUP` (§4.4, §4.5, §5).
//!
//! Every flow ends its first factor in [`UserPool::finish_sign_in`], which
//! asks [`UserPool::second_factor`] before any token is issued; the tokens
//! come only from [`UserPool::complete_sign_in`], reached from there when no
//! second factor is due, or from a correct answer here. A session carries
//! the sign-in from step to step, sealed and bound to the pool, the client,
//! the user (name and `sub`) and the challenge it was issued for.
//!
//! # Choices where Cognito is undocumented
//!
//! * Wrong codes count toward the user's lockout like wrong passwords
//!   (PROTO §7.9): counted before the check, reset by a right one, and a
//!   locked-out user's answers are refused with `Password attempts
//!   exceeded`. This replaces §8.1's per-session cap: the lockout bounds
//!   guesses across sessions too.
//! * A wrong code does not use the session up; a right one does, and the
//!   next step gets a new session.
//! * An answer naming another challenge than the session's is
//!   `CodeMismatchException` `Invalid code or auth state for the user.`
//!   (§8.1).
//! * SMS and email codes: 6 digits from the code module, stored as a keyed
//!   digest, valid for the client's `AuthSessionValidity`, used once, and
//!   bound to the session that announced them (its id is sealed in it). A
//!   new sign-in replaces a pending code. The correct code marks the
//!   address verified (§5.1).
//! * Under `MfaConfiguration: ON`, a user without an active factor whose
//!   pool offers SMS (or email) and who has a `phone_number` (or `email`)
//!   is sent a code there; the right code turns the factor on (§3 6b).
//! * The first sign-in of a user who confirmed their own sign-up by a code
//!   sent to a channel the pool offers as a factor gets tokens without MFA
//!   (§3 6a: the confirmation was that sign-in's second factor, as AWS
//!   documents). Confirming by a channel the pool does not offer as a
//!   factor (a TOTP-only pool) grants nothing: there the user is taken
//!   through `MFA_SETUP` at once, as clients observe.

use std::collections::BTreeMap;

use super::{AuthResponse, lockout_state, set_lockout_state};
use super::{Authenticated, ChallengeName, RespondToAuthChallengeRequest};
use crate::client::{AppClient, check_secret_hash};
use crate::clock::Timestamp;
use crate::code::{self, Verdict};
use crate::config::{MfaFactor, MfaMode};
use crate::error::{Error, ErrorCode, Result};
use crate::lockout::{self, Decision};
use crate::message::{DeliveryMedium, MessageKind};
use crate::pool::UserPool;
use crate::pool::outgoing::{Occasion, Templates};
use crate::pool::session::{SessionExtra, SessionState};
use crate::pool::store_error;
use crate::random;
use crate::secret::Code;
use crate::store::{CodePurpose, CodeRecord, UserRecord};
use crate::totp;
use crate::triggers::{StringMap, TriggerSource};

/// The session tag of `MFA_SETUP` once `AssociateSoftwareToken` gave out a secret.
pub(in crate::pool) const SETUP_ASSOCIATED: &str = "MFA_SETUP/associated";
/// The session tag of `MFA_SETUP` once `VerifySoftwareToken` proved the secret.
pub(in crate::pool) const SETUP_VERIFIED: &str = "MFA_SETUP/verified";
/// The `MFA_SETUP` challenge's own session tag.
pub(in crate::pool) const MFA_SETUP: &str = "MFA_SETUP";

const AUTH_STATE: &str = "Invalid code or auth state for the user.";

fn auth_state_mismatch() -> Error {
    Error::new(ErrorCode::CodeMismatch, AUTH_STATE)
}

/// The challenge asking for `factor`'s code.
const fn challenge_of(factor: MfaFactor) -> ChallengeName {
    match factor {
        MfaFactor::Sms => ChallengeName::SmsMfa,
        MfaFactor::SoftwareToken => ChallengeName::SoftwareTokenMfa,
        MfaFactor::Email => ChallengeName::EmailOtp,
    }
}

/// A JSON array of factor names, as a string (`MFAS_CAN_SETUP`, `MFAS_CAN_CHOOSE`).
fn factor_list(factors: &[MfaFactor]) -> String {
    let names: Vec<&str> = factors.iter().map(|f| f.as_str()).collect();
    serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned())
}

impl UserPool {
    /// The factors `user` has on that can be used now (§3 step 3): TOTP
    /// with a verified authenticator (even if the pool has since turned
    /// TOTP off), SMS and email when the pool offers them and the user has
    /// the address.
    pub(in crate::pool) fn active_factors(&self, user: &UserRecord) -> Vec<MfaFactor> {
        let config = self.config();
        let has = |name: &str| user.attributes.get(name).is_some_and(|v| !v.is_empty());
        user.mfa
            .enabled
            .iter()
            .copied()
            .filter(|f| match f {
                MfaFactor::SoftwareToken => user.mfa.software_token.is_some(),
                MfaFactor::Sms => {
                    config.mfa().factor_enabled(MfaFactor::Sms) && has("phone_number")
                }
                MfaFactor::Email => config.mfa().factor_enabled(MfaFactor::Email) && has("email"),
            })
            .collect()
    }

    /// §3 steps 2–6 for a proven first factor: `None` when no second
    /// factor is due (tokens follow), else the challenge to put.
    pub(super) fn second_factor(
        &self,
        client: &AppClient,
        proof: &Authenticated,
        extra: SessionExtra,
    ) -> Result<Option<AuthResponse>> {
        let config = self.config();
        let mode = config.mfa().mode();
        if mode == MfaMode::Off {
            return Ok(None);
        }
        if self.device_skips_mfa(&proof.user, extra.device_key.as_deref())? {
            return Ok(None);
        }
        let user = &proof.user;
        let active = self.active_factors(user);
        if !active.is_empty() {
            let chosen = match user.mfa.preferred {
                Some(p) if active.contains(&p) => Some(p),
                _ if active.len() == 1 => active.first().copied(),
                _ => None,
            };
            return match chosen {
                Some(factor) => self
                    .put_factor(client, user, factor, extra, proof.auth_time)
                    .map(Some),
                None => self
                    .select_challenge(client, user, &active, extra, proof.auth_time)
                    .map(Some),
            };
        }
        if mode == MfaMode::Optional {
            return Ok(None);
        }
        if user.mfa.setup_grace {
            self.modify_user(&user.username, proof.auth_time, |cur| {
                let mut next = cur.clone();
                next.mfa.setup_grace = false;
                Ok((next != *cur).then_some(next))
            })?;
            return Ok(None);
        }
        let has = |name: &str| user.attributes.get(name).is_some_and(|v| !v.is_empty());
        for (factor, attribute) in [
            (MfaFactor::Sms, "phone_number"),
            (MfaFactor::Email, "email"),
        ] {
            if config.mfa().factor_enabled(factor) && has(attribute) {
                let extra = SessionExtra {
                    enroll: Some(factor.as_str().to_owned()),
                    ..extra
                };
                return self
                    .put_factor(client, user, factor, extra, proof.auth_time)
                    .map(Some);
            }
        }
        let mut parameters = BTreeMap::new();
        parameters.insert(
            "MFAS_CAN_SETUP".to_owned(),
            factor_list(&config.mfa().factors()),
        );
        self.put_challenge(
            client,
            user,
            ChallengeName::MfaSetup,
            parameters,
            extra,
            proof.auth_time,
        )
        .map(Some)
    }

    /// The challenge for `factor`, its code sent first for SMS and email.
    fn put_factor(
        &self,
        client: &AppClient,
        user: &UserRecord,
        factor: MfaFactor,
        mut extra: SessionExtra,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let mut parameters = BTreeMap::new();
        match factor {
            MfaFactor::SoftwareToken => {
                if let Some(name) = user
                    .mfa
                    .software_token
                    .as_ref()
                    .and_then(|t| t.friendly_name.as_deref())
                    .filter(|n| !n.is_empty())
                {
                    parameters.insert("FRIENDLY_DEVICE_NAME".to_owned(), name.to_owned());
                }
            }
            MfaFactor::Sms | MfaFactor::Email => {
                let (medium, destination, id) =
                    self.send_sign_in_code(client, user, factor, now)?;
                extra.code_id = Some(id);
                parameters.insert(
                    "CODE_DELIVERY_DELIVERY_MEDIUM".to_owned(),
                    medium.as_str().to_owned(),
                );
                parameters.insert("CODE_DELIVERY_DESTINATION".to_owned(), destination);
            }
        }
        parameters.insert("USER_ID_FOR_SRP".to_owned(), user.username.clone());
        self.put_challenge(client, user, challenge_of(factor), parameters, extra, now)
    }

    fn select_challenge(
        &self,
        client: &AppClient,
        user: &UserRecord,
        active: &[MfaFactor],
        extra: SessionExtra,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let mut parameters = BTreeMap::new();
        parameters.insert("MFAS_CAN_CHOOSE".to_owned(), factor_list(active));
        parameters.insert("USER_ID_FOR_SRP".to_owned(), user.username.clone());
        self.put_challenge(
            client,
            user,
            ChallengeName::SelectMfaType,
            parameters,
            extra,
            now,
        )
    }

    /// Sends a fresh sign-in code for `factor` (SMS or email) to `user`,
    /// rendered from the pool's MFA templates (through CustomMessage with
    /// `CustomMessage_Authentication` when the pool has it). Returns the
    /// medium, the masked destination and the code's id.
    fn send_sign_in_code(
        &self,
        client: &AppClient,
        user: &UserRecord,
        factor: MfaFactor,
        now: Timestamp,
    ) -> Result<(DeliveryMedium, String, u64)> {
        let (attribute, medium) = match factor {
            MfaFactor::Email => ("email", DeliveryMedium::Email),
            _ => ("phone_number", DeliveryMedium::Sms),
        };
        let destination = user
            .attributes
            .get(attribute)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::MfaMethodNotFound,
                    "No MFA method found for the user.",
                )
            })?;
        let code = code::generate(&mut random::below)?;
        let config = self.config();
        let mfa = config.mfa();
        let outgoing = self.compose(
            user,
            Occasion::from_client(MessageKind::Authentication, client.id(), None),
            &[(medium, destination.clone())],
            &code,
            Templates {
                email_subject: mfa.email_subject(),
                email_message: mfa.email_message(),
                sms_message: mfa.sms_message(),
            },
            now,
        )?;
        let id = self.store_code(
            user,
            CodePurpose::Authentication,
            (attribute, &destination),
            &code,
            now.saturating_add(client.config().auth_session_validity()),
            now,
        )?;
        self.dispatch(outgoing)?;
        let masked = if medium == DeliveryMedium::Email {
            code::mask_email(&destination)
        } else {
            code::mask_phone(&destination)
        };
        Ok((medium, masked, id))
    }

    /// Opens the session of an MFA answer: sealed by this pool for this
    /// client, live, and issued for `challenge` (another challenge's
    /// session is `Invalid code or auth state for the user.`); the
    /// answer's `USERNAME` names the session's user and `SECRET_HASH`
    /// matches. Returns the session and the user as stored.
    fn open_mfa_session(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        challenge: &str,
        now: Timestamp,
    ) -> Result<(SessionState, UserRecord)> {
        let responses = &request.challenge_responses;
        let username = responses
            .get("USERNAME")
            .ok_or_else(|| Error::invalid_parameter("Missing required parameter USERNAME"))?;
        if request.session.is_none() {
            return Err(Error::invalid_parameter(
                "Missing required parameter Session",
            ));
        }
        let state = self.open_any_session(request.session.as_deref(), Some(client.id()), now)?;
        if state.challenge != challenge {
            // An `MFA_SETUP` session not from a successful
            // VerifySoftwareToken (§4.5): the session is the wrong one.
            if challenge == SETUP_VERIFIED && state.challenge.starts_with(MFA_SETUP) {
                return Err(Error::not_authorized("Invalid session for the user."));
            }
            return Err(auth_state_mismatch());
        }
        check_secret_hash(client, username, responses.get("SECRET_HASH"))?;
        let user = self
            .resolve(username)?
            .filter(|u| u.username == state.username && u.sub() == state.sub)
            .ok_or_else(|| Error::not_authorized("Invalid session for the user."))?;
        if !user.enabled {
            return Err(Error::not_authorized("User is disabled."));
        }
        Ok((state, user))
    }

    /// Answers `SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP`,
    /// `SELECT_MFA_TYPE` and `MFA_SETUP`.
    pub(super) fn mfa_respond(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        match request.challenge_name {
            ChallengeName::SoftwareTokenMfa => self.answer_totp(client, request, now),
            ChallengeName::SmsMfa => self.answer_code(client, request, MfaFactor::Sms, now),
            ChallengeName::EmailOtp => self.answer_code(client, request, MfaFactor::Email, now),
            ChallengeName::SelectMfaType => self.answer_select(client, request, now),
            _ => self.answer_setup(client, request, now),
        }
    }

    fn answer_totp(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let (state, user) = self.open_mfa_session(
            client,
            request,
            ChallengeName::SoftwareTokenMfa.as_str(),
            now,
        )?;
        let submitted = request
            .challenge_responses
            .get("SOFTWARE_TOKEN_MFA_CODE")
            .ok_or_else(|| {
                Error::invalid_parameter("Missing required parameter SOFTWARE_TOKEN_MFA_CODE")
            })?;
        let Some(token) = user.mfa.software_token.as_ref() else {
            return Err(Error::new(
                ErrorCode::SoftwareTokenMfaNotFound,
                "Software Token MFA does not exist for the user.",
            ));
        };
        let Some(key) = self.open_totp(&user.username, &token.sealed_secret) else {
            return Err(Error::new(
                ErrorCode::SoftwareTokenMfaNotFound,
                "Software Token MFA does not exist for the user.",
            ));
        };
        let secs = u64::try_from(now.unix_seconds()).unwrap_or(0);
        // Checked against no previous step first, so that a replay is told
        // apart from a wrong code; the step is then checked against the
        // last one used in the same compare-and-swap that records it.
        let step = totp::verify(key.expose_secret(), submitted, secs, None);
        let mut outcome: Result<()> = Ok(());
        // One compare-and-swap decides: the lockout (a locked-out user is
        // refused and not counted), the step (of two answers with one
        // code, one wins), and the count (a wrong or replayed code is a
        // failure, a right one resets it). The check itself is cheap, so
        // unlike a password it needs no failure counted up front.
        let stored = self.modify_user(&user.username, now, |cur| {
            if let Decision::Locked { .. } = lockout::check(&lockout_state(cur), now) {
                return Err(lockout::locked_error());
            }
            let mut next = cur.clone();
            let lockout = lockout_state(cur);
            let fresh = next.mfa.software_token.as_mut().filter(|t| {
                t.sealed_secret == token.sealed_secret
                    && step.is_some_and(|s| t.last_used_step.is_none_or(|last| s > last))
            });
            outcome = match (fresh, step) {
                (Some(t), Some(s)) => {
                    t.last_used_step = Some(s);
                    set_lockout_state(&mut next, lockout::record_success(&lockout, now));
                    Ok(())
                }
                (_, Some(_)) => {
                    set_lockout_state(&mut next, lockout::record_failure(&lockout, now));
                    Err(Error::new(
                        ErrorCode::ExpiredCode,
                        "Your software token has already been used once.",
                    ))
                }
                (_, None) => {
                    set_lockout_state(&mut next, lockout::record_failure(&lockout, now));
                    Err(Error::new(
                        ErrorCode::CodeMismatch,
                        "Invalid code received for user",
                    ))
                }
            };
            Ok(Some(next))
        })?;
        outcome?;
        self.consume_session(&state)?;
        self.after_second_factor(client, stored, &state, request.client_metadata.as_ref())
    }

    fn answer_code(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        factor: MfaFactor,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let (state, user) =
            self.open_mfa_session(client, request, challenge_of(factor).as_str(), now)?;
        let responses = &request.challenge_responses;
        let submitted = match factor {
            MfaFactor::Email => responses
                .get("EMAIL_OTP_CODE")
                .or_else(|| responses.get("EMAIL_MFA_CODE")),
            _ => responses.get("SMS_MFA_CODE"),
        }
        .ok_or_else(|| {
            Error::invalid_parameter(match factor {
                MfaFactor::Email => "Missing required parameter EMAIL_OTP_CODE",
                _ => "Missing required parameter SMS_MFA_CODE",
            })
        })?;
        let code_id = state.extra.code_id.ok_or_else(auth_state_mismatch)?;
        self.begin_attempt(&user.username, now)?;
        let record = self.check_sign_in_code(&user, code_id, &Code::new(submitted), now)?;
        let attribute = record.attribute.clone().unwrap_or_default();
        let enroll = state.extra.enroll.as_deref().and_then(MfaFactor::parse);
        let stored = self.modify_user_with_code(
            &user.username,
            CodePurpose::Authentication,
            &record,
            now,
            |cur| {
                let mut next = cur.clone();
                set_lockout_state(&mut next, lockout::record_success(&lockout_state(cur), now));
                // The address the code reached is proven (§5.1), if unchanged.
                if cur.attributes.get(&attribute) == record.destination.as_ref() {
                    next.attributes
                        .insert(format!("{attribute}_verified"), "true".to_owned());
                }
                if let Some(f) = enroll
                    && !next.mfa.enabled.contains(&f)
                {
                    next.mfa.enabled.push(f);
                    next.mfa.enabled.sort();
                }
                Ok(Some(next))
            },
        )?;
        self.consume_session(&state)?;
        self.after_second_factor(client, stored, &state, request.client_metadata.as_ref())
    }

    /// Checks a sign-in code: pending, the one this session announced,
    /// unexpired, attempts left, equal in constant time.
    fn check_sign_in_code(
        &self,
        user: &UserRecord,
        code_id: u64,
        submitted: &Code,
        now: Timestamp,
    ) -> Result<CodeRecord> {
        let (pool, username) = (self.id(), user.username.as_str());
        let purpose = CodePurpose::Authentication;
        let record = self
            .store()
            .get_code(pool, username, purpose)
            .map_err(store_error)?
            .filter(|r| r.id == code_id && now < r.expires_at)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::ExpiredCode,
                    "Invalid code provided, please request a code again.",
                )
            })?;
        let Some((record, verdict)) = self.attempt_code(user, purpose, record, submitted, now)?
        else {
            return Err(auth_state_mismatch());
        };
        match verdict {
            Verdict::Valid => Ok(record),
            Verdict::Mismatch => Err(auth_state_mismatch()),
            Verdict::Expired => Err(Error::new(
                ErrorCode::ExpiredCode,
                "Invalid code provided, please request a code again.",
            )),
            Verdict::Exhausted => Err(Error::not_authorized("Invalid session for the user.")),
        }
    }

    fn answer_select(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let (state, user) =
            self.open_mfa_session(client, request, ChallengeName::SelectMfaType.as_str(), now)?;
        let answer = request
            .challenge_responses
            .get("ANSWER")
            .ok_or_else(|| Error::invalid_parameter("Missing required parameter ANSWER"))?;
        let active = self.active_factors(&user);
        let factor = MfaFactor::parse(answer)
            .filter(|f| active.contains(f))
            .ok_or_else(|| {
                Error::invalid_parameter(format!(
                    "The MFA type {answer} is not available for the user."
                ))
            })?;
        self.consume_session(&state)?;
        self.put_factor(client, &user, factor, state.extra.clone(), now)
    }

    fn answer_setup(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let email = request.challenge_responses.get("EMAIL");
        if let Some(email) = email {
            return self.setup_email(client, request, email, now);
        }
        let (state, user) = self.open_mfa_session(client, request, SETUP_VERIFIED, now)?;
        self.consume_session(&state)?;
        self.after_second_factor(client, user, &state, request.client_metadata.as_ref())
    }

    /// `MFA_SETUP` answered with an `EMAIL` (§4.5, Amplify's email set-up):
    /// the address is stored unverified, `EMAIL_OTP` turns on, and a code
    /// goes there; the `EMAIL_OTP` answer verifies it.
    fn setup_email(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        email: &str,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let (state, user) = self.open_mfa_session(client, request, MFA_SETUP, now)?;
        if !self.config().mfa().factor_enabled(MfaFactor::Email) {
            return Err(Error::invalid_parameter(
                "Email MFA is not enabled for the user pool.",
            ));
        }
        let update = self.config().schema().validate_update(
            &user.attributes,
            &[crate::schema::Attribute::new("email", email)],
            crate::schema::Writer::Admin,
        )?;
        let stored = self.modify_user(&user.username, now, |cur| {
            if cur.sub() != user.sub() {
                return Err(Error::not_authorized("Invalid session for the user."));
            }
            let mut next = cur.clone();
            next.attributes = update.attributes.clone();
            next.attributes
                .insert("email_verified".to_owned(), "false".to_owned());
            Ok(Some(next))
        })?;
        self.consume_session(&state)?;
        let extra = SessionExtra {
            enroll: Some(MfaFactor::Email.as_str().to_owned()),
            ..state.extra
        };
        self.put_factor(client, &stored, MfaFactor::Email, extra, now)
    }

    /// After the last code: the device step, then the tokens.
    fn after_second_factor(
        &self,
        client: &AppClient,
        user: UserRecord,
        state: &SessionState,
        metadata: Option<&StringMap>,
    ) -> Result<AuthResponse> {
        let auth_time = state
            .extra
            .auth_ms
            .map_or_else(|| self.now(), Timestamp::from_unix_millis);
        let source = if state.extra.new_password {
            TriggerSource::TokenGenerationNewPasswordChallenge
        } else {
            TriggerSource::TokenGenerationAuthentication
        };
        self.complete_sign_in(
            client,
            Authenticated::new(user, auth_time).on_hosted_page(state.extra.hosted),
            state.extra.device_key.clone(),
            metadata,
            source,
        )
    }
}

//! `CUSTOM_AUTH` end to end (cognito-triggers.md §3): `InitiateAuth` /
//! `AdminInitiateAuth` with `AuthFlow=CUSTOM_AUTH`, passwordless or SRP
//! first, and the DefineAuthChallenge → CreateAuthChallenge →
//! VerifyAuthChallengeResponse loop answered through
//! `RespondToAuthChallenge` / `AdminRespondToAuthChallenge`.
//!
//! ```text
//! InitiateAuth ─▶ preconditions ─▶ PreAuthentication ─▶ define([] or [SRP_A])
//! define(session) ─▶ failAuthentication       → NotAuthorizedException
//!                 ─▶ issueTokens              → tokens (never for userNotFound)
//!                 ─▶ CUSTOM_CHALLENGE         → create(session) → challenge + Session
//!                 ─▶ PASSWORD_VERIFIER        → the SRP challenge (right after SRP_A only)
//!                 ─▶ anything else            → InvalidLambdaResponseException
//! CUSTOM_CHALLENGE answer ─▶ verify ─▶ session + {CUSTOM_CHALLENGE, answerCorrect, metadata} ─▶ define
//! PASSWORD_VERIFIER proof ─▶ session + {PASSWORD_VERIFIER, true, null} ─▶ define
//! ```
//!
//! Every step's state travels in a sealed, single-use `Session`
//! ([`custom_session`](super::custom_session)); nothing is kept server side.
//!
//! # Choices where Cognito is undocumented
//!
//! The recommendations of cognito-triggers.md §3, with these decisions:
//!
//! * **Preconditions, in order**: the client allows `ALLOW_CUSTOM_AUTH`;
//!   a DefineAuthChallenge is configured (else `InvalidParameterException`
//!   `Custom auth lambda trigger is not configured for the user pool.`, the
//!   same when CreateAuthChallenge or VerifyAuthChallengeResponse is
//!   needed and missing); the parameters and `SECRET_HASH`; then the user:
//!   unknown under `LEGACY` → `UserNotFoundException`, disabled →
//!   `User is disabled.`, `UNCONFIRMED` → `UserNotConfirmedException`, all
//!   before any trigger. An SRP-first flow refuses a `RESET_REQUIRED` user
//!   under `LEGACY` as `USER_SRP_AUTH` does; a passwordless flow lets
//!   Define decide for such a user, as for any other (it needs no password).
//! * **PreAuthentication** runs once, at `InitiateAuth`, after those
//!   checks and before the first Define, with `validationData` = the
//!   `InitiateAuth` `ClientMetadata` (§2.3). That metadata reaches no
//!   challenge trigger: the first Define gets no `clientMetadata`; later
//!   ones, Create and Verify get the `RespondToAuthChallenge` one.
//! * **Decisions**: `failAuthentication` wins over `issueTokens`, which
//!   wins over `challengeName`. `PASSWORD_VERIFIER` is honoured only right
//!   after `SRP_A`; any other name (or none) is
//!   `InvalidLambdaResponseException` `Unrecognizable lambda output`.
//!   `issueTokens` is honoured at any point, even on the first call, and is
//!   the one path besides a credential check to the `Authenticated` proof;
//!   with `userNotFound` it never yields tokens but `Incorrect username or
//!   password.`
//! * **Round cap**: when Define asks for an eleventh `CUSTOM_CHALLENGE`
//!   the sign-in fails with `NotAuthorizedException` `Incorrect username or
//!   password.` ([`MAX_CUSTOM_ROUNDS`]).
//! * **The challenge**: `ChallengeParameters` are CreateAuthChallenge's
//!   public parameters plus `USERNAME`, the internal username (for a name
//!   no user has, the id an SRP simulation would show), overwriting any
//!   `USERNAME` the function set. Private parameters and metadata stay in
//!   the sealed session.
//! * **The answer**: `USERNAME` and `ANSWER` are required
//!   (`InvalidParameterException` `Missing required parameter ANSWER`);
//!   `USERNAME` must name the session's user, by internal name or any alias
//!   (for a name no user has, the name typed or the id shown), else
//!   `NotAuthorizedException` `Invalid session for the user.`; `SECRET_HASH`
//!   is checked over that `USERNAME`. A `ChallengeName` the session does
//!   not expect is `InvalidParameterException` (and leaves the session
//!   unused). A wrong answer is no error by itself: Define decides.
//! * **Lockout** (§3.6, with the issue's requirement that wrong answers
//!   count): every `CUSTOM_CHALLENGE` answer and every SRP proof is counted
//!   as a failed sign-in up front, refused with `Password attempts
//!   exceeded` during a lock; a correct answer or proof resets the counter,
//!   as a correct password does. `failAuthentication` counts nothing by
//!   itself. Because answers count, a locked user cannot start
//!   `CUSTOM_AUTH` at all, passwordless included (§3.6 recommended not
//!   blocking passwordless starts; the issue's counting wins): refusing at
//!   the start, before Define and Create, also keeps a locked account from
//!   being sent codes it could not use. Under
//!   `PreventUserExistenceErrors=ENABLED` a name no user has is counted and
//!   locked the same way, by its keyed digest.
//! * **`FORCE_CHANGE_PASSWORD`** (§3.4's recommendation): in an SRP-first
//!   flow the user gets `NEW_PASSWORD_REQUIRED` right after a correct
//!   `PASSWORD_VERIFIER`, in a session of the flow; its answer sets the
//!   password as any answer does, appends `{NEW_PASSWORD_REQUIRED, true,
//!   null}` and calls Define again, so the custom rounds still follow (in
//!   2017 Cognito issued tokens there, skipping them). A passwordless flow
//!   proves no password: when Define issues tokens such a user gets the
//!   ordinary `NEW_PASSWORD_REQUIRED` of every flow
//!   ([`UserPool::finish_sign_in`]), whose answer issues them.
//! * **Events**: `userName` is the internal username, or for a name no
//!   user has the name typed (folded, in a case-insensitive pool); `userAttributes` are empty for such a name;
//!   `userNotFound` is sent only when the client prevents user-existence
//!   errors.

use super::super::hooks::hook;
use super::super::params::{
    CustomAuthParams, CustomChallengeAnswer, PasswordVerifierAnswer, device_key,
};
use super::super::srp::BlockFlow;
use super::super::windows::NameUse;
use super::custom_session::{CustomSession, Step};
use super::{
    AuthResponse, Authenticated, ChallengeName, InitiateAuthRequest, NEW_PASSWORD_REQUIRED,
    RespondToAuthChallengeRequest, UserPool, incorrect, lockout_state, set_lockout_state,
    user_not_confirmed,
};
use crate::client::{AppClient, check_secret_hash};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::lockout::{self, Decision};
use crate::random;
use crate::store::{UserRecord, UserStatus};
use crate::triggers::{
    ChallengeResult, CreateAuthChallengeRequest, DefineAuthChallengeRequest, StringMap, Trigger,
    TriggerSource, UNRECOGNIZABLE_OUTPUT, VerifyAuthChallengeRequest,
};

/// The most `CUSTOM_CHALLENGE` rounds one sign-in may run.
pub(crate) const MAX_CUSTOM_ROUNDS: usize = 10;

const CUSTOM_CHALLENGE: &str = "CUSTOM_CHALLENGE";
const PASSWORD_VERIFIER: &str = "PASSWORD_VERIFIER";
const SRP_A: &str = "SRP_A";

/// `InvalidParameterException` when a challenge trigger is missing.
pub(super) const NOT_CONFIGURED: &str =
    "Custom auth lambda trigger is not configured for the user pool.";

fn not_configured() -> Error {
    Error::invalid_parameter(NOT_CONFIGURED)
}

fn invalid_session() -> Error {
    Error::not_authorized("Invalid session for the user.")
}

/// Who is signing in.
// The user is the common case; boxing it would add an allocation to it.
#[allow(clippy::large_enum_variant)]
enum Who {
    /// A user of the pool, as last read.
    User(UserRecord),
    /// A name no user has, under `PreventUserExistenceErrors=ENABLED`.
    Unknown {
        /// The id shown as `USERNAME` (an SRP simulation's).
        id: String,
        /// The name typed, folded as the pool folds names.
        typed: String,
    },
}

impl Who {
    /// The event's `userName`.
    fn event_name(&self) -> &str {
        match self {
            Self::User(u) => &u.username,
            Self::Unknown { typed, .. } => typed,
        }
    }

    /// The challenge's `USERNAME`.
    fn shown_name(&self) -> &str {
        match self {
            Self::User(u) => &u.username,
            Self::Unknown { id, .. } => id,
        }
    }
}

/// What one step of the loop works with.
struct Ctx<'a> {
    client: &'a AppClient,
    who: Who,
    /// The rounds so far.
    history: Vec<ChallengeResult>,
    /// `clientMetadata` for the challenge triggers: `None` at `InitiateAuth`.
    client_metadata: Option<StringMap>,
    /// `SRP_A`, at `InitiateAuth` of an SRP-first flow only.
    srp_a: Option<&'a str>,
    /// The `DEVICE_KEY` of this step's request, checked if tokens follow.
    device_key: Option<String>,
    /// The name typed at `InitiateAuth`, folded: sealed into every session,
    /// for real users and names no user has alike.
    typed: String,
    now: Timestamp,
}

/// The `sub` sealed into the session of a name no user has: as long as a
/// real user's, so a session's length does not tell the two apart; no
/// user's `sub` (a random UUID v4) is ever this one.
const NO_SUB: &str = "00000000-0000-0000-0000-000000000000";

impl UserPool {
    /// `InitiateAuth` / `AdminInitiateAuth` with `CUSTOM_AUTH`, once the
    /// client is known to allow it.
    pub(super) fn custom_initiate(
        &self,
        client: &AppClient,
        request: &InitiateAuthRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        if self.hooks_for(Trigger::DefineAuthChallenge).is_none() {
            return Err(not_configured());
        }
        let auth = CustomAuthParams::read(&request.auth_parameters)?;
        check_secret_hash(client, auth.username, auth.secret_hash)?;
        if let Some(a) = auth.srp_a {
            // Malformed or degenerate A is refused before any lookup.
            crate::srp::parse_srp_a(a)?;
        }
        let prevent = client.config().prevents_user_existence_errors();
        let who = match self.resolve(auth.username)? {
            Some(user) => {
                if !user.enabled {
                    return Err(Error::not_authorized("User is disabled."));
                }
                if user.status == UserStatus::Unconfirmed {
                    return Err(user_not_confirmed());
                }
                if auth.srp_a.is_some() && user.status == UserStatus::ResetRequired && !prevent {
                    return Err(Error::new(
                        ErrorCode::PasswordResetRequired,
                        "Password reset required for the user",
                    ));
                }
                if let Decision::Locked { .. } = lockout::check(&lockout_state(&user), now) {
                    return Err(lockout::locked_error());
                }
                Who::User(user)
            }
            None if prevent => {
                self.check_unknown_locked(&self.name_digest(NameUse::SignIn, auth.username), now)?;
                Who::Unknown {
                    id: self.simulated_user_id(auth.username),
                    typed: self.fold(auth.username),
                }
            }
            None => return Err(Error::user_not_found()),
        };
        // The password flows' PreAuthentication; a name no user has is
        // named as every other event of this flow names it (folded).
        let user = match &who {
            Who::User(u) => Some(u),
            Who::Unknown { .. } => None,
        };
        self.pre_authentication(
            client,
            user,
            who.event_name(),
            request.client_metadata.as_ref(),
        )?;
        let history = match auth.srp_a {
            Some(_) => vec![ChallengeResult::new(SRP_A, true, None)],
            None => Vec::new(),
        };
        self.define(Ctx {
            client,
            who,
            history,
            client_metadata: None,
            srp_a: auth.srp_a,
            device_key: device_key(&request.auth_parameters).map(str::to_owned),
            typed: self.fold(auth.username),
            now,
        })
    }

    /// `RespondToAuthChallenge` with `CUSTOM_CHALLENGE`.
    pub(super) fn custom_respond(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let state = self
            .open_custom_session(request.session.as_deref(), now)
            .ok_or_else(invalid_session)?;
        Self::check_custom_session(&state, client.id(), ChallengeName::CustomChallenge, now)?;
        let answer = CustomChallengeAnswer::read(&request.challenge_responses)?;
        check_secret_hash(client, answer.username, answer.secret_hash)?;
        let who = self.session_user(&state, answer.username)?;
        let verify = self
            .hooks_for(Trigger::VerifyAuthChallengeResponse)
            .ok_or_else(not_configured)?;
        self.consume_custom_session(&state)?;
        // Counted up front, as a password is (see the module docs).
        let who = match who {
            Who::User(user) => Who::User(self.begin_attempt(&user.username, now)?),
            Who::Unknown { id, typed } => {
                if client.config().prevents_user_existence_errors() {
                    self.begin_unknown_attempt(&self.name_digest(NameUse::SignIn, &typed), now)?;
                }
                Who::Unknown { id, typed }
            }
        };
        let event = self.event(
            TriggerSource::VerifyAuthChallengeResponseAuthentication,
            who.event_name(),
            Some(client.id()),
            VerifyAuthChallengeRequest {
                user_attributes: self.who_attributes(&who),
                private_challenge_parameters: state.private.clone(),
                challenge_answer: answer.answer.to_owned(),
                client_metadata: request.client_metadata.clone(),
                user_not_found: user_not_found(client, &who),
            },
        );
        let correct = hook(
            Trigger::VerifyAuthChallengeResponse,
            verify.verify_auth_challenge_response(&event),
        )?
        .answer_correct;
        let who = match who {
            Who::User(user) if correct => Who::User(self.reset_lockout(&user, now)?),
            other => other,
        };
        let mut history = state.history;
        history.push(ChallengeResult::new(
            CUSTOM_CHALLENGE,
            correct,
            state.metadata,
        ));
        self.define(Ctx {
            client,
            who,
            history,
            client_metadata: request.client_metadata.clone(),
            srp_a: None,
            device_key: device_key(&request.challenge_responses).map(str::to_owned),
            typed: state.typed.clone(),
            now,
        })
    }

    /// `RespondToAuthChallenge` with `PASSWORD_VERIFIER` in an SRP-first
    /// `CUSTOM_AUTH` flow: `state` is the session it came with.
    pub(super) fn custom_srp_respond(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        state: CustomSession,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        Self::check_custom_session(&state, client.id(), ChallengeName::PasswordVerifier, now)?;
        let Step::PasswordVerifier(block) = state.step else {
            return Err(invalid_session());
        };
        let answer = PasswordVerifierAnswer::read(&request.challenge_responses)?;
        self.consume_custom_session(&state)?;
        // Counts the attempt, refuses a wrong proof (Define is not called)
        // and resets the counter after a right one.
        let stored = self.srp_prove(client, &answer, BlockFlow::CustomAuth, Some(&block), now)?;
        if state.user_not_found || stored.username != state.username || stored.sub() != state.sub {
            return Err(invalid_session());
        }
        if stored.status == UserStatus::Unconfirmed {
            return Err(user_not_confirmed());
        }
        if !stored.enabled {
            return Err(Error::not_authorized("User is disabled."));
        }
        let mut history = state.history;
        history.push(ChallengeResult::new(PASSWORD_VERIFIER, true, None));
        let ctx = Ctx {
            client,
            who: Who::User(stored),
            history,
            client_metadata: request.client_metadata.clone(),
            srp_a: None,
            device_key: device_key(&request.challenge_responses).map(str::to_owned),
            typed: state.typed.clone(),
            now,
        };
        match &ctx.who {
            Who::User(user) if user.status == UserStatus::ForceChangePassword => {
                self.custom_new_password_challenge(&ctx, user)
            }
            _ => self.define(ctx),
        }
    }

    /// The `NEW_PASSWORD_REQUIRED` a user with a temporary password gets
    /// right after the `PASSWORD_VERIFIER` of an SRP-first flow, in a
    /// session of the flow (see the module docs).
    fn custom_new_password_challenge(
        &self,
        ctx: &Ctx<'_>,
        user: &UserRecord,
    ) -> Result<AuthResponse> {
        if user
            .temporary_password_expires_at
            .is_some_and(|t| ctx.now >= t)
        {
            return Err(Error::not_authorized(
                "Temporary password has expired and must be reset by an administrator.",
            ));
        }
        let session = self.seal_custom_session(&self.session_state(
            ctx,
            Step::NewPassword,
            None,
            StringMap::new(),
        )?)?;
        Ok(AuthResponse {
            challenge_name: Some(ChallengeName::NewPasswordRequired),
            session: Some(session),
            challenge_parameters: self.new_password_parameters(ctx.client, user)?,
            authentication_result: None,
        })
    }

    /// `RespondToAuthChallenge` with `NEW_PASSWORD_REQUIRED` in an
    /// SRP-first `CUSTOM_AUTH` flow: the password is set as any answer sets
    /// it, `{NEW_PASSWORD_REQUIRED, true, null}` is recorded, and Define
    /// decides what follows.
    pub(super) fn custom_new_password(
        &self,
        client: &AppClient,
        request: &RespondToAuthChallengeRequest,
        state: CustomSession,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        Self::check_custom_session(&state, client.id(), ChallengeName::NewPasswordRequired, now)?;
        let stored = self.set_required_password(
            client,
            request,
            (&state.username, &state.sub),
            &|| self.consume_custom_session(&state),
            now,
        )?;
        let mut history = state.history;
        history.push(ChallengeResult::new(NEW_PASSWORD_REQUIRED, true, None));
        self.define(Ctx {
            client,
            who: Who::User(stored),
            history,
            client_metadata: request.client_metadata.clone(),
            srp_a: None,
            device_key: device_key(&request.challenge_responses).map(str::to_owned),
            typed: state.typed.clone(),
            now,
        })
    }

    /// The session's user, named by the answer's `USERNAME`.
    fn session_user(&self, state: &CustomSession, username: &str) -> Result<Who> {
        if state.user_not_found {
            return if username == state.username || self.fold(username) == state.typed {
                Ok(Who::Unknown {
                    id: state.username.clone(),
                    typed: state.typed.clone(),
                })
            } else {
                Err(invalid_session())
            };
        }
        self.resolve(username)?
            .filter(|u| u.username == state.username && u.sub() == state.sub)
            .map(Who::User)
            .ok_or_else(invalid_session)
    }

    /// `userAttributes` of the events about `who`.
    fn who_attributes(&self, who: &Who) -> StringMap {
        match who {
            Who::User(u) => self.event_attributes(u),
            Who::Unknown { .. } => StringMap::new(),
        }
    }

    /// Calls DefineAuthChallenge with the rounds so far and acts on its
    /// decision (the state machine of cognito-triggers.md §3.4).
    fn define(&self, ctx: Ctx<'_>) -> Result<AuthResponse> {
        let hooks = self
            .hooks_for(Trigger::DefineAuthChallenge)
            .ok_or_else(not_configured)?;
        let event = self.event(
            TriggerSource::DefineAuthChallengeAuthentication,
            ctx.who.event_name(),
            Some(ctx.client.id()),
            DefineAuthChallengeRequest {
                user_attributes: self.who_attributes(&ctx.who),
                session: ctx.history.clone(),
                client_metadata: ctx.client_metadata.clone(),
                user_not_found: user_not_found(ctx.client, &ctx.who),
            },
        );
        let decision = hook(
            Trigger::DefineAuthChallenge,
            hooks.define_auth_challenge(&event),
        )?;
        if decision.fail_authentication {
            return Err(incorrect());
        }
        if decision.issue_tokens {
            return match ctx.who {
                Who::User(user) => {
                    let metadata = ctx.client_metadata.as_ref();
                    self.custom_finish(
                        ctx.client,
                        &user,
                        metadata,
                        ctx.device_key.as_deref(),
                        ctx.now,
                    )
                }
                // A name no user has never gets tokens.
                Who::Unknown { .. } => Err(incorrect()),
            };
        }
        let after_srp_a = ctx
            .history
            .last()
            .is_some_and(|e| e.challenge_name == SRP_A);
        match (decision.challenge_name.as_deref(), ctx.srp_a) {
            (Some(CUSTOM_CHALLENGE), _) => self.create(ctx),
            (Some(PASSWORD_VERIFIER), Some(srp_a)) if after_srp_a => {
                self.password_verifier(&ctx, srp_a)
            }
            _ => Err(Error::new(
                ErrorCode::InvalidLambdaResponse,
                UNRECOGNIZABLE_OUTPUT,
            )),
        }
    }

    /// Calls CreateAuthChallenge and hands the client its challenge.
    fn create(&self, ctx: Ctx<'_>) -> Result<AuthResponse> {
        let rounds = ctx
            .history
            .iter()
            .filter(|e| e.challenge_name == CUSTOM_CHALLENGE)
            .count();
        if rounds >= MAX_CUSTOM_ROUNDS {
            return Err(incorrect());
        }
        let hooks = self
            .hooks_for(Trigger::CreateAuthChallenge)
            .ok_or_else(not_configured)?;
        if self
            .hooks_for(Trigger::VerifyAuthChallengeResponse)
            .is_none()
        {
            // The challenge could not be answered.
            return Err(not_configured());
        }
        let event = self.event(
            TriggerSource::CreateAuthChallengeAuthentication,
            ctx.who.event_name(),
            Some(ctx.client.id()),
            CreateAuthChallengeRequest {
                user_attributes: self.who_attributes(&ctx.who),
                challenge_name: CUSTOM_CHALLENGE.to_owned(),
                session: ctx.history.clone(),
                client_metadata: ctx.client_metadata.clone(),
                user_not_found: user_not_found(ctx.client, &ctx.who),
            },
        );
        let created = hook(
            Trigger::CreateAuthChallenge,
            hooks.create_auth_challenge(&event),
        )?;
        let mut parameters = created.public_challenge_parameters;
        parameters.insert("USERNAME".to_owned(), ctx.who.shown_name().to_owned());
        let session = self.seal_custom_session(&self.session_state(
            &ctx,
            Step::CustomChallenge,
            created.challenge_metadata,
            created.private_challenge_parameters,
        )?)?;
        Ok(AuthResponse {
            challenge_name: Some(ChallengeName::CustomChallenge),
            session: Some(session),
            challenge_parameters: parameters,
            authentication_result: None,
        })
    }

    /// The built-in `PASSWORD_VERIFIER` challenge of an SRP-first flow
    /// (cognito-protocol.md §1.15), its block sealed for `CUSTOM_AUTH`.
    fn password_verifier(&self, ctx: &Ctx<'_>, srp_a: &str) -> Result<AuthResponse> {
        let (identity, typed) = match &ctx.who {
            Who::User(user) => (self.srp_identity(user), user.username.as_str()),
            Who::Unknown { typed, .. } => (self.simulated_srp_identity(typed), typed.as_str()),
        };
        let (parameters, block) = self.srp_challenge(
            ctx.client,
            typed,
            srp_a,
            identity,
            BlockFlow::CustomAuth,
            ctx.now,
        )?;
        let session = self.seal_custom_session(&self.session_state(
            ctx,
            Step::PasswordVerifier(block),
            None,
            StringMap::new(),
        )?)?;
        Ok(AuthResponse {
            challenge_name: Some(ChallengeName::PasswordVerifier),
            session: Some(session),
            challenge_parameters: parameters,
            authentication_result: None,
        })
    }

    /// The state the next step's session carries.
    fn session_state(
        &self,
        ctx: &Ctx<'_>,
        step: Step,
        metadata: Option<String>,
        private: StringMap,
    ) -> Result<CustomSession> {
        // The same fields, of the same lengths, for a user and for a name
        // no user has (under PreventUserExistenceErrors the session must
        // not tell them apart by its size).
        let (username, sub, user_not_found) = match &ctx.who {
            Who::User(u) => (u.username.clone(), u.sub().to_owned(), false),
            Who::Unknown { id, .. } => (id.clone(), NO_SUB.to_owned(), true),
        };
        let typed = ctx.typed.clone();
        Ok(CustomSession {
            step,
            client_id: ctx.client.id().to_owned(),
            username,
            sub,
            typed,
            user_not_found,
            history: ctx.history.clone(),
            metadata,
            private,
            issued_ms: ctx.now.unix_millis(),
            expires_ms: ctx
                .now
                .saturating_add(ctx.client.config().auth_session_validity())
                .unix_millis(),
            id: random::bytes::<16>()?,
        })
    }

    /// Define issued tokens: the user, as stored now, goes on to the
    /// shared end of every sign-in. `_client_metadata` is the
    /// `RespondToAuthChallenge` `ClientMetadata` (`None` when Define issued
    /// tokens at `InitiateAuth`, whose metadata PostAuthentication and
    /// PreTokenGeneration never see, cognito-triggers.md §1.3): what the
    /// shared token path hands those two triggers. `device_key` is the
    /// `DEVICE_KEY` the last request presented (§3 step 0).
    fn custom_finish(
        &self,
        client: &AppClient,
        user: &UserRecord,
        client_metadata: Option<&StringMap>,
        device_key: Option<&str>,
        now: Timestamp,
    ) -> Result<AuthResponse> {
        let stored = self.reset_lockout(user, now)?;
        if !stored.enabled {
            return Err(Error::not_authorized("User is disabled."));
        }
        if stored.status == UserStatus::Unconfirmed {
            return Err(user_not_confirmed());
        }
        self.finish_sign_in(
            client,
            Authenticated::new(stored, now).presenting(device_key),
            client_metadata,
            TriggerSource::TokenGenerationAuthentication,
        )
    }

    /// Resets `user`'s failed sign-ins after a correct answer; the user as
    /// stored, refused if it is no longer the same user.
    fn reset_lockout(&self, user: &UserRecord, now: Timestamp) -> Result<UserRecord> {
        let sub = user.sub().to_owned();
        self.modify_user(&user.username, now, |cur| {
            if cur.sub() != sub {
                return Err(invalid_session());
            }
            let mut next = cur.clone();
            set_lockout_state(&mut next, lockout::record_success(&lockout_state(cur), now));
            Ok((next != *cur).then_some(next))
        })
    }
}

/// `userNotFound`: sent only when the client prevents user-existence errors.
fn user_not_found(client: &AppClient, who: &Who) -> Option<bool> {
    client
        .config()
        .prevents_user_existence_errors()
        .then_some(matches!(who, Who::Unknown { .. }))
}

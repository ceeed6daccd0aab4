//! Cognito's Lambda triggers as Rust hooks: the events, the responses, the
//! [`Triggers`] trait, and a JSON bridge ([`JsonTriggers`]) that hands the
//! same events to real Lambda functions.
//!
//! The facts are those of `cognito-triggers.md` (cited by section below).
//! A pool calls the hooks given to
//! [`UserPoolBuilder::triggers`](crate::pool::UserPoolBuilder::triggers), or
//! the functions its `LambdaConfig` names through the invoker given to
//! [`UserPoolBuilder::lambda_invoker`](crate::pool::UserPoolBuilder::lambda_invoker).
//!
//! ```text
//!   pool ──Event<R>──▶ dyn Triggers ──▶ your Rust hook            (returns a typed response)
//!                          │
//!                          └─ JsonTriggers ──event JSON──▶ dyn Invoke ──▶ a Lambda function
//!                                  ◀──decoded `response`── InvokeOutcome
//! ```
//!
//! # Choices where Cognito is undocumented
//!
//! `cognito-triggers.md` marks these as choices; this module takes its
//! recommendation in each case:
//!
//! * Only the event's `response` is read back; edits to `request` are
//!   ignored (§0.3).
//! * `clientMetadata` is omitted when the operation had none and sent as
//!   `{}` when it was explicitly empty; PreSignUp sends `"validationData":
//!   null` when absent, other triggers omit it (§1.3).
//! * A `null` member of a response is absent; a PreSignUp flag that is
//!   neither a boolean nor `null` is `InvalidLambdaResponseException`, as is
//!   any other member of the wrong type (§2.1, §7.2).
//! * PreTokenGeneration V1 claim values must be strings (§2.5). An explicit
//!   `"groupOverrideDetails": null` (or `{}`) removes the groups; an absent
//!   one leaves them unchanged.
//! * UserMigration's initial response is `{"userAttributes": {},
//!   "finalUserStatus": null, "messageAction": null,
//!   "desiredDeliveryMediums": [], "forceAliasCreation": false}` (§2.6).
//! * CreateAuthChallenge's initial response is three `null`s,
//!   VerifyAuthChallengeResponse's `{"answerCorrect": null}` (§3.3).
//! * The `.` of `<Trigger> failed with error <message>.` is appended even
//!   after a message ending in `.`; a function error without
//!   `errorMessage` reports the `X-Amz-Function-Error` value (§4.1).
//! * Function errors and Lambda service errors are not retried; only a
//!   timeout (or no answer at all) is, three attempts in all (§4.3, §6.1).
//! * The custom senders' requests carry the ciphertext of the code, from
//!   the pool's [`CodeEncryptor`] (there is no KMS locally; §2.8).
//!
//! # Security
//!
//! Events carry user attributes, and UserMigration's carries a password in
//! clear: never log an event or its JSON. The types here redact the
//! password, challenge answers, private challenge parameters and sender
//! codes in `Debug`.

mod bridge;
mod codec;
mod encrypt;
mod error;
mod event;
mod source;

use std::fmt;

pub use bridge::{FunctionRef, Invoke, InvokeOutcome, JsonTriggers, TriggerFunctions};
pub use encrypt::{CodeEncryptor, PlaintextCodes};
pub use error::{INVALID_JSON, SOCKET_TIMEOUT, TriggerError, UNRECOGNIZABLE_OUTPUT};
pub use event::{
    AccessTokenGeneration, CallerContext, ChallengeResult, ClaimValue,
    ClaimsAndScopeOverrideDetails, ClaimsOverrideDetails, CreateAuthChallengeRequest,
    CreateAuthChallengeResponse, CustomMessageRequest, CustomMessageResponse, CustomSenderRequest,
    DefineAuthChallengeRequest, DefineAuthChallengeResponse, Event, GroupConfiguration,
    IdTokenGeneration, MigratedUserStatus, MigrationMessageAction, PostAuthenticationRequest,
    PostConfirmationRequest, PreAuthenticationRequest, PreSignUpRequest, PreSignUpResponse,
    PreTokenGenerationRequest, PreTokenGenerationResponse, PreTokenGenerationVersion, StringMap,
    UserMigrationRequest, UserMigrationResponse, VerifyAuthChallengeRequest,
    VerifyAuthChallengeResponse,
};
pub use source::{Trigger, TriggerSet, TriggerSource};

/// The hooks a pool calls where Cognito calls its Lambda triggers
/// (cognito-triggers.md §7.1).
///
/// Every method has a default body that returns what Cognito does without
/// that trigger (the "pass-through" response), so an implementation
/// overrides only the hooks it has and lists them in
/// [`configured`](Self::configured).
///
/// # Contract
///
/// * [`configured`](Self::configured) is the source of truth: the pool
///   calls a hook only for a trigger in that set, because a missing
///   trigger changes behaviour beyond its default response (no migration,
///   template messages, `CUSTOM_AUTH` refused).
/// * A hook may call back into the pool (a PostConfirmation that adds the
///   user to a group is common): the pool holds no lock and no store
///   transaction while a hook runs. A hook that blocks delays only the
///   operation that called it.
/// * A hook's `Err` fails the operation with the error of
///   [`TriggerError::into_error`]. Pre* hooks run before anything is
///   written, so a refusal leaves nothing behind; Post* hooks run after
///   the commit, which stays (cognito-triggers.md §4.2).
/// * Events hold attributes and, for UserMigration, a password in clear:
///   an implementation must not log them.
pub trait Triggers: Send + Sync + fmt::Debug {
    /// The triggers this implementation stands for.
    fn configured(&self) -> TriggerSet;

    /// The event and response shape PreTokenGeneration speaks
    /// (`PreTokenGenerationConfig.LambdaVersion`). Default: `V1_0`, what the
    /// legacy `PreTokenGeneration` key means. `V2_0` and `V3_0` need a pool
    /// on the `ESSENTIALS` or `PLUS` plan, as in Cognito.
    fn pre_token_generation_version(&self) -> PreTokenGenerationVersion {
        PreTokenGenerationVersion::V1
    }

    /// PreSignUp (§2.1). Default: all three flags `false`.
    ///
    /// # Errors
    /// [`TriggerError`]: the sign-up fails and no user is created.
    fn pre_sign_up(
        &self,
        event: &Event<PreSignUpRequest>,
    ) -> Result<PreSignUpResponse, TriggerError> {
        let _ = event;
        Ok(PreSignUpResponse::default())
    }

    /// PostConfirmation (§2.2). Default: nothing.
    ///
    /// # Errors
    /// [`TriggerError`]: the operation fails; the confirmation stays.
    fn post_confirmation(
        &self,
        event: &Event<PostConfirmationRequest>,
    ) -> Result<(), TriggerError> {
        let _ = event;
        Ok(())
    }

    /// PreAuthentication (§2.3). Default: the sign-in goes on.
    ///
    /// # Errors
    /// [`TriggerError`]: the sign-in fails, whatever the password.
    fn pre_authentication(
        &self,
        event: &Event<PreAuthenticationRequest>,
    ) -> Result<(), TriggerError> {
        let _ = event;
        Ok(())
    }

    /// PostAuthentication (§2.4). Default: nothing.
    ///
    /// # Errors
    /// [`TriggerError`]: the sign-in fails and no token is issued.
    fn post_authentication(
        &self,
        event: &Event<PostAuthenticationRequest>,
    ) -> Result<(), TriggerError> {
        let _ = event;
        Ok(())
    }

    /// PreTokenGeneration, every version (§2.5); the event's `version`
    /// says which. Default: no change to the tokens.
    ///
    /// # Errors
    /// [`TriggerError`]: no tokens are issued.
    fn pre_token_generation(
        &self,
        event: &Event<PreTokenGenerationRequest>,
    ) -> Result<PreTokenGenerationResponse, TriggerError> {
        let _ = event;
        Ok(PreTokenGenerationResponse::default())
    }

    /// UserMigration (§2.6). Default: no attributes, i.e. no user to migrate.
    ///
    /// # Errors
    /// [`TriggerError`]: the sign-in or `ForgotPassword` fails; no user is created.
    fn user_migration(
        &self,
        event: &Event<UserMigrationRequest>,
    ) -> Result<UserMigrationResponse, TriggerError> {
        let _ = event;
        Ok(UserMigrationResponse::default())
    }

    /// CustomMessage (§2.7). Default: every part from the pool's templates.
    ///
    /// # Errors
    /// [`TriggerError`]: the operation fails and nothing is sent.
    fn custom_message(
        &self,
        event: &Event<CustomMessageRequest>,
    ) -> Result<CustomMessageResponse, TriggerError> {
        let _ = event;
        Ok(CustomMessageResponse::default())
    }

    /// DefineAuthChallenge (§3.3). Default: no decision (all unset), which
    /// the pool reads as unrecognizable output.
    ///
    /// # Errors
    /// [`TriggerError`]: the sign-in fails.
    fn define_auth_challenge(
        &self,
        event: &Event<DefineAuthChallengeRequest>,
    ) -> Result<DefineAuthChallengeResponse, TriggerError> {
        let _ = event;
        Ok(DefineAuthChallengeResponse::default())
    }

    /// CreateAuthChallenge (§3.3). Default: no parameters, no metadata.
    ///
    /// # Errors
    /// [`TriggerError`]: the sign-in fails.
    fn create_auth_challenge(
        &self,
        event: &Event<CreateAuthChallengeRequest>,
    ) -> Result<CreateAuthChallengeResponse, TriggerError> {
        let _ = event;
        Ok(CreateAuthChallengeResponse::default())
    }

    /// VerifyAuthChallengeResponse (§3.3). Default: the answer is wrong.
    ///
    /// # Errors
    /// [`TriggerError`]: the sign-in fails.
    fn verify_auth_challenge_response(
        &self,
        event: &Event<VerifyAuthChallengeRequest>,
    ) -> Result<VerifyAuthChallengeResponse, TriggerError> {
        let _ = event;
        Ok(VerifyAuthChallengeResponse::default())
    }

    /// CustomEmailSender (§2.8): delivers an email in the pool's place.
    /// Default: nothing. Cognito calls it asynchronously, so the pool
    /// reports its failure to nobody but its logs.
    ///
    /// # Errors
    /// [`TriggerError`]: the delivery failed.
    fn custom_email_sender(&self, event: &Event<CustomSenderRequest>) -> Result<(), TriggerError> {
        let _ = event;
        Ok(())
    }

    /// CustomSMSSender (§2.8): as [`custom_email_sender`](Self::custom_email_sender), for SMS.
    ///
    /// # Errors
    /// [`TriggerError`]: the delivery failed.
    fn custom_sms_sender(&self, event: &Event<CustomSenderRequest>) -> Result<(), TriggerError> {
        let _ = event;
        Ok(())
    }
}

/// No trigger at all: a pool without `LambdaConfig`.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoTriggers;

impl Triggers for NoTriggers {
    fn configured(&self) -> TriggerSet {
        TriggerSet::EMPTY
    }
}

#[cfg(test)]
mod tests;

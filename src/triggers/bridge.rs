//! The JSON bridge (cognito-triggers.md §6.1, §7.2): [`JsonTriggers`]
//! implements [`Triggers`] by handing each event's JSON to an [`Invoke`]r
//! (the server's Lambda Invoke client, a test's closure) and decoding the
//! `response` it gets back.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::config::{LambdaConfig, LambdaVersion};
use crate::error::Error;

use super::Triggers;
use super::codec;
use super::error::{SOCKET_TIMEOUT, TriggerError};
use super::event::{
    CreateAuthChallengeRequest, CreateAuthChallengeResponse, CustomMessageRequest,
    CustomMessageResponse, CustomSenderRequest, DefineAuthChallengeRequest,
    DefineAuthChallengeResponse, Event, PostAuthenticationRequest, PostConfirmationRequest,
    PreAuthenticationRequest, PreSignUpRequest, PreSignUpResponse, PreTokenGenerationRequest,
    PreTokenGenerationResponse, PreTokenGenerationVersion, UserMigrationRequest,
    UserMigrationResponse, VerifyAuthChallengeRequest, VerifyAuthChallengeResponse,
};
use super::source::{Trigger, TriggerSet};

/// A Lambda function named by its ARN:
/// `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionRef {
    arn: String,
    name: String,
    qualifier: Option<String>,
}

/// `ArnType`'s length limit (cognito-triggers.md §5).
const MAX_ARN_LEN: usize = 2048;
/// The Lambda function name's limit (§6.1).
const MAX_NAME_LEN: usize = 64;

impl FunctionRef {
    /// Parses a Lambda function ARN: its 7th `:`-separated field is the
    /// function name, the optional 8th the qualifier (an alias or version)
    /// (cognito-triggers.md §6.2).
    ///
    /// # Errors
    /// `InvalidParameterException` when `arn` is not of that form: not
    /// `arn:…:lambda:…:…:function:…`, an empty partition, region or name,
    /// a non-numeric account, a name or qualifier with characters Lambda
    /// does not allow, a name over 64 characters, or more than 8 fields.
    pub fn parse(arn: &str) -> Result<Self, Error> {
        let refuse = || {
            Error::invalid_parameter(format!(
                "{arn} is not a Lambda function ARN \
                 (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])."
            ))
        };
        if arn.len() > MAX_ARN_LEN {
            return Err(refuse());
        }
        let fields: Vec<&str> = arn.split(':').collect();
        let [
            prefix,
            partition,
            service,
            region,
            account,
            kind,
            name,
            rest @ ..,
        ] = fields.as_slice()
        else {
            return Err(refuse());
        };
        let name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        let qualifier_char = |c: char| name_char(c) || c == '$';
        let well_formed = *prefix == "arn"
            && !partition.is_empty()
            && *service == "lambda"
            && !region.is_empty()
            && !account.is_empty()
            && account.bytes().all(|b| b.is_ascii_digit())
            && *kind == "function"
            && !name.is_empty()
            && name.len() <= MAX_NAME_LEN
            && name.chars().all(name_char)
            && rest.len() <= 1
            && rest
                .iter()
                .all(|q| !q.is_empty() && q.len() <= 128 && q.chars().all(qualifier_char));
        if !well_formed {
            return Err(refuse());
        }
        Ok(Self {
            arn: arn.to_owned(),
            name: (*name).to_owned(),
            qualifier: rest.first().map(|q| (*q).to_owned()),
        })
    }

    /// The ARN as configured.
    #[must_use]
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The function name: the ARN's 7th field, unless replaced with
    /// [`FunctionRef::with_name`].
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The qualifier (alias or version), the ARN's 8th field, if any.
    #[must_use]
    pub fn qualifier(&self) -> Option<&str> {
        self.qualifier.as_deref()
    }

    /// This function under another name, for local Lambda runners that do
    /// not know ARNs (serverless-offline's `<service>-<stage>-<function>`,
    /// SAM's logical ids; cognito-triggers.md §6.2). The ARN is kept.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

/// Hands an event's JSON to a function and reports what came back: the
/// one thing the bridge needs from a Lambda client.
///
/// # Contract
///
/// * One call is one attempt: the bridge retries ([`InvokeOutcome::TimedOut`]
///   only), an implementation must not.
/// * An implementation bounds its own wait (the server: 5 s) and answers
///   [`InvokeOutcome::TimedOut`] past it, or the pool operation waits as
///   long as the function does.
/// * `event` may hold a password in clear (UserMigration): never log it.
pub trait Invoke: Send + Sync + fmt::Debug {
    /// Invokes `function` with the event JSON `event` (`RequestResponse`).
    fn invoke(&self, function: &FunctionRef, event: &[u8]) -> InvokeOutcome;
}

impl<T: Invoke + ?Sized> Invoke for std::sync::Arc<T> {
    fn invoke(&self, function: &FunctionRef, event: &[u8]) -> InvokeOutcome {
        (**self).invoke(function, event)
    }
}

/// What one invocation came to (cognito-triggers.md §6.1).
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum InvokeOutcome {
    /// The function returned: HTTP 200 without `X-Amz-Function-Error`,
    /// with its output.
    Returned(Vec<u8>),
    /// The function failed: HTTP 200 with `X-Amz-Function-Error`. `message`
    /// is the payload's `errorMessage`, else the header's value; `None`
    /// when neither is known (reported as `Unhandled`).
    FunctionError {
        /// The function's error message.
        message: Option<String>,
    },
    /// The Lambda service refused: a non-2xx answer. Not retried.
    ServiceError {
        /// The `x-amzn-ErrorType` name, without its `:<uri>` suffix
        /// (`ResourceNotFoundException`).
        code: String,
    },
    /// No answer: a timeout, a refused connection. Retried.
    TimedOut {
        /// What happened, for the invoker's own diagnostics; the error the
        /// caller sees is Cognito's socket-timeout text.
        reason: String,
    },
}

impl fmt::Debug for InvokeOutcome {
    // The output and a function's error message may quote the event.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Returned(b) => write!(f, "Returned({} bytes)", b.len()),
            Self::FunctionError { .. } => f.write_str("FunctionError { .. }"),
            Self::ServiceError { code } => {
                f.debug_struct("ServiceError").field("code", code).finish()
            }
            Self::TimedOut { reason } => {
                f.debug_struct("TimedOut").field("reason", reason).finish()
            }
        }
    }
}

/// Which function serves each trigger: what a pool's `LambdaConfig` comes
/// to, independent of how the configuration is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TriggerFunctions {
    functions: BTreeMap<Trigger, FunctionRef>,
    pre_token_generation_version: PreTokenGenerationVersion,
}

impl TriggerFunctions {
    /// No function at all.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// These functions with `trigger` served by `function` (replacing any).
    #[must_use]
    pub fn with(mut self, trigger: Trigger, function: FunctionRef) -> Self {
        self.insert(trigger, function);
        self
    }

    /// Sets the function serving `trigger`, returning the one it replaces.
    pub fn insert(&mut self, trigger: Trigger, function: FunctionRef) -> Option<FunctionRef> {
        self.functions.insert(trigger, function)
    }

    /// The function serving `trigger`.
    #[must_use]
    pub fn get(&self, trigger: Trigger) -> Option<&FunctionRef> {
        self.functions.get(&trigger)
    }

    /// The functions a pool's `LambdaConfig` names, with its
    /// PreTokenGeneration event version. `KMSKeyID` names no function.
    ///
    /// # Errors
    /// `InvalidParameterException` naming the member whose ARN is not a
    /// Lambda function's ([`FunctionRef::parse`]), which nothing could
    /// invoke (cognito-triggers.md §5 leaves this to us).
    pub fn from_lambda_config(config: &LambdaConfig) -> Result<Self, Error> {
        let mut functions = Self::new();
        for (member, arn) in config.triggers() {
            let key = if member == "PreTokenGenerationConfig" {
                "PreTokenGeneration"
            } else {
                member
            };
            let Some(trigger) = Trigger::from_key(key) else {
                return Err(Error::invalid_parameter(format!(
                    "LambdaConfig.{member} names no trigger this engine knows."
                )));
            };
            let function = FunctionRef::parse(arn).map_err(|_| {
                Error::invalid_parameter(format!(
                    "LambdaConfig.{member} must be a Lambda function ARN \
                     (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])."
                ))
            })?;
            functions.insert(trigger, function);
        }
        if let Some(v) = &config.pre_token_generation_config {
            functions.pre_token_generation_version = match v.lambda_version {
                LambdaVersion::V2_0 => PreTokenGenerationVersion::V2,
                LambdaVersion::V3_0 => PreTokenGenerationVersion::V3,
                _ => PreTokenGenerationVersion::V1,
            };
        }
        Ok(functions)
    }

    /// These functions with PreTokenGeneration speaking `version`.
    #[must_use]
    pub fn with_pre_token_generation_version(mut self, version: PreTokenGenerationVersion) -> Self {
        self.pre_token_generation_version = version;
        self
    }

    /// The PreTokenGeneration event version (`V1_0` unless set).
    #[must_use]
    pub fn pre_token_generation_version(&self) -> PreTokenGenerationVersion {
        self.pre_token_generation_version
    }

    /// The triggers with a function.
    #[must_use]
    pub fn configured(&self) -> TriggerSet {
        self.functions.keys().copied().collect()
    }

    /// Every trigger and its function.
    pub fn iter(&self) -> impl Iterator<Item = (Trigger, &FunctionRef)> {
        self.functions.iter().map(|(t, f)| (*t, f))
    }
}

/// [`Triggers`] by Lambda functions: builds each event's JSON exactly as
/// Cognito does, invokes the trigger's function through `I`, and decodes
/// the `response` of its output (cognito-triggers.md §7.2).
///
/// A trigger without a function answers the trait's pass-through default
/// without invoking anything. Outcomes map as §6.1's table says:
///
/// | outcome | error |
/// |---|---|
/// | [`InvokeOutcome::TimedOut`], every attempt | `UnexpectedLambdaException` `<T> invocation failed due to error Socket timeout while invoking Lambda function.` |
/// | [`InvokeOutcome::ServiceError`] (no retry) | `UnexpectedLambdaException` `<T> invocation failed due to error <code>` |
/// | [`InvokeOutcome::FunctionError`] (no retry) | `UserLambdaValidationException` `<T> failed with error <message>.` |
/// | output not a JSON object | `InvalidLambdaResponseException` `Invalid lambda function output : Invalid JSON` |
/// | `response` of the wrong shape | `InvalidLambdaResponseException` `Unrecognizable lambda output` |
///
/// The custom senders' output is not read at all: Cognito calls them
/// asynchronously and ignores their response.
#[derive(Debug)]
pub struct JsonTriggers<I: Invoke> {
    functions: TriggerFunctions,
    invoker: I,
    attempts: u8,
}

impl<I: Invoke> JsonTriggers<I> {
    /// Cognito's number of attempts for a function that does not answer:
    /// three in all (cognito-triggers.md §4.3).
    pub const DEFAULT_ATTEMPTS: u8 = 3;

    /// `functions` invoked through `invoker`, three attempts each.
    #[must_use]
    pub fn new(functions: TriggerFunctions, invoker: I) -> Self {
        Self {
            functions,
            invoker,
            attempts: Self::DEFAULT_ATTEMPTS,
        }
    }

    /// This bridge with `attempts` attempts in all for a function that
    /// times out (at least one). Defaults to 3, as Cognito.
    #[must_use]
    pub fn attempts(mut self, attempts: u8) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The functions, by trigger.
    #[must_use]
    pub fn functions(&self) -> &TriggerFunctions {
        &self.functions
    }

    /// The invoker.
    #[must_use]
    pub fn invoker(&self) -> &I {
        &self.invoker
    }

    /// Invokes `trigger`'s function with `event()`: `Ok(None)` when the
    /// trigger has no function, else the function's output.
    fn call(
        &self,
        trigger: Trigger,
        event: impl FnOnce() -> Value,
    ) -> Result<Option<Vec<u8>>, TriggerError> {
        let Some(function) = self.functions.get(trigger) else {
            return Ok(None);
        };
        // The event may hold a password (UserMigration) or an answer.
        let body = zeroize::Zeroizing::new(event().to_string().into_bytes());
        for _ in 0..self.attempts {
            match self.invoker.invoke(function, &body) {
                InvokeOutcome::Returned(output) => return Ok(Some(output)),
                InvokeOutcome::FunctionError { message } => {
                    let message = message.unwrap_or_else(|| "Unhandled".to_owned());
                    return Err(TriggerError::rejected(bounded(message)));
                }
                InvokeOutcome::ServiceError { code } => {
                    return Err(TriggerError::unavailable(code));
                }
                InvokeOutcome::TimedOut { .. } => {}
            }
        }
        Err(TriggerError::unavailable(SOCKET_TIMEOUT))
    }

    /// [`call`](Self::call), then `decode` of the output, or `default`
    /// without a function.
    fn exchange<T>(
        &self,
        trigger: Trigger,
        event: impl FnOnce() -> Value,
        decode: impl FnOnce(&[u8]) -> Result<T, TriggerError>,
        default: impl FnOnce() -> T,
    ) -> Result<T, TriggerError> {
        match self.call(trigger, event)? {
            None => Ok(default()),
            Some(output) => decode(&output),
        }
    }
}

/// The longest function error message passed on to the caller, in
/// characters: a function's `errorMessage` may be megabytes long.
pub(crate) const MAX_ERROR_MESSAGE: usize = 1024;

/// `message` cut to [`MAX_ERROR_MESSAGE`] characters.
fn bounded(message: String) -> String {
    match message.char_indices().nth(MAX_ERROR_MESSAGE) {
        Some((end, _)) => message[..end].to_owned(),
        None => message,
    }
}

impl<I: Invoke> Triggers for JsonTriggers<I> {
    fn configured(&self) -> TriggerSet {
        self.functions.configured()
    }

    fn pre_token_generation_version(&self) -> PreTokenGenerationVersion {
        self.functions.pre_token_generation_version()
    }

    fn pre_sign_up(&self, e: &Event<PreSignUpRequest>) -> Result<PreSignUpResponse, TriggerError> {
        self.exchange(
            Trigger::PreSignUp,
            || codec::pre_sign_up_event(e),
            codec::pre_sign_up_response,
            PreSignUpResponse::default,
        )
    }

    fn post_confirmation(&self, e: &Event<PostConfirmationRequest>) -> Result<(), TriggerError> {
        self.exchange(
            Trigger::PostConfirmation,
            || codec::post_confirmation_event(e),
            codec::ignored_response,
            || (),
        )
    }

    fn pre_authentication(&self, e: &Event<PreAuthenticationRequest>) -> Result<(), TriggerError> {
        self.exchange(
            Trigger::PreAuthentication,
            || codec::pre_authentication_event(e),
            codec::ignored_response,
            || (),
        )
    }

    fn post_authentication(
        &self,
        e: &Event<PostAuthenticationRequest>,
    ) -> Result<(), TriggerError> {
        self.exchange(
            Trigger::PostAuthentication,
            || codec::post_authentication_event(e),
            codec::ignored_response,
            || (),
        )
    }

    fn pre_token_generation(
        &self,
        e: &Event<PreTokenGenerationRequest>,
    ) -> Result<PreTokenGenerationResponse, TriggerError> {
        let v2 = codec::is_v2_shape(e);
        self.exchange(
            Trigger::PreTokenGeneration,
            || codec::pre_token_generation_event(e),
            |output| codec::pre_token_generation_response(output, v2),
            PreTokenGenerationResponse::default,
        )
    }

    fn user_migration(
        &self,
        e: &Event<UserMigrationRequest>,
    ) -> Result<UserMigrationResponse, TriggerError> {
        self.exchange(
            Trigger::UserMigration,
            || codec::user_migration_event(e),
            codec::user_migration_response,
            UserMigrationResponse::default,
        )
    }

    fn custom_message(
        &self,
        e: &Event<CustomMessageRequest>,
    ) -> Result<CustomMessageResponse, TriggerError> {
        self.exchange(
            Trigger::CustomMessage,
            || codec::custom_message_event(e),
            codec::custom_message_response,
            CustomMessageResponse::default,
        )
    }

    fn define_auth_challenge(
        &self,
        e: &Event<DefineAuthChallengeRequest>,
    ) -> Result<DefineAuthChallengeResponse, TriggerError> {
        self.exchange(
            Trigger::DefineAuthChallenge,
            || codec::define_auth_challenge_event(e),
            codec::define_auth_challenge_response,
            DefineAuthChallengeResponse::default,
        )
    }

    fn create_auth_challenge(
        &self,
        e: &Event<CreateAuthChallengeRequest>,
    ) -> Result<CreateAuthChallengeResponse, TriggerError> {
        self.exchange(
            Trigger::CreateAuthChallenge,
            || codec::create_auth_challenge_event(e),
            codec::create_auth_challenge_response,
            CreateAuthChallengeResponse::default,
        )
    }

    fn verify_auth_challenge_response(
        &self,
        e: &Event<VerifyAuthChallengeRequest>,
    ) -> Result<VerifyAuthChallengeResponse, TriggerError> {
        self.exchange(
            Trigger::VerifyAuthChallengeResponse,
            || codec::verify_auth_challenge_event(e),
            codec::verify_auth_challenge_response,
            VerifyAuthChallengeResponse::default,
        )
    }

    fn custom_email_sender(&self, e: &Event<CustomSenderRequest>) -> Result<(), TriggerError> {
        self.exchange(
            Trigger::CustomEmailSender,
            || codec::custom_sender_event(e, CustomSenderRequest::EMAIL_TYPE),
            |_| Ok(()),
            || (),
        )
    }

    fn custom_sms_sender(&self, e: &Event<CustomSenderRequest>) -> Result<(), TriggerError> {
        self.exchange(
            Trigger::CustomSmsSender,
            || codec::custom_sender_event(e, CustomSenderRequest::SMS_TYPE),
            |_| Ok(()),
            || (),
        )
    }
}

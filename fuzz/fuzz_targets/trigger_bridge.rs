//! The trigger JSON bridge on untrusted function output
//! (cognito-triggers.md §6.1, §7.2; issue 12 item 8): whatever bytes a
//! Lambda function returns, `userpool::triggers::JsonTriggers` never
//! panics, and every hook answers either a response or an
//! `InvalidLambdaResponseException` with one of Cognito's two texts
//! (`Invalid lambda function output : Invalid JSON`, `Unrecognizable lambda
//! output`). A function that returned cannot have refused or been
//! unavailable, so the two other Lambda exceptions must not appear.
//!
//! The first byte picks what the invocation came to (the function
//! returned the rest of the input, failed with it as its message, the
//! Lambda service refused with it as its error code, or nothing answered),
//! and each case must give its own exception: `InvalidLambdaResponseException`
//! (or a response), `UserLambdaValidationException` `<T> failed with error
//! <message>.`, `UnexpectedLambdaException` `<T> invocation failed due to
//! error <code>`, or the socket-timeout text after every attempt.
//!
//! Each input is the output of every trigger's function in turn:
//! PreTokenGeneration once per event version (V1, V2, V3), whose response
//! shapes differ. The dictionary `fuzz/trigger_bridge.dict` holds the
//! response members and enum values the decoder reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use userpool::ErrorCode;
use userpool::triggers::{
    CallerContext, CreateAuthChallengeRequest, CustomMessageRequest, CustomSenderRequest,
    DefineAuthChallengeRequest, Event, FunctionRef, INVALID_JSON, Invoke, InvokeOutcome,
    JsonTriggers, PostAuthenticationRequest, PostConfirmationRequest, PreAuthenticationRequest,
    PreSignUpRequest, PreTokenGenerationRequest, PreTokenGenerationVersion, SOCKET_TIMEOUT,
    StringMap, Trigger, TriggerError, TriggerFunctions, TriggerSource, Triggers,
    UNRECOGNIZABLE_OUTPUT, UserMigrationRequest, VerifyAuthChallengeRequest,
};

/// Answers every invocation with the fuzzer's outcome.
#[derive(Debug)]
struct Output(InvokeOutcome);

impl Invoke for Output {
    fn invoke(&self, _: &FunctionRef, event: &[u8]) -> InvokeOutcome {
        // The event the bridge built is always JSON.
        assert!(serde_json::from_slice::<serde_json::Value>(event).is_ok());
        self.0.clone()
    }
}

/// The outcome `data` stands for: its first byte picks the kind, the rest
/// is the output, message or code.
fn outcome(data: &[u8]) -> InvokeOutcome {
    let Some((kind, rest)) = data.split_first() else {
        return InvokeOutcome::Returned(Vec::new());
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    match kind % 4 {
        0 => InvokeOutcome::Returned(rest.to_vec()),
        1 => InvokeOutcome::FunctionError {
            message: (!text.is_empty()).then_some(text),
        },
        2 => InvokeOutcome::ServiceError { code: text },
        _ => InvokeOutcome::TimedOut { reason: text },
    }
}

fn event<R>(source: TriggerSource, request: R) -> Event<R> {
    Event::new(
        source,
        "us-east-1",
        "us-east-1_FUZZ",
        "fuzz",
        CallerContext::new("client"),
        request,
    )
}

/// The answer must be the one the outcome calls for: for a returned
/// output, a response or an unusable-output error with one of Cognito's
/// texts; otherwise always the outcome's own exception and text.
fn check<T>(outcome: &InvokeOutcome, trigger: Trigger, result: Result<T, TriggerError>) {
    let name = trigger.as_str();
    match (outcome, result) {
        (InvokeOutcome::Returned(_), Ok(_)) => {}
        (InvokeOutcome::Returned(_), Err(e)) => {
            let e = e.into_error(trigger);
            assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse, "{e:?}");
            assert!(
                e.message() == INVALID_JSON || e.message() == UNRECOGNIZABLE_OUTPUT,
                "{e:?}"
            );
        }
        (InvokeOutcome::FunctionError { message }, Err(e)) => {
            let e = e.into_error(trigger);
            assert_eq!(e.code(), ErrorCode::UserLambdaValidation, "{e:?}");
            // Passed on cut to 1024 characters.
            let message: String = message
                .as_deref()
                .unwrap_or("Unhandled")
                .chars()
                .take(1024)
                .collect();
            assert_eq!(e.message(), format!("{name} failed with error {message}."));
        }
        (InvokeOutcome::ServiceError { code }, Err(e)) => {
            let e = e.into_error(trigger);
            assert_eq!(e.code(), ErrorCode::UnexpectedLambda, "{e:?}");
            assert_eq!(
                e.message(),
                format!("{name} invocation failed due to error {code}")
            );
        }
        (InvokeOutcome::TimedOut { .. }, Err(e)) => {
            let e = e.into_error(trigger);
            assert_eq!(e.code(), ErrorCode::UnexpectedLambda, "{e:?}");
            assert_eq!(
                e.message(),
                format!("{name} invocation failed due to error {SOCKET_TIMEOUT}")
            );
        }
        (outcome, Ok(_)) => panic!("{outcome:?} answered a response"),
        (_, Err(_)) => panic!("an outcome this target does not make"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(function) = FunctionRef::parse("arn:aws:lambda:us-east-1:123456789012:function:f")
    else {
        return;
    };
    let functions = userpool::triggers::Trigger::ALL
        .iter()
        .fold(TriggerFunctions::new(), |f, t| f.with(*t, function.clone()));
    let outcome = outcome(data);
    let o = &outcome;
    let t = JsonTriggers::new(functions, Output(outcome.clone()));
    let attrs = StringMap::from([("sub".to_owned(), "abc".to_owned())]);

    check(
        o,
        Trigger::PreSignUp,
        t.pre_sign_up(&event(
            TriggerSource::PreSignUpSignUp,
            PreSignUpRequest::new(attrs.clone()),
        )),
    );
    check(
        o,
        Trigger::PostConfirmation,
        t.post_confirmation(&event(
            TriggerSource::PostConfirmationConfirmSignUp,
            PostConfirmationRequest::new(attrs.clone()),
        )),
    );
    check(
        o,
        Trigger::PreAuthentication,
        t.pre_authentication(&event(
            TriggerSource::PreAuthenticationAuthentication,
            PreAuthenticationRequest::new(attrs.clone()),
        )),
    );
    check(
        o,
        Trigger::PostAuthentication,
        t.post_authentication(&event(
            TriggerSource::PostAuthenticationAuthentication,
            PostAuthenticationRequest::new(attrs.clone()),
        )),
    );
    for version in [
        PreTokenGenerationVersion::V1,
        PreTokenGenerationVersion::V2,
        PreTokenGenerationVersion::V3,
    ] {
        let e = event(
            TriggerSource::TokenGenerationAuthentication,
            PreTokenGenerationRequest::new(attrs.clone(), Default::default()),
        )
        .version(version.event_version());
        check(o, Trigger::PreTokenGeneration, t.pre_token_generation(&e));
    }
    check(
        o,
        Trigger::UserMigration,
        t.user_migration(&event(
            TriggerSource::UserMigrationAuthentication,
            UserMigrationRequest::authentication("Passw0rd!".into()),
        )),
    );
    check(
        o,
        Trigger::CustomMessage,
        t.custom_message(&event(
            TriggerSource::CustomMessageSignUp,
            CustomMessageRequest::new(TriggerSource::CustomMessageSignUp, attrs.clone()),
        )),
    );
    check(
        o,
        Trigger::DefineAuthChallenge,
        t.define_auth_challenge(&event(
            TriggerSource::DefineAuthChallengeAuthentication,
            DefineAuthChallengeRequest::default(),
        )),
    );
    check(
        o,
        Trigger::CreateAuthChallenge,
        t.create_auth_challenge(&event(
            TriggerSource::CreateAuthChallengeAuthentication,
            CreateAuthChallengeRequest::default(),
        )),
    );
    check(
        o,
        Trigger::VerifyAuthChallengeResponse,
        t.verify_auth_challenge_response(&event(
            TriggerSource::VerifyAuthChallengeResponseAuthentication,
            VerifyAuthChallengeRequest::default(),
        )),
    );
    // The senders' output is never read: whatever they return succeeds.
    let sender = event(
        TriggerSource::CustomEmailSenderSignUp,
        CustomSenderRequest::default(),
    );
    check(
        o,
        Trigger::CustomEmailSender,
        t.custom_email_sender(&sender),
    );
    check(o, Trigger::CustomSmsSender, t.custom_sms_sender(&sender));
    if matches!(outcome, InvokeOutcome::Returned(_)) {
        assert!(t.custom_email_sender(&sender).is_ok());
        assert!(t.custom_sms_sender(&sender).is_ok());
    }
});

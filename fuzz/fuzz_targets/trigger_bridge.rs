//! The trigger JSON bridge on untrusted function output
//! (cognito-triggers.md §6.1, §7.2; issue 12 item 8): whatever bytes a
//! Lambda function returns, `userpool::triggers::JsonTriggers` never
//! panics, and every hook answers either a response or an
//! `InvalidLambdaResponseException` with one of Cognito's two texts
//! (`Invalid lambda function output : Invalid JSON`, `Unrecognizable lambda
//! output`). A function that returned cannot have refused or been
//! unavailable, so the two other Lambda exceptions must not appear.
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
    PreSignUpRequest, PreTokenGenerationRequest, PreTokenGenerationVersion, StringMap, Trigger,
    TriggerError, TriggerFunctions, TriggerSource, Triggers, UNRECOGNIZABLE_OUTPUT,
    UserMigrationRequest, VerifyAuthChallengeRequest,
};

/// Returns the fuzzer's bytes as the function's output.
#[derive(Debug)]
struct Output(Vec<u8>);

impl Invoke for Output {
    fn invoke(&self, _: &FunctionRef, event: &[u8]) -> InvokeOutcome {
        // The event the bridge built is always JSON.
        assert!(serde_json::from_slice::<serde_json::Value>(event).is_ok());
        InvokeOutcome::Returned(self.0.clone())
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

/// An `Err` must be an unusable-output error with one of Cognito's texts.
fn check<T>(trigger: Trigger, result: Result<T, TriggerError>) {
    if let Err(e) = result {
        let e = e.into_error(trigger);
        assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse, "{e:?}");
        assert!(
            e.message() == INVALID_JSON || e.message() == UNRECOGNIZABLE_OUTPUT,
            "{e:?}"
        );
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
    let t = JsonTriggers::new(functions, Output(data.to_vec()));
    let attrs = StringMap::from([("sub".to_owned(), "abc".to_owned())]);

    check(
        Trigger::PreSignUp,
        t.pre_sign_up(&event(
            TriggerSource::PreSignUpSignUp,
            PreSignUpRequest::new(attrs.clone()),
        )),
    );
    check(
        Trigger::PostConfirmation,
        t.post_confirmation(&event(
            TriggerSource::PostConfirmationConfirmSignUp,
            PostConfirmationRequest::new(attrs.clone()),
        )),
    );
    check(
        Trigger::PreAuthentication,
        t.pre_authentication(&event(
            TriggerSource::PreAuthenticationAuthentication,
            PreAuthenticationRequest::new(attrs.clone()),
        )),
    );
    check(
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
        check(Trigger::PreTokenGeneration, t.pre_token_generation(&e));
    }
    check(
        Trigger::UserMigration,
        t.user_migration(&event(
            TriggerSource::UserMigrationAuthentication,
            UserMigrationRequest::authentication("Passw0rd!".into()),
        )),
    );
    check(
        Trigger::CustomMessage,
        t.custom_message(&event(
            TriggerSource::CustomMessageSignUp,
            CustomMessageRequest::new(TriggerSource::CustomMessageSignUp, attrs.clone()),
        )),
    );
    check(
        Trigger::DefineAuthChallenge,
        t.define_auth_challenge(&event(
            TriggerSource::DefineAuthChallengeAuthentication,
            DefineAuthChallengeRequest::default(),
        )),
    );
    check(
        Trigger::CreateAuthChallenge,
        t.create_auth_challenge(&event(
            TriggerSource::CreateAuthChallengeAuthentication,
            CreateAuthChallengeRequest::default(),
        )),
    );
    check(
        Trigger::VerifyAuthChallengeResponse,
        t.verify_auth_challenge_response(&event(
            TriggerSource::VerifyAuthChallengeResponseAuthentication,
            VerifyAuthChallengeRequest::default(),
        )),
    );
    // The senders' output is never read: they always succeed.
    let sender = event(
        TriggerSource::CustomEmailSenderSignUp,
        CustomSenderRequest::default(),
    );
    assert!(t.custom_email_sender(&sender).is_ok());
    assert!(t.custom_sms_sender(&sender).is_ok());
});

//! `ClientMetadata` and `ValidationData` sent over the wire reach the
//! triggers (cognito-triggers.md §1.3): SignUp, ConfirmSignUp,
//! ResendConfirmationCode, AdminCreateUser, ForgotPassword and
//! ConfirmForgotPassword, with a pool whose hooks record what they are
//! told; and an auto-confirming PreSignUp as the JSON answer shows it.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::{PoolConfig, VerifiedAttribute};
use userpool::triggers::{
    CustomMessageRequest, CustomMessageResponse, Event, PostConfirmationRequest, PreSignUpRequest,
    PreSignUpResponse, StringMap, Trigger, TriggerError, TriggerSet, Triggers,
};
use userpool::{HashingParams, UserPool};

use crate::support::wire::{Calls, World};
use crate::support::{PASSWORD, shared_keys};

/// (triggerSource, clientMetadata, validationData) of every event.
type Seen = Vec<(String, Option<StringMap>, Option<StringMap>)>;

#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Seen>,
}

impl Recorder {
    fn note(&self, source: &str, metadata: Option<&StringMap>, validation: Option<&StringMap>) {
        self.seen
            .lock()
            .unwrap()
            .push((source.to_owned(), metadata.cloned(), validation.cloned()));
    }
}

impl Triggers for Recorder {
    fn configured(&self) -> TriggerSet {
        TriggerSet::of(&[
            Trigger::PreSignUp,
            Trigger::PostConfirmation,
            Trigger::CustomMessage,
        ])
    }

    fn pre_sign_up(
        &self,
        event: &Event<PreSignUpRequest>,
    ) -> Result<PreSignUpResponse, TriggerError> {
        self.note(
            event.trigger_source.as_str(),
            event.request.client_metadata.as_ref(),
            event.request.validation_data.as_ref(),
        );
        let auto = event.user_name == "auto";
        Ok(PreSignUpResponse::new(auto, auto, false))
    }

    fn post_confirmation(
        &self,
        event: &Event<PostConfirmationRequest>,
    ) -> Result<(), TriggerError> {
        self.note(
            event.trigger_source.as_str(),
            event.request.client_metadata.as_ref(),
            None,
        );
        Ok(())
    }

    fn custom_message(
        &self,
        event: &Event<CustomMessageRequest>,
    ) -> Result<CustomMessageResponse, TriggerError> {
        self.note(
            event.trigger_source.as_str(),
            event.request.client_metadata.as_ref(),
            None,
        );
        Ok(CustomMessageResponse::default())
    }
}

fn map(pairs: &[(&str, &str)]) -> Option<StringMap> {
    Some(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

struct Fixture {
    world: World,
    recorder: Arc<Recorder>,
    pool_id: String,
    client_id: String,
}

fn fixture() -> Fixture {
    let world = World::new();
    let recorder = Arc::new(Recorder::default());
    let pool = UserPool::builder(
        PoolConfig::builder("hooks")
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .build()
            .unwrap(),
    )
    .pool_id("us-east-1_WireHooks1")
    .hashing(HashingParams::insecure_fast_for_tests())
    .keys(shared_keys())
    .clock(Arc::new(world.clock.clone()))
    .message_sender(Arc::new(world.outbox.clone()))
    .triggers(recorder.clone())
    .build()
    .unwrap();
    let client = pool
        .create_user_pool_client(
            AppClientConfig::builder("web")
                .explicit_auth_flows([AuthFlow::UserPasswordAuth])
                .build()
                .unwrap(),
        )
        .unwrap();
    let pool_id = pool.id().to_owned();
    world.registry.insert_pool(pool);
    Fixture {
        world,
        recorder,
        pool_id,
        client_id: client.id().to_owned(),
    }
}

fn code_for(f: &Fixture, who: &str) -> String {
    f.world
        .outbox
        .last_code_for(who)
        .unwrap()
        .expose_secret()
        .to_owned()
}

#[test]
fn client_metadata_and_validation_data_reach_the_hooks_over_json() {
    let f = fixture();
    let out = f.world.ok(
        "SignUp",
        &json!({
            "ClientId": f.client_id,
            "Username": "mary",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "mary@example.com"}],
            "ValidationData": [{"Name": "captcha", "Value": "ok"}],
            "ClientMetadata": {"step": "sign-up"}
        }),
    );
    assert_eq!(out["UserConfirmed"], json!(false));
    f.world.ok(
        "ResendConfirmationCode",
        &json!({"ClientId": f.client_id, "Username": "mary",
                "ClientMetadata": {"step": "resend"}}),
    );
    f.world.ok(
        "ConfirmSignUp",
        &json!({"ClientId": f.client_id, "Username": "mary",
                "ConfirmationCode": code_for(&f, "mary"),
                "ClientMetadata": {"step": "confirm"}}),
    );
    f.world.ok(
        "ForgotPassword",
        &json!({"ClientId": f.client_id, "Username": "mary",
                "ClientMetadata": {"step": "forgot"}}),
    );
    f.world.ok(
        "ConfirmForgotPassword",
        &json!({"ClientId": f.client_id, "Username": "mary",
                "ConfirmationCode": code_for(&f, "mary"), "Password": "Zz9^zzzzz",
                "ClientMetadata": {"step": "reset"}}),
    );
    f.world.ok(
        "AdminCreateUser",
        &json!({"UserPoolId": f.pool_id, "Username": "sam",
                "UserAttributes": [{"Name": "email", "Value": "sam@example.com"}],
                "DesiredDeliveryMediums": ["EMAIL"],
                "ValidationData": [{"Name": "invited_by", "Value": "ops"}],
                "ClientMetadata": {"step": "invite"}}),
    );
    let seen = f.recorder.seen.lock().unwrap().clone();
    let expected: Seen = vec![
        (
            "PreSignUp_SignUp".into(),
            map(&[("step", "sign-up")]),
            map(&[("captcha", "ok")]),
        ),
        (
            "CustomMessage_SignUp".into(),
            map(&[("step", "sign-up")]),
            None,
        ),
        (
            "CustomMessage_ResendCode".into(),
            map(&[("step", "resend")]),
            None,
        ),
        (
            "PostConfirmation_ConfirmSignUp".into(),
            map(&[("step", "confirm")]),
            None,
        ),
        (
            "CustomMessage_ForgotPassword".into(),
            map(&[("step", "forgot")]),
            None,
        ),
        (
            "PostConfirmation_ConfirmForgotPassword".into(),
            map(&[("step", "reset")]),
            None,
        ),
        (
            "PreSignUp_AdminCreateUser".into(),
            map(&[("step", "invite")]),
            map(&[("invited_by", "ops")]),
        ),
        (
            "CustomMessage_AdminCreateUser".into(),
            map(&[("step", "invite")]),
            None,
        ),
    ];
    assert_eq!(seen, expected);
}

#[test]
fn an_auto_confirmed_sign_up_answers_user_confirmed_without_code_delivery_details() {
    let f = fixture();
    let out: Value = f.world.ok(
        "SignUp",
        &json!({
            "ClientId": f.client_id,
            "Username": "auto",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "auto@example.com"}]
        }),
    );
    assert_eq!(out["UserConfirmed"], json!(true));
    assert!(out.get("CodeDeliveryDetails").is_none(), "{out}");
    assert!(f.world.outbox.messages().is_empty());
    let user = f.world.ok(
        "AdminGetUser",
        &json!({"UserPoolId": f.pool_id, "Username": "auto"}),
    );
    assert_eq!(user["UserStatus"], json!("CONFIRMED"));
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email_verified", "Value": "true"})),
        "{user}"
    );
    let seen = f.recorder.seen.lock().unwrap().clone();
    let sources: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        sources,
        ["PreSignUp_SignUp", "PostConfirmation_ConfirmSignUp"]
    );
}

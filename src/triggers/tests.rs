//! The bridge against a recording fake invoker: every event's JSON
//! (golden values from cognito-triggers.md §1–§3), lenient decoding, the
//! outcome → error table of §6.1, retries, ARN parsing.

use std::sync::Mutex;

use serde_json::{Value, json};

use super::*;
use crate::error::ErrorCode;
use crate::message::DeliveryMedium;
use crate::secret::Password;

/// Answers with the outcomes queued (the last one repeats), recording each
/// event it was given.
#[derive(Debug, Default)]
struct Fake {
    outcomes: Mutex<Vec<InvokeOutcome>>,
    seen: Mutex<Vec<(String, Value)>>,
}

impl Fake {
    fn answering(outcomes: Vec<InvokeOutcome>) -> Self {
        Self {
            outcomes: Mutex::new(outcomes),
            seen: Mutex::default(),
        }
    }

    fn returning(output: &str) -> Self {
        Self::answering(vec![InvokeOutcome::Returned(output.as_bytes().to_vec())])
    }

    fn calls(&self) -> usize {
        self.seen.lock().map(|s| s.len()).unwrap_or_default()
    }

    fn last_event(&self) -> Value {
        self.seen
            .lock()
            .ok()
            .and_then(|s| s.last().map(|(_, v)| v.clone()))
            .unwrap_or(Value::Null)
    }
}

impl Invoke for Fake {
    fn invoke(&self, function: &FunctionRef, event: &[u8]) -> InvokeOutcome {
        let parsed = serde_json::from_slice(event).unwrap_or(Value::Null);
        if let Ok(mut seen) = self.seen.lock() {
            seen.push((function.name().to_owned(), parsed));
        }
        let Ok(mut outcomes) = self.outcomes.lock() else {
            return InvokeOutcome::TimedOut {
                reason: "poisoned".into(),
            };
        };
        if outcomes.len() > 1 {
            outcomes.remove(0)
        } else {
            outcomes
                .first()
                .cloned()
                .unwrap_or(InvokeOutcome::TimedOut {
                    reason: "nothing queued".into(),
                })
        }
    }
}

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:my-fn";

fn bridge(trigger: Trigger, fake: Fake) -> JsonTriggers<Fake> {
    let function = FunctionRef::parse(ARN).unwrap_or_else(|e| panic!("{e}"));
    JsonTriggers::new(TriggerFunctions::new().with(trigger, function), fake)
}

fn map(pairs: &[(&str, &str)]) -> StringMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn event<R>(source: TriggerSource, client: CallerContext, request: R) -> Event<R> {
    Event::new(
        source,
        "us-east-1",
        "us-east-1_EXAMPLE",
        "mary",
        client,
        request,
    )
}

fn envelope(source: &str, client_id: &str, request: Value, response: Value) -> Value {
    json!({
        "version": "1", "triggerSource": source, "region": "us-east-1",
        "userPoolId": "us-east-1_EXAMPLE", "userName": "mary",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
        "request": request, "response": response,
    })
}

fn returned(response: Value) -> String {
    json!({"version": "1", "request": {}, "response": response}).to_string()
}

// ---------------------------------------------------------------- events

#[test]
fn pre_sign_up_event_is_cognitos_with_null_validation_data_and_no_metadata() {
    let fake = Fake::returning("{}");
    let t = bridge(Trigger::PreSignUp, fake);
    let e = event(
        TriggerSource::PreSignUpSignUp,
        CallerContext::new("1example23456789"),
        PreSignUpRequest::new(map(&[("email", "mary@example.com")])),
    );
    assert_eq!(t.pre_sign_up(&e), Ok(PreSignUpResponse::default()));
    // The exact text of §1.1's example (keys sorted: serde_json's map order).
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "PreSignUp_SignUp",
            "1example23456789",
            json!({"userAttributes": {"email": "mary@example.com"}, "validationData": null}),
            json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}),
        )
    );
}

#[test]
fn pre_sign_up_of_admin_create_user_carries_validation_data_and_metadata() {
    let t = bridge(Trigger::PreSignUp, Fake::returning("{}"));
    let mut r = PreSignUpRequest::new(map(&[("email", "a@b.c")]));
    r.validation_data = Some(map(&[("k", "v")]));
    r.client_metadata = Some(StringMap::new());
    let e = event(
        TriggerSource::PreSignUpAdminCreateUser,
        CallerContext::without_client().sdk("aws-sdk-js-3.1010.0"),
        r,
    );
    assert!(t.pre_sign_up(&e).is_ok());
    let mut want = envelope(
        "PreSignUp_AdminCreateUser",
        "CLIENT_ID_NOT_APPLICABLE",
        json!({"userAttributes": {"email": "a@b.c"}, "validationData": {"k": "v"}, "clientMetadata": {}}),
        json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}),
    );
    want["callerContext"]["awsSdkVersion"] = json!("aws-sdk-js-3.1010.0");
    assert_eq!(t.invoker().last_event(), want);
}

#[test]
fn post_confirmation_event() {
    let t = bridge(Trigger::PostConfirmation, Fake::returning("{}"));
    let mut r =
        PostConfirmationRequest::new(map(&[("sub", "abc"), ("cognito:user_status", "CONFIRMED")]));
    r.client_metadata = Some(map(&[("m", "1")]));
    let e = event(
        TriggerSource::PostConfirmationConfirmForgotPassword,
        CallerContext::new("c1"),
        r,
    );
    assert_eq!(t.post_confirmation(&e), Ok(()));
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "PostConfirmation_ConfirmForgotPassword",
            "c1",
            json!({"userAttributes": {"sub": "abc", "cognito:user_status": "CONFIRMED"},
                   "clientMetadata": {"m": "1"}}),
            json!({}),
        )
    );
}

#[test]
fn pre_authentication_event_omits_absent_validation_data_and_user_not_found() {
    let t = bridge(Trigger::PreAuthentication, Fake::returning("{}"));
    let e = event(
        TriggerSource::PreAuthenticationAuthentication,
        CallerContext::new("c1"),
        PreAuthenticationRequest::new(map(&[("sub", "abc")])),
    );
    assert_eq!(t.pre_authentication(&e), Ok(()));
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "PreAuthentication_Authentication",
            "c1",
            json!({"userAttributes": {"sub": "abc"}}),
            json!({}),
        )
    );
    let mut r = PreAuthenticationRequest::new(StringMap::new());
    r.validation_data = Some(map(&[("ip", "1.2.3.4")]));
    r.user_not_found = Some(true);
    let e = event(
        TriggerSource::PreAuthenticationAuthentication,
        CallerContext::new("c1"),
        r,
    );
    assert_eq!(t.pre_authentication(&e), Ok(()));
    assert_eq!(
        t.invoker().last_event()["request"],
        json!({"userAttributes": {}, "validationData": {"ip": "1.2.3.4"}, "userNotFound": true})
    );
}

#[test]
fn post_authentication_event_always_says_new_device_used() {
    let t = bridge(Trigger::PostAuthentication, Fake::returning("{}"));
    let e = event(
        TriggerSource::PostAuthenticationAuthentication,
        CallerContext::new("c1"),
        PostAuthenticationRequest::new(map(&[("sub", "abc")])),
    );
    assert_eq!(t.post_authentication(&e), Ok(()));
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "PostAuthentication_Authentication",
            "c1",
            json!({"userAttributes": {"sub": "abc"}, "newDeviceUsed": false}),
            json!({}),
        )
    );
}

fn token_request() -> PreTokenGenerationRequest {
    let mut r =
        PreTokenGenerationRequest::new(map(&[("sub", "abc")]), GroupConfiguration::default());
    r.scopes = vec!["aws.cognito.signin.user.admin".into()];
    r
}

#[test]
fn pre_token_generation_v1_event_has_empty_group_arrays_and_no_scopes() {
    let t = bridge(Trigger::PreTokenGeneration, Fake::returning("{}"));
    let e = event(
        TriggerSource::TokenGenerationAuthentication,
        CallerContext::new("c1"),
        token_request(),
    );
    assert_eq!(
        t.pre_token_generation(&e),
        Ok(PreTokenGenerationResponse::default())
    );
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "TokenGeneration_Authentication",
            "c1",
            json!({"userAttributes": {"sub": "abc"},
                   "groupConfiguration": {"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null}}),
            json!({"claimsOverrideDetails": null}),
        )
    );
}

#[test]
fn pre_token_generation_v2_and_v3_events_add_scopes_and_their_version() {
    for version in [PreTokenGenerationVersion::V2, PreTokenGenerationVersion::V3] {
        let t = bridge(Trigger::PreTokenGeneration, Fake::returning("{}"));
        let mut r = token_request();
        r.group_configuration = GroupConfiguration::new(
            vec!["admins".into(), "users".into()],
            vec!["arn:aws:iam::1:role/a".into()],
            Some("arn:aws:iam::1:role/a".into()),
        );
        let e = event(
            TriggerSource::TokenGenerationRefreshTokens,
            CallerContext::new("c1"),
            r,
        )
        .version(version.event_version());
        assert!(t.pre_token_generation(&e).is_ok());
        let mut want = envelope(
            "TokenGeneration_RefreshTokens",
            "c1",
            json!({"userAttributes": {"sub": "abc"},
                   "groupConfiguration": {"groupsToOverride": ["admins", "users"],
                                          "iamRolesToOverride": ["arn:aws:iam::1:role/a"],
                                          "preferredRole": "arn:aws:iam::1:role/a"},
                   "scopes": ["aws.cognito.signin.user.admin"]}),
            json!({"claimsAndScopeOverrideDetails": null}),
        );
        want["version"] = json!(version.event_version());
        assert_eq!(t.invoker().last_event(), want);
    }
}

#[test]
fn user_migration_event_has_the_password_and_no_user_attributes() {
    let t = bridge(Trigger::UserMigration, Fake::returning("{}"));
    let mut r = UserMigrationRequest::authentication(Password::new("Passw0rd!"));
    r.validation_data = Some(map(&[("k", "v")]));
    let e = event(
        TriggerSource::UserMigrationAuthentication,
        CallerContext::new("c1"),
        r,
    );
    assert!(!format!("{e:?}").contains("Passw0rd!"));
    assert!(t.user_migration(&e).is_ok());
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "UserMigration_Authentication",
            "c1",
            json!({"password": "Passw0rd!", "validationData": {"k": "v"}}),
            json!({"userAttributes": {}, "finalUserStatus": null, "messageAction": null,
                   "desiredDeliveryMediums": [], "forceAliasCreation": false}),
        )
    );
    let mut r = UserMigrationRequest::forgot_password();
    r.client_metadata = Some(map(&[("m", "1")]));
    let e = event(
        TriggerSource::UserMigrationForgotPassword,
        CallerContext::new("c1"),
        r,
    );
    assert!(t.user_migration(&e).is_ok());
    assert_eq!(
        t.invoker().last_event()["request"],
        json!({"clientMetadata": {"m": "1"}})
    );
}

#[test]
fn custom_message_event_names_the_username_only_for_admin_create_user() {
    let t = bridge(Trigger::CustomMessage, Fake::returning("{}"));
    let e = event(
        TriggerSource::CustomMessageSignUp,
        CallerContext::new("c1"),
        CustomMessageRequest::new(TriggerSource::CustomMessageSignUp, map(&[("sub", "abc")])),
    );
    assert!(t.custom_message(&e).is_ok());
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "CustomMessage_SignUp",
            "c1",
            json!({"userAttributes": {"sub": "abc"}, "codeParameter": "{####}",
                   "linkParameter": "{##Click Here##}", "usernameParameter": null}),
            json!({"smsMessage": null, "emailMessage": null, "emailSubject": null}),
        )
    );
    let e = event(
        TriggerSource::CustomMessageAdminCreateUser,
        CallerContext::without_client(),
        CustomMessageRequest::new(
            TriggerSource::CustomMessageAdminCreateUser,
            StringMap::new(),
        ),
    );
    assert!(t.custom_message(&e).is_ok());
    let seen = t.invoker().last_event();
    assert_eq!(seen["request"]["usernameParameter"], json!("{username}"));
    assert_eq!(
        seen["callerContext"]["clientId"],
        json!("CLIENT_ID_NOT_APPLICABLE")
    );
}

fn session() -> Vec<ChallengeResult> {
    vec![
        ChallengeResult::new("SRP_A", true, None),
        ChallengeResult::new("CUSTOM_CHALLENGE", false, Some("round-1".into())),
    ]
}

#[test]
fn define_auth_challenge_event_carries_the_session_history() {
    let t = bridge(Trigger::DefineAuthChallenge, Fake::returning("{}"));
    let r = DefineAuthChallengeRequest {
        user_attributes: map(&[("sub", "abc")]),
        session: session(),
        user_not_found: Some(false),
        ..Default::default()
    };
    let e = event(
        TriggerSource::DefineAuthChallengeAuthentication,
        CallerContext::new("c1"),
        r,
    );
    assert!(t.define_auth_challenge(&e).is_ok());
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "DefineAuthChallenge_Authentication",
            "c1",
            json!({"userAttributes": {"sub": "abc"},
                   "session": [
                       {"challengeName": "SRP_A", "challengeResult": true, "challengeMetadata": null},
                       {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": false, "challengeMetadata": "round-1"}],
                   "userNotFound": false}),
            json!({"challengeName": null, "issueTokens": null, "failAuthentication": null}),
        )
    );
}

#[test]
fn create_auth_challenge_event() {
    let t = bridge(Trigger::CreateAuthChallenge, Fake::returning("{}"));
    let r = CreateAuthChallengeRequest {
        challenge_name: "CUSTOM_CHALLENGE".into(),
        client_metadata: Some(map(&[("m", "1")])),
        ..Default::default()
    };
    let e = event(
        TriggerSource::CreateAuthChallengeAuthentication,
        CallerContext::new("c1"),
        r,
    );
    assert!(t.create_auth_challenge(&e).is_ok());
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "CreateAuthChallenge_Authentication",
            "c1",
            json!({"userAttributes": {}, "challengeName": "CUSTOM_CHALLENGE", "session": [],
                   "clientMetadata": {"m": "1"}}),
            json!({"publicChallengeParameters": null, "privateChallengeParameters": null,
                   "challengeMetadata": null}),
        )
    );
}

#[test]
fn verify_auth_challenge_event_and_its_redacted_debug() {
    let t = bridge(Trigger::VerifyAuthChallengeResponse, Fake::returning("{}"));
    let r = VerifyAuthChallengeRequest {
        private_challenge_parameters: map(&[("answer", "424242")]),
        challenge_answer: "424242".into(),
        ..Default::default()
    };
    let e = event(
        TriggerSource::VerifyAuthChallengeResponseAuthentication,
        CallerContext::new("c1"),
        r,
    );
    assert!(!format!("{e:?}").contains("424242"));
    assert!(t.verify_auth_challenge_response(&e).is_ok());
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "VerifyAuthChallengeResponse_Authentication",
            "c1",
            json!({"userAttributes": {}, "privateChallengeParameters": {"answer": "424242"},
                   "challengeAnswer": "424242"}),
            json!({"answerCorrect": null}),
        )
    );
}

#[test]
fn custom_sender_events_name_their_request_type() {
    let functions = TriggerFunctions::new()
        .with(
            Trigger::CustomEmailSender,
            FunctionRef::parse(ARN).unwrap_or_else(|e| panic!("{e}")),
        )
        .with(
            Trigger::CustomSmsSender,
            FunctionRef::parse(ARN).unwrap_or_else(|e| panic!("{e}")),
        );
    // Their output is never read, not even when it is not JSON.
    let t = JsonTriggers::new(functions, Fake::returning("not json"));
    let mut r = CustomSenderRequest {
        code: Some("AYADeBase64==".into()),
        user_attributes: map(&[("email", "a@b.c")]),
        ..Default::default()
    };
    let e = event(
        TriggerSource::CustomEmailSenderSignUp,
        CallerContext::new("c1"),
        r.clone(),
    );
    assert!(!format!("{e:?}").contains("AYADe"));
    assert_eq!(t.custom_email_sender(&e), Ok(()));
    assert_eq!(
        t.invoker().last_event(),
        envelope(
            "CustomEmailSender_SignUp",
            "c1",
            json!({"type": "customEmailSenderRequestV1", "code": "AYADeBase64==",
                   "userAttributes": {"email": "a@b.c"}}),
            json!({}),
        )
    );
    r.code = None;
    let e = event(
        TriggerSource::CustomSmsSenderSignUp,
        CallerContext::new("c1"),
        r,
    );
    assert_eq!(t.custom_sms_sender(&e), Ok(()));
    let seen = t.invoker().last_event();
    assert_eq!(seen["request"]["type"], json!("customSMSSenderRequestV1"));
    assert_eq!(seen["request"]["code"], Value::Null);
}

// ------------------------------------------------------------- responses

fn pre_sign_up_with(output: &str) -> Result<PreSignUpResponse, TriggerError> {
    let t = bridge(Trigger::PreSignUp, Fake::returning(output));
    t.pre_sign_up(&event(
        TriggerSource::PreSignUpSignUp,
        CallerContext::new("c1"),
        PreSignUpRequest::default(),
    ))
}

#[test]
fn pre_sign_up_flags_are_read_with_null_as_false() {
    assert_eq!(
        pre_sign_up_with(&returned(
            json!({"autoConfirmUser": true, "autoVerifyEmail": null, "autoVerifyPhone": true})
        )),
        Ok(PreSignUpResponse::new(true, false, true))
    );
    assert_eq!(
        pre_sign_up_with(r#"{"response": null}"#),
        Ok(PreSignUpResponse::default())
    );
    assert_eq!(pre_sign_up_with("{}"), Ok(PreSignUpResponse::default()));
}

#[test]
fn output_that_is_not_a_json_object_is_invalid_json() {
    for output in ["null", "", "[]", "\"x\"", "42", "{", "\u{0}"] {
        assert_eq!(
            pre_sign_up_with(output),
            Err(TriggerError::invalid_response(INVALID_JSON)),
            "{output:?}"
        );
    }
}

#[test]
fn a_response_of_the_wrong_shape_is_unrecognizable() {
    for output in [
        r#"{"response": []}"#,
        r#"{"response": "yes"}"#,
        r#"{"response": {"autoConfirmUser": "true"}}"#,
        r#"{"response": {"autoVerifyEmail": 1}}"#,
    ] {
        assert_eq!(
            pre_sign_up_with(output),
            Err(TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT)),
            "{output}"
        );
    }
}

#[test]
fn a_trigger_whose_response_is_unread_still_needs_a_json_object() {
    let t = bridge(Trigger::PostConfirmation, Fake::returning("null"));
    let e = event(
        TriggerSource::PostConfirmationConfirmSignUp,
        CallerContext::new("c1"),
        PostConfirmationRequest::default(),
    );
    assert_eq!(
        t.post_confirmation(&e)
            .map_err(|x| x.into_error(Trigger::PostConfirmation).message().to_owned()),
        Err("Invalid lambda function output : Invalid JSON".to_owned())
    );
    let t = bridge(
        Trigger::PostConfirmation,
        Fake::returning(r#"{"response": 7}"#),
    );
    assert_eq!(t.post_confirmation(&e), Ok(()));
}

fn pre_token(
    output: &str,
    version: PreTokenGenerationVersion,
) -> Result<PreTokenGenerationResponse, TriggerError> {
    let t = bridge(Trigger::PreTokenGeneration, Fake::returning(output));
    t.pre_token_generation(
        &event(
            TriggerSource::TokenGenerationAuthentication,
            CallerContext::new("c1"),
            token_request(),
        )
        .version(version.event_version()),
    )
}

#[test]
fn v1_overrides_are_read_and_a_null_group_override_removes_the_groups() {
    let got = pre_token(
        &returned(json!({"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tenant": "t1", "gone": null},
            "claimsToSuppress": ["email"],
            "groupOverrideDetails": null}})),
        PreTokenGenerationVersion::V1,
    );
    let Ok(PreTokenGenerationResponse {
        claims_override_details: Some(d),
        claims_and_scope_override_details: None,
    }) = got
    else {
        panic!("{got:?}")
    };
    assert_eq!(d.claims_to_add_or_override, map(&[("tenant", "t1")]));
    assert_eq!(d.claims_to_suppress, ["email"]);
    assert_eq!(
        d.group_override_details,
        Some(GroupConfiguration::default())
    );

    // Absent: groups unchanged. An object: replaced.
    let got = pre_token(
        &returned(json!({"claimsOverrideDetails": {}})),
        PreTokenGenerationVersion::V1,
    );
    assert_eq!(
        got.map(|r| r.claims_override_details.map(|d| d.group_override_details)),
        Ok(Some(None))
    );
    let got = pre_token(
        &returned(json!({"claimsOverrideDetails": {"groupOverrideDetails":
            {"groupsToOverride": ["g"], "preferredRole": "r"}}})),
        PreTokenGenerationVersion::V1,
    );
    assert_eq!(
        got.map(|r| r
            .claims_override_details
            .and_then(|d| d.group_override_details)),
        Ok(Some(GroupConfiguration::new(
            vec!["g".into()],
            vec![],
            Some("r".into())
        )))
    );
}

#[test]
fn v1_claims_must_be_strings() {
    for bad in [
        json!({"n": 1}),
        json!({"b": true}),
        json!({"a": ["x"]}),
        json!("x"),
    ] {
        assert_eq!(
            pre_token(
                &returned(json!({"claimsOverrideDetails": {"claimsToAddOrOverride": bad}})),
                PreTokenGenerationVersion::V1,
            ),
            Err(TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT))
        );
    }
}

#[test]
fn v2_claims_keep_their_json_types_and_scopes_are_read() {
    let output = returned(json!({
        "claimsOverrideDetails": {"claimsToAddOrOverride": {"ignored": "in v2"}},
        "claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tier": "gold"}, "claimsToSuppress": ["email"]},
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"n": 3, "f": 1.5, "b": true, "a": ["x", 1], "o": {"k": null}, "skip": null},
                "claimsToSuppress": [],
                "scopesToAdd": ["read"], "scopesToSuppress": ["aws.cognito.signin.user.admin"]},
            "groupOverrideDetails": {"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null}}}));
    for version in [PreTokenGenerationVersion::V2, PreTokenGenerationVersion::V3] {
        let got = pre_token(&output, version);
        let Ok(PreTokenGenerationResponse {
            claims_override_details: None,
            claims_and_scope_override_details: Some(d),
        }) = got
        else {
            panic!("{got:?}")
        };
        let id = d.id_token_generation.unwrap_or_default();
        assert_eq!(
            id.claims_to_add_or_override.get("tier"),
            Some(&ClaimValue::from("gold"))
        );
        assert_eq!(id.claims_to_suppress, ["email"]);
        let access = d.access_token_generation.unwrap_or_default();
        let claims = &access.claims_to_add_or_override;
        assert_eq!(claims.get("n"), Some(&ClaimValue::Integer(3)));
        assert_eq!(claims.get("f"), Some(&ClaimValue::Float(1.5)));
        assert_eq!(claims.get("b"), Some(&ClaimValue::Bool(true)));
        assert_eq!(
            claims.get("a"),
            Some(&ClaimValue::Array(vec!["x".into(), ClaimValue::Integer(1)]))
        );
        assert_eq!(
            claims.get("o"),
            Some(&ClaimValue::Object(
                [("k".to_owned(), ClaimValue::Null)].into()
            ))
        );
        assert_eq!(claims.get("skip"), None);
        assert_eq!(access.scopes_to_add, ["read"]);
        assert_eq!(access.scopes_to_suppress, ["aws.cognito.signin.user.admin"]);
        assert_eq!(
            d.group_override_details,
            Some(GroupConfiguration::default())
        );
    }
}

#[test]
fn v2_members_of_the_wrong_type_are_unrecognizable() {
    for bad in [
        json!({"claimsAndScopeOverrideDetails": []}),
        json!({"claimsAndScopeOverrideDetails": {"idTokenGeneration": "x"}}),
        json!({"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": "read"}}}),
        json!({"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"claimsToAddOrOverride": []}}}),
        json!({"claimsAndScopeOverrideDetails": {"groupOverrideDetails": {"groupsToOverride": [1]}}}),
    ] {
        assert_eq!(
            pre_token(&returned(bad.clone()), PreTokenGenerationVersion::V2),
            Err(TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT)),
            "{bad}"
        );
    }
}

fn migrate(output: &str) -> Result<UserMigrationResponse, TriggerError> {
    let t = bridge(Trigger::UserMigration, Fake::returning(output));
    t.user_migration(&event(
        TriggerSource::UserMigrationAuthentication,
        CallerContext::new("c1"),
        UserMigrationRequest::authentication(Password::new("x")),
    ))
}

#[test]
fn a_migration_response_is_read_with_its_enums() {
    let got = migrate(&returned(json!({
        "userAttributes": {"email": "a@b.c", "email_verified": "true"},
        "finalUserStatus": "CONFIRMED", "messageAction": "SUPPRESS",
        "desiredDeliveryMediums": ["EMAIL", "SMS"], "forceAliasCreation": null})));
    let want = UserMigrationResponse {
        user_attributes: map(&[("email", "a@b.c"), ("email_verified", "true")]),
        final_user_status: Some(MigratedUserStatus::Confirmed),
        message_action: Some(MigrationMessageAction::Suppress),
        desired_delivery_mediums: vec![DeliveryMedium::Email, DeliveryMedium::Sms],
        force_alias_creation: false,
        enable_sms_mfa: false,
    };
    assert_eq!(got, Ok(want));
    // The event returned unchanged migrates nothing.
    assert_eq!(
        migrate(&returned(
            json!({"userAttributes": {}, "finalUserStatus": null,
            "messageAction": null, "desiredDeliveryMediums": [], "forceAliasCreation": false})
        )),
        Ok(UserMigrationResponse::default())
    );
    for bad in [
        json!({"finalUserStatus": "UNCONFIRMED"}),
        json!({"messageAction": "suppress"}),
        json!({"desiredDeliveryMediums": ["PIGEON"]}),
        json!({"userAttributes": {"email_verified": true}}),
        json!({"enableSMSMFA": "yes"}),
    ] {
        assert_eq!(
            migrate(&returned(bad.clone())),
            Err(TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT)),
            "{bad}"
        );
    }
}

#[test]
fn custom_message_and_challenge_responses_are_read() {
    let t = bridge(
        Trigger::CustomMessage,
        Fake::returning(&returned(
            json!({"smsMessage": null, "emailMessage": "Code {####}", "emailSubject": "Hi"}),
        )),
    );
    let got = t.custom_message(&event(
        TriggerSource::CustomMessageSignUp,
        CallerContext::new("c1"),
        CustomMessageRequest::default(),
    ));
    assert_eq!(
        got,
        Ok(CustomMessageResponse {
            sms_message: None,
            email_message: Some("Code {####}".into()),
            email_subject: Some("Hi".into()),
        })
    );

    let t = bridge(
        Trigger::DefineAuthChallenge,
        Fake::returning(&returned(
            json!({"challengeName": "CUSTOM_CHALLENGE", "issueTokens": null, "failAuthentication": false}),
        )),
    );
    let e = event(
        TriggerSource::DefineAuthChallengeAuthentication,
        CallerContext::new("c1"),
        DefineAuthChallengeRequest::default(),
    );
    assert_eq!(
        t.define_auth_challenge(&e),
        Ok(DefineAuthChallengeResponse {
            challenge_name: Some("CUSTOM_CHALLENGE".into()),
            issue_tokens: false,
            fail_authentication: false,
        })
    );

    let t = bridge(
        Trigger::CreateAuthChallenge,
        Fake::returning(&returned(
            json!({"publicChallengeParameters": {"hint": "email"},
            "privateChallengeParameters": {"answer": "42"}, "challengeMetadata": "CODE-1"}),
        )),
    );
    let e = event(
        TriggerSource::CreateAuthChallengeAuthentication,
        CallerContext::new("c1"),
        CreateAuthChallengeRequest::default(),
    );
    let got = t.create_auth_challenge(&e);
    assert!(!format!("{got:?}").contains("42"));
    assert_eq!(
        got,
        Ok(CreateAuthChallengeResponse {
            public_challenge_parameters: map(&[("hint", "email")]),
            private_challenge_parameters: map(&[("answer", "42")]),
            challenge_metadata: Some("CODE-1".into()),
        })
    );

    let e = event(
        TriggerSource::VerifyAuthChallengeResponseAuthentication,
        CallerContext::new("c1"),
        VerifyAuthChallengeRequest::default(),
    );
    for (output, want) in [
        (
            json!({"answerCorrect": true}),
            Ok(VerifyAuthChallengeResponse::new(true)),
        ),
        (
            json!({"answerCorrect": null}),
            Ok(VerifyAuthChallengeResponse::new(false)),
        ),
        (
            json!({"answerCorrect": "true"}),
            Err(TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT)),
        ),
    ] {
        let t = bridge(
            Trigger::VerifyAuthChallengeResponse,
            Fake::returning(&returned(output)),
        );
        assert_eq!(t.verify_auth_challenge_response(&e), want);
    }
}

// ----------------------------------------------------- outcomes, retries

fn pre_sign_up_error(fake: Fake) -> (crate::Error, usize) {
    let t = bridge(Trigger::PreSignUp, fake);
    let e = event(
        TriggerSource::PreSignUpSignUp,
        CallerContext::new("c1"),
        PreSignUpRequest::default(),
    );
    let err = match t.pre_sign_up(&e) {
        Ok(r) => panic!("{r:?}"),
        Err(err) => err.into_error(Trigger::PreSignUp),
    };
    (err, t.invoker().calls())
}

#[test]
fn a_function_error_is_a_validation_exception_with_its_message_and_no_retry() {
    let (e, calls) = pre_sign_up_error(Fake::answering(vec![InvokeOutcome::FunctionError {
        message: Some("Domain not allowed".into()),
    }]));
    assert_eq!(e.code(), ErrorCode::UserLambdaValidation);
    assert_eq!(
        e.message(),
        "PreSignUp failed with error Domain not allowed."
    );
    assert_eq!(calls, 1);
    let (e, _) = pre_sign_up_error(Fake::answering(vec![InvokeOutcome::FunctionError {
        message: None,
    }]));
    assert_eq!(e.message(), "PreSignUp failed with error Unhandled.");
}

#[test]
fn a_long_function_error_message_is_cut_to_1024_characters() {
    let (e, _) = pre_sign_up_error(Fake::answering(vec![InvokeOutcome::FunctionError {
        message: Some("é".repeat(5000)),
    }]));
    assert_eq!(
        e.message(),
        format!("PreSignUp failed with error {}.", "é".repeat(1024))
    );
}

#[test]
fn challenge_metadata_is_redacted_in_debug() {
    let entry = ChallengeResult::new("CUSTOM_CHALLENGE", true, Some("CODE-123456".into()));
    let shown = format!("{entry:?}");
    assert!(!shown.contains("123456"), "{shown}");
    assert!(shown.contains("CUSTOM_CHALLENGE"));
}

#[test]
fn a_service_error_is_unexpected_and_not_retried() {
    let (e, calls) = pre_sign_up_error(Fake::answering(vec![InvokeOutcome::ServiceError {
        code: "ResourceNotFoundException".into(),
    }]));
    assert_eq!(e.code(), ErrorCode::UnexpectedLambda);
    assert_eq!(
        e.message(),
        "PreSignUp invocation failed due to error ResourceNotFoundException"
    );
    assert_eq!(calls, 1);
}

#[test]
fn a_timeout_is_tried_three_times_in_all_then_unexpected() {
    let timeout = || InvokeOutcome::TimedOut {
        reason: "connect refused".into(),
    };
    let (e, calls) = pre_sign_up_error(Fake::answering(vec![timeout()]));
    assert_eq!(calls, 3);
    assert_eq!(e.code(), ErrorCode::UnexpectedLambda);
    assert_eq!(
        e.message(),
        "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."
    );
    assert!(!e.message().contains("refused"));

    // A cold start: two timeouts, then an answer on the third attempt.
    let t = bridge(
        Trigger::PreSignUp,
        Fake::answering(vec![
            timeout(),
            timeout(),
            InvokeOutcome::Returned(returned(json!({"autoConfirmUser": true})).into_bytes()),
        ]),
    );
    let e = event(
        TriggerSource::PreSignUpSignUp,
        CallerContext::new("c1"),
        PreSignUpRequest::default(),
    );
    assert_eq!(
        t.pre_sign_up(&e),
        Ok(PreSignUpResponse::new(true, false, false))
    );
    assert_eq!(t.invoker().calls(), 3);

    // Attempts are configurable, never below one.
    let t = bridge(Trigger::PreSignUp, Fake::answering(vec![timeout()])).attempts(0);
    assert!(t.pre_sign_up(&e).is_err());
    assert_eq!(t.invoker().calls(), 1);
}

#[test]
fn a_trigger_without_a_function_passes_through_without_invoking() {
    let t = bridge(Trigger::PreSignUp, Fake::returning("null"));
    assert_eq!(t.configured(), TriggerSet::of(&[Trigger::PreSignUp]));
    let e = event(
        TriggerSource::PostConfirmationConfirmSignUp,
        CallerContext::new("c1"),
        PostConfirmationRequest::default(),
    );
    assert_eq!(t.post_confirmation(&e), Ok(()));
    let e = event(
        TriggerSource::CustomMessageSignUp,
        CallerContext::new("c1"),
        CustomMessageRequest::default(),
    );
    assert_eq!(t.custom_message(&e), Ok(CustomMessageResponse::default()));
    assert_eq!(t.invoker().calls(), 0);
    assert!(NoTriggers.configured().is_empty());
}

#[test]
fn the_function_is_named_by_its_arn() {
    let t = bridge(Trigger::PreSignUp, Fake::returning("{}"));
    let e = event(
        TriggerSource::PreSignUpSignUp,
        CallerContext::new("c1"),
        PreSignUpRequest::default(),
    );
    assert!(t.pre_sign_up(&e).is_ok());
    let seen = t
        .invoker()
        .seen
        .lock()
        .map(|s| s[0].0.clone())
        .unwrap_or_default();
    assert_eq!(seen, "my-fn");
}

// ------------------------------------------------------------- FunctionRef

#[test]
fn an_arn_gives_its_function_name_and_qualifier() {
    let f = FunctionRef::parse(ARN).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((f.arn(), f.name(), f.qualifier()), (ARN, "my-fn", None));
    let arn = "arn:aws-cn:lambda:cn-north-1:123456789012:function:fn_2:prod";
    let f = FunctionRef::parse(arn).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((f.name(), f.qualifier()), ("fn_2", Some("prod")));
    let f = FunctionRef::parse("arn:aws:lambda:us-east-1:1:function:f:$LATEST")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.qualifier(), Some("$LATEST"));
    let f = f.with_name("service-dev-f");
    assert_eq!(
        (f.name(), f.arn()),
        (
            "service-dev-f",
            "arn:aws:lambda:us-east-1:1:function:f:$LATEST"
        )
    );
}

#[test]
fn what_is_not_a_lambda_function_arn_is_refused() {
    for arn in [
        "",
        "my-fn",
        "arn:aws:lambda:us-east-1:123456789012:function",
        "arn:aws:lambda:us-east-1:123456789012:function:",
        "arn:aws:s3:us-east-1:123456789012:function:f",
        "arn:aws:lambda:us-east-1:123456789012:layer:f",
        "arn:aws:lambda:us-east-1:12345678901x:function:f",
        "arn::lambda:us-east-1:1:function:f",
        "arn:aws:lambda::1:function:f",
        "arn:aws:lambda:us-east-1:1:function:f:",
        "arn:aws:lambda:us-east-1:1:function:f:1:2",
        "arn:aws:lambda:us-east-1:1:function:f g",
        "xrn:aws:lambda:us-east-1:1:function:f",
        &format!("arn:aws:lambda:us-east-1:1:function:{}", "f".repeat(65)),
    ] {
        let e = FunctionRef::parse(arn).map(|f| f.name().to_owned());
        assert_eq!(
            e.map_err(|e| e.code()),
            Err(ErrorCode::InvalidParameter),
            "{arn}"
        );
    }
}

// ------------------------------------- the community's Rust Lambda types

/// Every event the bridge emits decodes with `aws_lambda_events`' Cognito
/// types, which declare several members without defaults (a boolean
/// `newDeviceUsed`, arrays for groups, session and scopes, typed trigger
/// sources): a Rust Lambda would fail on an event that breaks §1.1.
#[test]
fn every_event_decodes_with_the_aws_lambda_events_types() {
    use aws_lambda_events::event::cognito as rs;
    use serde::de::DeserializeOwned;

    fn decodes<T: DeserializeOwned + std::fmt::Debug>(
        trigger: Trigger,
        run: impl FnOnce(&JsonTriggers<Fake>),
    ) {
        let t = bridge(trigger, Fake::returning("{}"));
        run(&t);
        let emitted = t.invoker().last_event();
        let decoded: Result<T, _> = serde_json::from_value(emitted.clone());
        assert!(decoded.is_ok(), "{trigger}: {decoded:?}\n{emitted}");
    }
    let attrs = map(&[("sub", "abc"), ("email", "a@b.c")]);
    let ctx = || CallerContext::new("c1");

    decodes::<rs::CognitoEventUserPoolsPreSignup>(Trigger::PreSignUp, |t| {
        let _ = t.pre_sign_up(&event(
            TriggerSource::PreSignUpSignUp,
            ctx(),
            PreSignUpRequest::new(attrs.clone()),
        ));
    });
    decodes::<rs::CognitoEventUserPoolsPostConfirmation>(Trigger::PostConfirmation, |t| {
        let _ = t.post_confirmation(&event(
            TriggerSource::PostConfirmationConfirmSignUp,
            ctx(),
            PostConfirmationRequest::new(attrs.clone()),
        ));
    });
    decodes::<rs::CognitoEventUserPoolsPreAuthentication>(Trigger::PreAuthentication, |t| {
        let _ = t.pre_authentication(&event(
            TriggerSource::PreAuthenticationAuthentication,
            ctx(),
            PreAuthenticationRequest::new(attrs.clone()),
        ));
    });
    decodes::<rs::CognitoEventUserPoolsPostAuthentication>(Trigger::PostAuthentication, |t| {
        let _ = t.post_authentication(&event(
            TriggerSource::PostAuthenticationAuthentication,
            ctx(),
            PostAuthenticationRequest::new(attrs.clone()),
        ));
    });
    decodes::<rs::CognitoEventUserPoolsPreTokenGen>(Trigger::PreTokenGeneration, |t| {
        let _ = t.pre_token_generation(&event(
            TriggerSource::TokenGenerationAuthentication,
            ctx(),
            token_request(),
        ));
    });
    for version in [PreTokenGenerationVersion::V2, PreTokenGenerationVersion::V3] {
        decodes::<rs::CognitoEventUserPoolsPreTokenGenV2>(Trigger::PreTokenGeneration, |t| {
            let _ = t.pre_token_generation(
                &event(
                    TriggerSource::TokenGenerationRefreshTokens,
                    ctx(),
                    token_request(),
                )
                .version(version.event_version()),
            );
        });
    }
    decodes::<rs::CognitoEventUserPoolsMigrateUser>(Trigger::UserMigration, |t| {
        let _ = t.user_migration(&event(
            TriggerSource::UserMigrationAuthentication,
            ctx(),
            UserMigrationRequest::authentication(Password::new("x")),
        ));
    });
    decodes::<rs::CognitoEventUserPoolsCustomMessage>(Trigger::CustomMessage, |t| {
        let _ = t.custom_message(&event(
            TriggerSource::CustomMessageAdminCreateUser,
            ctx(),
            CustomMessageRequest::new(TriggerSource::CustomMessageAdminCreateUser, attrs.clone()),
        ));
    });
    decodes::<rs::CognitoEventUserPoolsDefineAuthChallenge>(Trigger::DefineAuthChallenge, |t| {
        let _ = t.define_auth_challenge(&event(
            TriggerSource::DefineAuthChallengeAuthentication,
            ctx(),
            DefineAuthChallengeRequest {
                user_attributes: attrs.clone(),
                session: session(),
                user_not_found: Some(false),
                ..Default::default()
            },
        ));
    });
    decodes::<rs::CognitoEventUserPoolsCreateAuthChallenge>(Trigger::CreateAuthChallenge, |t| {
        let _ = t.create_auth_challenge(&event(
            TriggerSource::CreateAuthChallengeAuthentication,
            ctx(),
            CreateAuthChallengeRequest {
                challenge_name: "CUSTOM_CHALLENGE".into(),
                session: session(),
                ..Default::default()
            },
        ));
    });
    decodes::<rs::CognitoEventUserPoolsVerifyAuthChallenge>(
        Trigger::VerifyAuthChallengeResponse,
        |t| {
            let _ = t.verify_auth_challenge_response(&event(
                TriggerSource::VerifyAuthChallengeResponseAuthentication,
                ctx(),
                VerifyAuthChallengeRequest {
                    challenge_answer: "42".into(),
                    ..Default::default()
                },
            ));
        },
    );
}

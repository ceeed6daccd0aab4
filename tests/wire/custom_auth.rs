//! `CUSTOM_AUTH` through the JSON adapter (cognito-triggers.md §3.5), with
//! the challenge triggers named in the pool's `LambdaConfig` and run as
//! JSON handlers behind an [`Invoke`]r, as a Lambda function would be: the
//! event JSON each handler got, and the wire shapes the client sees.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::LambdaConfig;
use userpool::srp::{SrpClient, format_timestamp};
use userpool::triggers::{FunctionRef, Invoke, InvokeOutcome};
use userpool::{Clock as _, ConfirmSignUpRequest, HashingParams, SignUpRequest, UserPool};

use crate::support::pools::quickstart_config;
use crate::support::wire::{Calls as _, World};
use crate::support::{PASSWORD, shared_keys};

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:";
const JANE: &str = "jane.doe@example.com";

/// The three handlers, written as a Node.js module would write them
/// (`event.response.… = …; return event;`), recording each event.
#[derive(Debug, Default)]
struct Handlers {
    events: Mutex<Vec<Value>>,
}

impl Handlers {
    fn events(&self, source: &str) -> Vec<Value> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e["triggerSource"] == source)
            .cloned()
            .collect()
    }
}

impl Invoke for Handlers {
    fn invoke(&self, function: &FunctionRef, event: &[u8]) -> InvokeOutcome {
        let mut event: Value = serde_json::from_slice(event).unwrap();
        self.events.lock().unwrap().push(event.clone());
        let request = event["request"].clone();
        match function.name() {
            "define" => {
                let session = request["session"].as_array().unwrap();
                let last = session.last();
                if last.is_some_and(|e| e["challengeName"] == "SRP_A") {
                    event["response"]["challengeName"] = json!("PASSWORD_VERIFIER");
                } else if last.is_some_and(|e| e["challengeName"] == "PASSWORD_VERIFIER") {
                    event["response"]["challengeName"] = json!("CUSTOM_CHALLENGE");
                } else if last.is_some_and(|e| e["challengeResult"] == true) {
                    event["response"]["issueTokens"] = json!(true);
                    event["response"]["failAuthentication"] = json!(false);
                } else if session.len() >= 3 {
                    event["response"]["issueTokens"] = json!(false);
                    event["response"]["failAuthentication"] = json!(true);
                } else {
                    event["response"]["challengeName"] = json!("CUSTOM_CHALLENGE");
                    event["response"]["issueTokens"] = json!(false);
                    event["response"]["failAuthentication"] = json!(false);
                }
            }
            "create" => {
                let round = request["session"].as_array().unwrap().len();
                event["response"]["publicChallengeParameters"] = json!({"question": "6 x 7?"});
                event["response"]["privateChallengeParameters"] = json!({"answer": "42"});
                event["response"]["challengeMetadata"] = json!(format!("QUESTION-{round}"));
            }
            "verify" => {
                let right =
                    request["privateChallengeParameters"]["answer"] == request["challengeAnswer"];
                event["response"]["answerCorrect"] = json!(right);
            }
            other => panic!("no handler {other}"),
        }
        InvokeOutcome::Returned(serde_json::to_vec(&event).unwrap())
    }
}

/// A registry serving a quickstart pool whose `LambdaConfig` names the
/// three handlers, a `CUSTOM_AUTH` client, and Jane confirmed.
fn setup() -> (World, Arc<Handlers>, String) {
    let w = World::new();
    let handlers = Arc::new(Handlers::default());
    let mut lambda = LambdaConfig::default();
    lambda.define_auth_challenge = Some(format!("{ARN}define"));
    lambda.create_auth_challenge = Some(format!("{ARN}create"));
    lambda.verify_auth_challenge_response = Some(format!("{ARN}verify"));
    let pool = UserPool::builder(quickstart_config().lambda_config(lambda).build().unwrap())
        .pool_id("us-east-1_WireCustom")
        .clock(Arc::new(w.clock.clone()))
        .message_sender(Arc::new(w.outbox.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(shared_keys())
        .lambda_invoker(handlers.clone())
        .build()
        .unwrap();
    let client = pool
        .create_user_pool_client(
            AppClientConfig::builder("custom")
                .explicit_auth_flows([AuthFlow::CustomAuth, AuthFlow::RefreshTokenAuth])
                .build()
                .unwrap(),
        )
        .unwrap()
        .id()
        .to_owned();
    pool.sign_up(SignUpRequest::new(&client, JANE, PASSWORD).attribute("family_name", "Doe"))
        .unwrap();
    let code = w.outbox.last_code_for(JANE).unwrap();
    pool.confirm_sign_up(ConfirmSignUpRequest::new(&client, JANE, code))
        .unwrap();
    w.registry.insert_pool(pool);
    (w, handlers, client)
}

fn answer(client: &str, session: &Value, username: &Value, value: &str) -> Value {
    json!({
        "ClientId": client,
        "ChallengeName": "CUSTOM_CHALLENGE",
        "Session": session,
        "ChallengeResponses": {"USERNAME": username, "ANSWER": value},
        "ClientMetadata": {"step": "respond"},
    })
}

#[test]
fn a_custom_challenge_through_the_json_adapter_and_the_lambda_bridge() {
    let (w, handlers, client) = setup();
    let first = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "CUSTOM_AUTH",
            "ClientId": client,
            "AuthParameters": {"USERNAME": JANE},
            "ClientMetadata": {"step": "initiate"},
        }),
    );
    assert_eq!(first["ChallengeName"], "CUSTOM_CHALLENGE");
    let username = first["ChallengeParameters"]["USERNAME"].clone();
    assert!(crate::support::is_uuid_v4(username.as_str().unwrap()));
    assert_eq!(
        first["ChallengeParameters"],
        json!({"question": "6 x 7?", "USERNAME": username})
    );
    let session = first["Session"].clone();
    let len = session.as_str().unwrap().len();
    assert!((20..=2048).contains(&len), "{len}");
    assert!(first.get("AuthenticationResult").is_none());
    // Nothing private anywhere but in the random Session and USERNAME (a
    // UUID), which may hold "42" by chance.
    let mut shown = first.clone();
    shown.as_object_mut().unwrap().remove("Session");
    shown["ChallengeParameters"]
        .as_object_mut()
        .unwrap()
        .remove("USERNAME");
    assert!(!shown.to_string().contains("42") && !shown.to_string().contains("QUESTION-0"));

    // The first Define: an empty session, no clientMetadata key at all.
    let define = &handlers.events("DefineAuthChallenge_Authentication")[0];
    assert_eq!(define["request"]["session"], json!([]));
    assert!(define["request"].get("clientMetadata").is_none());
    assert!(define["request"].get("userNotFound").is_none());
    assert_eq!(define["callerContext"]["clientId"], client);
    assert_eq!(define["userName"], username);
    assert_eq!(define["request"]["userAttributes"]["email"], JANE);

    // A wrong answer: a new challenge and Session; the old one is used up.
    let second = w.ok(
        "RespondToAuthChallenge",
        &answer(&client, &session, &username, "41"),
    );
    assert_eq!(second["ChallengeName"], "CUSTOM_CHALLENGE");
    assert_ne!(second["Session"], session);
    let (kind, message) = w.refused(
        "RespondToAuthChallenge",
        &answer(&client, &session, &username, "42"),
    );
    assert_eq!(
        (kind.as_str(), message.as_str()),
        (
            "NotAuthorizedException",
            "Invalid session for the user, session can only be used once."
        )
    );
    let verify = &handlers.events("VerifyAuthChallengeResponse_Authentication")[0];
    assert_eq!(verify["request"]["challengeAnswer"], "41");
    assert_eq!(
        verify["request"]["privateChallengeParameters"],
        json!({"answer": "42"})
    );
    assert_eq!(
        verify["request"]["clientMetadata"],
        json!({"step": "respond"})
    );

    // The right answer: tokens, and `ChallengeParameters: {}`.
    let done = w.ok(
        "RespondToAuthChallenge",
        &answer(&client, &second["Session"], &json!(JANE), "42"),
    );
    assert!(done.get("ChallengeName").is_none());
    assert!(done.get("Session").is_none());
    assert_eq!(done["ChallengeParameters"], json!({}));
    for key in ["AccessToken", "IdToken", "RefreshToken"] {
        assert!(done["AuthenticationResult"][key].is_string(), "{key}");
    }
    let defines = handlers.events("DefineAuthChallenge_Authentication");
    assert_eq!(
        defines.last().unwrap()["request"]["session"],
        json!([
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": false, "challengeMetadata": "QUESTION-0"},
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": true, "challengeMetadata": "QUESTION-1"},
        ])
    );
    assert_eq!(
        defines.last().unwrap()["request"]["clientMetadata"],
        json!({"step": "respond"})
    );
    // InitiateAuth's metadata reached no challenge trigger.
    assert!(
        !handlers
            .events
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.to_string().contains("initiate"))
    );
}

#[test]
fn the_wire_refuses_what_custom_auth_refuses() {
    let (w, _, client) = setup();
    // No ANSWER.
    let first = w.ok(
        "InitiateAuth",
        &json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": JANE}}),
    );
    let (kind, message) = w.refused(
        "RespondToAuthChallenge",
        &json!({
            "ClientId": client,
            "ChallengeName": "CUSTOM_CHALLENGE",
            "Session": first["Session"],
            "ChallengeResponses": {"USERNAME": JANE},
        }),
    );
    assert_eq!(
        (kind.as_str(), message.as_str()),
        (
            "InvalidParameterException",
            "Missing required parameter ANSWER"
        )
    );
    // A Session that is not one.
    let (kind, message) = w.refused(
        "RespondToAuthChallenge",
        &answer(&client, &json!("x".repeat(40)), &json!(JANE), "42"),
    );
    assert_eq!(
        (kind.as_str(), message.as_str()),
        ("NotAuthorizedException", "Invalid session for the user.")
    );
    // A client without ALLOW_CUSTOM_AUTH.
    let pool = w.registry.pool("us-east-1_WireCustom").unwrap();
    let srp_only = pool
        .create_user_pool_client(
            AppClientConfig::builder("srp")
                .explicit_auth_flows([AuthFlow::UserSrpAuth])
                .build()
                .unwrap(),
        )
        .unwrap();
    let (kind, message) = w.refused(
        "InitiateAuth",
        &json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": srp_only.id(), "AuthParameters": {"USERNAME": JANE}}),
    );
    assert_eq!(
        (kind.as_str(), message.as_str()),
        (
            "InvalidParameterException",
            "CUSTOM_AUTH is not enabled for the client."
        )
    );
}

#[test]
fn srp_first_as_amazon_cognito_identity_js_sends_it() {
    let (w, handlers, client) = setup();
    let srp = SrpClient::new_random().unwrap();
    let pv = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "CUSTOM_AUTH",
            "ClientId": client,
            "AuthParameters": {"USERNAME": JANE, "SRP_A": srp.srp_a(), "CHALLENGE_NAME": "SRP_A"},
        }),
    );
    assert_eq!(pv["ChallengeName"], "PASSWORD_VERIFIER");
    let p = &pv["ChallengeParameters"];
    let user_id = p["USER_ID_FOR_SRP"].as_str().unwrap();
    let timestamp = format_timestamp(w.clock.now());
    let signature = srp
        .process_challenge(
            "WireCustom",
            user_id,
            PASSWORD.as_bytes(),
            p["SALT"].as_str().unwrap(),
            p["SRP_B"].as_str().unwrap(),
            p["SECRET_BLOCK"].as_str().unwrap(),
            &timestamp,
        )
        .unwrap();
    let custom = w.ok(
        "RespondToAuthChallenge",
        &json!({
            "ClientId": client,
            "ChallengeName": "PASSWORD_VERIFIER",
            "Session": pv["Session"],
            "ChallengeResponses": {
                "USERNAME": user_id,
                "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
                "PASSWORD_CLAIM_SIGNATURE": signature,
                "TIMESTAMP": timestamp,
            },
        }),
    );
    assert_eq!(custom["ChallengeName"], "CUSTOM_CHALLENGE");
    let define = handlers.events("DefineAuthChallenge_Authentication");
    assert_eq!(
        define[1]["request"]["session"],
        json!([
            {"challengeName": "SRP_A", "challengeResult": true, "challengeMetadata": null},
            {"challengeName": "PASSWORD_VERIFIER", "challengeResult": true, "challengeMetadata": null},
        ])
    );
    let done = w.ok(
        "RespondToAuthChallenge",
        &answer(&client, &custom["Session"], &json!(user_id), "42"),
    );
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
}

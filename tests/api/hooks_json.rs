//! The same triggers through `JsonTriggers`, as the server runs Lambda
//! functions (cognito-triggers.md §1, §7.2): the exact event JSON a
//! function receives for `PreSignUp_SignUp` and `CustomMessage_SignUp`, and
//! its JSON answer acted on.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use userpool::config::LambdaConfig;
use userpool::triggers::{FunctionRef, Invoke, InvokeOutcome};
use userpool::{HashingParams, UserPool};

use super::common::{JANE, sign_up_request};
use super::hooks_support::{harness, map};
use crate::support::pools::quickstart_config;
use crate::support::shared_keys;

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:";

/// An in-process "Lambda service": records each event with the function
/// it was sent to, and answers as the handlers below would.
#[derive(Debug, Default)]
struct Functions {
    calls: Mutex<Vec<(String, Value)>>,
}

impl Invoke for Functions {
    fn invoke(&self, function: &FunctionRef, event: &[u8]) -> InvokeOutcome {
        let mut event: Value = serde_json::from_slice(event).expect("events are JSON");
        self.calls
            .lock()
            .unwrap()
            .push((function.name().to_owned(), event.clone()));
        match function.name() {
            // export const handler = async (event) => event;
            "pre-sign-up" => {}
            // event.response.emailMessage = `Your code: ${event.request.codeParameter}`
            "custom-message" => {
                event["response"]["emailMessage"] = json!("Your code: {####}");
            }
            other => panic!("no function {other}"),
        }
        InvokeOutcome::Returned(serde_json::to_vec(&event).unwrap())
    }
}

#[test]
fn a_lambda_receives_cognitos_exact_pre_sign_up_and_custom_message_events() {
    let mut lambda = LambdaConfig::default();
    lambda.pre_sign_up = Some(format!("{ARN}pre-sign-up"));
    lambda.custom_message = Some(format!("{ARN}custom-message:live"));
    let functions = Arc::new(Functions::default());
    let h = harness(
        UserPool::builder(quickstart_config().lambda_config(lambda).build().unwrap())
            .pool_id("us-east-1_JsonHooks1")
            .hashing(HashingParams::insecure_fast_for_tests())
            .keys(shared_keys())
            .lambda_invoker(functions.clone()),
    );
    let sub = h
        .pool
        .sign_up(
            sign_up_request(&h, JANE)
                .client_metadata(map(&[("source", "web")]))
                .validation_data(map(&[("captcha", "ok")])),
        )
        .unwrap()
        .user_sub;
    let client = h.client();
    let calls = functions.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].0, "pre-sign-up");
    assert_eq!(
        calls[0].1,
        json!({
            "version": "1",
            "triggerSource": "PreSignUp_SignUp",
            "region": "us-east-1",
            "userPoolId": "us-east-1_JsonHooks1",
            "userName": sub,
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client},
            "request": {
                "userAttributes": {
                    "address": "1 Main St",
                    "custom:created_at": "2022-01-01",
                    "custom:employee_id": "10",
                    "custom:is_admin": "false",
                    "custom:tenant_id": "1234567890",
                    "email": JANE,
                    "family_name": "Foobar"
                },
                "validationData": {"captcha": "ok"},
                "clientMetadata": {"source": "web"}
            },
            "response": {"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}
        })
    );
    assert_eq!(calls[1].0, "custom-message");
    assert_eq!(
        calls[1].1,
        json!({
            "version": "1",
            "triggerSource": "CustomMessage_SignUp",
            "region": "us-east-1",
            "userPoolId": "us-east-1_JsonHooks1",
            "userName": sub,
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client},
            "request": {
                "userAttributes": {
                    "sub": sub,
                    "address": "1 Main St",
                    "custom:created_at": "2022-01-01",
                    "custom:employee_id": "10",
                    "custom:is_admin": "false",
                    "custom:tenant_id": "1234567890",
                    "email": JANE,
                    "family_name": "Foobar",
                    "cognito:user_status": "UNCONFIRMED"
                },
                "codeParameter": "{####}",
                "linkParameter": "{##Click Here##}",
                "usernameParameter": null,
                "clientMetadata": {"source": "web"}
            },
            "response": {"smsMessage": null, "emailMessage": null, "emailSubject": null}
        })
    );
    let m = h.outbox.last_message_for(JANE).unwrap();
    assert_eq!(m.body, format!("Your code: {}", m.code.expose_secret()));
}

//! CustomEmailSender and CustomSMSSender as Rust hooks
//! (cognito-triggers.md §2.8): they replace delivery for their medium,
//! CustomMessage included, receive the code through the pool's
//! `CodeEncryptor`, and their failures never fail the operation; a pool
//! without an encryptor takes the configuration and fails every send
//! through a sender.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use userpool::config::{
    InviteMessageTemplate, LambdaConfig, LambdaVersion, PoolConfig, VerifiedAttribute,
    VersionedLambda,
};
use userpool::schema::StandardAttribute;
use userpool::triggers::{
    CallerContext, CodeEncryptor, CustomMessageResponse, PlaintextCodes, TriggerError,
    TriggerSource,
};
use userpool::{
    AdminCreateUserRequest, ConfirmSignUpRequest, DeliveryMedium, ErrorCode, HashingParams,
    MessageKind, ResendConfirmationCodeRequest, UserPool,
};

use super::common::{Harness, JANE, refused, sign_up_request};
use super::hooks_support::{Hooks, map, message, with_encryptor, with_hooks};
use crate::support::pools::quickstart_config;
use crate::support::shared_keys;

const NO_ENCRYPTOR: &str =
    "CustomEmailSender invocation failed due to error No code encryptor is configured.";

/// Records the key it was asked to encrypt under, and wraps the code.
#[derive(Debug, Default)]
struct Tagging {
    keys: std::sync::Mutex<Vec<String>>,
}

impl CodeEncryptor for Tagging {
    fn encrypt(&self, kms_key_id: &str, plaintext: &[u8]) -> Result<String, TriggerError> {
        self.keys.lock().unwrap().push(kms_key_id.to_owned());
        Ok(format!("sealed:{}", String::from_utf8_lossy(plaintext)))
    }
}

fn decoded(code: Option<&String>) -> String {
    String::from_utf8(STANDARD.decode(code.expect("a code")).unwrap()).unwrap()
}

#[test]
fn the_email_sender_replaces_delivery_and_custom_message_and_gets_the_encrypted_code() {
    let hooks = Arc::new(
        Hooks::new()
            .email_sender(|_| Ok(()))
            .custom_message(|_| Ok(message(Some("never"), None, None))),
    );
    let h = with_encryptor(
        quickstart_config().build().unwrap(),
        &hooks,
        Arc::new(PlaintextCodes),
    );
    let response = h
        .pool
        .sign_up(sign_up_request(&h, JANE).client_metadata(map(&[("m", "1")])))
        .unwrap();
    // Cognito answers as if it sent the code itself.
    assert!(response.code_delivery_details.is_some());
    assert!(h.outbox.messages().is_empty());
    let seen = hooks.seen();
    assert_eq!(seen.order, [TriggerSource::CustomEmailSenderSignUp]);
    let e = &seen.email_sender[0];
    assert_eq!(e.user_name, response.user_sub);
    assert_eq!(e.caller_context, CallerContext::new(h.client()));
    assert_eq!(e.request.client_metadata, Some(map(&[("m", "1")])));
    assert_eq!(e.request.user_attributes["email"], JANE);
    assert_eq!(
        e.request.user_attributes["cognito:user_status"],
        "UNCONFIRMED"
    );
    let code = decoded(e.request.code.as_ref());
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, code))
        .unwrap();
}

#[test]
fn a_failing_sender_does_not_fail_the_operation() {
    let hooks = Arc::new(Hooks::new().email_sender(|_| Err(TriggerError::rejected("smtp down"))));
    let h = with_encryptor(
        quickstart_config().build().unwrap(),
        &hooks,
        Arc::new(PlaintextCodes),
    );
    let response = h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    assert!(response.code_delivery_details.is_some());
    assert_eq!(hooks.seen().email_sender.len(), 1);
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn each_medium_goes_its_own_way_and_temporary_passwords_are_html_escaped() {
    let hooks = Arc::new(
        Hooks::new()
            .email_sender(|_| Ok(()))
            .custom_message(|_| Ok(CustomMessageResponse::default())),
    );
    let encryptor = Arc::new(Tagging::default());
    let mut lambda = LambdaConfig::default();
    lambda.kms_key_id = Some("arn:aws:kms:us-east-1:123456789012:key/k".to_owned());
    let h = with_encryptor(
        PoolConfig::builder("staff")
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .standard_attribute(StandardAttribute::new("given_name").required())
            .invite_message(InviteMessageTemplate {
                sms_message: "{username} {####}".into(),
                ..InviteMessageTemplate::default()
            })
            .lambda_config(lambda)
            .build()
            .unwrap(),
        &hooks,
        encryptor.clone(),
    );
    h.pool
        .admin_create_user(
            AdminCreateUserRequest::new("sam")
                .attribute("given_name", "Sam")
                .attribute("email", "sam@example.com")
                .attribute("phone_number", "+14325551212")
                .temporary_password("Ab1<&>\"'x")
                .desired_delivery_mediums([DeliveryMedium::Email, DeliveryMedium::Sms]),
        )
        .unwrap();
    // SMS through the pool, its CustomMessage called once for it.
    let messages = h.outbox.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].medium, DeliveryMedium::Sms);
    assert_eq!(messages[0].kind, MessageKind::AdminCreateUser);
    assert_eq!(messages[0].body, "sam Ab1<&>\"'x");
    let seen = hooks.seen();
    assert_eq!(
        seen.order,
        [
            TriggerSource::CustomMessageAdminCreateUser,
            TriggerSource::CustomEmailSenderAdminCreateUser
        ]
    );
    let e = &seen.email_sender[0];
    assert_eq!(e.caller_context.client_id, "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(
        e.request.code.as_deref(),
        Some("sealed:Ab1&lt;&amp;&gt;&quot;&#x27;x")
    );
    assert_eq!(
        *encryptor.keys.lock().unwrap(),
        ["arn:aws:kms:us-east-1:123456789012:key/k"]
    );
}

#[test]
fn the_sms_sender_gets_sms_codes() {
    let hooks = Arc::new(Hooks::new().sms_sender(|_| Ok(())));
    let h = with_encryptor(
        PoolConfig::builder("phones")
            .auto_verified_attributes(&[VerifiedAttribute::PhoneNumber])
            .build()
            .unwrap(),
        &hooks,
        Arc::new(PlaintextCodes),
    );
    h.pool
        .sign_up(
            userpool::SignUpRequest::new(h.client(), "pat", crate::support::PASSWORD)
                .attribute("phone_number", "+14325551212"),
        )
        .unwrap();
    assert!(h.outbox.messages().is_empty());
    let seen = hooks.seen();
    assert_eq!(seen.order, [TriggerSource::CustomSmsSenderSignUp]);
    let code = decoded(seen.sms_sender[0].request.code.as_ref());
    assert_eq!(code.len(), 6);
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), "pat", code))
        .unwrap();
}

#[test]
fn without_an_encryptor_a_send_through_a_custom_sender_fails_loudly_and_sends_nothing() {
    let hooks = Arc::new(Hooks::new().email_sender(|_| Ok(())));
    // Accepted: a pool definition with a sender loads unchanged.
    let h = with_hooks(quickstart_config().build().unwrap(), &hooks);
    let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
    assert_eq!(e.code(), ErrorCode::UnexpectedLambda);
    assert_eq!(e.message(), NO_ENCRYPTOR);
    // The sender never saw a code, nothing went out, no code is pending:
    // the user (stored before the message, as on a failed delivery) cannot
    // be confirmed with anything.
    assert!(hooks.seen().email_sender.is_empty());
    assert!(h.outbox.messages().is_empty());
    let e = refused(
        h.pool
            .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, "123456")),
    );
    assert_eq!(e.code(), ErrorCode::ExpiredCode);
    // Every later send fails the same way.
    let e = refused(
        h.pool
            .resend_confirmation_code(ResendConfirmationCodeRequest::new(h.client(), JANE)),
    );
    assert_eq!(e.message(), NO_ENCRYPTOR);
}
fn sender_config() -> LambdaConfig {
    let mut lambda = LambdaConfig::default();
    lambda.custom_email_sender = Some(VersionedLambda::new(
        LambdaVersion::V1_0,
        "arn:aws:lambda:us-east-1:123456789012:function:email",
    ));
    lambda.kms_key_id = Some("arn:aws:kms:us-east-1:123456789012:key/k".to_owned());
    lambda
}

#[test]
fn a_lambda_config_with_a_sender_is_accepted_without_an_encryptor_at_build_and_update() {
    UserPool::builder(
        quickstart_config()
            .lambda_config(sender_config())
            .build()
            .unwrap(),
    )
    .hashing(HashingParams::insecure_fast_for_tests())
    .keys(shared_keys())
    .build()
    .unwrap();
    let h = Harness::new(quickstart_config().build().unwrap());
    let next = quickstart_config()
        .lambda_config(sender_config())
        .build()
        .unwrap();
    h.pool.update_config(next).unwrap();
    assert_eq!(h.pool.config().lambda_config(), &sender_config());
    // The sender is a function nobody can be handed a code for.
    let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
    assert_eq!(e.code(), ErrorCode::UnexpectedLambda);
    assert_eq!(e.message(), NO_ENCRYPTOR);
}

//! `EmailConfiguration` on `CreateUserPool` / `UpdateUserPool`: Cognito's
//! refusals, the echo in `DescribeUserPool`, and the sender every email
//! message then carries.

use serde_json::{Value, json};
use userpool::DeliveryMedium;

use crate::support::wire::{Calls as _, World};

const IDENTITY_ARN: &str = "arn:aws:ses:us-east-1:123456789012:identity/ops@example.com";

fn pool(email: &Value) -> Value {
    json!({"PoolName": "mail", "AutoVerifiedAttributes": ["email"], "EmailConfiguration": email})
}

/// Signs `jane` up in a new pool with `email` and returns the sign-up
/// message's `(from, reply_to)`.
fn sign_up_sender(email: &Value) -> (Option<String>, Option<String>) {
    let w = World::new();
    let pool_id = w.create_pool(&pool(email));
    let client = w.ok(
        "CreateUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientName": "web"}),
    );
    let client_id = client["UserPoolClient"]["ClientId"].as_str().unwrap();
    w.ok(
        "SignUp",
        &json!({"ClientId": client_id, "Username": "jane", "Password": "Passw0rd!",
                "UserAttributes": [{"Name": "email", "Value": "jane@example.com"}]}),
    );
    let message = w.outbox.last_message_for("jane").unwrap();
    assert_eq!(message.medium, DeliveryMedium::Email);
    (message.from, message.reply_to)
}

#[test]
fn a_developer_configuration_is_stored_and_described_back() {
    let w = World::new();
    let email = json!({
        "EmailSendingAccount": "DEVELOPER",
        "SourceArn": IDENTITY_ARN,
        "From": "Example <ops@example.com>",
        "ReplyToEmailAddress": "support@example.com",
        "ConfigurationSet": "tracking_set-1",
    });
    let id = w.create_pool(&pool(&email));
    assert_eq!(w.describe(&id)["EmailConfiguration"], email);
    // UpdateUserPool sets it as given; left out, it is Cognito's default.
    let cognito = json!({"EmailSendingAccount": "COGNITO_DEFAULT", "SourceArn": IDENTITY_ARN});
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "EmailConfiguration": cognito}),
    );
    assert_eq!(w.describe(&id)["EmailConfiguration"], cognito);
    w.ok("UpdateUserPool", &json!({"UserPoolId": id}));
    assert_eq!(w.describe(&id).get("EmailConfiguration"), None);
}

#[test]
fn an_account_left_out_is_cognito_default() {
    let w = World::new();
    let id = w.create_pool(&pool(&json!({"ReplyToEmailAddress": "help@example.com"})));
    assert_eq!(
        w.describe(&id)["EmailConfiguration"],
        json!({"EmailSendingAccount": "COGNITO_DEFAULT", "ReplyToEmailAddress": "help@example.com"})
    );
}

#[test]
fn cognitos_rules_refuse_what_cognito_refuses() {
    let w = World::new();
    let refused = |email: Value| w.refused("CreateUserPool", &pool(&email));
    let invalid = |message: &str| ("InvalidParameterException".to_owned(), message.to_owned());
    assert_eq!(
        refused(json!({"EmailSendingAccount": "COGNITO_DEFAULT", "From": "a@example.com"})),
        invalid("Cannot configure From email address for default email configuration")
    );
    assert_eq!(
        refused(json!({"From": "a@example.com"})),
        invalid("Cannot configure From email address for default email configuration")
    );
    assert_eq!(
        refused(json!({"EmailSendingAccount": "DEVELOPER", "From": "a@example.com"})),
        invalid("SourceArn is required when EmailSendingAccount is DEVELOPER.")
    );
    assert_eq!(
        refused(json!({"EmailSendingAccount": "DEVELOPER",
                       "SourceArn": "arn:aws:iam::123456789012:role/mailer"})),
        invalid(
            "SourceArn must be the ARN of an Amazon SES verified identity: \
             arn:aws:ses:<region>:<account>:identity/<identity>."
        )
    );
    assert_eq!(
        refused(json!({"EmailSendingAccount": "SES"})),
        invalid(
            "1 validation error detected: Value 'SES' at 'emailConfiguration.emailSendingAccount' \
             failed to satisfy constraint: Member must satisfy enum value set: \
             [COGNITO_DEFAULT, DEVELOPER]"
        )
    );
    assert_eq!(
        refused(json!({"EmailSendingAccount": "DEVELOPER", "SourceArn": "not-an-arn"})),
        invalid(
            "2 validation errors detected: Value 'not-an-arn' at 'emailConfiguration.sourceArn' \
             failed to satisfy constraint: Member must satisfy regular expression pattern: \
             arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+\
             (:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?; Value 'not-an-arn' at \
             'emailConfiguration.sourceArn' failed to satisfy constraint: Member must have \
             length between 20 and 2048"
        )
    );
    assert_eq!(
        refused(json!({"ReplyToEmailAddress": "nobody"})),
        invalid(
            "1 validation error detected: Value 'nobody' at \
             'emailConfiguration.replyToEmailAddress' failed to satisfy constraint: Member must \
             satisfy regular expression pattern: \
             [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+@[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
        )
    );
    assert_eq!(
        refused(json!({"ConfigurationSet": "has space"})),
        invalid(
            "1 validation error detected: Value 'has space' at \
             'emailConfiguration.configurationSet' failed to satisfy constraint: Member must \
             satisfy regular expression pattern: ^[a-zA-Z0-9_-]+$"
        )
    );
    assert_eq!(
        refused(json!({"ConfigurationSet": "x".repeat(65)})),
        invalid(&format!(
            "1 validation error detected: Value '{}' at \
             'emailConfiguration.configurationSet' failed to satisfy constraint: Member must \
             have length between 1 and 64",
            "x".repeat(65)
        ))
    );
    // Nothing was created.
    let listed = w.ok("ListUserPools", &json!({"MaxResults": 60}));
    assert_eq!(listed["UserPools"], json!([]));
}

#[test]
fn the_sign_up_email_comes_from_the_configured_sender() {
    assert_eq!(
        sign_up_sender(&json!({"EmailSendingAccount": "COGNITO_DEFAULT"})),
        (Some("no-reply@verificationemail.com".to_owned()), None)
    );
    assert_eq!(
        sign_up_sender(
            &json!({"EmailSendingAccount": "DEVELOPER", "SourceArn": IDENTITY_ARN,
                               "ReplyToEmailAddress": "support@example.com"})
        ),
        (
            Some("ops@example.com".to_owned()),
            Some("support@example.com".to_owned())
        )
    );
    assert_eq!(
        sign_up_sender(
            &json!({"EmailSendingAccount": "DEVELOPER", "SourceArn": IDENTITY_ARN,
                               "From": "Example <no-reply@example.com>"})
        ),
        (Some("Example <no-reply@example.com>".to_owned()), None)
    );
}

//! A pool's `EmailConfiguration` survives a restart: a new registry over
//! the same SQLite file describes it back and its email keeps the sender.

use serde_json::json;

use crate::support::db::TempDb;
use crate::support::wire::{self, Calls as _, open_sqlite as open};

#[test]
fn a_restarted_registry_keeps_the_email_configuration() {
    let db = TempDb::new("restart-email");
    let email = json!({
        "EmailSendingAccount": "DEVELOPER",
        "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
        "From": "Example <no-reply@example.com>",
        "ReplyToEmailAddress": "support@example.com",
        "ConfigurationSet": "audit",
    });
    let (pool, before) = {
        let r = open(&db);
        let pool = wire::Calls::create_pool(
            &r,
            &json!({"PoolName": "mail", "EmailConfiguration": email}),
        );
        let described = r.describe(&pool);
        (pool, described)
    };
    assert_eq!(before["EmailConfiguration"], email);
    let r = open(&db);
    assert_eq!(r.describe(&pool), before);
    let config = r.pool(&pool).unwrap().config();
    assert_eq!(config.email_sender(), "Example <no-reply@example.com>");
}

//! The user, auth, token, recovery and group operations of the wire adapter,
//! driven through `Registry::handle` with the JSON bodies boto3 and
//! amazon-cognito-identity-js send (cognito-protocol.md §3, §4, Appendix A):
//! exact output shapes, `__type`s and messages, HTTP status, and the refusal
//! of members the engine does not implement.
//!
//! The one-pool fixture and the JSON helpers are here; each area is a
//! module: `sign_in`, `admin`, `groups`, `account`, `clients`, `refusals`,
//! `devices`.

mod account;
mod admin;
mod clients;
mod devices;
mod groups;
mod refusals;
mod sign_in;

use std::collections::BTreeSet;

use serde_json::{Value, json};
use userpool::UserPool;
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::PoolConfig;
use userpool::config::VerifiedAttribute;
use userpool::registry::Registry;

use crate::support::PASSWORD;
use crate::support::wire::{Calls, World};

/// Another password the default policy accepts.
const NEW_PASSWORD: &str = "5678Efgh!";

/// A [`World`] with one pool (plain usernames, email auto-verified, the
/// default password policy) and one public client allowing SRP, password,
/// admin password and refresh flows.
struct OnePool {
    world: World,
    pool: UserPool,
    client_id: String,
}

impl Calls for OnePool {
    fn registry(&self) -> &Registry {
        &self.world.registry
    }
}

impl OnePool {
    fn new() -> Self {
        let world = World::new();
        let pool = world
            .registry
            .create_pool(
                PoolConfig::builder("wire")
                    .auto_verified_attributes(&[VerifiedAttribute::Email])
                    .build()
                    .expect("the pool config is valid"),
            )
            .expect("the pool is created");
        let client = pool
            .create_user_pool_client(
                AppClientConfig::builder("web")
                    .explicit_auth_flows([
                        AuthFlow::UserSrpAuth,
                        AuthFlow::UserPasswordAuth,
                        AuthFlow::AdminUserPasswordAuth,
                        AuthFlow::RefreshTokenAuth,
                    ])
                    .build()
                    .expect("the client config is valid"),
            )
            .expect("the client is created");
        Self {
            world,
            client_id: client.id().to_owned(),
            pool,
        }
    }

    fn pool_id(&self) -> &str {
        self.pool.id()
    }

    /// The code of the newest message for `who` (username or destination).
    fn code_for(&self, who: &str) -> String {
        self.world
            .outbox
            .last_code_for(who)
            .unwrap_or_else(|| panic!("no message for {who}"))
            .expose_secret()
            .to_owned()
    }

    /// Signs `username` up with `email` and confirms it with the emailed code.
    fn confirmed_user(&self, username: &str, email: &str) -> Value {
        let out = self.ok(
            "SignUp",
            &json!({
                "ClientId": self.client_id,
                "Username": username,
                "Password": PASSWORD,
                "UserAttributes": [{"Name": "email", "Value": email}],
            }),
        );
        self.ok(
            "ConfirmSignUp",
            &json!({
                "ClientId": self.client_id,
                "Username": username,
                "ConfirmationCode": self.code_for(email),
            }),
        );
        out
    }

    /// `USER_PASSWORD_AUTH`; the `AuthenticationResult`.
    fn sign_in(&self, username: &str, password: &str) -> Value {
        let out = self.ok(
            "InitiateAuth",
            &json!({
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": self.client_id,
                "AuthParameters": {"USERNAME": username, "PASSWORD": password},
            }),
        );
        out["AuthenticationResult"].clone()
    }

    /// A `FORCE_CHANGE_PASSWORD` user created without an invitation.
    fn admin_user(&self, username: &str, email: &str) -> Value {
        self.ok(
            "AdminCreateUser",
            &json!({
                "UserPoolId": self.pool_id(),
                "Username": username,
                "UserAttributes": [{"Name": "email", "Value": email}],
                "TemporaryPassword": PASSWORD,
                "MessageAction": "SUPPRESS",
            }),
        )
    }
}

fn keys_of(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

fn attr<'a>(attributes: &'a Value, name: &str) -> Option<&'a str> {
    attributes
        .as_array()
        .expect("an attribute list")
        .iter()
        .find(|a| a["Name"] == name)
        .and_then(|a| a["Value"].as_str())
}

//! The pool and app-client operations of the wire adapter, driven through
//! `Registry::handle` with the bodies `aws cognito-idp ... --cli-input-json`
//! and boto3 send (cognito-protocol.md §4.2, §4.3, §7, Appendix A): the
//! quickstart pool created from JSON and described back field by field, the
//! same JSON as a `PoolConfig`, refused configurations, pagination,
//! `UpdateUserPool`, `AddCustomAttributes`, app-client CRUD, and deletion.
//!
//! The helpers are here; each area is a module: `create`, `changes`,
//! `clients`, `lambda` (`LambdaConfig` and `UserPoolTier`), `mfa` (pool MFA
//! settings).

mod changes;
mod clients;
mod create;
mod domains;
mod email;
mod lambda;
mod mfa;
mod oauth_clients;
mod resource_servers;
mod tags;

use serde_json::Value;
use userpool::config::PoolConfig;
use userpool::config::RecoveryMechanism;

/// The same pool through the builder, as `examples/quickstart.rs` has it:
/// the quickstart pool with recovery by verified email.
fn quickstart_config() -> PoolConfig {
    crate::support::pools::quickstart_config()
        .account_recovery(&[RecoveryMechanism::VerifiedEmail])
        .build()
        .unwrap()
}

/// `json` with `member` set to `value` (or removed, for `null`).
fn with(mut json: Value, member: &str, value: Value) -> Value {
    let map = json.as_object_mut().unwrap();
    if value.is_null() {
        map.remove(member);
    } else {
        map.insert(member.to_owned(), value);
    }
    json
}

fn schema_attribute<'a>(pool: &'a Value, name: &str) -> &'a Value {
    pool["SchemaAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == name)
        .unwrap_or_else(|| panic!("{name} is not in SchemaAttributes"))
}

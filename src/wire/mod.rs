//! The AWS JSON 1.1 adapter: Cognito's wire protocol as pure functions.
//!
//! [`Registry::handle`] takes the operation named by the `X-Amz-Target`
//! header (`AWSCognitoIdentityProviderService.SignUp`, or just `SignUp`) and
//! the JSON body, and returns the JSON response or Cognito's error body
//! `{"__type": "...", "message": "..."}` with its HTTP status
//! (cognito-protocol.md §3). No sockets: the HTTP shell is
//! `examples/cognito_server.rs`.
//!
//! Field names, shapes and timestamps (epoch seconds) follow botocore's
//! service model. Malformed JSON or a member of the wrong type is a
//! `SerializationException`; a member the engine does not implement is an
//! `InvalidParameterException` that names it — never silently ignored. The
//! exceptions are members that only feed features this engine does not have
//! and whose absence Cognito itself tolerates: `ClientMetadata` (Lambda
//! triggers), `AnalyticsMetadata` (Pinpoint), `UserContextData` /
//! `ContextData` (advanced security); they are accepted and have no effect.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use serde_json::{Map, Value, json};

use crate::clock::{Clock, SystemClock, Timestamp};
use crate::error::{Error, ErrorCode, Result};
use crate::message::{MessageSender, Outbox};
use crate::password::HashingParams;
use crate::store::{MemoryStore, Store};
use crate::token::KeySet;
use crate::{PoolConfig, UserPool};

mod pools;
mod users;

pub use pools::pool_config_from_create_user_pool;

/// The prefix of every `X-Amz-Target` of the service.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// Members accepted by every operation that takes them, with no effect
/// (see the module docs).
const IGNORED_MEMBERS: [&str; 4] = [
    "ClientMetadata",
    "AnalyticsMetadata",
    "UserContextData",
    "ContextData",
];

/// What every pool the registry creates shares.
#[derive(Clone)]
pub struct RegistryOptions {
    /// The region of generated pool ids. Defaults to `us-east-1`.
    pub region: String,
    /// Where every pool keeps its users. Defaults to a fresh [`MemoryStore`].
    pub store: Arc<dyn Store>,
    /// The clock of every pool. Defaults to [`SystemClock`].
    pub clock: Arc<dyn Clock>,
    /// Who delivers codes. Defaults to a fresh [`Outbox`].
    pub sender: Arc<dyn MessageSender>,
    /// Argon2id parameters. Defaults to [`HashingParams::OWASP`].
    pub hashing: HashingParams,
    /// Signing keys for every new pool; `None` (the default) generates a
    /// fresh pair per pool, as Cognito does.
    pub keys: Option<KeySet>,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        Self {
            region: "us-east-1".to_owned(),
            store: Arc::new(MemoryStore::new()),
            clock: Arc::new(SystemClock),
            sender: Arc::new(Outbox::new()),
            hashing: HashingParams::OWASP,
            keys: None,
        }
    }
}

impl fmt::Debug for RegistryOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryOptions")
            .field("region", &self.region)
            .field("hashing", &self.hashing)
            .finish_non_exhaustive()
    }
}

/// A pool and the bookkeeping `DescribeUserPool` reports.
#[derive(Clone, Debug)]
struct Entry {
    pool: UserPool,
    created_at: Timestamp,
    modified_at: Timestamp,
}

/// The pools behind the adapter, by id.
#[derive(Debug)]
pub struct Registry {
    options: RegistryOptions,
    pools: RwLock<BTreeMap<String, Entry>>,
}

/// An HTTP answer: status, JSON body, and for errors the `x-amzn-ErrorType`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireResponse {
    /// 200, 400, or 500 for `InternalErrorException`.
    pub status: u16,
    /// The JSON body.
    pub body: String,
    /// The exception name for error responses (`x-amzn-ErrorType`).
    pub error_type: Option<&'static str>,
}

/// One operation: its handler reads the input and returns the output JSON.
type Handler = fn(&Registry, &Input<'_>) -> Result<Value>;

impl Registry {
    /// An empty registry whose pools share `options`.
    #[must_use]
    pub fn new(options: RegistryOptions) -> Self {
        Self {
            options,
            pools: RwLock::new(BTreeMap::new()),
        }
    }

    /// The options every pool shares.
    #[must_use]
    pub fn options(&self) -> &RegistryOptions {
        &self.options
    }

    /// Creates a pool from a validated configuration, with a fresh id.
    ///
    /// # Errors
    /// `InternalErrorException` if randomness or key generation fails.
    pub fn create_pool(&self, config: PoolConfig) -> Result<UserPool> {
        let mut builder = UserPool::builder(config)
            .region(self.options.region.clone())
            .store(Arc::clone(&self.options.store))
            .clock(Arc::clone(&self.options.clock))
            .message_sender(Arc::clone(&self.options.sender))
            .hashing(self.options.hashing);
        if let Some(keys) = &self.options.keys {
            builder = builder.keys(keys.clone());
        }
        let pool = builder.build()?;
        self.insert_pool(pool.clone());
        Ok(pool)
    }

    /// Adds a pool built elsewhere (with its own store, keys, ...).
    pub fn insert_pool(&self, pool: UserPool) {
        let now = self.options.clock.now();
        self.write().insert(
            pool.id().to_owned(),
            Entry {
                pool,
                created_at: now,
                modified_at: now,
            },
        );
    }

    /// The pool `id`.
    ///
    /// # Errors
    /// `ResourceNotFoundException` (`User pool <id> does not exist.`).
    pub fn pool(&self, id: &str) -> Result<UserPool> {
        self.read()
            .get(id)
            .map(|e| e.pool.clone())
            .ok_or_else(|| pool_not_found(id))
    }

    /// Every pool, by id.
    #[must_use]
    pub fn pools(&self) -> Vec<UserPool> {
        self.read().values().map(|e| e.pool.clone()).collect()
    }

    /// Removes the pool `id` (its users stay in the store).
    ///
    /// # Errors
    /// `ResourceNotFoundException`.
    pub fn delete_pool(&self, id: &str) -> Result<()> {
        self.write()
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| pool_not_found(id))
    }

    /// The pool that has the app client `client_id`.
    ///
    /// # Errors
    /// `ResourceNotFoundException` (`User pool client <id> does not exist.`).
    pub fn pool_of_client(&self, client_id: &str) -> Result<UserPool> {
        self.read()
            .values()
            .find(|e| e.pool.describe_user_pool_client(client_id).is_ok())
            .map(|e| e.pool.clone())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::ResourceNotFound,
                    format!("User pool client {client_id} does not exist."),
                )
            })
    }

    /// The pool that issued an access token, read from its `iss` claim
    /// without verifying it (the pool's own operation verifies it).
    ///
    /// # Errors
    /// `NotAuthorizedException` (`Invalid Access Token`) when the token names
    /// no pool of this registry.
    pub fn pool_of_access_token(&self, token: &str) -> Result<UserPool> {
        let invalid = || Error::not_authorized("Invalid Access Token");
        let payload = token.split('.').nth(1).ok_or_else(invalid)?;
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| invalid())?;
        let claims: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        let iss = claims
            .get("iss")
            .and_then(Value::as_str)
            .ok_or_else(invalid)?;
        self.read()
            .values()
            .find(|e| e.pool.issuer() == iss)
            .map(|e| e.pool.clone())
            .ok_or_else(invalid)
    }

    /// Marks the pool as modified now (for `DescribeUserPool`).
    fn touch(&self, id: &str) {
        let now = self.options.clock.now();
        if let Some(e) = self.write().get_mut(id) {
            e.modified_at = now;
        }
    }

    fn dates(&self, id: &str) -> (Timestamp, Timestamp) {
        self.read()
            .get(id)
            .map_or((Timestamp::UNIX_EPOCH, Timestamp::UNIX_EPOCH), |e| {
                (e.created_at, e.modified_at)
            })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Entry>> {
        self.pools.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Entry>> {
        self.pools.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Handles one request: `target` is the `X-Amz-Target` value (with or
    /// without the service prefix), `body` the JSON request body. Never
    /// panics; every failure is a well-formed error response.
    #[must_use]
    pub fn handle(&self, target: &str, body: &[u8]) -> WireResponse {
        match self.dispatch(target, body) {
            Ok(value) => WireResponse {
                status: 200,
                body: value.to_string(),
                error_type: None,
            },
            Err(e) => error_response(&e),
        }
    }

    fn dispatch(&self, target: &str, body: &[u8]) -> Result<Value> {
        let op = target.strip_prefix(TARGET_PREFIX).unwrap_or(target);
        let handler = pools::HANDLERS
            .iter()
            .chain(users::HANDLERS.iter())
            .find(|(name, _)| *name == op)
            .map(|(_, h)| *h)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::UnknownOperation,
                    format!("Unknown operation: {}", truncate(op, 64)),
                )
            })?;
        let map = parse_body(body)?;
        let input = Input::new(&map);
        let out = handler(self, &input)?;
        input.finish()?;
        Ok(out)
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn pool_not_found(id: &str) -> Error {
    Error::new(
        ErrorCode::ResourceNotFound,
        format!("User pool {} does not exist.", truncate(id, 64)),
    )
}

/// Cognito's error body and status for `e` (cognito-protocol.md §3.4).
#[must_use]
pub fn error_response(e: &Error) -> WireResponse {
    WireResponse {
        status: e.code().http_status(),
        body: json!({"__type": e.code().as_str(), "message": e.message()}).to_string(),
        error_type: Some(e.code().as_str()),
    }
}

fn parse_body(body: &[u8]) -> Result<Map<String, Value>> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(serialization(
            "Start of list or value found where a structure was expected.",
        )),
        Err(_) => Err(serialization("The request body is not valid JSON.")),
    }
}

fn serialization(message: &str) -> Error {
    Error::new(ErrorCode::Serialization, message)
}

/// `member`'s name in Cognito's validation messages: lower camel case.
fn camel(member: &str) -> String {
    let mut chars = member.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// A request body being read: typed getters, and a record of the members
/// read so [`Input::finish`] can refuse the ones no handler implements.
pub(crate) struct Input<'a> {
    map: &'a Map<String, Value>,
    used: RefCell<BTreeSet<String>>,
}

impl<'a> Input<'a> {
    fn new(map: &'a Map<String, Value>) -> Self {
        Self {
            map,
            used: RefCell::new(BTreeSet::new()),
        }
    }

    /// The raw value of `member`, `None` when absent or `null`.
    pub(crate) fn value(&self, member: &str) -> Option<&'a Value> {
        self.used.borrow_mut().insert(member.to_owned());
        self.map.get(member).filter(|v| !v.is_null())
    }

    /// Refuses any member present that no getter read (and that is not one
    /// of the accepted, no-effect members).
    fn finish(&self) -> Result<()> {
        let used = self.used.borrow();
        match self.map.iter().find(|(k, v)| {
            !v.is_null() && !used.contains(k.as_str()) && !IGNORED_MEMBERS.contains(&k.as_str())
        }) {
            Some((k, _)) => Err(Error::invalid_parameter(format!(
                "The parameter {} is not supported by this engine.",
                truncate(k, 64)
            ))),
            None => Ok(()),
        }
    }

    /// An optional string member.
    pub(crate) fn opt_str(&self, member: &str) -> Result<Option<&'a str>> {
        match self.value(member) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(wrong_type(member, "string")),
        }
    }

    /// A required string member.
    pub(crate) fn str(&self, member: &str) -> Result<&'a str> {
        self.opt_str(member)?.ok_or_else(|| missing(member))
    }

    /// An optional boolean member.
    pub(crate) fn opt_bool(&self, member: &str) -> Result<Option<bool>> {
        match self.value(member) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(wrong_type(member, "boolean")),
        }
    }

    /// An optional integer member.
    pub(crate) fn opt_i64(&self, member: &str) -> Result<Option<i64>> {
        match self.value(member) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| wrong_type(member, "integer")),
            Some(_) => Err(wrong_type(member, "integer")),
        }
    }

    /// An optional list of strings.
    pub(crate) fn opt_str_list(&self, member: &str) -> Result<Option<Vec<String>>> {
        match self.value(member) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| wrong_type(member, "list of strings"))
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(_) => Err(wrong_type(member, "list")),
        }
    }

    /// An optional string-to-string map (`AuthParameters`, ...).
    pub(crate) fn opt_str_map(&self, member: &str) -> Result<Option<BTreeMap<String, String>>> {
        match self.value(member) {
            None => Ok(None),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| {
                    v.as_str()
                        .map(|s| (k.clone(), s.to_owned()))
                        .ok_or_else(|| wrong_type(member, "map of strings"))
                })
                .collect::<Result<BTreeMap<_, _>>>()
                .map(Some),
            Some(_) => Err(wrong_type(member, "map")),
        }
    }

    /// An optional list of `AttributeType` (`{"Name": ..., "Value": ...}`).
    pub(crate) fn opt_attributes(
        &self,
        member: &str,
    ) -> Result<Option<Vec<crate::schema::Attribute>>> {
        match self.value(member) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    let obj = item
                        .as_object()
                        .ok_or_else(|| wrong_type(member, "list of AttributeType"))?;
                    let name = match obj.get("Name") {
                        Some(Value::String(s)) => s.clone(),
                        _ => return Err(missing(&format!("{member}.member.Name"))),
                    };
                    let value = match obj.get("Value") {
                        None | Some(Value::Null) => String::new(),
                        Some(Value::String(s)) => s.clone(),
                        Some(_) => return Err(wrong_type(member, "list of AttributeType")),
                    };
                    if let Some(extra) = obj.keys().find(|k| *k != "Name" && *k != "Value") {
                        return Err(Error::invalid_parameter(format!(
                            "The parameter {member}.{} is not supported by this engine.",
                            truncate(extra, 64)
                        )));
                    }
                    Ok(crate::schema::Attribute::new(name, value))
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(_) => Err(wrong_type(member, "list")),
        }
    }
}

/// A missing required member, in Cognito's model-validation wording.
pub(crate) fn missing(member: &str) -> Error {
    Error::invalid_parameter(format!(
        "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
        camel(member)
    ))
}

fn wrong_type(member: &str, expected: &str) -> Error {
    serialization(&format!("Expected {expected} for {member}."))
}

/// A timestamp as the JSON protocol sends it: epoch seconds, with a fraction.
#[must_use]
pub(crate) fn timestamp(t: Timestamp) -> Value {
    json!(t.unix_millis() as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_operations_and_bad_bodies_are_well_formed_errors() {
        let r = Registry::new(RegistryOptions::default());
        let resp = r.handle("AWSCognitoIdentityProviderService.Nope", b"{}");
        assert_eq!(resp.status, 400);
        assert_eq!(resp.error_type, Some("UnknownOperationException"));
        let body: Value = serde_json::from_str(&resp.body).unwrap_or(Value::Null);
        assert_eq!(body["__type"], "UnknownOperationException");
    }

    #[test]
    fn camel_case_of_members() {
        assert_eq!(camel("UserPoolId"), "userPoolId");
        assert_eq!(camel(""), "");
    }
}

//! The pools, users and small assertions every module of the API tests
//! shares, over the fixtures of `tests/support`.

use std::fmt::Debug;
use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use userpool::HashingParams;
use userpool::client::{AppClient, AppClientConfig, AppClientConfigBuilder, AuthFlow};
use userpool::config::PoolConfig;
use userpool::config::{AliasAttribute, VerifiedAttribute};
use userpool::internals::password::{self, PasswordHash};
use userpool::schema::StandardAttribute;
use userpool::store::{MemoryStore, Store};
use userpool::store::{UserRecord, UserStore};
use userpool::{
    AuthenticationResult, Code, ConfirmSignUpRequest, Error, InitiateAuthRequest, ListUsersRequest,
    ManualClock, Outbox, Password, SignUpRequest, User, UserPool,
};

use crate::support::pools::quickstart_config;
use crate::support::{PASSWORD, clock_at_start, shared_keys};

/// The code rules the tests hold the pool to, written down here rather than
/// read from the engine (cognito-protocol.md §7.5, and the choices in the
/// crate's `code` module docs): six digits; sign-up and attribute codes
/// valid 24 hours, reset codes 1 hour; five tries per code; fifteen per
/// user and purpose per hour across re-sent codes.
pub(crate) const CODE_DIGITS: usize = 6;
pub(crate) const SIGN_UP_CODE_VALIDITY: std::time::Duration =
    std::time::Duration::from_secs(24 * 3600);
pub(crate) const MAX_ATTEMPTS: u32 = 5;
pub(crate) const MAX_WINDOW_ATTEMPTS: u32 = 15;
pub(crate) const ATTEMPT_WINDOW: std::time::Duration = std::time::Duration::from_secs(3600);

/// A pool and the handles a test steers it with.
#[derive(Debug)]
pub(crate) struct Harness {
    pub(crate) pool: UserPool,
    pub(crate) clock: ManualClock,
    pub(crate) outbox: Outbox,
    pub(crate) store: Arc<MemoryStore>,
    /// The app client sign-ups go through, created at first use.
    client: OnceLock<String>,
}

impl Harness {
    /// A pool on `config` with a fresh in-memory store, a stopped clock at
    /// [`START`](crate::support::START), an outbox, and cheap hashing.
    pub(crate) fn new(config: PoolConfig) -> Self {
        Self::with_store(config, Arc::new(MemoryStore::new()))
    }

    /// As [`Harness::new`], on `store`.
    pub(crate) fn with_store(config: PoolConfig, store: Arc<MemoryStore>) -> Self {
        let clock = clock_at_start();
        let outbox = Outbox::new();
        let pool = build_pool(config, store.clone(), &clock, &outbox);
        Self::from_parts(pool, clock, outbox, store)
    }

    /// A harness over a pool built elsewhere, with the handles it was built with.
    pub(crate) fn from_parts(
        pool: UserPool,
        clock: ManualClock,
        outbox: Outbox,
        store: Arc<MemoryStore>,
    ) -> Self {
        Self {
            pool,
            clock,
            outbox,
            store,
            client: OnceLock::new(),
        }
    }

    /// The app client sign-ups, confirmations and code re-sends go through:
    /// a public client allowing [`PASSWORD_FLOWS`] (not SRP, so no verifier
    /// is stored unless a test adds an SRP client), created at first use.
    pub(crate) fn client(&self) -> &str {
        self.client.get_or_init(|| {
            add_client(self, password_client_config("sign-up"))
                .id()
                .to_owned()
        })
    }

    /// The code (or temporary password) of the newest message for `who`:
    /// an internal username or an unmasked destination.
    pub(crate) fn code_for(&self, who: &str) -> Code {
        self.outbox
            .last_code_for(who)
            .unwrap_or_else(|| panic!("no message was sent to {who}"))
    }

    /// The stored record of the user with internal username `username`.
    pub(crate) fn record(&self, username: &str) -> UserRecord {
        self.store
            .get_user(self.pool.id(), username)
            .expect("the memory store does not fail")
            .unwrap_or_else(|| panic!("no stored user {username}"))
    }

    /// The user `name` (username or alias) resolves to; panics when unknown.
    pub(crate) fn user(&self, name: &str) -> User {
        self.pool
            .admin_get_user(name)
            .unwrap_or_else(|e| panic!("admin_get_user({name}): {e}"))
    }

    /// Every user of the pool, in one page.
    pub(crate) fn all_users(&self) -> Vec<User> {
        self.pool
            .list_users(ListUsersRequest::default())
            .expect("an unfiltered listing succeeds")
            .users
    }

    /// Whether `password` is the stored password of `username`.
    pub(crate) fn has_password(&self, username: &str, password: &str) -> bool {
        let phc = self
            .record(username)
            .password_hash
            .expect("the user has a password");
        let hash = PasswordHash::from_phc(phc).expect("stored hashes parse");
        password::verify_password(
            &HashingParams::insecure_fast_for_tests(),
            &hash,
            &Password::new(password),
        )
        .expect("verification runs")
        .is_match()
    }
}

/// A pool on `config` over `store`, with `clock`, `outbox` and cheap hashing.
pub(crate) fn build_pool(
    config: PoolConfig,
    store: Arc<dyn Store>,
    clock: &ManualClock,
    outbox: &Outbox,
) -> UserPool {
    UserPool::builder(config)
        .pool_id("us-east-1_ApiTests1")
        .store(store)
        .clock(Arc::new(clock.clone()))
        .message_sender(Arc::new(outbox.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(shared_keys())
        .build()
        .expect("the test pool builds")
}

/// A harness on the quickstart pool ([`quickstart_config`]).
pub(crate) fn quickstart() -> Harness {
    Harness::new(
        quickstart_config()
            .build()
            .expect("the quickstart pool is valid"),
    )
}

/// A sign-up to the quickstart pool with every attribute it knows, valid.
pub(crate) fn sign_up_request(h: &Harness, email: &str) -> SignUpRequest {
    sign_up_request_via(h.client(), email)
}

/// [`sign_up_request`] through the app client `client_id`.
pub(crate) fn sign_up_request_via(client_id: &str, email: &str) -> SignUpRequest {
    SignUpRequest::new(client_id, email, PASSWORD)
        .attribute("family_name", "Foobar")
        .attribute("address", "1 Main St")
        .attribute("custom:tenant_id", "1234567890")
        .attribute("custom:created_at", "2022-01-01")
        .attribute("custom:employee_id", "10")
        .attribute("custom:is_admin", "false")
}

/// Jane, the quickstart example's user.
pub(crate) const JANE: &str = "jane.doe@example.com";

/// Signs `email` up to a quickstart harness; returns the new `sub`.
pub(crate) fn sign_up(h: &Harness, email: &str) -> String {
    h.pool
        .sign_up(sign_up_request(h, email))
        .unwrap_or_else(|e| panic!("sign_up({email}): {e}"))
        .user_sub
}

/// A staff directory: plain usernames (case sensitivity as given), email
/// auto-verified, `given_name` required (and mutable), `family_name`
/// immutable, Cognito's default password policy.
pub(crate) fn staff(case_sensitive: bool) -> Harness {
    Harness::new(
        PoolConfig::builder("staff")
            .case_sensitive(case_sensitive)
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .standard_attribute(StandardAttribute::new("given_name").required())
            .standard_attribute(StandardAttribute::new("family_name").immutable())
            .build()
            .expect("the staff pool is valid"),
    )
}

/// A sign-up to a [`staff`] pool.
pub(crate) fn staff_request(h: &Harness, username: &str, email: &str) -> SignUpRequest {
    SignUpRequest::new(h.client(), username, PASSWORD)
        .attribute("given_name", "Sam")
        .attribute("email", email)
}

/// Usernames with email as a sign-in alias, the email auto-verified.
pub(crate) fn alias_pool() -> Harness {
    Harness::new(
        PoolConfig::builder("aliases")
            .alias_attributes(&[AliasAttribute::Email])
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .build()
            .expect("the alias pool is valid"),
    )
}

/// The error `result` holds; panics (failing the test) on success.
pub(crate) fn refused<T: Debug>(result: Result<T, Error>) -> Error {
    match result {
        Ok(v) => panic!("expected a refusal, got Ok({v:?})"),
        Err(e) => e,
    }
}

/// A six-digit code that differs from `code` in every digit.
pub(crate) fn wrong_code(code: &Code) -> Code {
    Code::new(
        code.expose_secret()
            .chars()
            .map(|c| {
                c.to_digit(10)
                    .map_or('0', |d| char::from(b'0' + ((d + 1) % 10) as u8))
            })
            .collect::<String>(),
    )
}

// ----- app clients, sign-in and tokens -----

/// The flows the sign-in modules use: `USER_PASSWORD_AUTH`,
/// `ADMIN_USER_PASSWORD_AUTH` and `REFRESH_TOKEN_AUTH`.
pub(crate) const PASSWORD_FLOWS: [AuthFlow; 3] = [
    AuthFlow::UserPasswordAuth,
    AuthFlow::AdminUserPasswordAuth,
    AuthFlow::RefreshTokenAuth,
];

/// An app client configuration allowing [`PASSWORD_FLOWS`] and otherwise
/// Cognito's defaults, for a test to refine.
pub(crate) fn password_client_config(name: &str) -> AppClientConfigBuilder {
    AppClientConfig::builder(name).explicit_auth_flows(PASSWORD_FLOWS)
}

/// Creates an app client on `h` from `config`.
pub(crate) fn add_client(h: &Harness, config: AppClientConfigBuilder) -> AppClient {
    h.pool
        .create_user_pool_client(config.build().expect("the test client is valid"))
        .expect("the client is created")
}

/// A public client on `h` allowing [`PASSWORD_FLOWS`]; its id.
pub(crate) fn password_client(h: &Harness) -> String {
    add_client(h, password_client_config("web")).id().to_owned()
}

/// Signs `email` up to a quickstart harness and confirms it with the code
/// sent, so the email is verified; returns the new `sub`.
pub(crate) fn confirmed(h: &Harness, email: &str) -> String {
    let sub = sign_up(h, email);
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            email,
            h.code_for(email),
        ))
        .unwrap_or_else(|e| panic!("confirm_sign_up({email}): {e}"));
    sub
}

/// `USER_PASSWORD_AUTH` through `client_id`, which must end in tokens.
pub(crate) fn sign_in(
    h: &Harness,
    client_id: &str,
    username: &str,
    password: &str,
) -> AuthenticationResult {
    h.pool
        .initiate_auth(InitiateAuthRequest::user_password(
            client_id, username, password,
        ))
        .unwrap_or_else(|e| panic!("sign-in of {username}: {e}"))
        .authentication_result
        .unwrap_or_else(|| panic!("sign-in of {username} ended in a challenge"))
}

/// The refresh token of a sign-in's tokens.
pub(crate) fn refresh_token(tokens: &AuthenticationResult) -> String {
    tokens
        .refresh_token
        .clone()
        .expect("a sign-in returns a refresh token")
}

/// The payload of a JWT, decoded without any check (the signature is
/// checked in `tokens.rs`; elsewhere only the claims matter).
pub(crate) fn claims(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).expect("a JWT has a payload");
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .expect("the payload is base64url");
    serde_json::from_slice(&bytes).expect("the payload is JSON")
}

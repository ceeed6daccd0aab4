//! `USER_SRP_AUTH` and the `PASSWORD_VERIFIER` challenge through the pool,
//! answered the way real clients answer (`userpool::srp::SrpClient`,
//! amazon-cognito-identity-js's arithmetic): the challenge's exact shape, the
//! answer's `USERNAME` and `SECRET_HASH`, every refusal of a wrong, tampered,
//! foreign, reused, expired or badly timed answer, the user's state, the
//! verifier's life across every password change, and `Debug`
//! (cognito-protocol.md §1.5, §1.8–§1.13, §2, §7.9).
//!
//! The pool id is `us-east-1_ApiTests1`, so the `poolName` in the SRP
//! maths is `ApiTests1` (§1.3). Every signature is computed over exactly the
//! block and `TIMESTAMP` sent, so a refusal is the server's doing, never a
//! client mistake.
//!
//! The clients, challenges and answers every area shares are here; each
//! area is a module: `handshake`, `refusals`, `user_state`, `verifier`,
//! `properties`, `debug`.

mod debug;
mod handshake;
mod mfa;
mod properties;
mod refusals;
mod rotation;
mod user_state;
mod verifier;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use userpool::client::{AppClientConfig, AppClientConfigBuilder, AuthFlow};
use userpool::internals::srp;
use userpool::srp::{SrpClient, format_timestamp};
use userpool::{
    AuthResponse, ChallengeName, Clock, ErrorCode, InitiateAuthRequest,
    RespondToAuthChallengeRequest,
};

use super::common::{
    Harness, JANE, add_client, claims, confirmed, quickstart, refused, staff, staff_request,
};

/// The `poolName` of `us-east-1_ApiTests1`.
const POOL_NAME: &str = "ApiTests1";
const WRONG: &str = "Wrong1234^";
/// Satisfies both the quickstart and the default policy.
const NEW_PASSWORD: &str = "N3w-Passw0rd!";
const TEMPORARY: &str = "Temp0rary!";
const INCORRECT: &str = "Incorrect username or password.";
const BOB: &str = "bob.roe@example.com";

/// The five keys of a `PASSWORD_VERIFIER` challenge, in order (§1.5 step 7).
const CHALLENGE_KEYS: [&str; 5] = [
    "SALT",
    "SECRET_BLOCK",
    "SRP_B",
    "USERNAME",
    "USER_ID_FOR_SRP",
];

/// Every flow this module signs in with.
const SRP_FLOWS: [AuthFlow; 4] = [
    AuthFlow::UserSrpAuth,
    AuthFlow::UserPasswordAuth,
    AuthFlow::AdminUserPasswordAuth,
    AuthFlow::RefreshTokenAuth,
];

fn srp_config(name: &str) -> AppClientConfigBuilder {
    AppClientConfig::builder(name).explicit_auth_flows(SRP_FLOWS)
}

/// A public client on `h` allowing [`SRP_FLOWS`]; its id.
fn srp_client(h: &Harness) -> String {
    add_client(h, srp_config("spa")).id().to_owned()
}

/// A quickstart pool with an SRP client (created first, so passwords get a
/// verifier) and Jane confirmed: `(harness, client id, Jane's sub)`.
fn jane() -> (Harness, String, String) {
    let h = quickstart();
    let client = srp_client(&h);
    let sub = confirmed(&h, JANE);
    (h, client, sub)
}

/// A case-insensitive username pool with an SRP client and `Alice`
/// confirmed: `(harness, client id, Alice's internal username)`.
fn alice() -> (Harness, String, String) {
    let h = staff(false);
    let client = srp_client(&h);
    h.pool
        .sign_up(staff_request(&h, "Alice", "alice@example.com"))
        .unwrap();
    h.pool.admin_confirm_sign_up("Alice").unwrap();
    let username = h.user("alice").username;
    (h, client, username)
}

/// Which of the two operations of a pair to call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Api {
    Public,
    Admin,
}

impl Api {
    fn initiate(self, h: &Harness, request: InitiateAuthRequest) -> userpool::Result<AuthResponse> {
        match self {
            Self::Public => h.pool.initiate_auth(request),
            Self::Admin => h.pool.admin_initiate_auth(request),
        }
    }

    fn respond(
        self,
        h: &Harness,
        request: RespondToAuthChallengeRequest,
    ) -> userpool::Result<AuthResponse> {
        match self {
            Self::Public => h.pool.respond_to_auth_challenge(request),
            Self::Admin => h.pool.admin_respond_to_auth_challenge(request),
        }
    }
}

fn srp_request(client: &str, username: &str, srp_a: &str) -> InitiateAuthRequest {
    InitiateAuthRequest::new(AuthFlow::UserSrpAuth, client)
        .param("USERNAME", username)
        .param("SRP_A", srp_a)
}

/// Step one through `InitiateAuth` with a fresh client secret `a`, which
/// must end in a `PASSWORD_VERIFIER` challenge.
fn start(h: &Harness, client: &str, username: &str) -> (SrpClient, AuthResponse) {
    let srp = SrpClient::new_random().unwrap();
    let challenge = start_with(h, client, username, &srp);
    (srp, challenge)
}

/// Step one for `username` with the client's own `srp` (its `A`): the
/// sealed block carries `A` in its minimal form, so blocks compare in
/// length only for one `A`.
fn start_with(h: &Harness, client: &str, username: &str, srp: &SrpClient) -> AuthResponse {
    let challenge = h
        .pool
        .initiate_auth(srp_request(client, username, &srp.srp_a()))
        .unwrap_or_else(|e| panic!("USER_SRP_AUTH of {username}: {e}"));
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeName::PasswordVerifier)
    );
    challenge
}

/// A challenge parameter; panics when absent.
fn param<'a>(response: &'a AuthResponse, key: &str) -> &'a str {
    response
        .challenge_parameters
        .get(key)
        .unwrap_or_else(|| panic!("no {key} in {:?}", response.challenge_parameters))
}

/// The `PASSWORD_CLAIM_SIGNATURE` a client computes for `challenge` with
/// `password`, over `block` and `timestamp` exactly as given.
fn sign(
    srp: &SrpClient,
    challenge: &AuthResponse,
    password: &str,
    block: &str,
    timestamp: &str,
) -> String {
    srp.process_challenge(
        POOL_NAME,
        param(challenge, "USER_ID_FOR_SRP"),
        password.as_bytes(),
        param(challenge, "SALT"),
        param(challenge, "SRP_B"),
        block,
        timestamp,
    )
    .unwrap()
}

/// The `TIMESTAMP` a client with a correct clock sends now.
fn now_timestamp(h: &Harness) -> String {
    format_timestamp(h.clock.now())
}

/// A `PASSWORD_VERIFIER` answer, field by field, for tests to spoil.
#[derive(Clone, Debug)]
struct Answer {
    username: String,
    secret_block: String,
    timestamp: String,
    signature: String,
    secret_hash: Option<String>,
}

impl Answer {
    /// What a correct client sends with `password` at the pool's current
    /// time: the challenge's `USERNAME`, its block, no secret hash.
    fn new(h: &Harness, srp: &SrpClient, challenge: &AuthResponse, password: &str) -> Self {
        let secret_block = param(challenge, "SECRET_BLOCK").to_owned();
        let timestamp = now_timestamp(h);
        Self {
            username: param(challenge, "USERNAME").to_owned(),
            signature: sign(srp, challenge, password, &secret_block, &timestamp),
            secret_block,
            timestamp,
            secret_hash: None,
        }
    }

    /// Signs again after a test changed the block or the timestamp.
    fn resign(mut self, srp: &SrpClient, challenge: &AuthResponse, password: &str) -> Self {
        self.signature = sign(
            srp,
            challenge,
            password,
            &self.secret_block,
            &self.timestamp,
        );
        self
    }

    fn request(&self, client: &str) -> RespondToAuthChallengeRequest {
        let request =
            RespondToAuthChallengeRequest::new(client, ChallengeName::PasswordVerifier, None)
                .response("USERNAME", &self.username)
                .response("PASSWORD_CLAIM_SECRET_BLOCK", &self.secret_block)
                .response("PASSWORD_CLAIM_SIGNATURE", &self.signature)
                .response("TIMESTAMP", &self.timestamp);
        match &self.secret_hash {
            Some(hash) => request.response("SECRET_HASH", hash),
            None => request,
        }
    }

    fn send(&self, h: &Harness, client: &str) -> userpool::Result<AuthResponse> {
        h.pool.respond_to_auth_challenge(self.request(client))
    }
}

/// Both steps through the public operations, answering with the challenge's
/// `USERNAME` as amazon-cognito-identity-js does.
fn srp_sign_in(
    h: &Harness,
    client: &str,
    username: &str,
    password: &str,
) -> userpool::Result<AuthResponse> {
    let srp = SrpClient::new_random().unwrap();
    let challenge = h
        .pool
        .initiate_auth(srp_request(client, username, &srp.srp_a()))?;
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeName::PasswordVerifier)
    );
    Answer::new(h, &srp, &challenge, password).send(h, client)
}

fn assert_error<T: std::fmt::Debug>(result: userpool::Result<T>, code: ErrorCode, message: &str) {
    let e = refused(result);
    assert_eq!((e.code(), e.message()), (code, message));
}

fn assert_incorrect<T: std::fmt::Debug>(result: userpool::Result<T>) {
    assert_error(result, ErrorCode::NotAuthorized, INCORRECT);
}

/// `response` is the token triple of `username` (internal) with `sub`,
/// issued to `client`.
fn assert_tokens_of(response: &AuthResponse, client: &str, username: &str, sub: &str) {
    assert_eq!(response.challenge_name, None);
    assert_eq!(response.session, None);
    assert!(response.challenge_parameters.is_empty());
    let tokens = response
        .authentication_result
        .as_ref()
        .expect("tokens, not a challenge");
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 3600);
    assert!(tokens.refresh_token.as_ref().is_some_and(|r| !r.is_empty()));
    let access = claims(&tokens.access_token);
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["username"], username);
    assert_eq!(access["sub"], sub);
    assert_eq!(access["client_id"], client);
    let id = claims(&tokens.id_token);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["cognito:username"], username);
    assert_eq!(id["sub"], sub);
    assert_eq!(id["aud"], client);
}

fn signs_in(h: &Harness, client: &str, username: &str, password: &str) -> bool {
    match srp_sign_in(h, client, username, password) {
        Ok(r) => r.authentication_result.is_some(),
        Err(e) => {
            assert_eq!(
                (e.code(), e.message()),
                (ErrorCode::NotAuthorized, INCORRECT)
            );
            false
        }
    }
}

/// Lowercase hex without a leading zero digit: `BigInteger.toString(16)`.
fn is_minimal_lower_hex(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('0')
        && s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// Standard base64 with padding, exactly as `STANDARD` encodes.
fn is_standard_padded_base64(s: &str) -> bool {
    s.len().is_multiple_of(4)
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=')
        && STANDARD
            .decode(s)
            .is_ok_and(|bytes| STANDARD.encode(bytes) == s)
}

/// The challenge carries exactly the five parameters, a well-formed
/// `SALT`, `SRP_B` and `SECRET_BLOCK`, and `user_id` as both names.
fn assert_challenge_shape(challenge: &AuthResponse, user_id: &str) {
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeName::PasswordVerifier)
    );
    assert_eq!(challenge.session, None, "SRP challenges carry no Session");
    assert!(challenge.authentication_result.is_none());
    assert!(
        challenge
            .challenge_parameters
            .keys()
            .map(String::as_str)
            .eq(CHALLENGE_KEYS),
        "{:?}",
        challenge.challenge_parameters.keys()
    );
    assert_eq!(param(challenge, "USERNAME"), user_id);
    assert_eq!(param(challenge, "USER_ID_FOR_SRP"), user_id);
    let salt = param(challenge, "SALT");
    assert!(is_minimal_lower_hex(salt), "SALT {salt}");
    assert!(!salt.contains('-'));
    assert!(salt.len() <= 2 * srp::SALT_LEN, "SALT {salt}");
    let b = param(challenge, "SRP_B");
    assert!(is_minimal_lower_hex(b), "SRP_B {b}");
    assert!(b.len() <= srp::MAX_HEX_DIGITS);
    let block = param(challenge, "SECRET_BLOCK");
    assert!(is_standard_padded_base64(block), "SECRET_BLOCK {block}");
}

/// The 16 salt bytes a (minimal hex) `SALT` stands for.
fn salt_bytes(salt_hex: &str) -> Vec<u8> {
    let padded = format!("{salt_hex:0>32}");
    (0..16)
        .map(|i| u8::from_str_radix(&padded[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

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

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;
use userpool::client::{
    AppClientConfig, AppClientConfigBuilder, AuthFlow, ClientSecret, PreventUserExistenceErrors,
    secret_hash,
};
use userpool::internals::srp;
use userpool::srp::{SrpClient, format_timestamp};
use userpool::store::MemoryStore;
use userpool::store::{IndexKey, UserStore as _};
use userpool::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, AuthResponse, ChallengeName, Clock,
    ConfirmForgotPasswordRequest, ConfirmSignUpRequest, ErrorCode, ForgotPasswordRequest,
    HashingParams, InitiateAuthRequest, ManualClock, MessageAction, Outbox, Password,
    RespondToAuthChallengeRequest, SignUpRequest, Timestamp, UserPool, UserStatus,
};

use super::common::{
    Harness, JANE, add_client, alias_pool, claims, confirmed, password_client, quickstart, refused,
    sign_in, sign_up, staff, staff_request,
};
use crate::support::pools::quickstart_config;
use crate::support::{PASSWORD, START, is_uuid_v4, shared_keys};

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
    let challenge = h
        .pool
        .initiate_auth(srp_request(client, username, &srp.srp_a()))
        .unwrap_or_else(|e| panic!("USER_SRP_AUTH of {username}: {e}"));
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeName::PasswordVerifier)
    );
    (srp, challenge)
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

// ===== 1. the challenge and a correct answer =====

#[test]
fn an_email_pool_challenge_has_exactly_five_parameters_naming_the_sub_and_no_session() {
    let (h, client, sub) = jane();
    assert!(is_uuid_v4(&sub));
    let (_, challenge) = start(&h, &client, JANE);
    assert_challenge_shape(&challenge, &sub);
    // The same user gets the same salt, but a fresh B and block, every time.
    let (_, again) = start(&h, &client, JANE);
    assert_challenge_shape(&again, &sub);
    assert_eq!(param(&again, "SALT"), param(&challenge, "SALT"));
    assert_ne!(param(&again, "SRP_B"), param(&challenge, "SRP_B"));
    assert_ne!(
        param(&again, "SECRET_BLOCK"),
        param(&challenge, "SECRET_BLOCK")
    );
}

#[test]
fn a_username_pool_challenge_names_the_stored_username_whatever_case_was_typed() {
    let (h, client, username) = alice();
    for typed in ["Alice", "alice", "ALICE"] {
        let (_, challenge) = start(&h, &client, typed);
        assert_challenge_shape(&challenge, &username);
    }
}

#[test]
fn an_email_alias_in_a_username_pool_gets_the_username_for_srp() {
    let h = alias_pool();
    let client = srp_client(&h);
    h.pool
        .sign_up(SignUpRequest::new(h.client(), "carol", PASSWORD).attribute("email", BOB))
        .unwrap();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "carol",
            h.code_for(BOB),
        ))
        .unwrap();
    let sub = h.user("carol").attribute("sub").unwrap().to_owned();
    let (srp, challenge) = start(&h, &client, BOB);
    assert_challenge_shape(&challenge, "carol");
    let response = Answer::new(&h, &srp, &challenge, PASSWORD)
        .send(&h, &client)
        .unwrap();
    assert_tokens_of(&response, &client, "carol", &sub);
}

#[test]
fn salts_are_minimal_hex_for_every_password_set() {
    // Each AdminSetUserPassword draws a new 16-byte salt; one in sixteen
    // starts with a zero nibble and one in 256 with a zero byte, which must
    // never show as a leading "0" or "00" (§1.11).
    let (h, client, sub) = jane();
    let srp = SrpClient::new_random().unwrap();
    let mut salts = std::collections::BTreeSet::new();
    for i in 0..40 {
        h.pool
            .admin_set_user_password(
                AdminSetUserPasswordRequest::new(JANE, Password::new(format!("{PASSWORD}{i}")))
                    .permanent(true),
            )
            .unwrap();
        let challenge = h
            .pool
            .initiate_auth(srp_request(&client, JANE, &srp.srp_a()))
            .unwrap();
        assert_challenge_shape(&challenge, &sub);
        salts.insert(param(&challenge, "SALT").to_owned());
    }
    assert_eq!(salts.len(), 40, "every password gets a fresh salt");
}

#[test]
fn srp_signs_jane_in_through_every_pair_of_operations() {
    let (h, client, sub) = jane();
    for initiate in [Api::Public, Api::Admin] {
        for respond in [Api::Public, Api::Admin] {
            let srp = SrpClient::new_random().unwrap();
            let challenge = initiate
                .initiate(&h, srp_request(&client, JANE, &srp.srp_a()))
                .unwrap();
            assert_challenge_shape(&challenge, &sub);
            let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
            let response = respond.respond(&h, answer.request(&client)).unwrap();
            assert_tokens_of(&response, &client, &sub, &sub);
            let tokens = response.authentication_result.unwrap();
            let id = claims(&tokens.id_token);
            assert_eq!(id["email"], JANE, "{initiate:?}/{respond:?}");
            assert_eq!(id["family_name"], "Foobar");
        }
    }
}

#[test]
fn srp_signs_a_username_pool_user_in_through_every_pair_of_operations() {
    let (h, client, username) = alice();
    let sub = h.user("alice").attribute("sub").unwrap().to_owned();
    for initiate in [Api::Public, Api::Admin] {
        for respond in [Api::Public, Api::Admin] {
            let srp = SrpClient::new_random().unwrap();
            let challenge = initiate
                .initiate(&h, srp_request(&client, "ALICE", &srp.srp_a()))
                .unwrap();
            let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
            let response = respond.respond(&h, answer.request(&client)).unwrap();
            assert_tokens_of(&response, &client, &username, &sub);
            let id = claims(&response.authentication_result.unwrap().id_token);
            assert_eq!(id["given_name"], "Sam");
        }
    }
}

#[test]
fn srp_a_is_read_as_a_hex_integer_in_either_case_with_leading_zeros() {
    let (h, client, sub) = jane();
    let srp = SrpClient::new_random().unwrap();
    let sent = format!("000{}", srp.srp_a().to_uppercase());
    let challenge = h
        .pool
        .initiate_auth(srp_request(&client, JANE, &sent))
        .unwrap();
    let response = Answer::new(&h, &srp, &challenge, PASSWORD)
        .send(&h, &client)
        .unwrap();
    assert_tokens_of(&response, &client, &sub, &sub);
}

#[test]
fn the_tokens_of_an_srp_sign_in_refresh() {
    let (h, client, sub) = jane();
    let response = srp_sign_in(&h, &client, JANE, PASSWORD).unwrap();
    let refresh = response
        .authentication_result
        .unwrap()
        .refresh_token
        .unwrap();
    let refreshed = h
        .pool
        .initiate_auth(InitiateAuthRequest::refresh(&client, refresh))
        .unwrap();
    let access = claims(&refreshed.authentication_result.unwrap().access_token);
    assert_eq!(access["sub"], sub.as_str());
}

// ===== 2. the answer's USERNAME =====

#[test]
fn the_answer_may_name_the_user_by_the_typed_email_or_the_internal_username() {
    let (h, client, sub) = jane();
    for username in [JANE.to_owned(), sub.clone()] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.username = username.clone();
        let response = answer
            .send(&h, &client)
            .unwrap_or_else(|e| panic!("USERNAME {username}: {e}"));
        assert_tokens_of(&response, &client, &sub, &sub);
    }
}

#[test]
fn the_answer_may_name_a_username_pool_user_as_typed() {
    let (h, client, username) = alice();
    let sub = h.user("alice").attribute("sub").unwrap().to_owned();
    for named in ["alice", "ALICE", "alice@example.com"] {
        let (srp, challenge) = start(&h, &client, "alice");
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.username = named.to_owned();
        if named.contains('@') {
            // Not an alias in the staff pool: names nobody.
            assert_incorrect(answer.send(&h, &client));
        } else {
            let response = answer.send(&h, &client).unwrap();
            assert_tokens_of(&response, &client, &username, &sub);
        }
    }
}

#[test]
fn an_answer_naming_another_user_is_incorrect() {
    let (h, client, _) = jane();
    let bob_sub = confirmed(&h, BOB);
    for other in [
        BOB.to_owned(),
        bob_sub.clone(),
        "nobody@example.com".to_owned(),
    ] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.username = other;
        assert_incorrect(answer.send(&h, &client));
    }
    // Bob is not charged a failure for Jane's proof, nor signed in.
    assert_eq!(h.record(&bob_sub).failed_sign_ins, 0);
}

// ===== 3. SECRET_HASH =====

/// Jane and a confidential SRP client: `(harness, client id, secret, sub)`.
fn jane_confidential() -> (Harness, String, ClientSecret, String) {
    let h = quickstart();
    let client = add_client(&h, srp_config("server").generate_secret(true));
    let secret = client.secret().expect("a generated secret").clone();
    let sub = confirmed(&h, JANE);
    (h, client.id().to_owned(), secret, sub)
}

#[test]
fn step_one_needs_a_secret_hash_over_the_typed_username() {
    let (h, client, secret, sub) = jane_confidential();
    let srp = SrpClient::new_random().unwrap();
    assert_error(
        h.pool
            .initiate_auth(srp_request(&client, JANE, &srp.srp_a())),
        ErrorCode::NotAuthorized,
        &format!("Client {client} is configured with secret but SECRET_HASH was not received"),
    );
    let unable = format!("Unable to verify secret hash for client {client}");
    for wrong in [
        secret_hash(&secret, &sub, &client),
        secret_hash(&secret, "someone@example.com", &client),
        "not a hash".to_owned(),
    ] {
        assert_error(
            h.pool.initiate_auth(
                srp_request(&client, JANE, &srp.srp_a()).param("SECRET_HASH", wrong),
            ),
            ErrorCode::NotAuthorized,
            &unable,
        );
    }
    for api in [Api::Public, Api::Admin] {
        let challenge = api
            .initiate(
                &h,
                srp_request(&client, JANE, &srp.srp_a())
                    .param("SECRET_HASH", secret_hash(&secret, JANE, &client)),
            )
            .unwrap();
        assert_challenge_shape(&challenge, &sub);
    }
}

#[test]
fn step_two_needs_a_secret_hash_over_the_username_it_sends() {
    let (h, client, secret, sub) = jane_confidential();
    let challenge_for = || {
        let srp = SrpClient::new_random().unwrap();
        let challenge = h
            .pool
            .initiate_auth(
                srp_request(&client, JANE, &srp.srp_a())
                    .param("SECRET_HASH", secret_hash(&secret, JANE, &client)),
            )
            .unwrap();
        (srp, challenge)
    };
    // Consistent pairs: pycognito (internal name) and warrant (typed name).
    for username in [sub.as_str(), JANE] {
        for api in [Api::Public, Api::Admin] {
            let (srp, challenge) = challenge_for();
            let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
            answer.username = username.to_owned();
            answer.secret_hash = Some(secret_hash(&secret, username, &client));
            let response = api.respond(&h, answer.request(&client)).unwrap();
            assert_tokens_of(&response, &client, &sub, &sub);
        }
    }
    // Inconsistent pairs and a missing hash.
    let unable = format!("Unable to verify secret hash for client {client}");
    for (username, hashed) in [(sub.as_str(), JANE), (JANE, sub.as_str())] {
        let (srp, challenge) = challenge_for();
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.username = username.to_owned();
        answer.secret_hash = Some(secret_hash(&secret, hashed, &client));
        assert_error(answer.send(&h, &client), ErrorCode::NotAuthorized, &unable);
    }
    let (srp, challenge) = challenge_for();
    assert_error(
        Answer::new(&h, &srp, &challenge, PASSWORD).send(&h, &client),
        ErrorCode::NotAuthorized,
        &format!("Client {client} is configured with secret but SECRET_HASH was not received"),
    );
}

// ===== 4. refusals =====

#[test]
fn a_wrong_password_is_incorrect() {
    let (h, client, sub) = jane();
    for api in [Api::Public, Api::Admin] {
        let (srp, challenge) = start(&h, &client, JANE);
        let answer = Answer::new(&h, &srp, &challenge, WRONG);
        assert_incorrect(api.respond(&h, answer.request(&client)));
    }
    assert_eq!(h.record(&sub).failed_sign_ins, 2);
}

#[test]
fn five_wrong_proofs_lock_the_user_out_even_with_the_right_one() {
    let (h, client, sub) = jane();
    for _ in 0..5 {
        assert_incorrect(srp_sign_in(&h, &client, JANE, WRONG));
    }
    assert_eq!(h.record(&sub).failed_sign_ins, 5);
    for password in [PASSWORD, WRONG] {
        assert_error(
            srp_sign_in(&h, &client, JANE, password),
            ErrorCode::NotAuthorized,
            "Password attempts exceeded",
        );
    }
    // The password flow shares the lock.
    assert_error(
        h.pool
            .initiate_auth(InitiateAuthRequest::user_password(&client, JANE, PASSWORD)),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    // The first lock lasts a second; then the right proof signs in.
    h.clock.advance(Duration::from_secs(1));
    let response = srp_sign_in(&h, &client, JANE, PASSWORD).unwrap();
    assert_tokens_of(&response, &client, &sub, &sub);
    assert_eq!(h.record(&sub).failed_sign_ins, 0);
}

#[test]
fn srp_and_password_failures_count_together() {
    let (h, client, _) = jane();
    for _ in 0..3 {
        assert_incorrect(srp_sign_in(&h, &client, JANE, WRONG));
    }
    for _ in 0..2 {
        assert_incorrect(
            h.pool
                .initiate_auth(InitiateAuthRequest::user_password(&client, JANE, WRONG)),
        );
    }
    assert_error(
        srp_sign_in(&h, &client, JANE, PASSWORD),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
}

#[test]
fn a_tampered_secret_block_is_incorrect_and_does_not_use_the_challenge_up() {
    let (h, client, sub) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let good = Answer::new(&h, &srp, &challenge, PASSWORD);
    let bytes = STANDARD.decode(&good.secret_block).unwrap();
    for i in [0, bytes.len() / 2, bytes.len() - 1] {
        let mut spoiled = bytes.clone();
        spoiled[i] ^= 0x01;
        let mut answer = good.clone();
        answer.secret_block = STANDARD.encode(&spoiled);
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        assert_incorrect(answer.send(&h, &client));
    }
    // Truncated and extended blocks.
    for spoiled in [
        bytes[..bytes.len() - 1].to_vec(),
        [&bytes[..], &[0]].concat(),
    ] {
        let mut answer = good.clone();
        answer.secret_block = STANDARD.encode(&spoiled);
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        assert_incorrect(answer.send(&h, &client));
    }
    // A forgery neither counts against the user nor burns the real challenge.
    assert_eq!(h.record(&sub).failed_sign_ins, 0);
    let response = good.send(&h, &client).unwrap();
    assert_tokens_of(&response, &client, &sub, &sub);
}

#[test]
fn a_secret_block_that_is_not_base64_is_incorrect() {
    let (h, client, _) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let good = Answer::new(&h, &srp, &challenge, PASSWORD);
    let unpadded = good.secret_block.trim_end_matches('=').to_owned();
    let url_safe = good.secret_block.replace('+', "-").replace('/', "_");
    for garbage in [
        "not base64!".to_owned(),
        "%%%%".to_owned(),
        String::new(),
        format!("{}*", good.secret_block),
        unpadded,
        url_safe,
    ] {
        if garbage == good.secret_block {
            continue; // no padding / no '+' or '/' to spoil
        }
        let mut answer = good.clone();
        answer.secret_block = garbage;
        assert_incorrect(answer.send(&h, &client));
    }
}

#[test]
fn a_secret_block_from_another_client_is_incorrect() {
    let (h, client, _) = jane();
    let other = add_client(&h, srp_config("mobile")).id().to_owned();
    let (srp, challenge) = start(&h, &other, JANE);
    // A perfectly signed answer to the other client's challenge, sent here.
    let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
    assert_incorrect(answer.send(&h, &client));
    // It still works where it was issued.
    assert!(
        answer
            .send(&h, &other)
            .unwrap()
            .authentication_result
            .is_some()
    );
}

#[test]
fn a_secret_block_from_another_pool_is_incorrect() {
    // Same pool id, same user, same password: only the pool's secret differs.
    let (h, client, _) = jane();
    let (h2, client2, _) = jane();
    let (srp, challenge) = start(&h2, &client2, JANE);
    let mut answer = Answer::new(&h2, &srp, &challenge, PASSWORD);
    // The other pool's block, through a client id this pool knows.
    assert_incorrect(answer.clone().send(&h, &client));
    answer.username = JANE.to_owned();
    assert_incorrect(answer.send(&h, &client));
}

#[test]
fn a_secret_block_answers_once() {
    let (h, client, sub) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
    assert_tokens_of(&answer.send(&h, &client).unwrap(), &client, &sub, &sub);
    let once = "Invalid session for the user, session can only be used once.";
    assert_error(answer.send(&h, &client), ErrorCode::NotAuthorized, once);
    // A later second, freshly signed: still used up.
    h.clock.advance(Duration::from_secs(1));
    let again = Answer::new(&h, &srp, &challenge, PASSWORD);
    assert_error(
        h.pool
            .admin_respond_to_auth_challenge(again.request(&client)),
        ErrorCode::NotAuthorized,
        once,
    );
    // A wrong answer uses the block up too: no second guess on one challenge.
    let (srp, challenge) = start(&h, &client, JANE);
    assert_incorrect(Answer::new(&h, &srp, &challenge, WRONG).send(&h, &client));
    assert_error(
        Answer::new(&h, &srp, &challenge, PASSWORD).send(&h, &client),
        ErrorCode::NotAuthorized,
        once,
    );
}

#[test]
fn a_secret_block_expires_with_the_clients_auth_session_validity() {
    let (h, client, sub) = jane();
    let expired = "Invalid session for the user, session is expired.";
    // Default: 3 minutes.
    let (srp, challenge) = start(&h, &client, JANE);
    h.clock.advance(Duration::from_secs(179));
    let response = Answer::new(&h, &srp, &challenge, PASSWORD)
        .send(&h, &client)
        .unwrap();
    assert_tokens_of(&response, &client, &sub, &sub);
    let (srp, challenge) = start(&h, &client, JANE);
    h.clock.advance(Duration::from_secs(181));
    assert_error(
        Answer::new(&h, &srp, &challenge, PASSWORD).send(&h, &client),
        ErrorCode::NotAuthorized,
        expired,
    );
    // A 15-minute client keeps its challenges for 15 minutes.
    let long = add_client(&h, srp_config("slow").auth_session_validity(15))
        .id()
        .to_owned();
    let (srp, challenge) = start(&h, &long, JANE);
    h.clock.advance(Duration::from_secs(14 * 60));
    assert!(
        Answer::new(&h, &srp, &challenge, PASSWORD)
            .send(&h, &long)
            .unwrap()
            .authentication_result
            .is_some()
    );
    let (srp, challenge) = start(&h, &long, JANE);
    h.clock.advance(Duration::from_secs(15 * 60 + 1));
    assert_error(
        Answer::new(&h, &srp, &challenge, PASSWORD).send(&h, &long),
        ErrorCode::NotAuthorized,
        expired,
    );
}

#[test]
fn an_unparseable_timestamp_is_an_invalid_parameter() {
    let (h, client, _) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let good = Answer::new(&h, &srp, &challenge, PASSWORD);
    for timestamp in [
        "",
        "2023-11-14T22:13:20Z",
        "Tue Nov 14 22:13:20 2023",
        "Tue Nov 14 22:13:20 PST 2023",
        "Dienstag Nov 14 22:13:20 UTC 2023",
        "Tue Novembre 14 22:13:20 UTC 2023",
        "Tue  Nov 14 22:13:20 UTC 2023",
        " Tue Nov 14 22:13:20 UTC 2023",
        "Tue Nov 14 22:13 UTC 2023",
        "1700000000",
    ] {
        let mut answer = good.clone();
        answer.timestamp = timestamp.to_owned();
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        assert_error(
            answer.send(&h, &client),
            ErrorCode::InvalidParameter,
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        );
    }
}

#[test]
fn a_zero_padded_day_or_a_wrong_weekday_is_incorrect() {
    let (h, client, sub) = jane();
    // Tue Mar 5 07:08:09 UTC 2024: a single-digit day.
    h.clock.set(Timestamp::from_unix_seconds(1_709_622_489));
    assert_eq!(now_timestamp(&h), "Tue Mar 5 07:08:09 UTC 2024");
    for timestamp in [
        "Tue Mar 05 07:08:09 UTC 2024",
        "Wed Mar 5 07:08:09 UTC 2024",
        "Tue Mar 5 7:08:09 UTC 2024",
        "Tue Mar 5 07:08:09 GMT 2024",
        "tue mar 5 07:08:09 UTC 2024",
    ] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.timestamp = timestamp.to_owned();
        // Signed over exactly what is sent: only the form is wrong.
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        assert_incorrect(answer.send(&h, &client));
    }
    let response = srp_sign_in(&h, &client, JANE, PASSWORD).unwrap();
    assert_tokens_of(&response, &client, &sub, &sub);
}

#[test]
fn a_timestamp_more_than_five_minutes_off_is_incorrect() {
    let (h, client, sub) = jane();
    let now = h.clock.now();
    let five = Duration::from_secs(300);
    let one = Duration::from_secs(1);
    for (at, accepted) in [
        (now.saturating_sub(five + one), false),
        (now.saturating_add(five + one), false),
        (now.saturating_sub(Duration::from_secs(3600)), false),
        (now.saturating_add(Duration::from_secs(86_400)), false),
        (now.saturating_sub(five - one), true),
        (now.saturating_add(five - one), true),
    ] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.timestamp = format_timestamp(at);
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        let result = answer.send(&h, &client);
        if accepted {
            assert_tokens_of(&result.unwrap(), &client, &sub, &sub);
        } else {
            assert_incorrect(result);
        }
    }
}

#[test]
fn a_missing_or_malformed_srp_a_is_an_invalid_parameter() {
    let (h, client, _) = jane();
    for api in [Api::Public, Api::Admin] {
        assert_error(
            api.initiate(
                &h,
                InitiateAuthRequest::new(AuthFlow::UserSrpAuth, &client).param("USERNAME", JANE),
            ),
            ErrorCode::InvalidParameter,
            "Missing required parameter SRP_A",
        );
    }
    let n_times_2_plus = format!("1{}", "0".repeat(768));
    for bad in [
        "0".to_owned(),
        "0000".to_owned(),
        srp::N_HEX.to_owned(),
        srp::N_HEX.to_lowercase(),
        format!("00{}", srp::N_HEX),
        "zz".to_owned(),
        "0x1234".to_owned(),
        "-1".to_owned(),
        "12 34".to_owned(),
        "f".repeat(769),
        n_times_2_plus,
    ] {
        // Refused before the user is looked up: an unknown user gets the same.
        for username in [JANE, "nobody@example.com"] {
            let e = refused(h.pool.initiate_auth(srp_request(&client, username, &bad)));
            assert_eq!(e.code(), ErrorCode::InvalidParameter, "SRP_A {bad}: {e}");
            assert!(!e.message().is_empty());
        }
    }
}

#[test]
fn a_client_that_does_not_allow_srp_refuses_it() {
    let h = quickstart();
    let client = password_client(&h);
    confirmed(&h, JANE);
    let srp = SrpClient::new_random().unwrap();
    for api in [Api::Public, Api::Admin] {
        assert_error(
            api.initiate(&h, srp_request(&client, JANE, &srp.srp_a())),
            ErrorCode::InvalidParameter,
            "USER_SRP_AUTH is not enabled for the client.",
        );
    }
    // The default flows include it.
    let default = add_client(&h, AppClientConfig::builder("defaults"))
        .id()
        .to_owned();
    assert!(
        h.pool
            .initiate_auth(srp_request(&default, JANE, &srp.srp_a()))
            .is_ok()
    );
}

#[test]
fn a_missing_answer_field_is_an_invalid_parameter() {
    let (h, client, _) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let good = Answer::new(&h, &srp, &challenge, PASSWORD);
    for key in [
        "USERNAME",
        "PASSWORD_CLAIM_SECRET_BLOCK",
        "PASSWORD_CLAIM_SIGNATURE",
        "TIMESTAMP",
    ] {
        let mut request = good.request(&client);
        request.challenge_responses.remove(key);
        assert_error(
            h.pool.respond_to_auth_challenge(request),
            ErrorCode::InvalidParameter,
            &format!("Missing required parameter {key}"),
        );
    }
    // None of those used the challenge up.
    assert!(good.send(&h, &client).is_ok());
}

#[test]
fn a_malformed_signature_is_incorrect() {
    let (h, client, _) = jane();
    for signature in ["", "!!", "AAAA", &STANDARD.encode([0u8; 32])] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.signature = signature.to_owned();
        assert_incorrect(answer.send(&h, &client));
    }
}

#[test]
fn the_signature_binds_the_pool_name_the_user_id_the_block_the_timestamp_and_a() {
    let (h, client, sub) = jane();
    let sign_as = |srp: &SrpClient, challenge: &AuthResponse, pool: &str, user: &str, ts: &str| {
        srp.process_challenge(
            pool,
            user,
            PASSWORD.as_bytes(),
            param(challenge, "SALT"),
            param(challenge, "SRP_B"),
            param(challenge, "SECRET_BLOCK"),
            ts,
        )
        .unwrap()
    };
    // The full pool id, or the typed email, where the maths wants poolName
    // and USER_ID_FOR_SRP.
    for (pool, user) in [("us-east-1_ApiTests1", sub.as_str()), (POOL_NAME, JANE)] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.signature = sign_as(&srp, &challenge, pool, user, &answer.timestamp);
        assert_incorrect(answer.send(&h, &client));
    }
    // Signed for one second, sent with the next (both canonical, both in the window).
    let (srp, challenge) = start(&h, &client, JANE);
    let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
    answer.timestamp = format_timestamp(h.clock.now().saturating_add(Duration::from_secs(1)));
    assert_incorrect(answer.send(&h, &client));
    // Signed with another secret a than the one whose A was sent.
    let (_, challenge) = start(&h, &client, JANE);
    let impostor = SrpClient::new_random().unwrap();
    assert_incorrect(Answer::new(&h, &impostor, &challenge, PASSWORD).send(&h, &client));
    // Signed over another challenge's block.
    let (srp, challenge) = start(&h, &client, JANE);
    let (_, other) = start(&h, &client, JANE);
    let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
    answer.secret_block = param(&other, "SECRET_BLOCK").to_owned();
    assert_incorrect(answer.send(&h, &client));
    // Five failures: once the one-second lock has passed, the right inputs work.
    h.clock.advance(Duration::from_secs(1));
    assert!(signs_in(&h, &client, JANE, PASSWORD));
}

// ===== 5. the user's state =====

#[test]
fn an_unknown_user_under_legacy_is_not_found_at_step_one() {
    let (h, client, _) = jane();
    let srp = SrpClient::new_random().unwrap();
    for api in [Api::Public, Api::Admin] {
        assert_error(
            api.initiate(&h, srp_request(&client, "nobody@example.com", &srp.srp_a())),
            ErrorCode::UserNotFound,
            "User does not exist.",
        );
    }
}

/// A client like [`srp_client`] with `PreventUserExistenceErrors=ENABLED`.
fn preventing_client(h: &Harness) -> String {
    add_client(
        h,
        srp_config("quiet").prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned()
}

#[test]
fn an_unknown_user_under_enabled_gets_a_stable_simulated_challenge_that_never_succeeds() {
    let (h, _, _) = jane();
    let client = preventing_client(&h);
    let ghost = "ghost@example.com";
    let (srp, first) = start(&h, &client, ghost);
    let fake_id = param(&first, "USER_ID_FOR_SRP").to_owned();
    assert!(is_uuid_v4(&fake_id), "{fake_id}");
    assert_challenge_shape(&first, &fake_id);
    let (_, second) = start(&h, &client, ghost);
    assert_challenge_shape(&second, &fake_id);
    assert_eq!(param(&second, "SALT"), param(&first, "SALT"));
    assert_ne!(param(&second, "SRP_B"), param(&first, "SRP_B"));
    // The same through the admin operation.
    let challenge = h
        .pool
        .admin_initiate_auth(srp_request(&client, ghost, &srp.srp_a()))
        .unwrap();
    assert_eq!(param(&challenge, "USER_ID_FOR_SRP"), fake_id);
    assert_eq!(param(&challenge, "SALT"), param(&first, "SALT"));
    // Another name, another identity.
    let (_, other) = start(&h, &client, "phantom@example.com");
    assert_ne!(param(&other, "USER_ID_FOR_SRP"), fake_id);
    assert_ne!(param(&other, "SALT"), param(&first, "SALT"));
    // Step two fails like a wrong password, whatever is answered.
    for (username, password) in [
        (fake_id.as_str(), PASSWORD),
        (ghost, PASSWORD),
        (fake_id.as_str(), WRONG),
    ] {
        let (srp, challenge) = start(&h, &client, ghost);
        let mut answer = Answer::new(&h, &srp, &challenge, password);
        answer.username = username.to_owned();
        assert_incorrect(answer.send(&h, &client));
    }
    assert_incorrect(Answer::new(&h, &srp, &first, PASSWORD).send(&h, &client));
}

#[test]
fn a_case_insensitive_pool_simulates_one_identity_per_folded_name() {
    let h = staff(false);
    let client = preventing_client(&h);
    let (_, lower) = start(&h, &client, "ghost");
    let (_, upper) = start(&h, &client, "GHOST");
    assert!(is_uuid_v4(param(&lower, "USER_ID_FOR_SRP")));
    assert_eq!(
        param(&lower, "USER_ID_FOR_SRP"),
        param(&upper, "USER_ID_FOR_SRP")
    );
    assert_eq!(param(&lower, "SALT"), param(&upper, "SALT"));
    // In a case-sensitive pool they are two names.
    let (h, _, _) = jane();
    let client = preventing_client(&h);
    let (_, lower) = start(&h, &client, "ghost@example.com");
    let (_, upper) = start(&h, &client, "GHOST@example.com");
    assert_ne!(
        param(&lower, "USER_ID_FOR_SRP"),
        param(&upper, "USER_ID_FOR_SRP")
    );
}

#[test]
fn an_unknown_users_secret_block_is_as_long_as_a_real_users() {
    // In an email-as-username pool USER_ID_FOR_SRP is a UUID for both, so
    // nothing in the challenge may tell a real user from an unknown one:
    // the sealed block must not be shorter for the simulated challenge.
    let (h, _, _) = jane();
    let client = preventing_client(&h);
    let (_, real) = start(&h, &client, JANE);
    let (_, fake) = start(&h, &client, "ghost@example.com");
    assert_eq!(
        param(&real, "USER_ID_FOR_SRP").len(),
        param(&fake, "USER_ID_FOR_SRP").len()
    );
    assert_eq!(
        param(&real, "SECRET_BLOCK").len(),
        param(&fake, "SECRET_BLOCK").len(),
        "real and simulated SECRET_BLOCKs differ in length"
    );
}

#[test]
fn an_unconfirmed_user_is_refused_at_step_one() {
    let h = quickstart();
    let client = srp_client(&h);
    let quiet = preventing_client(&h);
    sign_up(&h, JANE);
    let srp = SrpClient::new_random().unwrap();
    for client in [&client, &quiet] {
        for api in [Api::Public, Api::Admin] {
            assert_error(
                api.initiate(&h, srp_request(client, JANE, &srp.srp_a())),
                ErrorCode::UserNotConfirmed,
                "User is not confirmed.",
            );
        }
    }
}

#[test]
fn a_disabled_user_is_refused_only_after_a_correct_proof() {
    let (h, client, sub) = jane();
    h.pool.admin_disable_user(JANE).unwrap();
    let (srp, challenge) = start(&h, &client, JANE);
    assert_challenge_shape(&challenge, &sub);
    let wrong = Answer::new(&h, &srp, &challenge, WRONG);
    assert_incorrect(wrong.send(&h, &client));
    for api in [Api::Public, Api::Admin] {
        let (srp, challenge) = start(&h, &client, JANE);
        let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        assert_error(
            api.respond(&h, answer.request(&client)),
            ErrorCode::NotAuthorized,
            "User is disabled.",
        );
    }
    h.pool.admin_enable_user(JANE).unwrap();
    assert!(signs_in(&h, &client, JANE, PASSWORD));
}

/// A staff pool with an SRP client and `alice` invited with [`TEMPORARY`].
fn invited() -> (Harness, String) {
    let h = staff(true);
    let client = srp_client(&h);
    let mut request = AdminCreateUserRequest::new("alice")
        .attribute("given_name", "Al")
        .attribute("email", "alice@example.com");
    request.temporary_password = Some(TEMPORARY.into());
    request.message_action = Some(MessageAction::Suppress);
    h.pool.admin_create_user(request).unwrap();
    (h, client)
}

#[test]
fn an_admin_created_user_proves_the_temporary_password_then_sets_a_new_one() {
    let (h, client) = invited();
    let sub = h.user("alice").attribute("sub").unwrap().to_owned();
    for api in [Api::Public, Api::Admin] {
        let (srp, challenge) = start(&h, &client, "alice");
        assert_challenge_shape(&challenge, "alice");
        let answer = Answer::new(&h, &srp, &challenge, TEMPORARY);
        let next = api.respond(&h, answer.request(&client)).unwrap();
        assert_eq!(
            next.challenge_name,
            Some(ChallengeName::NewPasswordRequired)
        );
        assert!(next.session.as_ref().is_some_and(|s| !s.is_empty()));
        assert!(next.authentication_result.is_none());
        let keys: Vec<&str> = next
            .challenge_parameters
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["USER_ID_FOR_SRP", "requiredAttributes", "userAttributes"]
        );
        assert_eq!(param(&next, "USER_ID_FOR_SRP"), "alice");
        assert_eq!(param(&next, "requiredAttributes"), "[]");
        let attributes: serde_json::Value =
            serde_json::from_str(param(&next, "userAttributes")).unwrap();
        assert_eq!(attributes["given_name"], "Al");
    }
    // A wrong temporary password is simply incorrect.
    assert_incorrect(srp_sign_in(&h, &client, "alice", WRONG));
    // Answer the new-password challenge of a fresh SRP proof.
    let (srp, challenge) = start(&h, &client, "alice");
    let next = Answer::new(&h, &srp, &challenge, TEMPORARY)
        .send(&h, &client)
        .unwrap();
    let response = h
        .pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                &client,
                ChallengeName::NewPasswordRequired,
                next.session.clone(),
            )
            .response("USERNAME", "alice")
            .response("NEW_PASSWORD", NEW_PASSWORD),
        )
        .unwrap();
    assert_tokens_of(&response, &client, "alice", &sub);
    assert_eq!(h.user("alice").status, UserStatus::Confirmed);
    // SRP now knows the new password, and only it.
    assert!(signs_in(&h, &client, "alice", NEW_PASSWORD));
    assert!(!signs_in(&h, &client, "alice", TEMPORARY));
}

#[test]
fn an_expired_temporary_password_is_refused_after_a_correct_proof() {
    let (h, client) = invited();
    h.clock.advance(Duration::from_secs(8 * 86_400));
    let (srp, challenge) = start(&h, &client, "alice");
    assert_error(
        Answer::new(&h, &srp, &challenge, TEMPORARY).send(&h, &client),
        ErrorCode::NotAuthorized,
        "Temporary password has expired and must be reset by an administrator.",
    );
}

#[test]
fn a_reset_required_user_is_refused_at_step_one() {
    let (h, client, _) = jane();
    h.pool.admin_reset_user_password(JANE).unwrap();
    let srp = SrpClient::new_random().unwrap();
    for api in [Api::Public, Api::Admin] {
        assert_error(
            api.initiate(&h, srp_request(&client, JANE, &srp.srp_a())),
            ErrorCode::PasswordResetRequired,
            "Password reset required for the user",
        );
    }
    // Under ENABLED it looks like any user, and the old password fails.
    let quiet = preventing_client(&h);
    assert!(!signs_in(&h, &quiet, JANE, PASSWORD));
}

// ===== 6. the verifier's life =====

#[test]
fn after_change_password_srp_takes_the_new_password_only() {
    let (h, client, _) = jane();
    let tokens = srp_sign_in(&h, &client, JANE, PASSWORD)
        .unwrap()
        .authentication_result
        .unwrap();
    h.pool
        .change_password(
            &tokens.access_token,
            Some(&Password::new(PASSWORD)),
            &Password::new(NEW_PASSWORD),
        )
        .unwrap();
    assert!(signs_in(&h, &client, JANE, NEW_PASSWORD));
    assert!(!signs_in(&h, &client, JANE, PASSWORD));
}

#[test]
fn after_admin_set_user_password_srp_takes_the_new_password_only() {
    let (h, client, _) = jane();
    h.pool
        .admin_set_user_password(
            AdminSetUserPasswordRequest::new(JANE, Password::new(NEW_PASSWORD)).permanent(true),
        )
        .unwrap();
    assert!(signs_in(&h, &client, JANE, NEW_PASSWORD));
    assert!(!signs_in(&h, &client, JANE, PASSWORD));
    // A temporary password: proven over SRP, it leads to the new-password challenge.
    h.pool
        .admin_set_user_password(AdminSetUserPasswordRequest::new(
            JANE,
            Password::new(TEMPORARY),
        ))
        .unwrap();
    let next = srp_sign_in(&h, &client, JANE, TEMPORARY).unwrap();
    assert_eq!(
        next.challenge_name,
        Some(ChallengeName::NewPasswordRequired)
    );
    assert!(!signs_in(&h, &client, JANE, NEW_PASSWORD));
}

#[test]
fn after_confirm_forgot_password_srp_takes_the_new_password_only() {
    let (h, client, _) = jane();
    h.pool
        .forgot_password(ForgotPasswordRequest::new(&client, JANE))
        .unwrap();
    h.pool
        .confirm_forgot_password(ConfirmForgotPasswordRequest::new(
            &client,
            JANE,
            h.code_for(JANE),
            NEW_PASSWORD,
        ))
        .unwrap();
    assert!(signs_in(&h, &client, JANE, NEW_PASSWORD));
    assert!(!signs_in(&h, &client, JANE, PASSWORD));
}

#[test]
fn after_an_admin_reset_and_confirm_forgot_password_srp_takes_the_new_password() {
    let (h, client, sub) = jane();
    h.pool.admin_reset_user_password(JANE).unwrap();
    assert_eq!(h.record(&sub).srp_verifier, None);
    h.pool
        .confirm_forgot_password(ConfirmForgotPasswordRequest::new(
            &client,
            JANE,
            h.code_for(JANE),
            NEW_PASSWORD,
        ))
        .unwrap();
    assert!(signs_in(&h, &client, JANE, NEW_PASSWORD));
    assert!(!signs_in(&h, &client, JANE, PASSWORD));
}

#[test]
fn a_pool_without_an_srp_client_stores_no_verifier_until_a_password_sign_in() {
    let h = quickstart();
    let web = password_client(&h);
    let sub = confirmed(&h, JANE);
    assert_eq!(h.record(&sub).srp_verifier, None);
    assert!(h.record(&sub).password_hash.is_some());
    let spa = srp_client(&h);
    // The challenge looks as usual but cannot succeed.
    let (srp, challenge) = start(&h, &spa, JANE);
    assert_challenge_shape(&challenge, &sub);
    assert_incorrect(Answer::new(&h, &srp, &challenge, PASSWORD).send(&h, &spa));
    assert!(!signs_in(&h, &spa, JANE, PASSWORD));
    assert_eq!(h.record(&sub).srp_verifier, None);
    // One password sign-in (through any client) stores the verifier.
    sign_in(&h, &web, JANE, PASSWORD);
    assert!(h.record(&sub).srp_verifier.is_some());
    let response = srp_sign_in(&h, &spa, JANE, PASSWORD).unwrap();
    assert_tokens_of(&response, &spa, &sub, &sub);
    assert!(!signs_in(&h, &spa, JANE, WRONG));
}

#[test]
fn a_wrong_password_sign_in_stores_no_verifier() {
    let h = quickstart();
    let web = password_client(&h);
    let sub = confirmed(&h, JANE);
    let spa = srp_client(&h);
    assert_incorrect(
        h.pool
            .initiate_auth(InitiateAuthRequest::user_password(&web, JANE, WRONG)),
    );
    assert_eq!(h.record(&sub).srp_verifier, None);
    assert!(!signs_in(&h, &spa, JANE, WRONG));
}

#[test]
fn a_password_changed_while_no_client_allows_srp_drops_the_old_verifier() {
    let (h, spa, sub) = jane();
    let web = password_client(&h);
    assert!(h.record(&sub).srp_verifier.is_some());
    h.pool.delete_user_pool_client(&spa).unwrap();
    h.pool
        .admin_set_user_password(
            AdminSetUserPasswordRequest::new(JANE, Password::new(NEW_PASSWORD)).permanent(true),
        )
        .unwrap();
    assert_eq!(
        h.record(&sub).srp_verifier,
        None,
        "the old verifier is gone"
    );
    let spa = srp_client(&h);
    // Neither the old password (stale verifier) nor the new (no verifier yet).
    assert!(!signs_in(&h, &spa, JANE, PASSWORD));
    assert!(!signs_in(&h, &spa, JANE, NEW_PASSWORD));
    sign_in(&h, &web, JANE, NEW_PASSWORD);
    assert!(signs_in(&h, &spa, JANE, NEW_PASSWORD));
    assert!(!signs_in(&h, &spa, JANE, PASSWORD));
}

#[test]
fn the_stored_verifier_is_sealed() {
    let (h, client, sub) = jane();
    let bob = confirmed(&h, BOB);
    let jane_sealed = h.record(&sub).srp_verifier.expect("Jane has a verifier");
    let bob_sealed = h.record(&bob).srp_verifier.expect("Bob has a verifier");
    assert!(jane_sealed.len() > 400, "{} bytes", jane_sealed.len());
    assert!(bob_sealed.len() > 400, "{} bytes", bob_sealed.len());
    assert_ne!(jane_sealed, bob_sealed, "same password, different blobs");
    // The challenge reveals the salt: the plain v computed from it is not
    // anywhere in the stored bytes, nor is any 32-byte piece of it.
    let (_, challenge) = start(&h, &client, JANE);
    let salt = salt_bytes(param(&challenge, "SALT"));
    let v = srp::compute_verifier(POOL_NAME, &sub, PASSWORD.as_bytes(), &salt).v;
    assert_eq!(v.len(), 384);
    // (That v is the real one: a handshake against it succeeds for a client
    // that knows only the challenge's SALT and the password.)
    let srp = SrpClient::new_random().unwrap();
    let local = srp::server_challenge_random(&v, &srp.srp_a()).unwrap();
    let signature = srp
        .process_challenge(
            POOL_NAME,
            &sub,
            PASSWORD.as_bytes(),
            param(&challenge, "SALT"),
            &local.srp_b(),
            "AAAA",
            "Tue Mar 5 07:08:09 UTC 2024",
        )
        .unwrap();
    assert!(
        srp::verify_claim(
            local.state(),
            &v,
            POOL_NAME,
            &sub,
            &[0, 0, 0],
            "Tue Mar 5 07:08:09 UTC 2024",
            &signature,
        )
        .unwrap()
    );
    assert!(
        !jane_sealed
            .windows(32)
            .any(|w| v.windows(32).any(|p| p == w)),
        "the stored verifier contains v in the clear"
    );
    // Re-setting the same password seals a different blob (fresh salt).
    h.pool
        .admin_set_user_password(
            AdminSetUserPasswordRequest::new(JANE, Password::new(PASSWORD)).permanent(true),
        )
        .unwrap();
    assert_ne!(h.record(&sub).srp_verifier.unwrap(), jane_sealed);
    assert!(signs_in(&h, &client, JANE, PASSWORD));
}

#[test]
fn a_verifier_moved_to_another_user_does_not_sign_them_in() {
    // The seal binds the verifier to its user: copying Jane's sealed
    // verifier onto Bob's record leaves Bob with no usable verifier.
    let (h, client, sub) = jane();
    let bob = confirmed(&h, BOB);
    let jane_sealed = h.record(&sub).srp_verifier.unwrap();
    let mut record = h.record(&bob);
    record.srp_verifier = Some(jane_sealed);
    let keys = [
        IndexKey::Username(bob.clone()),
        IndexKey::Sub(bob.clone()),
        IndexKey::Email(BOB.to_owned()),
    ];
    h.store
        .update_user(h.pool.id(), &record, record.version, &keys)
        .unwrap();
    assert_eq!(h.user(BOB).username, bob, "the index still finds Bob");
    assert!(!signs_in(&h, &client, BOB, PASSWORD));
    assert!(signs_in(&h, &client, JANE, PASSWORD));
}

/// Two pools over one store, one clock and one outbox, as two processes
/// serving the same pool: with the given pool secrets, Jane signed up and
/// confirmed through the first, and one SRP client known to both.
fn two_processes(secret_a: [u8; 32], secret_b: [u8; 32]) -> (Harness, Harness, String, String) {
    let store = Arc::new(MemoryStore::new());
    let clock = ManualClock::new(START);
    let outbox = Outbox::new();
    let build = |secret: [u8; 32]| {
        Harness::from_parts(
            UserPool::builder(quickstart_config().build().unwrap())
                .pool_id("us-east-1_ApiTests1")
                .store(store.clone())
                .clock(Arc::new(clock.clone()))
                .message_sender(Arc::new(outbox.clone()))
                .hashing(HashingParams::insecure_fast_for_tests())
                .secret_key(secret)
                .keys(shared_keys())
                .build()
                .unwrap(),
            clock.clone(),
            outbox.clone(),
            store.clone(),
        )
    };
    let (a, b) = (build(secret_a), build(secret_b));
    let client = add_client(&a, srp_config("spa"));
    // Clients live in the shared store: B serves the client A created.
    assert_eq!(
        b.pool.describe_user_pool_client(client.id()).unwrap().id(),
        client.id()
    );
    let sub = confirmed(&a, JANE);
    (a, b, client.id().to_owned(), sub)
}

#[test]
fn a_challenge_from_one_process_is_answered_by_another_sharing_the_secret() {
    let (a, b, client, sub) = two_processes([7; 32], [7; 32]);
    let (srp, challenge) = start(&a, &client, JANE);
    let answer = Answer::new(&a, &srp, &challenge, PASSWORD);
    assert_tokens_of(&answer.send(&b, &client).unwrap(), &client, &sub, &sub);
    // Used up for both: the one-time mark lives in the shared store.
    let once = "Invalid session for the user, session can only be used once.";
    assert_error(answer.send(&a, &client), ErrorCode::NotAuthorized, once);
    assert_error(answer.send(&b, &client), ErrorCode::NotAuthorized, once);
}

#[test]
fn a_process_with_another_secret_can_neither_answer_nor_use_the_verifier() {
    let (a, b, client, _) = two_processes([7; 32], [8; 32]);
    let (srp, challenge) = start(&a, &client, JANE);
    let answer = Answer::new(&a, &srp, &challenge, PASSWORD);
    assert_incorrect(answer.send(&b, &client));
    // B cannot open the verifier A sealed: SRP through B fails...
    assert!(!signs_in(&b, &client, JANE, PASSWORD));
    // ...while A still signs Jane in, with the untouched challenge too.
    assert!(answer.send(&a, &client).is_ok());
    assert!(signs_in(&a, &client, JANE, PASSWORD));
}

#[test]
fn a_password_sign_in_repairs_a_verifier_sealed_under_a_lost_secret() {
    // A process restarts over a persistent store without a configured
    // secret (the default draws a random one): every stored verifier is now
    // unreadable. A password sign-in has the plaintext in hand and repairs a
    // *missing* verifier (above); an unreadable one is just as missing.
    let (old, restarted, client, sub) = two_processes([7; 32], [8; 32]);
    drop(old);
    let web = password_client(&restarted);
    assert!(restarted.record(&sub).srp_verifier.is_some());
    assert!(!signs_in(&restarted, &client, JANE, PASSWORD));
    sign_in(&restarted, &web, JANE, PASSWORD);
    assert!(
        signs_in(&restarted, &client, JANE, PASSWORD),
        "SRP still fails after a successful USER_PASSWORD_AUTH"
    );
}

// ===== 7. properties =====

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Passwords the default policy accepts: 8 or more characters of every
/// class, no surrounding space.
fn password() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{4,8}[0-9]{1,3}[!#%&*+=@^]{1,3}[a-zA-Z0-9 éü€!@]{0,8}[a-z0-9]"
}

/// A staff pool with an SRP client and `dana` confirmed with `password`.
fn dana(password: &str) -> (Harness, String) {
    let h = staff(true);
    let client = srp_client(&h);
    h.pool
        .sign_up(
            SignUpRequest::new(h.client(), "dana", password)
                .attribute("given_name", "Dana")
                .attribute("email", "dana@example.com"),
        )
        .unwrap();
    h.pool.admin_confirm_sign_up("dana").unwrap();
    (h, client)
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn the_right_password_always_signs_in(password in password()) {
        let (h, client) = dana(&password);
        let response = srp_sign_in(&h, &client, "dana", &password);
        prop_assert!(
            response.as_ref().is_ok_and(|r| r.authentication_result.is_some()),
            "{:?}", response
        );
    }

    #[test]
    fn a_password_one_character_off_never_signs_in(
        password in password(),
        index in any::<prop::sample::Index>(),
        replacement in prop::char::any(),
    ) {
        let chars: Vec<char> = password.chars().collect();
        let i = index.index(chars.len());
        prop_assume!(chars[i] != replacement);
        let mut other = chars;
        other[i] = replacement;
        let other: String = other.into_iter().collect();
        let (h, client) = dana(&password);
        prop_assert!(!signs_in(&h, &client, "dana", &other));
        prop_assert!(signs_in(&h, &client, "dana", &password));
    }

    #[test]
    fn a_tampered_secret_block_never_signs_in(
        index in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let (h, client) = dana(PASSWORD);
        let (srp, challenge) = start(&h, &client, "dana");
        let good = Answer::new(&h, &srp, &challenge, PASSWORD);
        let mut bytes = STANDARD.decode(&good.secret_block).unwrap();
        let i = index.index(bytes.len());
        bytes[i] ^= mask;
        let mut answer = good.clone();
        answer.secret_block = STANDARD.encode(&bytes);
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        let e = answer.send(&h, &client).err().map(|e| (e.code(), e.message().to_owned()));
        prop_assert_eq!(e, Some((ErrorCode::NotAuthorized, INCORRECT.to_owned())));
        prop_assert!(good.send(&h, &client).is_ok_and(|r| r.authentication_result.is_some()));
    }
}

// ===== 8. Debug =====

/// `Debug` of `a` and `b`, which differ only in their secrets, is the same.
fn assert_same_debug<T: std::fmt::Debug>(a: &T, b: &T) {
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(format!("{a:#?}"), format!("{b:#?}"));
}

fn assert_hides(debug: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(!debug.contains(secret), "{debug} shows {secret}");
    }
}

#[test]
fn debug_never_shows_the_secret_block_the_signature_or_the_password() {
    let (h, client, _) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let (srp2, challenge2) = start(&h, &client, JANE);
    assert_same_debug(&challenge, &challenge2);
    let block = param(&challenge, "SECRET_BLOCK");
    let debug = format!("{challenge:?} {challenge:#?}");
    // A 40-character piece is enough to leak it; none may appear.
    assert_hides(&debug, &[block, &block[..40], &block[block.len() - 40..]]);

    let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
    let answer2 = Answer::new(&h, &srp2, &challenge2, PASSWORD);
    let request = answer.request(&client);
    assert_same_debug(&request, &answer2.request(&client));
    let debug = format!("{request:?} {request:#?}");
    assert_hides(&debug, &[&answer.secret_block, &answer.signature, PASSWORD]);

    let initiate = srp_request(&client, JANE, &srp.srp_a());
    let initiate2 = srp_request(&client, JANE, &srp2.srp_a());
    assert_same_debug(&initiate, &initiate2);
    assert_hides(&format!("{initiate:?}"), &[&srp.srp_a()[..64]]);

    // Refusals do not echo what was sent.
    let wrong = Answer::new(&h, &srp2, &challenge2, WRONG);
    let e = refused(wrong.send(&h, &client));
    let debug = format!("{e:?} {e}");
    assert_hides(&debug, &[&wrong.secret_block, &wrong.signature, WRONG]);
    let mut spoiled = answer.clone();
    spoiled.secret_block = format!("{}x", answer.secret_block);
    let e = refused(spoiled.send(&h, &client));
    assert_hides(
        &format!("{e:?} {e}"),
        &[&answer.secret_block[..40], &answer.signature],
    );

    // The tokens are redacted too, and the stored verifier.
    let response = answer.send(&h, &client).unwrap();
    let tokens = response.authentication_result.as_ref().unwrap();
    assert_hides(
        &format!("{response:?}"),
        &[&tokens.access_token, &tokens.id_token],
    );
    let record = h.record(param(&challenge, "USERNAME"));
    let sealed = record.srp_verifier.clone().unwrap();
    let debug = format!("{record:?}");
    assert_hides(
        &debug,
        &[&format!("{sealed:?}"), &format!("{:?}", &sealed[..8])],
    );
    assert!(!format!("{srp:?}").contains(PASSWORD));
}

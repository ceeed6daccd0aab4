//! Pool-secret rotation: what the old secret sealed keeps working for its
//! lifetime, verifiers and client secrets are re-sealed, and afterwards a
//! copy of the old secret opens and forges nothing.

use std::sync::Arc;
use std::time::Duration;

use userpool::client::PreventUserExistenceErrors;
use userpool::store::MemoryStore;
use userpool::{
    ConfirmForgotPasswordRequest, ErrorCode, ForgotPasswordRequest, HashingParams, ManualClock,
    Outbox, ResealReport, UserPool, UserPoolBuilder,
};

use crate::api::common::{Harness, JANE, add_client, confirmed, sign_in};
use crate::support::pools::quickstart_config;
use crate::support::{PASSWORD, START, shared_keys};

use super::{
    Answer, BOB, NEW_PASSWORD, assert_incorrect, assert_tokens_of, param, signs_in, srp_config,
    start,
};

const OLD: [u8; 32] = [1; 32];
const NEW: [u8; 32] = [2; 32];
const DAY: Duration = Duration::from_secs(24 * 3600);

/// Processes serving one pool over one store, clock and outbox, each built
/// with its own secrets.
struct Deployment {
    store: Arc<MemoryStore>,
    clock: ManualClock,
    outbox: Outbox,
}

impl Deployment {
    fn new() -> Self {
        Self {
            store: Arc::new(MemoryStore::new()),
            clock: ManualClock::new(START),
            outbox: Outbox::new(),
        }
    }

    fn process(&self, secrets: impl FnOnce(UserPoolBuilder) -> UserPoolBuilder) -> Harness {
        let builder = UserPool::builder(quickstart_config().build().unwrap())
            .pool_id("us-east-1_ApiTests1")
            .store(self.store.clone())
            .clock(Arc::new(self.clock.clone()))
            .message_sender(Arc::new(self.outbox.clone()))
            .hashing(HashingParams::insecure_fast_for_tests())
            .keys(shared_keys());
        Harness::from_parts(
            secrets(builder).build().unwrap(),
            self.clock.clone(),
            self.outbox.clone(),
            self.store.clone(),
        )
    }
}

/// The secrets of a process built before the rotation.
fn before(b: UserPoolBuilder) -> UserPoolBuilder {
    b.secret_key(OLD)
}

/// The secrets of a process built after a rotation at [`START`].
fn after(b: UserPoolBuilder) -> UserPoolBuilder {
    b.secret_key(NEW).previous_secret_key(OLD, START)
}

/// A confidential client of `h`: its id and secret.
fn confidential(h: &Harness) -> (String, String) {
    let client = add_client(h, srp_config("backend").generate_secret(true));
    let secret = client.secret().unwrap().expose_secret().to_owned();
    (client.id().to_owned(), secret)
}

fn secret_of(h: &Harness, client: &str) -> String {
    h.pool
        .describe_user_pool_client(client)
        .unwrap()
        .secret()
        .unwrap()
        .expose_secret()
        .to_owned()
}

#[test]
fn what_the_old_secret_sealed_works_through_a_rotated_process_within_its_lifetime() {
    let d = Deployment::new();
    let old = d.process(before);
    let spa = add_client(&old, srp_config("spa")).id().to_owned();
    let (backend, backend_secret) = confidential(&old);
    let sub = confirmed(&old, JANE);
    let (srp, challenge) = start(&old, &spa, JANE);
    old.pool
        .forgot_password(ForgotPasswordRequest::new(&spa, JANE))
        .unwrap();
    let code = old.code_for(JANE);

    let rotated = d.process(after);
    d.clock.advance(Duration::from_secs(60));
    // A challenge, a verifier and a code sealed or digested under the old
    // secret, each within its own lifetime...
    let answer = Answer::new(&rotated, &srp, &challenge, PASSWORD);
    assert_tokens_of(&answer.send(&rotated, &spa).unwrap(), &spa, &sub, &sub);
    rotated
        .pool
        .confirm_forgot_password(ConfirmForgotPasswordRequest::new(
            &spa,
            JANE,
            code,
            NEW_PASSWORD,
        ))
        .unwrap();
    assert!(signs_in(&rotated, &spa, JANE, NEW_PASSWORD));
    // ...and a client secret not yet re-sealed, for a day.
    d.clock.advance(DAY - Duration::from_secs(120));
    assert_eq!(secret_of(&rotated, &backend), backend_secret);
}

#[test]
fn reseal_moves_verifiers_and_client_secrets_off_the_old_secret() {
    let d = Deployment::new();
    let old = d.process(before);
    let spa = add_client(&old, srp_config("spa")).id().to_owned();
    let (backend, backend_secret) = confidential(&old);
    confirmed(&old, JANE);
    confirmed(&old, BOB);
    let modified = old.user(JANE).last_modified_at;

    let rotated = d.process(after);
    assert_eq!(rotated.pool.reseal_secrets().unwrap(), report(2, 1));
    assert_eq!(
        rotated.pool.reseal_secrets().unwrap(),
        report(0, 0),
        "idempotent"
    );
    assert_eq!(
        rotated.user(JANE).last_modified_at,
        modified,
        "re-sealing is not a change the user made"
    );
    // A process that never had the old secret serves everything.
    let new_only = d.process(|b| b.secret_key(NEW));
    assert!(signs_in(&new_only, &spa, JANE, PASSWORD));
    assert!(signs_in(&new_only, &spa, BOB, PASSWORD));
    assert_eq!(secret_of(&new_only, &backend), backend_secret);
}

/// A client secret is re-sealed the first time a rotated process reads it,
/// as a verifier is at its next sign-in: a client in use does not depend
/// on an eager re-seal having run.
#[test]
fn a_client_in_use_is_re_sealed_without_reseal_secrets() {
    let d = Deployment::new();
    let old = d.process(before);
    let (backend, backend_secret) = confidential(&old);
    let rotated = d.process(after);
    assert_eq!(secret_of(&rotated, &backend), backend_secret);
    let new_only = d.process(|b| b.secret_key(NEW));
    assert_eq!(secret_of(&new_only, &backend), backend_secret);
    assert_eq!(rotated.pool.reseal_secrets().unwrap(), report(0, 0));
}

#[test]
fn past_its_lifetime_the_old_secret_opens_and_forges_nothing() {
    let d = Deployment::new();
    let old = d.process(before);
    let spa = add_client(&old, srp_config("spa")).id().to_owned();
    confirmed(&old, JANE);
    let rotated = d.process(after);
    d.clock.advance(DAY);
    // Whoever kept the old secret (an old snapshot and its master key) can
    // seal a SECRET_BLOCK (here with the real verifier, never re-sealed)
    // and digest a reset code with it...
    let (srp, forged) = start(&old, &spa, JANE);
    let answer = Answer::new(&rotated, &srp, &forged, PASSWORD);
    old.pool
        .forgot_password(ForgotPasswordRequest::new(&spa, JANE))
        .unwrap();
    let code = old.code_for(JANE);
    // ...and the rotated pool refuses both.
    assert_incorrect(answer.send(&rotated, &spa));
    let e = rotated
        .pool
        .confirm_forgot_password(ConfirmForgotPasswordRequest::new(
            &spa,
            JANE,
            code,
            NEW_PASSWORD,
        ))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CodeMismatch);
    // A verifier never re-sealed no longer opens: SRP fails until the next
    // password sign-in stores a new one.
    assert!(!signs_in(&rotated, &spa, JANE, PASSWORD));
    sign_in(&rotated, &spa, JANE, PASSWORD);
    assert!(signs_in(&rotated, &spa, JANE, PASSWORD));
}

#[test]
fn simulated_identities_survive_a_rotation() {
    let d = Deployment::new();
    let old = d.process(before);
    let quiet = add_client(
        &old,
        srp_config("quiet").prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned();
    let ghost = "ghost@example.com";
    let identity = |h: &Harness| {
        let (_, c) = start(h, &quiet, ghost);
        (
            param(&c, "USER_ID_FOR_SRP").to_owned(),
            param(&c, "SALT").to_owned(),
        )
    };
    let first = identity(&old);
    assert_eq!(identity(&d.process(after)), first);
    // A second rotation keeps it when given the pool's simulation key.
    let key = d.process(after).pool.simulation_key();
    let twice = d.process(|b| {
        b.secret_key([3; 32])
            .previous_secret_key(NEW, START)
            .simulation_key(*key)
    });
    assert_eq!(identity(&twice), first);
}

fn report(verifiers: usize, client_secrets: usize) -> ResealReport {
    let mut r = ResealReport::default();
    r.verifiers = verifiers;
    r.client_secrets = client_secrets;
    r
}

//! `CUSTOM_AUTH` through the pool's API with Rust hooks
//! (cognito-triggers.md §3, the CUSTOM_AUTH rows of §7.3): the exact
//! DefineAuthChallenge / CreateAuthChallenge / VerifyAuthChallengeResponse
//! events and session arrays, the challenge the client sees, the sealed
//! single-use sessions, SRP first with a real client computation, unknown
//! users under `PreventUserExistenceErrors`, the round cap and the lockout.
//!
//! The hooks record every event they see ([`Script::seen`]) and decide with
//! closures each test sets, so the tests assert what the functions were
//! told as well as what the client got.
//!
//! The hooks, the pool and the helpers are here; each area is a module:
//! `flow` (the loop, the challenge, the answer), `srp` (SRP first),
//! `limits` (expiry, round cap, lockout), `users` (unknown, disabled and
//! temporary-password users, throwing triggers).

mod devices;
mod flow;
mod limits;
mod mfa;
mod srp;
mod users;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use userpool::client::{AppClientConfig, AuthFlow, PreventUserExistenceErrors, secret_hash};
use userpool::srp::{SrpClient, format_timestamp};
use userpool::triggers::{
    ChallengeResult, CreateAuthChallengeRequest, CreateAuthChallengeResponse,
    DefineAuthChallengeRequest, DefineAuthChallengeResponse, Event, PostAuthenticationRequest,
    PreAuthenticationRequest, PreTokenGenerationRequest, PreTokenGenerationResponse, StringMap,
    Trigger, TriggerError, TriggerSet, Triggers, VerifyAuthChallengeRequest,
    VerifyAuthChallengeResponse,
};
use userpool::{
    AuthResponse, ChallengeName, Clock as _, ErrorCode, HashingParams, InitiateAuthRequest,
    ManualClock, Outbox, RespondToAuthChallengeRequest, UserPool,
};

use super::common::{Harness, JANE, add_client, claims, confirmed, refused};
use crate::support::pools::quickstart_config;
use crate::support::{PASSWORD, clock_at_start, shared_keys};

const INCORRECT: &str = "Incorrect username or password.";
const NOT_CONFIGURED: &str = "Custom auth lambda trigger is not configured for the user pool.";
const POOL_NAME: &str = "ApiTests1";

/// What the shared end of every sign-in adds to the event sequence of a
/// successful one: PostAuthentication, then PreTokenGeneration.
const FINISH: &[&str] = &[
    "PostAuthentication_Authentication",
    "TokenGeneration_Authentication",
];

// ---------------------------------------------------------------------------
// The hooks
// ---------------------------------------------------------------------------

type Define = dyn Fn(&DefineAuthChallengeRequest) -> DefineAuthChallengeResponse + Send + Sync;
type Create = dyn Fn(&CreateAuthChallengeRequest) -> CreateAuthChallengeResponse + Send + Sync;
type Verify = dyn Fn(&VerifyAuthChallengeRequest) -> bool + Send + Sync;

/// One event a hook saw.
#[derive(Clone, Debug)]
enum Seen {
    PreAuthentication(Event<PreAuthenticationRequest>),
    Define(Event<DefineAuthChallengeRequest>),
    Create(Event<CreateAuthChallengeRequest>),
    Verify(Event<VerifyAuthChallengeRequest>),
    /// PostAuthentication or PreTokenGeneration, by trigger source.
    Finish(&'static str),
}

impl Seen {
    fn source(&self) -> &'static str {
        match self {
            Self::PreAuthentication(e) => e.trigger_source.as_str(),
            Self::Define(e) => e.trigger_source.as_str(),
            Self::Create(e) => e.trigger_source.as_str(),
            Self::Verify(e) => e.trigger_source.as_str(),
            Self::Finish(source) => source,
        }
    }
}

/// Hooks driven by closures, recording every event.
struct Script {
    configured: TriggerSet,
    seen: Mutex<Vec<Seen>>,
    define: Box<Define>,
    create: Box<Create>,
    verify: Box<Verify>,
    /// A trigger that throws `nope`, after recording its event.
    reject: Option<Trigger>,
}

impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Script")
            .field("configured", &self.configured)
            .finish_non_exhaustive()
    }
}

impl Script {
    /// The usual one-time-code functions: Define asks for a challenge until
    /// one is answered right (three tries), Create's expected answer is
    /// `code-<round>` (metadata `CODE-<round>`), Verify compares.
    fn standard() -> Self {
        Self {
            configured: TriggerSet::of(&[
                Trigger::PreAuthentication,
                Trigger::PostAuthentication,
                Trigger::PreTokenGeneration,
                Trigger::DefineAuthChallenge,
                Trigger::CreateAuthChallenge,
                Trigger::VerifyAuthChallengeResponse,
            ]),
            seen: Mutex::new(Vec::new()),
            define: Box::new(standard_define),
            create: Box::new(|r| {
                let round = r.session.len();
                let mut out = CreateAuthChallengeResponse::default();
                out.public_challenge_parameters = map(&[("hint", "code"), ("USERNAME", "forged")]);
                out.private_challenge_parameters = map(&[("answer", &format!("code-{round}"))]);
                out.challenge_metadata = Some(format!("CODE-{round}"));
                out
            }),
            verify: Box::new(|r| {
                r.private_challenge_parameters.get("answer") == Some(&r.challenge_answer)
            }),
            reject: None,
        }
    }

    fn with_define(
        mut self,
        f: impl Fn(&DefineAuthChallengeRequest) -> DefineAuthChallengeResponse + Send + Sync + 'static,
    ) -> Self {
        self.define = Box::new(f);
        self
    }

    fn without(mut self, trigger: Trigger) -> Self {
        self.configured = self.configured.iter().filter(|t| *t != trigger).collect();
        self
    }

    fn rejecting(mut self, trigger: Trigger) -> Self {
        self.reject = Some(trigger);
        self
    }

    fn refuse(&self, trigger: Trigger) -> Result<(), TriggerError> {
        if self.reject == Some(trigger) {
            Err(TriggerError::rejected("nope"))
        } else {
            Ok(())
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn sources(&self) -> Vec<&'static str> {
        self.seen().iter().map(Seen::source).collect()
    }

    fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }

    fn defines(&self) -> Vec<Event<DefineAuthChallengeRequest>> {
        self.seen()
            .into_iter()
            .filter_map(|s| match s {
                Seen::Define(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    fn creates(&self) -> Vec<Event<CreateAuthChallengeRequest>> {
        self.seen()
            .into_iter()
            .filter_map(|s| match s {
                Seen::Create(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    fn verifies(&self) -> Vec<Event<VerifyAuthChallengeRequest>> {
        self.seen()
            .into_iter()
            .filter_map(|s| match s {
                Seen::Verify(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    fn pre_authentications(&self) -> Vec<Event<PreAuthenticationRequest>> {
        self.seen()
            .into_iter()
            .filter_map(|s| match s {
                Seen::PreAuthentication(e) => Some(e),
                _ => None,
            })
            .collect()
    }
}

impl Triggers for Script {
    fn configured(&self) -> TriggerSet {
        self.configured
    }

    fn pre_authentication(
        &self,
        event: &Event<PreAuthenticationRequest>,
    ) -> Result<(), TriggerError> {
        self.seen
            .lock()
            .unwrap()
            .push(Seen::PreAuthentication(event.clone()));
        self.refuse(Trigger::PreAuthentication)
    }

    fn post_authentication(
        &self,
        event: &Event<PostAuthenticationRequest>,
    ) -> Result<(), TriggerError> {
        self.seen
            .lock()
            .unwrap()
            .push(Seen::Finish(event.trigger_source.as_str()));
        Ok(())
    }

    fn pre_token_generation(
        &self,
        event: &Event<PreTokenGenerationRequest>,
    ) -> Result<PreTokenGenerationResponse, TriggerError> {
        self.seen
            .lock()
            .unwrap()
            .push(Seen::Finish(event.trigger_source.as_str()));
        Ok(PreTokenGenerationResponse::default())
    }

    fn define_auth_challenge(
        &self,
        event: &Event<DefineAuthChallengeRequest>,
    ) -> Result<DefineAuthChallengeResponse, TriggerError> {
        self.seen.lock().unwrap().push(Seen::Define(event.clone()));
        self.refuse(Trigger::DefineAuthChallenge)?;
        Ok((self.define)(&event.request))
    }

    fn create_auth_challenge(
        &self,
        event: &Event<CreateAuthChallengeRequest>,
    ) -> Result<CreateAuthChallengeResponse, TriggerError> {
        self.seen.lock().unwrap().push(Seen::Create(event.clone()));
        self.refuse(Trigger::CreateAuthChallenge)?;
        Ok((self.create)(&event.request))
    }

    fn verify_auth_challenge_response(
        &self,
        event: &Event<VerifyAuthChallengeRequest>,
    ) -> Result<VerifyAuthChallengeResponse, TriggerError> {
        self.seen.lock().unwrap().push(Seen::Verify(event.clone()));
        self.refuse(Trigger::VerifyAuthChallengeResponse)?;
        Ok(VerifyAuthChallengeResponse::new((self.verify)(
            &event.request,
        )))
    }
}

fn map(pairs: &[(&str, &str)]) -> StringMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn decision(challenge: Option<&str>, issue: bool, fail: bool) -> DefineAuthChallengeResponse {
    let mut d = DefineAuthChallengeResponse::default();
    d.challenge_name = challenge.map(str::to_owned);
    d.issue_tokens = issue;
    d.fail_authentication = fail;
    d
}

fn challenge() -> DefineAuthChallengeResponse {
    decision(Some("CUSTOM_CHALLENGE"), false, false)
}

/// SRP first when the session starts with `SRP_A`; then custom challenges
/// until one is answered right; failure after three wrong answers.
fn standard_define(r: &DefineAuthChallengeRequest) -> DefineAuthChallengeResponse {
    let custom = r
        .session
        .iter()
        .filter(|e| e.challenge_name == "CUSTOM_CHALLENGE")
        .count();
    match r.session.last() {
        Some(e) if e.challenge_name == "SRP_A" => decision(Some("PASSWORD_VERIFIER"), false, false),
        Some(e) if e.challenge_name == "CUSTOM_CHALLENGE" && e.challenge_result => {
            decision(None, true, false)
        }
        _ if custom >= 3 => decision(None, false, true),
        _ => challenge(),
    }
}

fn entry(name: &str, result: bool, metadata: Option<&str>) -> ChallengeResult {
    ChallengeResult::new(name, result, metadata.map(str::to_owned))
}

// ---------------------------------------------------------------------------
// The pool
// ---------------------------------------------------------------------------

/// Flows of the custom-auth client: `CUSTOM_AUTH` and SRP (so passwords get
/// a verifier), password sign-in and refresh.
const FLOWS: [AuthFlow; 4] = [
    AuthFlow::CustomAuth,
    AuthFlow::UserSrpAuth,
    AuthFlow::UserPasswordAuth,
    AuthFlow::RefreshTokenAuth,
];

struct World {
    h: Harness,
    hooks: Arc<Script>,
    /// The `CUSTOM_AUTH` client (LEGACY existence errors).
    client: String,
    /// Jane's internal username (a UUID: the quickstart pool signs in by email).
    jane: String,
}

fn pool_with(hooks: &Arc<Script>) -> Harness {
    let clock: ManualClock = clock_at_start();
    let outbox = Outbox::new();
    let store = Arc::new(userpool::store::MemoryStore::new());
    let pool = UserPool::builder(quickstart_config().build().unwrap())
        .pool_id("us-east-1_ApiTests1")
        .store(store.clone())
        .clock(Arc::new(clock.clone()))
        .message_sender(Arc::new(outbox.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(shared_keys())
        .triggers(hooks.clone())
        .build()
        .unwrap();
    Harness::from_parts(pool, clock, outbox, store)
}

fn world_with(script: Script) -> World {
    let hooks = Arc::new(script);
    let h = pool_with(&hooks);
    let client = custom_client(&h, PreventUserExistenceErrors::Legacy);
    let sub = confirmed(&h, JANE);
    hooks.clear();
    World {
        h,
        hooks,
        client,
        jane: sub,
    }
}

fn world() -> World {
    world_with(Script::standard())
}

fn custom_client(h: &Harness, prevent: PreventUserExistenceErrors) -> String {
    add_client(
        h,
        AppClientConfig::builder("custom")
            .explicit_auth_flows(FLOWS)
            .prevent_user_existence_errors(prevent),
    )
    .id()
    .to_owned()
}

fn start(client: &str, username: &str) -> InitiateAuthRequest {
    InitiateAuthRequest::custom_auth(client, username)
}

fn answer(
    client: &str,
    session: &AuthResponse,
    username: &str,
    value: &str,
) -> RespondToAuthChallengeRequest {
    RespondToAuthChallengeRequest::new(
        client,
        ChallengeName::CustomChallenge,
        session.session.clone(),
    )
    .response("USERNAME", username)
    .response("ANSWER", value)
}

impl World {
    fn initiate(&self, request: InitiateAuthRequest) -> userpool::Result<AuthResponse> {
        self.h.pool.initiate_auth(request)
    }

    fn respond(&self, request: RespondToAuthChallengeRequest) -> userpool::Result<AuthResponse> {
        self.h.pool.respond_to_auth_challenge(request)
    }

    /// `InitiateAuth` for Jane by email, which must end in a custom challenge.
    fn challenge(&self) -> AuthResponse {
        let r = self.initiate(start(&self.client, JANE)).unwrap();
        assert_eq!(r.challenge_name, Some(ChallengeName::CustomChallenge));
        r
    }
}

fn assert_error<T: std::fmt::Debug>(result: userpool::Result<T>, code: ErrorCode, message: &str) {
    let e = refused(result);
    assert_eq!((e.code(), e.message()), (code, message));
}

fn assert_jane_tokens(w: &World, r: &AuthResponse) {
    assert_eq!(r.challenge_name, None);
    assert_eq!(r.session, None);
    assert!(r.challenge_parameters.is_empty());
    let tokens = r.authentication_result.as_ref().expect("tokens");
    let access = claims(&tokens.access_token);
    assert_eq!(access["username"], w.jane.as_str());
    assert_eq!(access["client_id"], w.client.as_str());
    assert_eq!(claims(&tokens.id_token)["email"], JANE);
}

fn sequence(prefix: &[&'static str]) -> Vec<&'static str> {
    prefix.iter().chain(FINISH).copied().collect()
}

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

/// What the tokens path adds to the event sequence of a successful sign-in.
/// Empty on this branch; PostAuthentication and PreTokenGeneration are
/// fired by the shared token path, so once merged this becomes
/// `["PostAuthentication_Authentication", "TokenGeneration_Authentication"]`.
const FINISH: &[&str] = &[];

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

// ---------------------------------------------------------------------------
// §7.3: passwordless, right answer
// ---------------------------------------------------------------------------

#[test]
fn passwordless_right_answer_runs_define_create_verify_define_and_issues_tokens() {
    let w = world();
    let start_meta = map(&[("from", "initiate")]);
    let respond_meta = map(&[("from", "respond")]);
    let first = w
        .initiate(start(&w.client, JANE).client_metadata(start_meta.clone()))
        .unwrap();
    assert_eq!(first.challenge_name, Some(ChallengeName::CustomChallenge));
    let done = w
        .respond(answer(&w.client, &first, &w.jane, "code-0").client_metadata(respond_meta.clone()))
        .unwrap();
    assert_jane_tokens(&w, &done);
    assert_eq!(
        w.hooks.sources(),
        sequence(&[
            "PreAuthentication_Authentication",
            "DefineAuthChallenge_Authentication",
            "CreateAuthChallenge_Authentication",
            "VerifyAuthChallengeResponse_Authentication",
            "DefineAuthChallenge_Authentication",
        ])
    );
    // PreAuthentication: once, with the InitiateAuth metadata as validationData.
    let pre = w.hooks.pre_authentications();
    assert_eq!(pre[0].request.validation_data, Some(start_meta.clone()));
    assert_eq!(pre[0].request.user_not_found, None);
    assert_eq!(pre[0].user_name, w.jane);
    let defines = w.hooks.defines();
    // Define([]) without InitiateAuth's metadata, then Define with one merged entry.
    assert_eq!(defines[0].request.session, vec![]);
    assert_eq!(defines[0].request.client_metadata, None);
    assert_eq!(
        defines[1].request.session,
        vec![entry("CUSTOM_CHALLENGE", true, Some("CODE-0"))]
    );
    assert_eq!(
        defines[1].request.client_metadata,
        Some(respond_meta.clone())
    );
    let creates = w.hooks.creates();
    assert_eq!(creates[0].request.session, vec![]);
    assert_eq!(creates[0].request.challenge_name, "CUSTOM_CHALLENGE");
    assert_eq!(creates[0].request.client_metadata, None);
    let verify = &w.hooks.verifies()[0];
    assert_eq!(verify.request.challenge_answer, "code-0");
    assert_eq!(
        verify.request.private_challenge_parameters,
        map(&[("answer", "code-0")])
    );
    assert_eq!(verify.request.client_metadata, Some(respond_meta));
    for e in w.hooks.seen() {
        let (name, client, attrs, not_found) = match &e {
            Seen::Finish(_) => continue,
            Seen::PreAuthentication(e) => (
                &e.user_name,
                &e.caller_context.client_id,
                &e.request.user_attributes,
                e.request.user_not_found,
            ),
            Seen::Define(e) => (
                &e.user_name,
                &e.caller_context.client_id,
                &e.request.user_attributes,
                e.request.user_not_found,
            ),
            Seen::Create(e) => (
                &e.user_name,
                &e.caller_context.client_id,
                &e.request.user_attributes,
                e.request.user_not_found,
            ),
            Seen::Verify(e) => (
                &e.user_name,
                &e.caller_context.client_id,
                &e.request.user_attributes,
                e.request.user_not_found,
            ),
        };
        assert_eq!(name, &w.jane);
        assert_eq!(client, &w.client);
        assert_eq!(attrs.get("email").map(String::as_str), Some(JANE));
        assert_eq!(attrs.get("sub"), Some(&w.jane));
        assert_eq!(
            attrs.get("cognito:user_status").map(String::as_str),
            Some("CONFIRMED")
        );
        // LEGACY client: userNotFound is not sent.
        assert_eq!(not_found, None);
        // InitiateAuth metadata reaches only PreAuthentication.
        if !matches!(e, Seen::PreAuthentication(_)) {
            let meta = match &e {
                Seen::Define(e) => e.request.client_metadata.clone(),
                Seen::Create(e) => e.request.client_metadata.clone(),
                Seen::Verify(e) => e.request.client_metadata.clone(),
                Seen::PreAuthentication(_) | Seen::Finish(_) => None,
            };
            assert_ne!(meta, Some(start_meta.clone()));
        }
    }
}

#[test]
fn the_admin_operations_run_the_same_flow() {
    let w = world();
    let first =
        w.h.pool
            .admin_initiate_auth(start(&w.client, JANE))
            .unwrap();
    assert_eq!(first.challenge_name, Some(ChallengeName::CustomChallenge));
    let done =
        w.h.pool
            .admin_respond_to_auth_challenge(RespondToAuthChallengeRequest::custom_challenge(
                &w.client,
                first.session.clone().unwrap(),
                JANE,
                "code-0",
            ))
            .unwrap();
    assert_jane_tokens(&w, &done);
}

// ---------------------------------------------------------------------------
// §7.3: wrong then right; the old session is refused
// ---------------------------------------------------------------------------

#[test]
fn a_wrong_answer_gets_a_new_challenge_and_the_old_session_is_used_up() {
    let w = world();
    let first = w.challenge();
    let second = w
        .respond(answer(&w.client, &first, &w.jane, "nope"))
        .unwrap();
    assert_eq!(second.challenge_name, Some(ChallengeName::CustomChallenge));
    assert!(second.session.is_some());
    assert_ne!(second.session, first.session);
    assert_error(
        w.respond(answer(&w.client, &first, &w.jane, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user, session can only be used once.",
    );
    // Create ran again, seeing the failed round.
    let creates = w.hooks.creates();
    assert_eq!(
        creates[1].request.session,
        vec![entry("CUSTOM_CHALLENGE", false, Some("CODE-0"))]
    );
    let done = w
        .respond(answer(&w.client, &second, &w.jane, "code-1"))
        .unwrap();
    assert_jane_tokens(&w, &done);
    let last = w.hooks.defines().pop().unwrap();
    assert_eq!(
        last.request.session,
        vec![
            entry("CUSTOM_CHALLENGE", false, Some("CODE-0")),
            entry("CUSTOM_CHALLENGE", true, Some("CODE-1")),
        ]
    );
    // The session of a finished sign-in cannot be replayed either.
    assert_error(
        w.respond(answer(&w.client, &second, &w.jane, "code-1")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user, session can only be used once.",
    );
}

// ---------------------------------------------------------------------------
// §7.3: failAuthentication, precedence, unusable decisions
// ---------------------------------------------------------------------------

#[test]
fn fail_authentication_is_incorrect_username_or_password() {
    let w = world();
    let mut r = w.challenge();
    for round in 0..2 {
        r = w.respond(answer(&w.client, &r, &w.jane, "nope")).unwrap();
        assert_eq!(
            r.challenge_name,
            Some(ChallengeName::CustomChallenge),
            "{round}"
        );
    }
    assert_error(
        w.respond(answer(&w.client, &r, &w.jane, "nope")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    assert_eq!(w.hooks.defines().last().unwrap().request.session.len(), 3);
}

#[test]
fn fail_wins_over_issue_which_wins_over_a_challenge() {
    let w = world_with(
        Script::standard().with_define(|_| decision(Some("CUSTOM_CHALLENGE"), true, true)),
    );
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    // issueTokens on the very first call, with a challenge named too: tokens.
    let w = world_with(
        Script::standard().with_define(|_| decision(Some("CUSTOM_CHALLENGE"), true, false)),
    );
    let r = w.initiate(start(&w.client, JANE)).unwrap();
    assert_jane_tokens(&w, &r);
    assert!(w.hooks.creates().is_empty());
}

#[test]
fn a_decision_the_pool_cannot_act_on_is_unrecognizable_lambda_output() {
    for name in [
        None,
        Some("PASSWORD_VERIFIER"),
        Some("SMS_MFA"),
        Some("custom_challenge"),
    ] {
        let w = world_with(Script::standard().with_define(move |_| decision(name, false, false)));
        assert_error(
            w.initiate(start(&w.client, JANE)),
            ErrorCode::InvalidLambdaResponse,
            "Unrecognizable lambda output",
        );
        assert!(w.hooks.creates().is_empty(), "{name:?}");
    }
}

// ---------------------------------------------------------------------------
// §7.3: SRP first
// ---------------------------------------------------------------------------

fn srp_start(w: &World, srp: &SrpClient, with_name: bool) -> InitiateAuthRequest {
    let r = start(&w.client, JANE).param("SRP_A", srp.srp_a());
    if with_name {
        r.param("CHALLENGE_NAME", "SRP_A")
    } else {
        r
    }
}

fn srp_proof(
    w: &World,
    srp: &SrpClient,
    challenge: &AuthResponse,
    password: &str,
) -> RespondToAuthChallengeRequest {
    let p = &challenge.challenge_parameters;
    let timestamp = format_timestamp(w.h.clock.now());
    let signature = srp
        .process_challenge(
            POOL_NAME,
            &p["USER_ID_FOR_SRP"],
            password.as_bytes(),
            &p["SALT"],
            &p["SRP_B"],
            &p["SECRET_BLOCK"],
            &timestamp,
        )
        .unwrap();
    RespondToAuthChallengeRequest::new(
        &w.client,
        ChallengeName::PasswordVerifier,
        challenge.session.clone(),
    )
    .response("USERNAME", &p["USER_ID_FOR_SRP"])
    .response("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
    .response("PASSWORD_CLAIM_SIGNATURE", signature)
    .response("TIMESTAMP", timestamp)
}

#[test]
fn srp_first_proves_the_password_then_runs_the_custom_rounds() {
    for with_name in [true, false] {
        let w = world();
        let srp = SrpClient::new_random().unwrap();
        let start_meta = map(&[("from", "initiate")]);
        let respond_meta = map(&[("from", "respond")]);
        let pv = w
            .initiate(srp_start(&w, &srp, with_name).client_metadata(start_meta.clone()))
            .unwrap();
        assert_eq!(pv.challenge_name, Some(ChallengeName::PasswordVerifier));
        assert!(pv.challenge_parameters.keys().map(String::as_str).eq([
            "SALT",
            "SECRET_BLOCK",
            "SRP_B",
            "USERNAME",
            "USER_ID_FOR_SRP"
        ]));
        assert_eq!(pv.challenge_parameters["USER_ID_FOR_SRP"], w.jane);
        assert!(
            pv.session.is_some(),
            "the custom flow continues in a Session"
        );
        assert_eq!(
            w.hooks.defines()[0].request.session,
            vec![entry("SRP_A", true, None)]
        );
        let custom = w
            .respond(srp_proof(&w, &srp, &pv, PASSWORD).client_metadata(respond_meta.clone()))
            .unwrap();
        assert_eq!(custom.challenge_name, Some(ChallengeName::CustomChallenge));
        let defines = w.hooks.defines();
        assert_eq!(
            defines[1].request.session,
            vec![
                entry("SRP_A", true, None),
                entry("PASSWORD_VERIFIER", true, None)
            ]
        );
        assert_eq!(
            defines[1].request.client_metadata,
            Some(respond_meta.clone())
        );
        let done = w
            .respond(answer(&w.client, &custom, &w.jane, "code-2"))
            .unwrap();
        assert_jane_tokens(&w, &done);
        assert_eq!(
            w.hooks.sources(),
            sequence(&[
                "PreAuthentication_Authentication",
                "DefineAuthChallenge_Authentication",
                "DefineAuthChallenge_Authentication",
                "CreateAuthChallenge_Authentication",
                "VerifyAuthChallengeResponse_Authentication",
                "DefineAuthChallenge_Authentication",
            ])
        );
        // The InitiateAuth metadata reached PreAuthentication only.
        assert_eq!(
            w.hooks.pre_authentications()[0].request.validation_data,
            Some(start_meta.clone())
        );
        assert!(
            w.hooks
                .defines()
                .iter()
                .all(|d| d.request.client_metadata != Some(start_meta.clone()))
        );
        assert!(
            w.hooks
                .creates()
                .iter()
                .all(|d| d.request.client_metadata != Some(start_meta.clone()))
        );
    }
}

#[test]
fn a_wrong_srp_proof_is_refused_counted_and_define_is_not_called() {
    let w = world();
    let srp = SrpClient::new_random().unwrap();
    let pv = w.initiate(srp_start(&w, &srp, true)).unwrap();
    w.hooks.clear();
    assert_error(
        w.respond(srp_proof(&w, &srp, &pv, "Wrong1234^")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    assert!(w.hooks.seen().is_empty());
    assert_eq!(w.h.record(&w.jane).failed_sign_ins, 1);
}

#[test]
fn a_custom_flow_secret_block_cannot_be_answered_as_user_srp_auth() {
    let w = world();
    let srp = SrpClient::new_random().unwrap();
    let pv = w.initiate(srp_start(&w, &srp, true)).unwrap();
    let mut proof = srp_proof(&w, &srp, &pv, PASSWORD);
    // Without the Session, the answer is read as USER_SRP_AUTH's, whose
    // blocks are sealed apart: the custom rounds cannot be skipped.
    proof.session = None;
    assert_error(w.respond(proof), ErrorCode::NotAuthorized, INCORRECT);
}

#[test]
fn a_locked_user_cannot_start_srp_first_or_passwordless() {
    let w = world();
    for _ in 0..5 {
        let srp = SrpClient::new_random().unwrap();
        let pv = w.initiate(srp_start(&w, &srp, true)).unwrap();
        assert_error(
            w.respond(srp_proof(&w, &srp, &pv, "Wrong1234^")),
            ErrorCode::NotAuthorized,
            INCORRECT,
        );
    }
    let srp = SrpClient::new_random().unwrap();
    assert_error(
        w.initiate(srp_start(&w, &srp, true)),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    w.hooks.clear();
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    assert!(
        w.hooks.seen().is_empty(),
        "no trigger runs for a locked user"
    );
    // After the lock (1 s for the fifth failure) the user may start again.
    w.h.clock.advance(Duration::from_secs(2));
    w.challenge();
}

// ---------------------------------------------------------------------------
// §7.3: no Define configured; ALLOW_CUSTOM_AUTH
// ---------------------------------------------------------------------------

#[test]
fn without_define_custom_auth_is_refused_before_anything() {
    let w = world_with(Script::standard().without(Trigger::DefineAuthChallenge));
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::InvalidParameter,
        NOT_CONFIGURED,
    );
    assert_error(
        w.initiate(start(&w.client, "nobody@example.com")),
        ErrorCode::InvalidParameter,
        NOT_CONFIGURED,
    );
    assert!(w.hooks.seen().is_empty());
}

#[test]
fn without_create_or_verify_a_challenge_is_refused_the_same_way() {
    for missing in [
        Trigger::CreateAuthChallenge,
        Trigger::VerifyAuthChallengeResponse,
    ] {
        let w = world_with(Script::standard().without(missing));
        assert_error(
            w.initiate(start(&w.client, JANE)),
            ErrorCode::InvalidParameter,
            NOT_CONFIGURED,
        );
    }
}

#[test]
fn a_client_without_allow_custom_auth_is_refused() {
    let w = world();
    let other = add_client(
        &w.h,
        AppClientConfig::builder("no-custom").explicit_auth_flows([AuthFlow::UserSrpAuth]),
    )
    .id()
    .to_owned();
    assert_error(
        w.initiate(start(&other, JANE)),
        ErrorCode::InvalidParameter,
        "CUSTOM_AUTH is not enabled for the client.",
    );
    assert!(w.hooks.seen().is_empty());
}

// ---------------------------------------------------------------------------
// §7.3: public parameters; private ones stay in the pool
// ---------------------------------------------------------------------------

#[test]
fn the_client_gets_public_parameters_and_the_internal_username_only() {
    const SECRET: &str = "private-answer-7f3a";
    let mut script = Script::standard();
    script.create = Box::new(|_| {
        let mut out = CreateAuthChallengeResponse::default();
        out.public_challenge_parameters =
            map(&[("hint", "look at your phone"), ("USERNAME", "forged")]);
        out.private_challenge_parameters = map(&[("answer", SECRET)]);
        out.challenge_metadata = Some("META-SECRET".into());
        out
    });
    let w = world_with(script);
    let r = w.challenge();
    let expected: BTreeMap<String, String> =
        map(&[("hint", "look at your phone"), ("USERNAME", &w.jane)]);
    assert_eq!(r.challenge_parameters, expected);
    assert!(r.authentication_result.is_none());
    let session = r.session.clone().unwrap();
    assert!((20..=2048).contains(&session.len()));
    assert!(!session.contains(SECRET) && !session.contains("META-SECRET"));
    assert!(!format!("{r:?}").contains(SECRET));
    // The private parameters reach Verify all the same.
    let done = w.respond(answer(&w.client, &r, JANE, SECRET)).unwrap();
    assert_jane_tokens(&w, &done);
    assert_eq!(
        w.hooks.defines().last().unwrap().request.session,
        vec![entry("CUSTOM_CHALLENGE", true, Some("META-SECRET"))]
    );
}

#[test]
fn private_parameters_too_large_for_a_session_are_refused() {
    let mut script = Script::standard();
    script.create = Box::new(|_| {
        let mut out = CreateAuthChallengeResponse::default();
        out.private_challenge_parameters = map(&[("blob", &"x".repeat(1600))]);
        out
    });
    let w = world_with(script);
    let e = refused(w.initiate(start(&w.client, JANE)));
    assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse);
    assert!(
        e.message().contains("2048-character Session"),
        "{}",
        e.message()
    );
    // A realistic signed link (1 KB) fits.
    let mut script = Script::standard();
    script.create = Box::new(|_| {
        let mut out = CreateAuthChallengeResponse::default();
        out.private_challenge_parameters = map(&[("link", &"y".repeat(1000))]);
        out.challenge_metadata = Some("MAGIC_LINK".into());
        out
    });
    let w = world_with(script);
    let r = w.challenge();
    assert!(r.session.unwrap().len() <= 2048);
}

// ---------------------------------------------------------------------------
// The answer: USERNAME, ANSWER, SECRET_HASH
// ---------------------------------------------------------------------------

#[test]
fn the_answer_must_name_the_sessions_user_and_carry_an_answer() {
    let w = world();
    confirmed(&w.h, "bob@example.com");
    let r = w.challenge();
    assert_error(
        w.respond(answer(&w.client, &r, "bob@example.com", "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user.",
    );
    let no_answer = RespondToAuthChallengeRequest::new(
        &w.client,
        ChallengeName::CustomChallenge,
        r.session.clone(),
    )
    .response("USERNAME", JANE);
    assert_error(
        w.respond(no_answer),
        ErrorCode::InvalidParameter,
        "Missing required parameter ANSWER",
    );
    assert_error(
        w.respond(answer(&w.client, &AuthResponse::default(), JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user.",
    );
    let mut garbage = AuthResponse::default();
    garbage.session = Some("A".repeat(200));
    assert_error(
        w.respond(answer(&w.client, &garbage, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user.",
    );
    // None of those used the session up: the alias answers it.
    let done = w.respond(answer(&w.client, &r, JANE, "code-0")).unwrap();
    assert_jane_tokens(&w, &done);
}

#[test]
fn a_session_is_bound_to_its_client() {
    let w = world();
    let other = custom_client(&w.h, PreventUserExistenceErrors::Legacy);
    let r = w.challenge();
    assert_error(
        w.respond(answer(&other, &r, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user.",
    );
}

#[test]
fn a_client_with_a_secret_needs_the_secret_hash() {
    let w = world();
    let app = add_client(
        &w.h,
        AppClientConfig::builder("confidential")
            .explicit_auth_flows(FLOWS)
            .generate_secret(true),
    );
    assert_error(
        w.initiate(start(app.id(), JANE)),
        ErrorCode::NotAuthorized,
        &format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            app.id()
        ),
    );
    assert!(w.hooks.seen().is_empty());
    let secret = app.secret().unwrap();
    let r = w
        .initiate(start(app.id(), JANE).secret_hash(secret_hash(secret, JANE, app.id())))
        .unwrap();
    // The answer's hash covers the USERNAME it sends.
    let unhashed = answer(app.id(), &r, &w.jane, "code-0");
    assert_error(
        w.respond(unhashed),
        ErrorCode::NotAuthorized,
        &format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            app.id()
        ),
    );
    let done = w
        .respond(
            answer(app.id(), &r, &w.jane, "code-0").secret_hash(secret_hash(
                secret,
                &w.jane,
                app.id(),
            )),
        )
        .unwrap();
    assert!(done.authentication_result.is_some());
}

// ---------------------------------------------------------------------------
// §7.3: expired session
// ---------------------------------------------------------------------------

#[test]
fn a_session_older_than_auth_session_validity_is_expired() {
    let w = world();
    let r = w.challenge();
    w.h.clock.advance(Duration::from_secs(3 * 60));
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user, session is expired.",
    );
    assert!(w.hooks.verifies().is_empty());
    // Just inside the validity it is answered.
    let w = world();
    let r = w.challenge();
    w.h.clock.advance(Duration::from_secs(3 * 60 - 1));
    assert_jane_tokens(
        &w,
        &w.respond(answer(&w.client, &r, JANE, "code-0")).unwrap(),
    );
}

// ---------------------------------------------------------------------------
// §7.3: round cap
// ---------------------------------------------------------------------------

#[test]
fn ten_custom_rounds_at_most() {
    // Define never stops asking; every answer is right.
    let w = world_with(Script::standard().with_define(|_| challenge()));
    let mut r = w.challenge();
    for round in 1..10 {
        let code = format!("code-{}", round - 1);
        r = w.respond(answer(&w.client, &r, JANE, &code)).unwrap();
        assert_eq!(
            r.challenge_name,
            Some(ChallengeName::CustomChallenge),
            "round {round}"
        );
    }
    assert_eq!(w.hooks.creates().len(), 10);
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-9")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    assert_eq!(w.hooks.creates().len(), 10, "no eleventh challenge");
    assert_eq!(w.hooks.defines().last().unwrap().request.session.len(), 10);
}

// ---------------------------------------------------------------------------
// §7.3 / §3.6: wrong answers count toward lockout
// ---------------------------------------------------------------------------

#[test]
fn wrong_answers_lock_the_user_out_and_a_right_one_resets_the_count() {
    let w = world_with(Script::standard().with_define(|r| match r.session.last() {
        Some(e) if e.challenge_result => decision(None, true, false),
        _ => challenge(),
    }));
    let mut r = w.challenge();
    for n in 1..=5 {
        r = w.respond(answer(&w.client, &r, JANE, "nope")).unwrap();
        assert_eq!(w.h.record(&w.jane).failed_sign_ins, n);
    }
    // The fifth failure locks for one second: the next answer is refused
    // without reaching Verify, and so is a new start.
    let verifies = w.hooks.verifies().len();
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-5")),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    assert_eq!(w.hooks.verifies().len(), verifies);
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    // Password sign-in is locked by the same counter.
    assert_error(
        w.initiate(InitiateAuthRequest::user_password(
            &w.client, JANE, PASSWORD,
        )),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    w.h.clock.advance(Duration::from_secs(2));
    let r = w.challenge();
    let done = w.respond(answer(&w.client, &r, JANE, "code-0")).unwrap();
    assert_jane_tokens(&w, &done);
    assert_eq!(w.h.record(&w.jane).failed_sign_ins, 0);
}

#[test]
fn fail_authentication_alone_counts_nothing() {
    let w = world_with(Script::standard().with_define(|_| decision(None, false, true)));
    for _ in 0..6 {
        assert_error(
            w.initiate(start(&w.client, JANE)),
            ErrorCode::NotAuthorized,
            INCORRECT,
        );
    }
    assert_eq!(w.h.record(&w.jane).failed_sign_ins, 0);
}

// ---------------------------------------------------------------------------
// §7.3: unknown users and the user's state
// ---------------------------------------------------------------------------

#[test]
fn an_unknown_user_under_legacy_is_user_not_found_and_no_trigger_runs() {
    let w = world();
    assert_error(
        w.initiate(start(&w.client, "nobody@example.com")),
        ErrorCode::UserNotFound,
        "User does not exist.",
    );
    assert!(w.hooks.seen().is_empty());
}

#[test]
fn an_unknown_user_under_enabled_runs_the_triggers_and_never_gets_tokens() {
    // Define issues tokens as soon as an answer is "right": still no tokens.
    let w = world();
    let client = custom_client(&w.h, PreventUserExistenceErrors::Enabled);
    let ghost = "Nobody@Example.com";
    let r = w.initiate(start(&client, ghost)).unwrap();
    assert_eq!(r.challenge_name, Some(ChallengeName::CustomChallenge));
    let shown = r.challenge_parameters["USERNAME"].clone();
    assert!(crate::support::is_uuid_v4(&shown), "{shown}");
    // The same id every time for the same name.
    let again = w.initiate(start(&client, ghost)).unwrap();
    assert_eq!(again.challenge_parameters["USERNAME"], shown);
    assert_error(
        w.respond(answer(&client, &r, &shown, "code-0")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    for e in w.hooks.seen() {
        let (attrs, not_found, name) = match &e {
            Seen::Finish(_) => panic!("an unknown user reached the tokens"),
            Seen::PreAuthentication(e) => (
                &e.request.user_attributes,
                e.request.user_not_found,
                &e.user_name,
            ),
            Seen::Define(e) => (
                &e.request.user_attributes,
                e.request.user_not_found,
                &e.user_name,
            ),
            Seen::Create(e) => (
                &e.request.user_attributes,
                e.request.user_not_found,
                &e.user_name,
            ),
            Seen::Verify(e) => (
                &e.request.user_attributes,
                e.request.user_not_found,
                &e.user_name,
            ),
        };
        assert!(attrs.is_empty());
        assert_eq!(not_found, Some(true));
        assert_eq!(
            name, ghost,
            "the name as typed (the pool is case-sensitive)"
        );
    }
    assert_eq!(
        w.hooks.sources()[..5],
        [
            "PreAuthentication_Authentication",
            "DefineAuthChallenge_Authentication",
            "CreateAuthChallenge_Authentication",
            "PreAuthentication_Authentication",
            "DefineAuthChallenge_Authentication",
        ]
    );
    // The typed name answers too; a known user's name does not.
    assert_error(
        w.respond(answer(&client, &again, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user.",
    );
    assert_error(
        w.respond(answer(&client, &again, ghost, "code-0")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    // A known user through the same client sees userNotFound: false.
    w.hooks.clear();
    w.initiate(start(&client, JANE)).unwrap();
    assert_eq!(w.hooks.defines()[0].request.user_not_found, Some(false));
}

#[test]
fn an_unknown_name_under_enabled_is_locked_out_by_wrong_answers() {
    let w = world_with(Script::standard().with_define(|_| challenge()));
    let client = custom_client(&w.h, PreventUserExistenceErrors::Enabled);
    let mut r = w.initiate(start(&client, "ghost@example.com")).unwrap();
    for _ in 0..5 {
        r = w
            .respond(answer(&client, &r, "ghost@example.com", "nope"))
            .unwrap();
    }
    assert_error(
        w.respond(answer(&client, &r, "ghost@example.com", "nope")),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    assert_error(
        w.initiate(start(&client, "ghost@example.com")),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
}

#[test]
fn disabled_and_unconfirmed_users_are_refused_before_any_trigger() {
    let w = world();
    w.h.pool.admin_disable_user(JANE).unwrap();
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::NotAuthorized,
        "User is disabled.",
    );
    w.h.pool.admin_enable_user(JANE).unwrap();
    w.h.pool
        .sign_up(super::common::sign_up_request(&w.h, "new@example.com"))
        .unwrap();
    assert_error(
        w.initiate(start(&w.client, "new@example.com")),
        ErrorCode::UserNotConfirmed,
        "User is not confirmed.",
    );
    assert!(w.hooks.seen().is_empty());
}

#[test]
fn a_user_disabled_during_the_flow_gets_no_tokens() {
    let w = world();
    let r = w.challenge();
    w.h.pool.admin_disable_user(JANE).unwrap();
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "User is disabled.",
    );
}

// ---------------------------------------------------------------------------
// §7.3: a one-time code
// ---------------------------------------------------------------------------

#[test]
fn a_one_time_code_flow_signs_in_with_the_code_and_refuses_a_wrong_one() {
    // Create draws a random code, "sends" it (the test reads the outbox of
    // the script), and keeps it in the private parameters; Verify compares.
    let sent: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let outbox = Arc::clone(&sent);
    let mut script = Script::standard();
    script.create = Box::new(move |_| {
        let code = format!("{:06}", rand_code());
        outbox.lock().unwrap().push(code.clone());
        let mut out = CreateAuthChallengeResponse::default();
        out.public_challenge_parameters = map(&[("delivery", "EMAIL")]);
        out.private_challenge_parameters = map(&[("code", &code)]);
        out.challenge_metadata = Some("OTP".into());
        out
    });
    script.verify =
        Box::new(|r| r.private_challenge_parameters.get("code") == Some(&r.challenge_answer));
    let w = world_with(script);
    let first = w.challenge();
    let code = sent.lock().unwrap()[0].clone();
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let second = w.respond(answer(&w.client, &first, JANE, &wrong)).unwrap();
    assert_eq!(second.challenge_name, Some(ChallengeName::CustomChallenge));
    // A new code for the new round; the old one no longer works.
    let fresh = sent.lock().unwrap()[1].clone();
    if fresh != code {
        let third = w.respond(answer(&w.client, &second, JANE, &code)).unwrap();
        assert_eq!(third.challenge_name, Some(ChallengeName::CustomChallenge));
        let code3 = sent.lock().unwrap()[2].clone();
        assert_jane_tokens(
            &w,
            &w.respond(answer(&w.client, &third, JANE, &code3)).unwrap(),
        );
    } else {
        assert_jane_tokens(
            &w,
            &w.respond(answer(&w.client, &second, JANE, &fresh)).unwrap(),
        );
    }
    assert_eq!(
        w.hooks.defines().last().unwrap().request.session.last(),
        Some(&entry("CUSTOM_CHALLENGE", true, Some("OTP")))
    );
}

/// A random number below 1 000 000, from the process's hasher seeds.
fn rand_code() -> u32 {
    use std::hash::{BuildHasher, RandomState};
    (RandomState::new().hash_one(0u8) % 1_000_000) as u32
}

// ---------------------------------------------------------------------------
// FORCE_CHANGE_PASSWORD
// ---------------------------------------------------------------------------

#[test]
fn a_user_with_a_temporary_password_sets_one_after_the_custom_rounds() {
    let w = world();
    w.h.pool
        .admin_create_user(
            userpool::AdminCreateUserRequest::new("temp@example.com")
                .attribute("family_name", "Temp")
                .temporary_password("Temp0rary!")
                .message_action(userpool::MessageAction::Suppress),
        )
        .unwrap();
    let r = w.initiate(start(&w.client, "temp@example.com")).unwrap();
    let sub = r.challenge_parameters["USERNAME"].clone();
    let next = w
        .respond(answer(&w.client, &r, "temp@example.com", "code-0"))
        .unwrap();
    assert_eq!(
        next.challenge_name,
        Some(ChallengeName::NewPasswordRequired)
    );
    let done = w
        .respond(RespondToAuthChallengeRequest::new_password(
            &w.client,
            next.session.clone().unwrap(),
            &sub,
            "N3w-Passw0rd!",
        ))
        .unwrap();
    assert!(done.authentication_result.is_some());
}

// ---------------------------------------------------------------------------
// Failing triggers
// ---------------------------------------------------------------------------

#[test]
fn a_throwing_trigger_fails_the_step_with_its_message() {
    let w = world_with(Script::standard().rejecting(Trigger::PreAuthentication));
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::UserLambdaValidation,
        "PreAuthentication failed with error nope.",
    );
    assert_eq!(w.hooks.sources(), ["PreAuthentication_Authentication"]);
    assert_eq!(
        w.h.record(&w.jane).failed_sign_ins,
        0,
        "a refusal counts nothing"
    );

    let w = world_with(Script::standard().rejecting(Trigger::DefineAuthChallenge));
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::UserLambdaValidation,
        "DefineAuthChallenge failed with error nope.",
    );

    let w = world_with(Script::standard().rejecting(Trigger::CreateAuthChallenge));
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::UserLambdaValidation,
        "CreateAuthChallenge failed with error nope.",
    );

    let w = world_with(Script::standard().rejecting(Trigger::VerifyAuthChallengeResponse));
    let r = w.challenge();
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-0")),
        ErrorCode::UserLambdaValidation,
        "VerifyAuthChallengeResponse failed with error nope.",
    );
    // The session was used up by that answer.
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user, session can only be used once.",
    );
}

#[test]
fn srp_first_for_an_unknown_name_under_enabled_is_a_simulated_challenge() {
    let w = world();
    let client = custom_client(&w.h, PreventUserExistenceErrors::Enabled);
    let srp = SrpClient::new_random().unwrap();
    let request = start(&client, "ghost@example.com")
        .param("SRP_A", srp.srp_a())
        .param("CHALLENGE_NAME", "SRP_A");
    let pv = w.initiate(request).unwrap();
    assert_eq!(pv.challenge_name, Some(ChallengeName::PasswordVerifier));
    let id = pv.challenge_parameters["USER_ID_FOR_SRP"].clone();
    assert!(crate::support::is_uuid_v4(&id), "{id}");
    // The same id a passwordless start shows for that name.
    let custom = w.initiate(start(&client, "ghost@example.com")).unwrap();
    assert_eq!(custom.challenge_parameters["USERNAME"], id);
    let defines = w.hooks.defines();
    assert_eq!(defines[0].request.session, vec![entry("SRP_A", true, None)]);
    assert_eq!(defines[0].request.user_not_found, Some(true));
    let mut proof = srp_proof(&w, &srp, &pv, PASSWORD);
    proof.client_id = client.clone();
    w.hooks.clear();
    assert_error(w.respond(proof), ErrorCode::NotAuthorized, INCORRECT);
    assert!(
        w.hooks.seen().is_empty(),
        "Define is not called after a failed proof"
    );
}

#[test]
fn custom_auth_start_parameters_are_checked() {
    let w = world();
    assert_error(
        w.initiate(InitiateAuthRequest::new(AuthFlow::CustomAuth, &w.client)),
        ErrorCode::InvalidParameter,
        "Missing required parameter USERNAME",
    );
    assert_error(
        w.initiate(start(&w.client, JANE).param("CHALLENGE_NAME", "SRP_A")),
        ErrorCode::InvalidParameter,
        "Missing required parameter SRP_A",
    );
    assert_error(
        w.initiate(start(&w.client, JANE).param("CHALLENGE_NAME", "PASSWORD")),
        ErrorCode::InvalidParameter,
        "CHALLENGE_NAME PASSWORD cannot start CUSTOM_AUTH; only SRP_A can.",
    );
    let e = refused(w.initiate(start(&w.client, JANE).param("SRP_A", "0")));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert!(w.hooks.seen().is_empty());
}

#[test]
fn srp_first_with_a_temporary_password_sets_it_then_runs_the_custom_rounds() {
    let w = world();
    w.h.pool
        .admin_create_user(
            userpool::AdminCreateUserRequest::new("temp@example.com")
                .attribute("family_name", "Temp")
                .temporary_password("Temp0rary!")
                .message_action(userpool::MessageAction::Suppress),
        )
        .unwrap();
    let srp = SrpClient::new_random().unwrap();
    let request = start(&w.client, "temp@example.com")
        .param("SRP_A", srp.srp_a())
        .param("CHALLENGE_NAME", "SRP_A");
    let pv = w.initiate(request).unwrap();
    let username = pv.challenge_parameters["USER_ID_FOR_SRP"].clone();
    let npr = w.respond(srp_proof(&w, &srp, &pv, "Temp0rary!")).unwrap();
    assert_eq!(npr.challenge_name, Some(ChallengeName::NewPasswordRequired));
    assert_eq!(npr.challenge_parameters["USER_ID_FOR_SRP"], username);
    assert_eq!(npr.challenge_parameters["requiredAttributes"], "[]");
    assert_eq!(
        w.hooks.defines().len(),
        1,
        "Define waits for the new password"
    );
    let meta = map(&[("from", "new-password")]);
    let custom = w
        .respond(
            RespondToAuthChallengeRequest::new_password(
                &w.client,
                npr.session.clone().unwrap(),
                &username,
                "N3w-Passw0rd!",
            )
            .client_metadata(meta.clone()),
        )
        .unwrap();
    assert_eq!(custom.challenge_name, Some(ChallengeName::CustomChallenge));
    let define = w.hooks.defines().pop().unwrap();
    assert_eq!(
        define.request.session,
        vec![
            entry("SRP_A", true, None),
            entry("PASSWORD_VERIFIER", true, None),
            entry("NEW_PASSWORD_REQUIRED", true, None),
        ]
    );
    assert_eq!(define.request.client_metadata, Some(meta));
    assert_eq!(
        define.request.user_attributes["cognito:user_status"],
        "CONFIRMED"
    );
    // The password is set before the custom rounds end: the new one works.
    assert!(w.h.has_password(&username, "N3w-Passw0rd!"));
    // The new-password session is single use.
    assert_error(
        w.respond(RespondToAuthChallengeRequest::new_password(
            &w.client,
            npr.session.clone().unwrap(),
            &username,
            "An0ther-Passw0rd!",
        )),
        ErrorCode::NotAuthorized,
        "Invalid session for the user, session can only be used once.",
    );
    let done = w
        .respond(answer(&w.client, &custom, &username, "code-3"))
        .unwrap();
    let tokens = done.authentication_result.expect("tokens");
    assert_eq!(claims(&tokens.access_token)["username"], username.as_str());
}

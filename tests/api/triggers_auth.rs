//! The sign-in's triggers as Rust hooks (cognito-triggers.md §1.4, §2.3,
//! §2.4, §2.6, §7.3): PreAuthentication before the password in every flow,
//! PostAuthentication after it, UserMigration of an unknown name at password
//! sign-in, and where `ClientMetadata` goes. Every hook records the events it
//! saw; the tests assert them and the pool's state.
//!
//! [`Hooks`] and [`hooked`] are shared with `triggers_tokens`.

use std::fmt;
use std::sync::{Arc, Mutex};

use userpool::client::{AppClientConfig, AuthFlow, PreventUserExistenceErrors};
use userpool::srp::{SrpClient, format_timestamp};
use userpool::store::{MemoryStore, UserRecord, UserStore};
use userpool::triggers::{
    Event, MigratedUserStatus, MigrationMessageAction, PostAuthenticationRequest,
    PreAuthenticationRequest, PreTokenGenerationRequest, PreTokenGenerationResponse,
    PreTokenGenerationVersion, StringMap, Trigger, TriggerError, TriggerSet, TriggerSource,
    Triggers, UserMigrationRequest, UserMigrationResponse,
};
use userpool::{
    AdminCreateUserRequest, AuthResponse, ChallengeName, Clock, DeliveryMedium, ErrorCode,
    HashingParams, InitiateAuthRequest, MessageAction, Outbox, RespondToAuthChallengeRequest,
    UserPool, UserStatus,
};

use super::common::{
    Harness, JANE, PASSWORD_FLOWS, add_client, claims, confirmed, password_client_config, refused,
};
use crate::support::pools::quickstart_config;
use crate::support::{PASSWORD, clock_at_start, shared_keys};

const WRONG: &str = "Wrong1234^";
const INCORRECT: &str = "Incorrect username or password.";

type Answer<Q, A> = Box<dyn Fn(&Event<Q>) -> Result<A, TriggerError> + Send + Sync>;

/// One hook call, as the hook saw it.
#[derive(Clone, Debug)]
pub(crate) enum Seen {
    PreAuthentication(Event<PreAuthenticationRequest>),
    PostAuthentication(Event<PostAuthenticationRequest>),
    PreTokenGeneration(Event<PreTokenGenerationRequest>),
    UserMigration(Event<UserMigrationRequest>),
}

impl Seen {
    /// The call's `triggerSource`.
    pub(crate) fn source(&self) -> TriggerSource {
        match self {
            Self::PreAuthentication(e) => e.trigger_source,
            Self::PostAuthentication(e) => e.trigger_source,
            Self::PreTokenGeneration(e) => e.trigger_source,
            Self::UserMigration(e) => e.trigger_source,
        }
    }
}

/// Hooks that answer as a test says and record every event.
pub(crate) struct Hooks {
    configured: TriggerSet,
    version: PreTokenGenerationVersion,
    pre_authentication: Answer<PreAuthenticationRequest, ()>,
    post_authentication: Answer<PostAuthenticationRequest, ()>,
    pre_token_generation: Answer<PreTokenGenerationRequest, PreTokenGenerationResponse>,
    user_migration: Answer<UserMigrationRequest, UserMigrationResponse>,
    seen: Mutex<Vec<Seen>>,
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("configured", &self.configured)
            .finish_non_exhaustive()
    }
}

impl Hooks {
    /// `triggers` configured, each answering Cognito's pass-through response.
    pub(crate) fn new(triggers: &[Trigger]) -> Self {
        Self {
            configured: TriggerSet::of(triggers),
            version: PreTokenGenerationVersion::V1,
            pre_authentication: Box::new(|_| Ok(())),
            post_authentication: Box::new(|_| Ok(())),
            pre_token_generation: Box::new(|_| Ok(PreTokenGenerationResponse::default())),
            user_migration: Box::new(|_| Ok(UserMigrationResponse::default())),
            seen: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn version(mut self, version: PreTokenGenerationVersion) -> Self {
        self.version = version;
        self
    }

    pub(crate) fn pre_authentication(
        mut self,
        f: impl Fn(&Event<PreAuthenticationRequest>) -> Result<(), TriggerError> + Send + Sync + 'static,
    ) -> Self {
        self.pre_authentication = Box::new(f);
        self
    }

    pub(crate) fn post_authentication(
        mut self,
        f: impl Fn(&Event<PostAuthenticationRequest>) -> Result<(), TriggerError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.post_authentication = Box::new(f);
        self
    }

    pub(crate) fn pre_token_generation(
        mut self,
        f: impl Fn(
            &Event<PreTokenGenerationRequest>,
        ) -> Result<PreTokenGenerationResponse, TriggerError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.pre_token_generation = Box::new(f);
        self
    }

    pub(crate) fn user_migration(
        mut self,
        f: impl Fn(&Event<UserMigrationRequest>) -> Result<UserMigrationResponse, TriggerError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.user_migration = Box::new(f);
        self
    }

    /// Every event so far, in order.
    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The trigger sources so far, in order.
    pub(crate) fn sources(&self) -> Vec<TriggerSource> {
        self.seen().iter().map(Seen::source).collect()
    }

    pub(crate) fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }

    pub(crate) fn pre_authentications(&self) -> Vec<Event<PreAuthenticationRequest>> {
        self.seen()
            .into_iter()
            .filter_map(|s| match s {
                Seen::PreAuthentication(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn post_authentications(&self) -> Vec<Event<PostAuthenticationRequest>> {
        self.seen()
            .into_iter()
            .filter_map(|s| match s {
                Seen::PostAuthentication(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn pre_token_generations(&self) -> Vec<Event<PreTokenGenerationRequest>> {
        self.seen()
            .into_iter()
            .filter_map(|s| match s {
                Seen::PreTokenGeneration(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn migrations(&self) -> Vec<Event<UserMigrationRequest>> {
        self.seen()
            .into_iter()
            .filter_map(|s| match s {
                Seen::UserMigration(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    fn record(&self, seen: Seen) {
        self.seen.lock().unwrap().push(seen);
    }
}

impl Triggers for Hooks {
    fn configured(&self) -> TriggerSet {
        self.configured
    }

    fn pre_token_generation_version(&self) -> PreTokenGenerationVersion {
        self.version
    }

    fn pre_authentication(
        &self,
        event: &Event<PreAuthenticationRequest>,
    ) -> Result<(), TriggerError> {
        self.record(Seen::PreAuthentication(event.clone()));
        (self.pre_authentication)(event)
    }

    fn post_authentication(
        &self,
        event: &Event<PostAuthenticationRequest>,
    ) -> Result<(), TriggerError> {
        self.record(Seen::PostAuthentication(event.clone()));
        (self.post_authentication)(event)
    }

    fn pre_token_generation(
        &self,
        event: &Event<PreTokenGenerationRequest>,
    ) -> Result<PreTokenGenerationResponse, TriggerError> {
        self.record(Seen::PreTokenGeneration(event.clone()));
        (self.pre_token_generation)(event)
    }

    fn user_migration(
        &self,
        event: &Event<UserMigrationRequest>,
    ) -> Result<UserMigrationResponse, TriggerError> {
        self.record(Seen::UserMigration(event.clone()));
        (self.user_migration)(event)
    }
}

/// A quickstart pool (email as username) with `hooks`, and the hooks.
pub(crate) fn hooked(hooks: Hooks) -> (Harness, Arc<Hooks>) {
    let hooks = Arc::new(hooks);
    let store = Arc::new(MemoryStore::new());
    let clock = clock_at_start();
    let outbox = Outbox::new();
    let pool = pool_with(store.clone(), &clock, &outbox, Some(hooks.clone()));
    (Harness::from_parts(pool, clock, outbox, store), hooks)
}

/// The quickstart pool over `store`, with `hooks` when given.
pub(crate) fn pool_with(
    store: Arc<MemoryStore>,
    clock: &userpool::ManualClock,
    outbox: &Outbox,
    hooks: Option<Arc<dyn Triggers>>,
) -> UserPool {
    let builder = UserPool::builder(quickstart_config().build().unwrap())
        .pool_id("us-east-1_ApiTests1")
        .store(store)
        .clock(Arc::new(clock.clone()))
        .message_sender(Arc::new(outbox.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(shared_keys());
    match hooks {
        Some(h) => builder.triggers(h),
        None => builder,
    }
    .build()
    .unwrap()
}

/// A client allowing the password flows, SRP and refresh, with
/// `PreventUserExistenceErrors` as given.
pub(crate) fn client_of(h: &Harness, prevent: PreventUserExistenceErrors) -> String {
    let mut flows = PASSWORD_FLOWS.to_vec();
    flows.push(AuthFlow::UserSrpAuth);
    add_client(
        h,
        AppClientConfig::builder("web")
            .explicit_auth_flows(flows)
            .prevent_user_existence_errors(prevent),
    )
    .id()
    .to_owned()
}

pub(crate) fn map(pairs: &[(&str, &str)]) -> StringMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn password_request(client: &str, user: &str, password: &str) -> InitiateAuthRequest {
    InitiateAuthRequest::user_password(client, user, password)
}

fn record(h: &Harness, username: &str) -> UserRecord {
    h.store.get_user(h.pool.id(), username).unwrap().unwrap()
}

fn assert_error<T: fmt::Debug>(result: userpool::Result<T>, code: ErrorCode, message: &str) {
    let e = refused(result);
    assert_eq!((e.code(), e.message()), (code, message));
}

/// `USER_SRP_AUTH` step one for `username`.
fn srp_start(
    h: &Harness,
    client: &str,
    username: &str,
    metadata: Option<StringMap>,
) -> (SrpClient, userpool::Result<AuthResponse>) {
    let srp = SrpClient::new_random().unwrap();
    let mut request = InitiateAuthRequest::new(AuthFlow::UserSrpAuth, client)
        .param("USERNAME", username)
        .param("SRP_A", srp.srp_a());
    request.client_metadata = metadata;
    let response = h.pool.initiate_auth(request);
    (srp, response)
}

/// `USER_SRP_AUTH` step two with `password` and `metadata`.
fn srp_finish(
    h: &Harness,
    client: &str,
    srp: &SrpClient,
    challenge: &AuthResponse,
    password: &str,
    metadata: Option<StringMap>,
) -> userpool::Result<AuthResponse> {
    let param = |k: &str| challenge.challenge_parameters[k].clone();
    let block = param("SECRET_BLOCK");
    let timestamp = format_timestamp(h.clock.now());
    let signature = srp
        .process_challenge(
            "ApiTests1",
            &param("USER_ID_FOR_SRP"),
            password.as_bytes(),
            &param("SALT"),
            &param("SRP_B"),
            &block,
            &timestamp,
        )
        .unwrap();
    let mut request =
        RespondToAuthChallengeRequest::new(client, ChallengeName::PasswordVerifier, None)
            .response("USERNAME", param("USERNAME"))
            .response("PASSWORD_CLAIM_SECRET_BLOCK", block)
            .response("PASSWORD_CLAIM_SIGNATURE", signature)
            .response("TIMESTAMP", timestamp);
    request.client_metadata = metadata;
    h.pool.respond_to_auth_challenge(request)
}

// ----- PreAuthentication -----

#[test]
fn a_rejecting_pre_authentication_wins_over_a_wrong_password_and_is_not_counted() {
    let (h, hooks) = hooked(
        Hooks::new(&[Trigger::PreAuthentication])
            .pre_authentication(|_| Err(TriggerError::rejected("Not today"))),
    );
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    let sub = confirmed(&h, JANE);
    for password in [WRONG, PASSWORD] {
        assert_error(
            h.pool.initiate_auth(
                password_request(&client, JANE, password).client_metadata(map(&[("k", "v")])),
            ),
            ErrorCode::UserLambdaValidation,
            "PreAuthentication failed with error Not today.",
        );
    }
    let events = hooks.pre_authentications();
    assert_eq!(events.len(), 2);
    let e = &events[0];
    assert_eq!(
        e.trigger_source,
        TriggerSource::PreAuthenticationAuthentication
    );
    assert_eq!(
        e.trigger_source.as_str(),
        "PreAuthentication_Authentication"
    );
    assert_eq!(e.version, "1");
    assert_eq!(e.user_name, sub, "the internal username");
    assert_eq!(e.caller_context.client_id, client);
    assert_eq!(e.user_pool_id, "us-east-1_ApiTests1");
    assert_eq!(e.region, "us-east-1");
    assert_eq!(e.request.validation_data, Some(map(&[("k", "v")])));
    assert_eq!(
        e.request.user_not_found, None,
        "LEGACY sends no userNotFound"
    );
    let attributes = &e.request.user_attributes;
    assert_eq!(attributes["email"], JANE);
    assert_eq!(attributes["sub"], sub);
    assert_eq!(attributes["cognito:user_status"], "CONFIRMED");
    assert_eq!(attributes["cognito:email_alias"], JANE);
    // Refusals are not sign-in failures.
    assert_eq!(record(&h, &sub).failed_sign_ins, 0);
}

#[test]
fn pre_authentication_lets_a_good_sign_in_through_in_both_password_flows() {
    let (h, hooks) = hooked(Hooks::new(&[Trigger::PreAuthentication]));
    let client = client_of(&h, PreventUserExistenceErrors::Enabled);
    let sub = confirmed(&h, JANE);
    let tokens = h
        .pool
        .initiate_auth(password_request(&client, JANE, PASSWORD))
        .unwrap();
    assert!(tokens.authentication_result.is_some());
    let admin = h
        .pool
        .admin_initiate_auth(
            InitiateAuthRequest::new(AuthFlow::AdminUserPasswordAuth, &client)
                .param("USERNAME", JANE)
                .param("PASSWORD", PASSWORD)
                .client_metadata(map(&[("admin", "yes")])),
        )
        .unwrap();
    assert!(admin.authentication_result.is_some());
    // A wrong password after an accepting hook is still wrong.
    assert_error(
        h.pool.initiate_auth(password_request(&client, JANE, WRONG)),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    let events = hooks.pre_authentications();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].request.validation_data, None);
    assert_eq!(
        events[1].request.validation_data,
        Some(map(&[("admin", "yes")]))
    );
    for e in &events {
        assert_eq!(e.user_name, sub);
        assert_eq!(e.request.user_not_found, Some(false));
    }
}

#[test]
fn pre_authentication_sees_unknown_users_only_when_existence_errors_are_prevented() {
    let (h, hooks) = hooked(Hooks::new(&[Trigger::PreAuthentication]));
    let legacy = client_of(&h, PreventUserExistenceErrors::Legacy);
    let enabled = client_of(&h, PreventUserExistenceErrors::Enabled);
    assert_error(
        h.pool
            .initiate_auth(password_request(&legacy, "nobody@example.com", PASSWORD)),
        ErrorCode::UserNotFound,
        "User does not exist.",
    );
    assert!(hooks.seen().is_empty());
    assert_error(
        h.pool.initiate_auth(
            password_request(&enabled, "nobody@example.com", PASSWORD)
                .client_metadata(map(&[("m", "1")])),
        ),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    let events = hooks.pre_authentications();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.user_name, "nobody@example.com");
    assert_eq!(e.request.user_not_found, Some(true));
    assert!(e.request.user_attributes.is_empty());
    assert_eq!(e.request.validation_data, Some(map(&[("m", "1")])));
}

#[test]
fn srp_fires_pre_authentication_before_the_password_verifier_challenge() {
    let (h, hooks) = hooked(
        Hooks::new(&[Trigger::PreAuthentication]).pre_authentication(|e| {
            if e.request
                .validation_data
                .as_ref()
                .is_some_and(|m| m.contains_key("block"))
            {
                Err(TriggerError::rejected("blocked"))
            } else {
                Ok(())
            }
        }),
    );
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    let sub = confirmed(&h, JANE);
    let (_, refused_start) = srp_start(&h, &client, JANE, Some(map(&[("block", "1")])));
    assert_error(
        refused_start,
        ErrorCode::UserLambdaValidation,
        "PreAuthentication failed with error blocked.",
    );
    let (srp, challenge) = srp_start(&h, &client, JANE, Some(map(&[("a", "b")])));
    let challenge = challenge.unwrap();
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeName::PasswordVerifier)
    );
    assert_eq!(hooks.pre_authentications().len(), 2);
    assert_eq!(hooks.pre_authentications()[1].user_name, sub);
    let done = srp_finish(&h, &client, &srp, &challenge, PASSWORD, None).unwrap();
    assert!(done.authentication_result.is_some());
    // Nothing more at step two.
    assert_eq!(hooks.pre_authentications().len(), 2);
}

// ----- PostAuthentication -----

#[test]
fn a_failing_post_authentication_fails_a_good_sign_in_without_tokens() {
    let (h, hooks) = hooked(
        Hooks::new(&[Trigger::PostAuthentication, Trigger::PreTokenGeneration])
            .post_authentication(|_| Err(TriggerError::rejected("nope"))),
    );
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    let sub = confirmed(&h, JANE);
    // A failure first, so the good sign-in's reset is visible.
    let _ = h.pool.initiate_auth(password_request(&client, JANE, WRONG));
    assert_eq!(record(&h, &sub).failed_sign_ins, 1);
    assert_error(
        h.pool.initiate_auth(
            password_request(&client, JANE, PASSWORD).client_metadata(map(&[("k", "v")])),
        ),
        ErrorCode::UserLambdaValidation,
        "PostAuthentication failed with error nope.",
    );
    assert_eq!(
        hooks.sources(),
        [TriggerSource::PostAuthenticationAuthentication],
        "no PreTokenGeneration after a failed PostAuthentication"
    );
    let e = &hooks.post_authentications()[0];
    assert_eq!(
        e.trigger_source.as_str(),
        "PostAuthentication_Authentication"
    );
    assert_eq!(e.user_name, sub);
    assert!(!e.request.new_device_used);
    assert_eq!(
        e.request.client_metadata, None,
        "InitiateAuth metadata stays out"
    );
    assert_eq!(
        e.request.user_attributes["cognito:user_status"],
        "CONFIRMED"
    );
    // The password was right: the lockout counter was reset.
    assert_eq!(record(&h, &sub).failed_sign_ins, 0);
}

#[test]
fn srp_fires_post_authentication_and_token_generation_with_the_respond_metadata() {
    let (h, hooks) = hooked(Hooks::new(&[
        Trigger::PreAuthentication,
        Trigger::PostAuthentication,
        Trigger::PreTokenGeneration,
    ]));
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    confirmed(&h, JANE);
    let (srp, challenge) = srp_start(&h, &client, JANE, Some(map(&[("initiate", "1")])));
    let challenge = challenge.unwrap();
    let done = srp_finish(
        &h,
        &client,
        &srp,
        &challenge,
        PASSWORD,
        Some(map(&[("respond", "2")])),
    )
    .unwrap();
    assert!(done.authentication_result.is_some());
    assert_eq!(
        hooks.sources(),
        [
            TriggerSource::PreAuthenticationAuthentication,
            TriggerSource::PostAuthenticationAuthentication,
            TriggerSource::TokenGenerationAuthentication,
        ]
    );
    assert_eq!(
        hooks.pre_authentications()[0].request.validation_data,
        Some(map(&[("initiate", "1")]))
    );
    assert_eq!(
        hooks.post_authentications()[0].request.client_metadata,
        Some(map(&[("respond", "2")]))
    );
    assert_eq!(
        hooks.pre_token_generations()[0].request.client_metadata,
        Some(map(&[("respond", "2")]))
    );
}

#[test]
fn the_new_password_answer_fires_post_authentication_then_its_token_generation() {
    let (h, hooks) = hooked(Hooks::new(&[
        Trigger::PostAuthentication,
        Trigger::PreTokenGeneration,
    ]));
    let client = add_client(&h, password_client_config("admin"))
        .id()
        .to_owned();
    let mut request = AdminCreateUserRequest::new("al@example.com")
        .attribute("family_name", "Al")
        .attribute("email", "al@example.com");
    request.temporary_password = Some("Temp0rary!".into());
    request.message_action = Some(MessageAction::Suppress);
    let created = h.pool.admin_create_user(request).unwrap();
    let challenge = h
        .pool
        .initiate_auth(password_request(&client, "al@example.com", "Temp0rary!"))
        .unwrap();
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeName::NewPasswordRequired)
    );
    assert!(hooks.seen().is_empty(), "the sign-in is not over yet");
    let mut answer = RespondToAuthChallengeRequest::new(
        &client,
        ChallengeName::NewPasswordRequired,
        challenge.session.clone(),
    )
    .response("USERNAME", "al@example.com")
    .response("NEW_PASSWORD", PASSWORD);
    answer.client_metadata = Some(map(&[("step", "new-password")]));
    let done = h.pool.respond_to_auth_challenge(answer).unwrap();
    assert!(done.authentication_result.is_some());
    assert_eq!(
        hooks.sources(),
        [
            TriggerSource::PostAuthenticationAuthentication,
            TriggerSource::TokenGenerationNewPasswordChallenge,
        ]
    );
    let post = &hooks.post_authentications()[0];
    assert_eq!(post.user_name, created.username);
    assert_eq!(
        post.request.user_attributes["cognito:user_status"],
        "CONFIRMED"
    );
    assert_eq!(
        post.request.client_metadata,
        Some(map(&[("step", "new-password")]))
    );
    assert_eq!(
        hooks.pre_token_generations()[0].trigger_source.as_str(),
        "TokenGeneration_NewPasswordChallenge"
    );
}

// ----- UserMigration -----

fn migrated_attributes() -> StringMap {
    map(&[
        ("email", "old@example.com"),
        ("email_verified", "true"),
        ("family_name", "Legacy"),
        ("sub", "ignored-sub"),
    ])
}

fn migrating(status: Option<MigratedUserStatus>, action: Option<MigrationMessageAction>) -> Hooks {
    Hooks::new(&[
        Trigger::UserMigration,
        Trigger::PreAuthentication,
        Trigger::PostAuthentication,
        Trigger::PreTokenGeneration,
    ])
    .user_migration(move |_| {
        let mut response = UserMigrationResponse::default();
        response.user_attributes = migrated_attributes();
        response.final_user_status = status;
        response.message_action = action;
        response.desired_delivery_mediums = vec![DeliveryMedium::Email];
        Ok(response)
    })
}

#[test]
fn an_unknown_user_is_migrated_at_password_sign_in_and_signed_in() {
    let (h, hooks) = hooked(migrating(
        Some(MigratedUserStatus::Confirmed),
        Some(MigrationMessageAction::Suppress),
    ));
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    let result = h
        .pool
        .initiate_auth(
            password_request(&client, "old@example.com", PASSWORD)
                .client_metadata(map(&[("origin", "legacy-app")])),
        )
        .unwrap()
        .authentication_result
        .expect("tokens");
    assert_eq!(
        hooks.sources(),
        [
            TriggerSource::UserMigrationAuthentication,
            TriggerSource::PreAuthenticationAuthentication,
            TriggerSource::PostAuthenticationAuthentication,
            TriggerSource::TokenGenerationAuthentication,
        ]
    );
    let m = &hooks.migrations()[0];
    assert_eq!(m.trigger_source.as_str(), "UserMigration_Authentication");
    assert_eq!(m.user_name, "old@example.com", "the name as typed");
    assert_eq!(
        m.request
            .password
            .as_ref()
            .map(|p| p.expose_secret().to_owned()),
        Some(PASSWORD.to_owned())
    );
    assert_eq!(
        m.request.validation_data,
        Some(map(&[("origin", "legacy-app")]))
    );
    assert_eq!(m.request.client_metadata, None);
    // The ClientMetadata reaches PreAuthentication too, and no later trigger.
    assert_eq!(
        hooks.pre_authentications()[0].request.validation_data,
        Some(map(&[("origin", "legacy-app")]))
    );
    assert_eq!(
        hooks.post_authentications()[0].request.client_metadata,
        None
    );
    assert_eq!(
        hooks.pre_token_generations()[0].request.client_metadata,
        None
    );

    let user = h.user("old@example.com");
    assert_eq!(user.status, UserStatus::Confirmed);
    assert!(h.has_password(&user.username, PASSWORD));
    let attribute = |name: &str| {
        user.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.clone())
    };
    let sub = attribute("sub").expect("a sub");
    assert_ne!(sub, "ignored-sub");
    assert_eq!(
        user.username, sub,
        "email-as-username pools name users by sub"
    );
    assert_eq!(attribute("family_name").as_deref(), Some("Legacy"));
    assert_eq!(claims(&result.id_token)["sub"], sub.as_str());
    assert_eq!(claims(&result.id_token)["email_verified"], true);
    assert!(h.outbox.messages().is_empty(), "SUPPRESS sends nothing");
    // Known now: a second sign-in does not migrate again.
    hooks.clear();
    h.pool
        .initiate_auth(password_request(&client, "old@example.com", PASSWORD))
        .unwrap();
    assert!(hooks.migrations().is_empty());
}

#[test]
fn a_migrated_user_is_welcomed_unless_suppressed() {
    let (h, _) = hooked(migrating(Some(MigratedUserStatus::Confirmed), None));
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    h.pool
        .initiate_auth(password_request(&client, "old@example.com", PASSWORD))
        .unwrap();
    let messages = h.outbox.messages_for("old@example.com");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].medium, DeliveryMedium::Email);
    assert_eq!(messages[0].kind, userpool::MessageKind::AdminCreateUser);
}

#[test]
fn srp_never_migrates() {
    let (h, hooks) = hooked(migrating(Some(MigratedUserStatus::Confirmed), None));
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    let (_, response) = srp_start(&h, &client, "old@example.com", None);
    assert_error(response, ErrorCode::UserNotFound, "User does not exist.");
    assert!(hooks.migrations().is_empty());
    assert!(h.all_users().is_empty());
}

#[test]
fn a_throwing_migration_creates_no_user() {
    let (h, _) = hooked(
        Hooks::new(&[Trigger::UserMigration])
            .user_migration(|_| Err(TriggerError::rejected("Bad password"))),
    );
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    assert_error(
        h.pool
            .initiate_auth(password_request(&client, "old@example.com", PASSWORD)),
        ErrorCode::UserLambdaValidation,
        "UserMigration failed with error Bad password.",
    );
    assert!(h.all_users().is_empty());
}

#[test]
fn a_reset_required_migration_stores_the_user_and_asks_for_a_reset() {
    for (prevent, code, message) in [
        (
            PreventUserExistenceErrors::Legacy,
            ErrorCode::PasswordResetRequired,
            "Password reset required for the user",
        ),
        (
            PreventUserExistenceErrors::Enabled,
            ErrorCode::NotAuthorized,
            INCORRECT,
        ),
    ] {
        let (h, _) = hooked(migrating(None, Some(MigrationMessageAction::Suppress)));
        let client = client_of(&h, prevent);
        assert_error(
            h.pool
                .initiate_auth(password_request(&client, "old@example.com", PASSWORD)),
            code,
            message,
        );
        let user = h.user("old@example.com");
        assert_eq!(user.status, UserStatus::ResetRequired);
        assert!(record(&h, &user.username).password_hash.is_none());
    }
}

#[test]
fn under_enabled_a_failed_migration_is_an_unknown_name_to_pre_authentication() {
    let (h, hooks) = hooked(Hooks::new(&[
        Trigger::UserMigration,
        Trigger::PreAuthentication,
    ]));
    let client = client_of(&h, PreventUserExistenceErrors::Enabled);
    assert_error(
        h.pool.initiate_auth(
            password_request(&client, "old@example.com", PASSWORD)
                .client_metadata(map(&[("m", "1")])),
        ),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    assert_eq!(
        hooks.sources(),
        [
            TriggerSource::UserMigrationAuthentication,
            TriggerSource::PreAuthenticationAuthentication,
        ]
    );
    let pre = &hooks.pre_authentications()[0];
    assert_eq!(pre.request.user_not_found, Some(true));
    assert_eq!(pre.user_name, "old@example.com");
    assert_eq!(pre.request.validation_data, Some(map(&[("m", "1")])));
}

#[test]
fn a_migration_without_attributes_reports_the_client() {
    for (prevent, code) in [
        (PreventUserExistenceErrors::Legacy, ErrorCode::UserNotFound),
        (
            PreventUserExistenceErrors::Enabled,
            ErrorCode::NotAuthorized,
        ),
    ] {
        let (h, _) = hooked(Hooks::new(&[Trigger::UserMigration]));
        let client = client_of(&h, prevent);
        let expected = if code == ErrorCode::UserNotFound {
            format!("Exception migrating user in app client {client}")
        } else {
            INCORRECT.to_owned()
        };
        assert_error(
            h.pool
                .initiate_auth(password_request(&client, "old@example.com", PASSWORD)),
            code,
            &expected,
        );
        assert!(h.all_users().is_empty());
    }
}

#[test]
fn a_migration_asking_for_sms_mfa_is_an_invalid_response() {
    let (h, _) = hooked(Hooks::new(&[Trigger::UserMigration]).user_migration(|_| {
        let mut response = UserMigrationResponse::default();
        response.user_attributes = migrated_attributes();
        response.final_user_status = Some(MigratedUserStatus::Confirmed);
        response.enable_sms_mfa = true;
        Ok(response)
    }));
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    assert_error(
        h.pool
            .initiate_auth(password_request(&client, "old@example.com", PASSWORD)),
        ErrorCode::InvalidLambdaResponse,
        "UserMigration returned enableSMSMFA=true; SMS MFA is not supported by this engine.",
    );
    assert!(h.all_users().is_empty());
}

#[test]
fn a_migrated_password_must_meet_the_policy() {
    let (h, _) = hooked(migrating(
        Some(MigratedUserStatus::Confirmed),
        Some(MigrationMessageAction::Suppress),
    ));
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    let e = refused(
        h.pool
            .initiate_auth(password_request(&client, "old@example.com", "weakpass")),
    );
    assert_eq!(e.code(), ErrorCode::InvalidPassword);
    assert!(h.all_users().is_empty());
    // Under ENABLED that answer would confirm the legacy password: the
    // name stays unknown.
    let enabled = client_of(&h, PreventUserExistenceErrors::Enabled);
    assert_error(
        h.pool
            .initiate_auth(password_request(&enabled, "old@example.com", "weakpass")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    assert!(h.all_users().is_empty());
}

#[test]
fn under_enabled_a_locked_out_name_is_not_handed_to_the_migration() {
    // The legacy system knows old@example.com by PASSWORD only.
    let (h, hooks) = hooked(migrating(None, None).user_migration(|e| {
        let mut response = UserMigrationResponse::default();
        let right = e
            .request
            .password
            .as_ref()
            .is_some_and(|p| p.expose_secret() == PASSWORD);
        if right {
            response.user_attributes = migrated_attributes();
            response.final_user_status = Some(MigratedUserStatus::Confirmed);
            response.message_action = Some(MigrationMessageAction::Suppress);
        }
        Ok(response)
    }));
    let client = client_of(&h, PreventUserExistenceErrors::Enabled);
    // Wrong guesses leave the name unknown and count toward its lockout.
    for _ in 0..5 {
        assert_error(
            h.pool
                .initiate_auth(password_request(&client, "old@example.com", WRONG)),
            ErrorCode::NotAuthorized,
            INCORRECT,
        );
    }
    let asked = hooks.migrations().len();
    assert_error(
        h.pool
            .initiate_auth(password_request(&client, "old@example.com", PASSWORD)),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    assert_eq!(
        hooks.migrations().len(),
        asked,
        "the function was not asked"
    );
    assert!(h.all_users().is_empty());
}

#[test]
fn a_known_user_is_never_migrated() {
    let (h, hooks) = hooked(migrating(Some(MigratedUserStatus::Confirmed), None));
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    confirmed(&h, JANE);
    assert_error(
        h.pool.initiate_auth(password_request(&client, JANE, WRONG)),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    assert!(hooks.migrations().is_empty());
}

#[test]
fn two_sign_ins_migrating_one_name_at_once_create_one_user() {
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let wait = barrier.clone();
    let (h, hooks) = hooked(
        Hooks::new(&[Trigger::UserMigration]).user_migration(move |_| {
            // Both sign-ins are in the hook before either stores the user.
            wait.wait();
            let mut response = UserMigrationResponse::default();
            response.user_attributes = migrated_attributes();
            response.final_user_status = Some(MigratedUserStatus::Confirmed);
            response.message_action = Some(MigrationMessageAction::Suppress);
            Ok(response)
        }),
    );
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    h.pool
                        .initiate_auth(password_request(&client, "old@example.com", PASSWORD))
                })
            })
            .collect();
        handles.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for result in results {
        assert!(result.unwrap().authentication_result.is_some());
    }
    assert_eq!(hooks.migrations().len(), 2);
    assert_eq!(h.all_users().len(), 1);
}

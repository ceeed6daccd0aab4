//! Rust-closure hooks for the sign-up, confirmation, recovery and message
//! trigger tests: a [`Hooks`] answers each trigger with the closure a test
//! gives and records every event it is handed, in order.

use std::fmt;
use std::sync::{Arc, Mutex};

use userpool::config::PoolConfig;
use userpool::store::MemoryStore;
use userpool::triggers::{
    CodeEncryptor, CustomMessageRequest, CustomMessageResponse, CustomSenderRequest, Event,
    PostConfirmationRequest, PreSignUpRequest, PreSignUpResponse, StringMap, Trigger, TriggerError,
    TriggerSet, TriggerSource, Triggers, UserMigrationRequest, UserMigrationResponse,
};
use userpool::{HashingParams, Outbox, UserPool};

use super::common::Harness;
use crate::support::{clock_at_start, shared_keys};

type Reply<R, T> = Box<dyn Fn(&Event<R>) -> Result<T, TriggerError> + Send + Sync>;

/// What the hooks were told, in the order they were called.
#[derive(Clone, Debug, Default)]
pub(crate) struct Seen {
    pub(crate) order: Vec<TriggerSource>,
    pub(crate) pre_sign_up: Vec<Event<PreSignUpRequest>>,
    pub(crate) post_confirmation: Vec<Event<PostConfirmationRequest>>,
    pub(crate) custom_message: Vec<Event<CustomMessageRequest>>,
    pub(crate) user_migration: Vec<Event<UserMigrationRequest>>,
    pub(crate) email_sender: Vec<Event<CustomSenderRequest>>,
    pub(crate) sms_sender: Vec<Event<CustomSenderRequest>>,
}

/// Hooks answering with closures; only the triggers given are configured.
#[derive(Default)]
pub(crate) struct Hooks {
    configured: TriggerSet,
    pre_sign_up: Option<Reply<PreSignUpRequest, PreSignUpResponse>>,
    post_confirmation: Option<Reply<PostConfirmationRequest, ()>>,
    custom_message: Option<Reply<CustomMessageRequest, CustomMessageResponse>>,
    user_migration: Option<Reply<UserMigrationRequest, UserMigrationResponse>>,
    email_sender: Option<Reply<CustomSenderRequest, ()>>,
    sms_sender: Option<Reply<CustomSenderRequest, ()>>,
    seen: Mutex<Seen>,
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("configured", &self.configured)
            .finish_non_exhaustive()
    }
}

impl Hooks {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn pre_sign_up(
        mut self,
        f: impl Fn(&Event<PreSignUpRequest>) -> Result<PreSignUpResponse, TriggerError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.configured = self.configured.with(Trigger::PreSignUp);
        self.pre_sign_up = Some(Box::new(f));
        self
    }

    pub(crate) fn post_confirmation(
        mut self,
        f: impl Fn(&Event<PostConfirmationRequest>) -> Result<(), TriggerError> + Send + Sync + 'static,
    ) -> Self {
        self.configured = self.configured.with(Trigger::PostConfirmation);
        self.post_confirmation = Some(Box::new(f));
        self
    }

    pub(crate) fn custom_message(
        mut self,
        f: impl Fn(&Event<CustomMessageRequest>) -> Result<CustomMessageResponse, TriggerError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.configured = self.configured.with(Trigger::CustomMessage);
        self.custom_message = Some(Box::new(f));
        self
    }

    pub(crate) fn user_migration(
        mut self,
        f: impl Fn(&Event<UserMigrationRequest>) -> Result<UserMigrationResponse, TriggerError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.configured = self.configured.with(Trigger::UserMigration);
        self.user_migration = Some(Box::new(f));
        self
    }

    pub(crate) fn email_sender(
        mut self,
        f: impl Fn(&Event<CustomSenderRequest>) -> Result<(), TriggerError> + Send + Sync + 'static,
    ) -> Self {
        self.configured = self.configured.with(Trigger::CustomEmailSender);
        self.email_sender = Some(Box::new(f));
        self
    }

    pub(crate) fn sms_sender(
        mut self,
        f: impl Fn(&Event<CustomSenderRequest>) -> Result<(), TriggerError> + Send + Sync + 'static,
    ) -> Self {
        self.configured = self.configured.with(Trigger::CustomSmsSender);
        self.sms_sender = Some(Box::new(f));
        self
    }

    /// Everything seen so far.
    pub(crate) fn seen(&self) -> Seen {
        self.seen.lock().unwrap().clone()
    }

    fn record(&self, source: TriggerSource, f: impl FnOnce(&mut Seen)) {
        let mut seen = self.seen.lock().unwrap();
        seen.order.push(source);
        f(&mut seen);
    }
}

/// The answer of a hook the pool called without the test configuring it:
/// a failure the test will see.
fn unexpected(what: &str) -> TriggerError {
    TriggerError::rejected(format!("the test configured no {what} hook"))
}

impl Triggers for Hooks {
    fn configured(&self) -> TriggerSet {
        self.configured
    }

    fn pre_sign_up(
        &self,
        event: &Event<PreSignUpRequest>,
    ) -> Result<PreSignUpResponse, TriggerError> {
        self.record(event.trigger_source, |s| s.pre_sign_up.push(event.clone()));
        self.pre_sign_up
            .as_ref()
            .map_or(Err(unexpected("PreSignUp")), |f| f(event))
    }

    fn post_confirmation(
        &self,
        event: &Event<PostConfirmationRequest>,
    ) -> Result<(), TriggerError> {
        self.record(event.trigger_source, |s| {
            s.post_confirmation.push(event.clone());
        });
        self.post_confirmation
            .as_ref()
            .map_or(Err(unexpected("PostConfirmation")), |f| f(event))
    }

    fn custom_message(
        &self,
        event: &Event<CustomMessageRequest>,
    ) -> Result<CustomMessageResponse, TriggerError> {
        self.record(event.trigger_source, |s| {
            s.custom_message.push(event.clone());
        });
        self.custom_message
            .as_ref()
            .map_or(Err(unexpected("CustomMessage")), |f| f(event))
    }

    fn user_migration(
        &self,
        event: &Event<UserMigrationRequest>,
    ) -> Result<UserMigrationResponse, TriggerError> {
        self.record(event.trigger_source, |s| {
            s.user_migration.push(event.clone());
        });
        self.user_migration
            .as_ref()
            .map_or(Err(unexpected("UserMigration")), |f| f(event))
    }

    fn custom_email_sender(&self, event: &Event<CustomSenderRequest>) -> Result<(), TriggerError> {
        self.record(event.trigger_source, |s| s.email_sender.push(event.clone()));
        self.email_sender
            .as_ref()
            .map_or(Err(unexpected("CustomEmailSender")), |f| f(event))
    }

    fn custom_sms_sender(&self, event: &Event<CustomSenderRequest>) -> Result<(), TriggerError> {
        self.record(event.trigger_source, |s| s.sms_sender.push(event.clone()));
        self.sms_sender
            .as_ref()
            .map_or(Err(unexpected("CustomSMSSender")), |f| f(event))
    }
}

/// The builder of a test pool on `config` with `hooks`, as
/// [`build_pool`](super::common::build_pool) builds one, for a test to
/// refine before [`harness`].
pub(crate) fn builder(config: PoolConfig, hooks: &Arc<Hooks>) -> userpool::UserPoolBuilder {
    UserPool::builder(config)
        .pool_id("us-east-1_HookTests1")
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(shared_keys())
        .triggers(Arc::clone(hooks) as Arc<dyn Triggers>)
}

/// A harness on `config` whose pool calls `hooks`.
pub(crate) fn with_hooks(config: PoolConfig, hooks: &Arc<Hooks>) -> Harness {
    harness(builder(config, hooks))
}

/// A harness on `config` whose pool calls `hooks` and encrypts custom
/// senders' codes with `encryptor`.
pub(crate) fn with_encryptor(
    config: PoolConfig,
    hooks: &Arc<Hooks>,
    encryptor: Arc<dyn CodeEncryptor>,
) -> Harness {
    harness(builder(config, hooks).code_encryptor(encryptor))
}

/// A harness over the pool `builder` makes, with a fresh store, a stopped
/// clock and an outbox.
pub(crate) fn harness(builder: userpool::UserPoolBuilder) -> Harness {
    let clock = clock_at_start();
    let outbox = Outbox::new();
    let store = Arc::new(MemoryStore::new());
    let pool = builder
        .store(store.clone())
        .clock(Arc::new(clock.clone()))
        .message_sender(Arc::new(outbox.clone()))
        .build()
        .expect("the test pool builds");
    Harness::from_parts(pool, clock, outbox, store)
}

/// A string map of `pairs`.
pub(crate) fn map(pairs: &[(&str, &str)]) -> StringMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A CustomMessage answer with these parts.
pub(crate) fn message(
    email: Option<&str>,
    subject: Option<&str>,
    sms: Option<&str>,
) -> CustomMessageResponse {
    let mut r = CustomMessageResponse::default();
    r.email_message = email.map(str::to_owned);
    r.email_subject = subject.map(str::to_owned);
    r.sms_message = sms.map(str::to_owned);
    r
}

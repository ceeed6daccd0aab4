//! Where the pool meets its triggers (cognito-triggers.md §1, §7): which
//! hooks are in force, the event envelope, the attributes an event shows,
//! and the one mapping of a hook's failure to the operation's error.
//!
//! The hooks in force are the builder's
//! [`triggers`](super::UserPoolBuilder::triggers) when given; otherwise the
//! functions of the configuration's `LambdaConfig`, through a
//! [`JsonTriggers`] over the builder's
//! [`lambda_invoker`](super::UserPoolBuilder::lambda_invoker) (or, without
//! one, an invoker that reports that no endpoint is configured).
//!
//! No hook runs under a lock or inside a store transaction: the pool reads,
//! calls the hook, then writes with a compare-and-swap, so a hook may call
//! back into the pool.

use std::sync::{Arc, PoisonError};

use super::UserPool;
use crate::config::{AliasAttribute, PoolConfig, UserPoolTier, UsernameAttribute};
use crate::error::{Error, Result};
use crate::store::UserRecord;
use crate::triggers::{
    CallerContext, Event, FunctionRef, Invoke, InvokeOutcome, JsonTriggers, NoTriggers,
    PreTokenGenerationVersion, StringMap, Trigger, TriggerError, TriggerFunctions, TriggerSource,
    Triggers,
};

/// The bridge built for one configuration.
pub(super) struct LambdaBridge {
    config: Arc<PoolConfig>,
    triggers: Arc<dyn Triggers>,
}

/// What an invocation answers when the pool was given no invoker.
#[derive(Debug)]
struct NoEndpoint;

/// The reason [`NoEndpoint`] reports, after `<Trigger> invocation failed due to error `.
pub(crate) const NO_ENDPOINT: &str = "No Lambda endpoint is configured.";

impl Invoke for NoEndpoint {
    fn invoke(&self, _function: &FunctionRef, _event: &[u8]) -> InvokeOutcome {
        InvokeOutcome::ServiceError {
            code: NO_ENDPOINT.to_owned(),
        }
    }
}

/// Refuses a `LambdaConfig` the engine cannot run: `InboundFederation`
/// (federation is not simulated), and an ARN that names no Lambda
/// function, which nothing could invoke (cognito-triggers.md §5).
///
/// # Errors
/// `InvalidParameterException` naming the member.
pub(crate) fn check_lambda_config(config: &PoolConfig) -> Result<()> {
    let lambda = config.lambda_config();
    if lambda.inbound_federation.is_some() {
        return Err(Error::invalid_parameter(
            "The parameter LambdaConfig.InboundFederation is not supported by this engine: \
             federation is not simulated.",
        ));
    }
    TriggerFunctions::from_lambda_config(lambda).map(|_| ())
}

/// `FeatureUnavailableInTierException` for Rust hooks whose PreTokenGeneration
/// speaks `V2_0` or `V3_0` in a `LITE` pool, as a `LambdaConfig` would be.
pub(super) fn check_hooks_tier(hooks: &dyn Triggers, config: &PoolConfig) -> Result<()> {
    let version = hooks.pre_token_generation_version();
    if hooks.configured().contains(Trigger::PreTokenGeneration)
        && version != PreTokenGenerationVersion::V1
        && config.tier() == UserPoolTier::Lite
    {
        return Err(crate::config::token_version_unavailable(version.as_str()));
    }
    Ok(())
}

/// A hook's answer as the operation's: its failure becomes the error
/// Cognito reports for that trigger (cognito-triggers.md §4.1).
pub(super) fn hook<T>(trigger: Trigger, result: std::result::Result<T, TriggerError>) -> Result<T> {
    result.map_err(|e| e.into_error(trigger))
}

impl UserPool {
    /// The hooks in force now (see the module docs).
    pub(super) fn triggers(&self) -> Arc<dyn Triggers> {
        if let Some(hooks) = &self.inner.hooks {
            return Arc::clone(hooks);
        }
        let config = self.config();
        if config.lambda_config().is_empty() {
            return Arc::new(NoTriggers);
        }
        let mut slot = self
            .inner
            .lambda
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(bridge) = slot.as_ref().filter(|b| Arc::ptr_eq(&b.config, &config)) {
            return Arc::clone(&bridge.triggers);
        }
        // Checked when the configuration was accepted; a failure here
        // means no function can be named, so none is called.
        let functions =
            TriggerFunctions::from_lambda_config(config.lambda_config()).unwrap_or_default();
        let triggers: Arc<dyn Triggers> = match &self.inner.invoker {
            Some(invoker) => Arc::new(JsonTriggers::new(functions, Arc::clone(invoker))),
            None => Arc::new(JsonTriggers::new(functions, NoEndpoint)),
        };
        *slot = Some(LambdaBridge {
            config,
            triggers: Arc::clone(&triggers),
        });
        triggers
    }

    /// The hooks in force, if `trigger` is among them.
    pub(super) fn hooks_for(&self, trigger: Trigger) -> Option<Arc<dyn Triggers>> {
        let triggers = self.triggers();
        triggers.configured().contains(trigger).then_some(triggers)
    }

    /// The pool's region: its id's prefix.
    pub(super) fn region(&self) -> &str {
        self.id().split_once('_').map_or("", |(r, _)| r)
    }

    /// An event of `source` for `user_name` (the internal username, or,
    /// for UserMigration, the name typed), from the operation of client
    /// `client_id` (`None`: `CLIENT_ID_NOT_APPLICABLE`, as for admin
    /// operations).
    pub(super) fn event<R>(
        &self,
        source: TriggerSource,
        user_name: &str,
        client_id: Option<&str>,
        request: R,
    ) -> Event<R> {
        let caller = client_id.map_or_else(CallerContext::without_client, CallerContext::new);
        Event::new(source, self.region(), self.id(), user_name, caller, request)
    }

    /// `userAttributes` of an existing user's event (cognito-triggers.md
    /// §1.2): every attribute but developer-only `dev:` ones, with `sub`,
    /// `cognito:user_status`, and `cognito:email_alias` /
    /// `cognito:phone_number_alias` when that verified attribute signs the
    /// user in as an alias.
    pub(super) fn event_attributes(&self, user: &UserRecord) -> StringMap {
        let config = self.config();
        let mut map: StringMap = user
            .attributes
            .iter()
            .filter(|(k, _)| !k.starts_with("dev:"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        map.insert("cognito:user_status".to_owned(), user.status.to_string());
        let verified = |n: &str| user.attributes.get(n).is_some_and(|v| v == "true");
        let email_alias = config.is_alias(AliasAttribute::Email)
            || config.is_username_attribute(UsernameAttribute::Email);
        if email_alias
            && verified("email_verified")
            && let Some(email) = user.attributes.get("email")
        {
            map.insert("cognito:email_alias".to_owned(), email.clone());
        }
        let phone_alias = config.is_alias(AliasAttribute::PhoneNumber)
            || config.is_username_attribute(UsernameAttribute::PhoneNumber);
        if phone_alias
            && verified("phone_number_verified")
            && let Some(phone) = user.attributes.get("phone_number")
        {
            map.insert("cognito:phone_number_alias".to_owned(), phone.clone());
        }
        map
    }
}

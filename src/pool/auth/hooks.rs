//! The sign-in's triggers (cognito-triggers.md §1.4, §2.3–§2.5):
//! PreAuthentication before the credential check, PostAuthentication after
//! it, PreTokenGeneration before every token issue.
//!
//! Each reads what it needs, calls the hook with no lock held and nothing
//! written yet for this step, and maps a failure to the operation's error
//! with [`hook`].
//!
//! # Where the `ClientMetadata` goes (§1.3)
//!
//! `InitiateAuth`'s reaches PreAuthentication (and UserMigration) as
//! `validationData`, nowhere else. `RespondToAuthChallenge`'s reaches
//! PostAuthentication and PreTokenGeneration as `clientMetadata`;
//! `GetTokensFromRefreshToken`'s reaches PreTokenGeneration. A sign-in that
//! ends in `InitiateAuth` (the password flows) therefore shows no
//! `clientMetadata` to PostAuthentication and PreTokenGeneration.

use super::overrides;
use crate::client::AppClient;
use crate::error::Result;
use crate::pool::UserPool;
use crate::pool::hooks::hook;
use crate::store::UserRecord;
use crate::token::{AccessClaims, GroupInfo, IdClaims, SCOPE_USER_ADMIN, group_claims};
use crate::triggers::{
    GroupConfiguration, PostAuthenticationRequest, PreAuthenticationRequest,
    PreTokenGenerationRequest, PreTokenGenerationResponse, PreTokenGenerationVersion, StringMap,
    Trigger, TriggerSource,
};

/// What PreTokenGeneration answered for one token issue, to apply to the
/// pair when it is built.
pub(super) struct TokenOverrides {
    version: PreTokenGenerationVersion,
    response: PreTokenGenerationResponse,
}

impl TokenOverrides {
    /// Applies the answer to the claims of one pair (see [`overrides`]).
    pub(super) fn apply(
        &self,
        access: &mut AccessClaims,
        id: &mut IdClaims,
        client_id: &str,
    ) -> Result<()> {
        overrides::apply(self.version, &self.response, access, id, client_id)
            .map_err(|e| e.into_error(Trigger::PreTokenGeneration))
    }
}

impl UserPool {
    /// PreAuthentication (§2.3), before the credential check: `user` is the
    /// user signing in, `None` for a name no user has (called then only
    /// when the client prevents user-existence errors, with `userNotFound:
    /// true` and the name as typed). `metadata` is `InitiateAuth`'s
    /// `ClientMetadata`, sent as `validationData`.
    ///
    /// Choices (cognito-triggers.md marks them): the hook runs first thing
    /// after the name is resolved — before the lockout check, the
    /// unconfirmed-user refusal and the password — so a refusal wins
    /// whatever the password and state, and is **not** counted toward the
    /// lockout (the attempt is counted only when the password is checked).
    /// `userNotFound` is sent (`false` for a known user) only when the
    /// client prevents user-existence errors.
    ///
    /// # Errors
    /// The hook's failure: `UserLambdaValidationException`
    /// `PreAuthentication failed with error <message>.`, or the bridge's.
    pub(in crate::pool) fn pre_authentication(
        &self,
        client: &AppClient,
        user: Option<&UserRecord>,
        typed: &str,
        metadata: Option<&StringMap>,
    ) -> Result<()> {
        let prevent = client.config().prevents_user_existence_errors();
        if user.is_none() && !prevent {
            return Ok(());
        }
        let Some(hooks) = self.hooks_for(Trigger::PreAuthentication) else {
            return Ok(());
        };
        let mut request = PreAuthenticationRequest::new(
            user.map(|u| self.event_attributes(u)).unwrap_or_default(),
        );
        request.validation_data = metadata.cloned();
        request.user_not_found = prevent.then_some(user.is_none());
        let name = user.map_or(typed, |u| u.username.as_str());
        let event = self.event(
            TriggerSource::PreAuthenticationAuthentication,
            name,
            Some(client.id()),
            request,
        );
        hook(Trigger::PreAuthentication, hooks.pre_authentication(&event))
    }

    /// PostAuthentication (§2.4), after a successful sign-in and before any
    /// token: `newDeviceUsed` true when the sign-in is given a new device
    /// key (`NewDeviceMetadata`), `clientMetadata` from
    /// `RespondToAuthChallenge` only.
    ///
    /// # Errors
    /// The hook's failure (`PostAuthentication failed with error
    /// <message>.`): the sign-in fails and no token is issued.
    pub(in crate::pool) fn post_authentication(
        &self,
        client: &AppClient,
        user: &UserRecord,
        new_device_used: bool,
        metadata: Option<&StringMap>,
    ) -> Result<()> {
        let Some(hooks) = self.hooks_for(Trigger::PostAuthentication) else {
            return Ok(());
        };
        let mut request = PostAuthenticationRequest::new(self.event_attributes(user));
        request.new_device_used = new_device_used;
        request.client_metadata = metadata.cloned();
        let event = self.event(
            TriggerSource::PostAuthenticationAuthentication,
            &user.username,
            Some(client.id()),
            request,
        );
        hook(
            Trigger::PostAuthentication,
            hooks.post_authentication(&event),
        )
    }

    /// PreTokenGeneration (§2.5) for a token issue of `source` to `user`
    /// with `groups`: `None` when the trigger is not configured. The event's
    /// `version` is the hooks' [`PreTokenGenerationVersion`]; V2/V3 events
    /// carry the access token's `scopes`.
    ///
    /// # Errors
    /// The hook's failure (`PreTokenGeneration failed with error
    /// <message>.`): no token is issued.
    pub(super) fn pre_token_generation(
        &self,
        client: &AppClient,
        user: &UserRecord,
        groups: &[GroupInfo],
        (source, scope): (TriggerSource, Option<&str>),
        metadata: Option<&StringMap>,
    ) -> Result<Option<TokenOverrides>> {
        let Some(hooks) = self.hooks_for(Trigger::PreTokenGeneration) else {
            return Ok(None);
        };
        let version = hooks.pre_token_generation_version();
        let (names, roles, preferred) = group_claims(groups);
        let mut request = PreTokenGenerationRequest::new(
            self.event_attributes(user),
            GroupConfiguration::new(
                names.unwrap_or_default(),
                roles.unwrap_or_default(),
                preferred,
            ),
        );
        request.client_metadata = metadata.cloned();
        if version != PreTokenGenerationVersion::V1 {
            // The OAuth endpoints' granted scopes; the JSON API's one scope.
            request.scopes = scope.map_or_else(
                || vec![SCOPE_USER_ADMIN.to_owned()],
                |s| s.split(' ').map(str::to_owned).collect(),
            );
        }
        let event = self
            .event(source, &user.username, Some(client.id()), request)
            .version(version.event_version());
        let response = hook(
            Trigger::PreTokenGeneration,
            hooks.pre_token_generation(&event),
        )?;
        Ok(Some(TokenOverrides { version, response }))
    }
}

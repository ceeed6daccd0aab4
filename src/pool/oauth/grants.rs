//! The grants of `/oauth2/token` (cognito-oauth.md §7), the implicit
//! answer of `/oauth2/authorize` (§5.4), `/oauth2/userInfo` (§9) and
//! `/oauth2/revoke` (§10): every rule, which `crate::oauth`'s endpoints
//! only translate to HTTP.

use std::collections::BTreeMap;

use subtle::ConstantTimeEq;

use super::code::{StoredGrant, sha256};
use super::{CodeGrant, GrantError, ImplicitTokens, OAuthTokens, UserInfoError};
use crate::client::{AppClient, OAuthFlow};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::oauth::OAuthError;
use crate::oauth::client_auth::ClientCredentials;
use crate::oauth::pkce;
use crate::oauth::scope::client_credentials_scopes;
use crate::pool::auth::overrides::apply_client_credentials;
use crate::pool::auth::{Family, OAuthGrant, Stamps};
use crate::pool::hooks::hook;
use crate::pool::{UserPool, store_error};
use crate::random;
use crate::store::{StoreError, UserRecord, UserStatus};
use crate::token::{
    ClientCredentialsClaims, TokenUse, parse_refresh_token_shape, refresh_token_digest,
};
use crate::triggers::{
    GroupConfiguration, PreTokenGenerationRequest, PreTokenGenerationVersion, StringMap, Trigger,
    TriggerSource,
};

/// The attributes `profile` releases at `/oauth2/userInfo` (§9), besides
/// every readable `custom:` attribute.
const PROFILE_ATTRIBUTES: [&str; 14] = [
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
];

/// Whether the OAuth-only engine error `e` is the pool's own failure (the
/// store, a signature) rather than something about the request.
fn is_internal(e: &Error) -> bool {
    e.code() == ErrorCode::InternalError
}

impl UserPool {
    /// The app client a token or revoke request authenticates as (§7.1):
    /// it exists; a client with a secret presented it (compared in
    /// constant time); a client without one presented none.
    ///
    /// # Errors
    /// [`OAuthError::InvalidClient`] otherwise; the store's errors.
    pub(crate) fn oauth_client(
        &self,
        credentials: &ClientCredentials,
    ) -> std::result::Result<AppClient, GrantError> {
        let client = match self.client(&credentials.client_id) {
            Ok(c) => c,
            Err(e) if is_internal(&e) => return Err(GrantError::Engine(e)),
            Err(_) => return Err(OAuthError::InvalidClient.into()),
        };
        // During a rotation either secret authenticates the client.
        let good = match (client.secret(), credentials.client_secret.as_deref()) {
            (None, None) => true,
            (Some(_), Some(given)) => crate::client::matches_a_secret(&client, given),
            _ => false,
        };
        if good {
            Ok(client)
        } else {
            Err(OAuthError::InvalidClient.into())
        }
    }

    /// The `client_credentials` grant (§7.3, §7.4, §8.3): a
    /// machine-to-machine access token for the client's custom scopes.
    ///
    /// # Errors
    /// `invalid_client` (§7.1); `invalid_grant` while the client's OAuth
    /// switch is off (§3.3); `unauthorized_client` when the flow is not
    /// allowed or the client has no secret; `invalid_scope` (§7.4).
    pub(crate) fn client_credentials_grant(
        &self,
        credentials: &ClientCredentials,
        scope: Option<&str>,
        metadata: Option<&StringMap>,
    ) -> std::result::Result<OAuthTokens, GrantError> {
        let now = self.now();
        let client = self.oauth_client(credentials)?;
        let config = client.config();
        if !config.allowed_oauth_flows_user_pool_client() {
            return Err(OAuthError::InvalidGrant.into());
        }
        if !config.allows_oauth_flow(OAuthFlow::ClientCredentials) || client.secret().is_none() {
            return Err(OAuthError::UnauthorizedClient.into());
        }
        let pool_config = self.config();
        let scopes = client_credentials_scopes(scope, config.allowed_oauth_scopes(), |s| {
            pool_config.has_custom_scope(s)
        })?;
        let validity = config.token_validity().access_token();
        let iat = now.unix_seconds();
        let mut claims = ClientCredentialsClaims {
            sub: client.id().to_owned(),
            token_use: TokenUse::Access,
            scope: scopes.join(" "),
            auth_time: iat,
            iss: self.inner.issuer.clone(),
            exp: iat.saturating_add(i64::try_from(validity.as_secs()).unwrap_or(i64::MAX)),
            iat,
            version: 2,
            jti: random::uuid_v4()?,
            client_id: client.id().to_owned(),
            extra: BTreeMap::new(),
        };
        self.client_credentials_hook(&client, &scopes, metadata, &mut claims)?;
        let access_token = self.signing().keys.sign_client_credentials(&claims)?;
        Ok(OAuthTokens {
            id_token: None,
            access_token,
            refresh_token: None,
            expires_in: validity.as_secs(),
        })
    }

    /// PreTokenGeneration for a machine-to-machine token
    /// (`TokenGeneration_ClientCredentials`): only a `V3_0` function is
    /// called (cognito-triggers.md §2.5: V1 and V2 customise user tokens
    /// only), told the granted `scopes` and the request's
    /// `aws_client_metadata`, with no user attributes and no groups; its
    /// `accessTokenGeneration` edits the token's scope and claims, by the
    /// access token's rules. **Choice** (the live event of this source is
    /// not documented): the event's `userName` is the app client's id, the
    /// token's `sub`. A function's failure fails the grant.
    fn client_credentials_hook(
        &self,
        client: &AppClient,
        scopes: &[String],
        metadata: Option<&StringMap>,
        claims: &mut ClientCredentialsClaims,
    ) -> Result<()> {
        let Some(hooks) = self.hooks_for(Trigger::PreTokenGeneration) else {
            return Ok(());
        };
        let version = hooks.pre_token_generation_version();
        if version != PreTokenGenerationVersion::V3 {
            return Ok(());
        }
        let mut request = PreTokenGenerationRequest::new(
            StringMap::new(),
            GroupConfiguration::new(Vec::new(), Vec::new(), None),
        );
        request.scopes = scopes.to_vec();
        request.client_metadata = metadata.cloned();
        let event = self
            .event(
                TriggerSource::TokenGenerationClientCredentials,
                client.id(),
                Some(client.id()),
                request,
            )
            .version(version.event_version());
        let response = hook(
            Trigger::PreTokenGeneration,
            hooks.pre_token_generation(&event),
        )?;
        hook(
            Trigger::PreTokenGeneration,
            apply_client_credentials(&response, &mut claims.scope, &mut claims.extra),
        )
    }

    /// The `authorization_code` grant (§7.3): the client authenticated,
    /// the code taken (once, atomically), then checked: unexpired, issued
    /// to this client for this `redirect_uri` (byte-identical; omitted or
    /// equal when authorize used the client's default), its PKCE verifier,
    /// its scopes still allowed, its user still there and enabled.
    ///
    /// # Errors
    /// `invalid_client`; `unauthorized_client` (switch off, `code` flow not
    /// allowed); `invalid_request` (no `code`; no `redirect_uri` for a
    /// client without a default); `invalid_grant` for every failure of the
    /// code itself.
    pub(crate) fn authorization_code_grant(
        &self,
        credentials: &ClientCredentials,
        code: Option<&str>,
        redirect_uri: Option<&str>,
        code_verifier: Option<&str>,
    ) -> std::result::Result<OAuthTokens, GrantError> {
        let now = self.now();
        let client = self.oauth_client(credentials)?;
        let config = client.config();
        if !config.allowed_oauth_flows_user_pool_client()
            || !config.allows_oauth_flow(OAuthFlow::Code)
        {
            return Err(OAuthError::UnauthorizedClient.into());
        }
        let Some(code) = code else {
            return Err(OAuthError::InvalidRequest.into());
        };
        if redirect_uri.is_none() && config.default_redirect_uri().is_none() {
            return Err(OAuthError::InvalidRequest.into());
        }
        let grant = self
            .take_authorization_code(code, now)?
            .ok_or(OAuthError::InvalidGrant)?;
        let scopes = check_code(&client, &grant, redirect_uri, code_verifier)?;
        let user = self.oauth_user(&grant.username, &grant.sub)?;
        if !readable_for_scopes(&client, &scopes) {
            return Err(OAuthError::InvalidGrant.into());
        }
        let scope = scopes.join(" ");
        let tokens = self.issue_oauth(
            &client,
            &user,
            OAuthGrant {
                scope,
                nonce: grant.nonce,
            },
            grant.auth_time,
            (true, now),
        )?;
        Ok(tokens)
    }

    /// The tokens of an implicit (`response_type=token`) answer (§5.4):
    /// an access token and, with `openid`, an ID token; never a refresh
    /// token.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client;
    /// `NotAuthorizedException` for a user gone or disabled since they
    /// signed in; PreTokenGeneration's failures; the store's.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // called by the hosted sign-in
    pub(crate) fn issue_implicit_tokens(&self, grant: &CodeGrant) -> Result<ImplicitTokens> {
        let now = self.now();
        let client = self.client(&grant.client_id)?;
        let user = self
            .oauth_user(&grant.username, &grant.sub)
            .map_err(|e| match e {
                GrantError::Engine(e) => e,
                GrantError::OAuth(_) => Error::not_authorized("User is disabled or deleted."),
            })?;
        let tokens = self
            .issue_oauth(
                &client,
                &user,
                OAuthGrant {
                    scope: grant.scopes.join(" "),
                    nonce: grant.nonce.clone(),
                },
                grant.auth_time,
                (false, now),
            )
            .map_err(|e| match e {
                GrantError::Engine(e) => e,
                GrantError::OAuth(o) => Error::not_authorized(o.as_str()),
            })?;
        Ok(ImplicitTokens {
            access_token: tokens.access_token,
            id_token: tokens.id_token,
            expires_in: tokens.expires_in,
        })
    }

    /// The user a code or session names, if they still exist (same `sub`),
    /// are enabled and need no password reset; else `invalid_grant`.
    fn oauth_user(&self, username: &str, sub: &str) -> std::result::Result<UserRecord, GrantError> {
        let user = self
            .store()
            .get_user(self.id(), username)
            .map_err(store_error)?
            .filter(|u| u.sub() == sub)
            .ok_or(OAuthError::InvalidGrant)?;
        if !user.enabled || user.status == UserStatus::ResetRequired {
            return Err(OAuthError::InvalidGrant.into());
        }
        Ok(user)
    }

    /// Signs the tokens of an OAuth sign-in (PreTokenGeneration
    /// `TokenGeneration_HostedAuth` first) and, when `with_refresh`, stores
    /// a refresh token recording the scopes.
    fn issue_oauth(
        &self,
        client: &AppClient,
        user: &UserRecord,
        grant: OAuthGrant,
        auth_time: Timestamp,
        (with_refresh, now): (bool, Timestamp),
    ) -> std::result::Result<OAuthTokens, GrantError> {
        let prepared = self.prepare_issue(
            client,
            user,
            (TriggerSource::TokenGenerationHostedAuth, Some(&grant.scope)),
            None,
        )?;
        let family = Family {
            origin_jti: random::uuid_v4()?,
            event_id: random::uuid_v4()?,
        };
        let origin_jti = client
            .config()
            .enable_token_revocation()
            .then(|| family.origin_jti.clone());
        let scope = grant.scope.clone();
        let pair = self.sign_pair(
            client,
            user,
            &prepared,
            Stamps {
                auth_time,
                origin_jti,
                event_id: family.event_id.clone(),
                device_key: None,
                now,
                oauth: Some(grant),
            },
        )?;
        let refresh_token = if with_refresh {
            let token =
                self.new_refresh(client, user, &family, (auth_time, None, Some(&scope)), now)?;
            if !self.still_exists(user)? {
                self.store()
                    .revoke_token_family(self.id(), &family.origin_jti)
                    .map_err(store_error)?;
                return Err(OAuthError::InvalidGrant.into());
            }
            Some(token)
        } else {
            None
        };
        Ok(OAuthTokens {
            id_token: pair.id_token,
            access_token: pair.access_token,
            refresh_token,
            expires_in: pair.expires_in,
        })
    }

    /// The `refresh_token` grant (§7.3): the JSON API's refresh machinery
    /// (revocation, expiry, disabled and deleted users, rotation when the
    /// client rotates), the scopes reproduced from the token's record. A
    /// refresh token of the JSON API is accepted too (then API-shaped
    /// tokens), not gated by `ALLOW_REFRESH_TOKEN_AUTH`.
    ///
    /// # Errors
    /// `invalid_client`; `unauthorized_client` while the client's OAuth
    /// switch is off; `invalid_request` without a token; `invalid_grant`
    /// for a token unknown, expired, revoked, another client's, reused
    /// after rotation, or a user gone, disabled or in reset.
    pub(crate) fn refresh_token_grant(
        &self,
        credentials: &ClientCredentials,
        refresh_token: Option<&str>,
    ) -> std::result::Result<OAuthTokens, GrantError> {
        let now = self.now();
        let client = self.oauth_client(credentials)?;
        if !client.config().allowed_oauth_flows_user_pool_client() {
            return Err(OAuthError::UnauthorizedClient.into());
        }
        let Some(token) = refresh_token else {
            return Err(OAuthError::InvalidRequest.into());
        };
        let rotate = client.config().refresh_token_rotation().is_enabled();
        let result = self
            .refresh(&client, (token, None), |_| Ok(()), rotate, None, now)
            .map_err(|e| {
                if is_internal(&e) {
                    GrantError::Engine(e)
                } else {
                    GrantError::OAuth(OAuthError::InvalidGrant)
                }
            })?;
        Ok(OAuthTokens {
            id_token: Some(result.id_token).filter(|t| !t.is_empty()),
            access_token: result.access_token,
            refresh_token: result.refresh_token,
            expires_in: result.expires_in,
        })
    }

    /// `/oauth2/revoke` (§10): revokes a refresh token of the
    /// authenticated client and every token of its family. An unknown or
    /// already revoked token, or another client's, is a success that
    /// revokes nothing.
    ///
    /// # Errors
    /// `invalid_request` without a token or with token revocation off;
    /// `invalid_client`; `unsupported_token_type` for anything but a
    /// refresh token.
    pub(crate) fn oauth_revoke(
        &self,
        credentials: &ClientCredentials,
        token: Option<&str>,
    ) -> std::result::Result<(), GrantError> {
        let Some(token) = token else {
            return Err(OAuthError::InvalidRequest.into());
        };
        let client = self.oauth_client(credentials)?;
        if !client.config().enable_token_revocation() {
            return Err(OAuthError::InvalidRequest.into());
        }
        if !parse_refresh_token_shape(token) {
            return Err(OAuthError::UnsupportedTokenType.into());
        }
        match self
            .store()
            .get_refresh_token(self.id(), &refresh_token_digest(token))
        {
            Ok(Some(record)) if record.client_id == client.id() => self
                .store()
                .revoke_token_family(self.id(), &record.origin_jti)
                .map_err(|e| GrantError::Engine(store_error(e))),
            Ok(_) | Err(StoreError::NotFound) => Ok(()),
            Err(e) => Err(GrantError::Engine(store_error(e))),
        }
    }

    /// `/oauth2/userInfo` (§9): the claims of the user an OAuth access
    /// token with `openid` names, filtered by its scopes, as `(name,
    /// value)` pairs: `sub` first, `username` last, values the stored
    /// strings.
    ///
    /// # Errors
    /// [`UserInfoError::InvalidToken`] for a token that does not verify, is
    /// expired or revoked, lacks `openid` (API-issued tokens do), or whose
    /// user or client is gone or disabled; the store's errors.
    pub(crate) fn user_info(
        &self,
        access_token: &str,
    ) -> std::result::Result<Vec<(String, String)>, UserInfoError> {
        let now = self.now();
        let claims = self
            .signing()
            .verifier
            .verify_access(access_token, None, now)
            .map_err(|_| UserInfoError::InvalidToken)?;
        let scopes: Vec<&str> = claims.scope.split(' ').collect();
        if !scopes.contains(&"openid") {
            return Err(UserInfoError::InvalidToken);
        }
        let client = match self.client(&claims.client_id) {
            Ok(c) => c,
            Err(e) if is_internal(&e) => return Err(UserInfoError::Engine(e)),
            Err(_) => return Err(UserInfoError::InvalidToken),
        };
        let family = claims.origin_jti.as_deref().unwrap_or(&claims.event_id);
        if self
            .store()
            .is_family_revoked(self.id(), family)
            .map_err(|e| UserInfoError::Engine(store_error(e)))?
        {
            return Err(UserInfoError::InvalidToken);
        }
        let user = self
            .store()
            .get_user(self.id(), &claims.username)
            .map_err(|e| UserInfoError::Engine(store_error(e)))?
            .filter(|u| u.sub() == claims.sub && u.enabled)
            .ok_or(UserInfoError::InvalidToken)?;
        let filtered = scopes
            .iter()
            .any(|s| matches!(*s, "profile" | "email" | "phone"));
        let released = |name: &str| {
            if !filtered {
                return true;
            }
            let profile = PROFILE_ATTRIBUTES.contains(&name) || name.starts_with("custom:");
            (scopes.contains(&"profile") || scopes.contains(&"email") || scopes.contains(&"phone"))
                && profile
                || scopes.contains(&"email") && matches!(name, "email" | "email_verified")
                || scopes.contains(&"phone")
                    && matches!(name, "phone_number" | "phone_number_verified")
        };
        let mut out = vec![("sub".to_owned(), user.sub().to_owned())];
        for (name, value) in &user.attributes {
            if name != "sub" && client.config().can_read(name) && released(name) {
                out.push((name.clone(), value.clone()));
            }
        }
        out.push(("username".to_owned(), user.username.clone()));
        Ok(out)
    }
}

/// §7.3 step 3 and 4 for a taken code: the client, the redirect URI, the
/// PKCE verifier and the scopes; the scopes when all pass.
fn check_code(
    client: &AppClient,
    grant: &StoredGrant,
    redirect_uri: Option<&str>,
    code_verifier: Option<&str>,
) -> std::result::Result<Vec<String>, OAuthError> {
    if grant.client_id != client.id() {
        return Err(OAuthError::InvalidGrant);
    }
    let redirect_ok = match redirect_uri {
        Some(uri) => bool::from(sha256(uri).ct_eq(&grant.redirect_digest)),
        None => grant.redirect_defaulted,
    };
    if !redirect_ok {
        return Err(OAuthError::InvalidGrant);
    }
    let pkce_ok = match (&grant.code_challenge, code_verifier) {
        (Some(challenge), Some(verifier)) => pkce::verify_s256(verifier, challenge),
        (None, None) => true,
        _ => false,
    };
    if !pkce_ok {
        return Err(OAuthError::InvalidGrant);
    }
    grant
        .scopes(client.config().allowed_oauth_scopes())
        .ok_or(OAuthError::InvalidGrant)
}

/// §7.2's rule for `authorization_code`: a client that cannot read every
/// attribute a granted `email` or `phone` scope releases gets no tokens.
fn readable_for_scopes(client: &AppClient, scopes: &[String]) -> bool {
    let config = client.config();
    let needs: &[(&str, [&str; 2])] = &[
        ("email", ["email", "email_verified"]),
        ("phone", ["phone_number", "phone_number_verified"]),
    ];
    needs.iter().all(|(scope, attrs)| {
        !scopes.iter().any(|s| s == scope) || attrs.iter().all(|a| config.can_read(a))
    })
}

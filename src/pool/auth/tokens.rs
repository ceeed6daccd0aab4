//! The token triple: issuing it for a proven sign-in, and the refresh
//! flows (`REFRESH_TOKEN_AUTH`, `GetTokensFromRefreshToken`) that continue
//! an authentication with rotation, reuse detection and revocation.

use super::hooks::TokenOverrides;
use super::{
    AuthFlow, Authenticated, AuthenticationResult, Family, GetTokensFromRefreshTokenRequest,
    INVALID_REFRESH, secs,
};
use crate::client::{AppClient, check_client_secret};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::pool::{UserPool, store_error};
use crate::random;
use crate::store::{RefreshTokenRecord, StoreError, UserRecord, UserStatus};
use crate::token::{
    AccessClaims, GroupInfo, IdClaims, SCOPE_USER_ADMIN, TokenUse, group_claims,
    id_token_attributes, new_refresh_token, parse_refresh_token_shape, refresh_token_digest,
};
use crate::triggers::{StringMap, TriggerSource};

/// What one token issue is made of, decided before anything is stored:
/// the user's groups and what PreTokenGeneration answered about them.
pub(in crate::pool) struct Prepared {
    groups: Vec<GroupInfo>,
    overrides: Option<TokenOverrides>,
}

/// The stamps of one pair: its authentication's time and names, the
/// device it is bound to, and now.
pub(in crate::pool) struct Stamps {
    pub(in crate::pool) auth_time: Timestamp,
    pub(in crate::pool) origin_jti: Option<String>,
    pub(in crate::pool) event_id: String,
    pub(in crate::pool) device_key: Option<String>,
    pub(in crate::pool) now: Timestamp,
    /// What the OAuth endpoints granted, for their tokens
    /// (cognito-oauth.md §8.1, §8.2); `None` for the JSON API's.
    pub(in crate::pool) oauth: Option<OAuthGrant>,
}

/// The OAuth side of a token issue: the granted scopes (space-separated,
/// the access token's `scope`) and the authorize request's `nonce`.
#[derive(Clone)]
pub(in crate::pool) struct OAuthGrant {
    pub(in crate::pool) scope: String,
    pub(in crate::pool) nonce: Option<String>,
}

impl OAuthGrant {
    /// Whether `openid` was granted: the ID token is issued only then.
    pub(in crate::pool) fn has_openid(&self) -> bool {
        self.scope.split(' ').any(|s| s == "openid")
    }
}

/// An issued access token and, when one was issued, its ID token.
pub(in crate::pool) struct SignedPair {
    pub(in crate::pool) access_token: String,
    pub(in crate::pool) id_token: Option<String>,
    pub(in crate::pool) expires_in: u64,
}

/// OIDC Core §3.1.3.6's `at_hash`: base64url without padding of the left
/// half (16 bytes) of the SHA-256 of the access token's ASCII.
pub(in crate::pool) fn at_hash(access_token: &str) -> String {
    use base64::Engine as _;
    let digest = ring::digest::digest(&ring::digest::SHA256, access_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16])
}

impl UserPool {
    fn group_infos(&self, username: &str) -> Result<Vec<GroupInfo>> {
        Ok(self
            .store()
            .groups_of_user(self.id(), username)
            .map_err(store_error)?
            .into_iter()
            .map(|g| GroupInfo {
                name: g.name,
                precedence: g.precedence,
                role_arn: g.role_arn,
            })
            .collect())
    }

    /// Reads the user's groups and calls PreTokenGeneration (the hook runs
    /// here, before any token is signed or stored, so its refusal leaves
    /// nothing behind).
    pub(in crate::pool) fn prepare_issue(
        &self,
        client: &AppClient,
        user: &UserRecord,
        (source, scope): (TriggerSource, Option<&str>),
        metadata: Option<&StringMap>,
    ) -> Result<Prepared> {
        let groups = self.group_infos(&user.username)?;
        let overrides =
            self.pre_token_generation(client, user, &groups, (source, scope), metadata)?;
        Ok(Prepared { groups, overrides })
    }

    /// Signs an access and an ID token for `user` (no refresh token), with
    /// PreTokenGeneration's answer applied. For the OAuth endpoints
    /// (`stamps.oauth`), the access token carries the granted `scope` and
    /// `version: 2`, and the ID token (only with `openid`) `at_hash` and
    /// the `nonce` (cognito-oauth.md §8.1, §8.2).
    pub(in crate::pool) fn sign_pair(
        &self,
        client: &AppClient,
        user: &UserRecord,
        prepared: &Prepared,
        stamps: Stamps,
    ) -> Result<SignedPair> {
        let Stamps {
            auth_time,
            origin_jti,
            event_id,
            device_key,
            now,
            oauth,
        } = stamps;
        let validity = client.config().token_validity();
        let (groups, roles, preferred_role) = group_claims(&prepared.groups);
        let iat = now.unix_seconds();
        let mut access = AccessClaims {
            sub: user.sub().to_owned(),
            cognito_groups: groups.clone(),
            iss: self.inner.issuer.clone(),
            client_id: client.id().to_owned(),
            origin_jti: origin_jti.clone(),
            event_id: event_id.clone(),
            token_use: TokenUse::Access,
            scope: oauth
                .as_ref()
                .map_or_else(|| SCOPE_USER_ADMIN.to_owned(), |o| o.scope.clone()),
            auth_time: auth_time.unix_seconds(),
            exp: iat + secs(validity.access_token()),
            iat,
            jti: random::uuid_v4()?,
            username: user.username.clone(),
            device_key,
            extra: std::collections::BTreeMap::new(),
        };
        let mut id = IdClaims {
            sub: user.sub().to_owned(),
            aud: client.id().to_owned(),
            iss: self.inner.issuer.clone(),
            token_use: TokenUse::Id,
            auth_time: auth_time.unix_seconds(),
            exp: iat + secs(validity.id_token()),
            iat,
            jti: random::uuid_v4()?,
            origin_jti,
            event_id,
            cognito_username: user.username.clone(),
            cognito_groups: groups,
            cognito_roles: roles,
            cognito_preferred_role: preferred_role,
            attributes: id_token_attributes(&user.attributes, &|n| client.config().can_read(n)),
        };
        if let Some(overrides) = &prepared.overrides {
            overrides.apply(&mut access, &mut id, client.id())?;
        }
        let signing = self.signing();
        let Some(oauth) = oauth else {
            return Ok(SignedPair {
                access_token: signing.keys.sign_access(&access)?,
                id_token: Some(signing.keys.sign_id(&id)?),
                expires_in: validity.access_token().as_secs(),
            });
        };
        access
            .extra
            .insert("version".to_owned(), serde_json::Value::from(2));
        let access_token = signing.keys.sign_access(&access)?;
        let id_token = if oauth.has_openid() {
            id.attributes.insert(
                "at_hash".to_owned(),
                serde_json::Value::String(at_hash(&access_token)),
            );
            if let Some(nonce) = oauth.nonce {
                id.attributes
                    .insert("nonce".to_owned(), serde_json::Value::String(nonce));
            }
            Some(signing.keys.sign_id(&id)?)
        } else {
            None
        };
        Ok(SignedPair {
            access_token,
            id_token,
            expires_in: validity.access_token().as_secs(),
        })
    }

    /// Stores a new refresh token of the family (`origin_jti`, `event_id`),
    /// bound to `device_key` when given, recording the OAuth `scope` it was
    /// granted (`None` for the JSON API's), and returns it.
    pub(in crate::pool) fn new_refresh(
        &self,
        client: &AppClient,
        user: &UserRecord,
        family: &Family,
        (auth_time, device_key, scope): (Timestamp, Option<&str>, Option<&str>),
        now: Timestamp,
    ) -> Result<String> {
        let (token, digest) = new_refresh_token()?;
        let record = RefreshTokenRecord {
            digest,
            client_id: client.id().to_owned(),
            username: user.username.clone(),
            sub: user.sub().to_owned(),
            origin_jti: family.origin_jti.clone(),
            event_id: family.event_id.clone(),
            auth_time,
            issued_at: now,
            expires_at: now.saturating_add(client.config().token_validity().refresh_token()),
            replaced_at: None,
            revoked: false,
            device_key: device_key.map(str::to_owned),
            scope: scope.map(str::to_owned),
        };
        self.store()
            .put_refresh_token(self.id(), &record)
            .map_err(store_error)?;
        Ok(token)
    }

    /// The token triple for a proven sign-in: PreTokenGeneration of
    /// `source` (with `metadata` as its `clientMetadata`) first, then the
    /// pair, then the stored refresh token.
    pub(super) fn issue_tokens(
        &self,
        client: &AppClient,
        proof: &Authenticated,
        metadata: Option<&StringMap>,
        source: TriggerSource,
    ) -> Result<AuthenticationResult> {
        let prepared = self.prepare_issue(client, &proof.user, (source, None), metadata)?;
        // The refresh family exists whether or not the tokens carry its
        // origin_jti: sign-out and disabling revoke it by its event_id too.
        let family = Family {
            origin_jti: random::uuid_v4()?,
            event_id: random::uuid_v4()?,
        };
        let origin_jti = client
            .config()
            .enable_token_revocation()
            .then(|| family.origin_jti.clone());
        let pair = self.sign_pair(
            client,
            &proof.user,
            &prepared,
            Stamps {
                auth_time: proof.auth_time,
                origin_jti,
                event_id: family.event_id.clone(),
                device_key: proof.device_key.clone(),
                now: proof.auth_time,
                oauth: None,
            },
        )?;
        let refresh_token = self.new_refresh(
            client,
            &proof.user,
            &family,
            (proof.auth_time, proof.device_key.as_deref(), None),
            proof.auth_time,
        )?;
        // A user deleted while these tokens were being signed must not leave
        // a live refresh token for a later user of the same name.
        if !self.still_exists(&proof.user)? {
            self.store()
                .revoke_token_family(self.id(), &family.origin_jti)
                .map_err(store_error)?;
            return Err(Error::user_not_found());
        }
        Ok(AuthenticationResult {
            access_token: pair.access_token,
            expires_in: pair.expires_in,
            token_type: "Bearer".to_owned(),
            refresh_token: Some(refresh_token),
            id_token: pair.id_token.unwrap_or_default(),
            new_device_metadata: None,
        })
    }

    /// The refresh flows. `authorize` checks the caller's secret against the
    /// token's record; `rotate` issues a new refresh token when the client
    /// rotates them; `metadata` is the `clientMetadata` of
    /// PreTokenGeneration (`TokenGeneration_RefreshTokens`), which runs once
    /// the token and user are found good and before the token is rotated,
    /// so its refusal leaves the refresh token as it was. No
    /// PreAuthentication or PostAuthentication on a refresh
    /// (cognito-triggers.md §1.4, the recommended choice).
    ///
    /// A token bound to a device (cognito-mfa-devices-passwordless.md
    /// §6.6) refreshes only with `device_key` equal to that key, while the
    /// device is confirmed and not forgotten; else `Invalid Refresh Token`.
    /// A `device_key` given for an unbound token is ignored.
    pub(in crate::pool) fn refresh(
        &self,
        client: &AppClient,
        (token, device_key): (&str, Option<&str>),
        authorize: impl Fn(&RefreshTokenRecord) -> Result<()>,
        rotate: bool,
        metadata: Option<&StringMap>,
        now: Timestamp,
    ) -> Result<AuthenticationResult> {
        if !parse_refresh_token_shape(token) {
            return Err(Error::not_authorized(INVALID_REFRESH));
        }
        let digest = refresh_token_digest(token);
        let record = self
            .store()
            .get_refresh_token(self.id(), &digest)
            .map_err(store_error)?
            .filter(|r| r.client_id == client.id())
            .ok_or_else(|| Error::not_authorized(INVALID_REFRESH))?;
        authorize(&record)?;
        if record.revoked {
            return Err(Error::not_authorized("Refresh Token has been revoked"));
        }
        if now >= record.expires_at {
            return Err(Error::not_authorized("Refresh Token has expired"));
        }
        let user = self
            .store()
            .get_user(self.id(), &record.username)
            .map_err(store_error)?
            .filter(|u| u.sub() == record.sub)
            .ok_or_else(|| Error::not_authorized(INVALID_REFRESH))?;
        if let Some(bound) = record.device_key.as_deref()
            && !self.refresh_device_ok(&user, bound, device_key, now)?
        {
            return Err(Error::not_authorized(INVALID_REFRESH));
        }
        if !user.enabled {
            return Err(Error::not_authorized("User is disabled."));
        }
        if user.status == UserStatus::ResetRequired {
            return Err(Error::new(
                ErrorCode::PasswordResetRequired,
                "Password reset required for the user",
            ));
        }
        let prepared = self.prepare_issue(
            client,
            &user,
            (
                TriggerSource::TokenGenerationRefreshTokens,
                record.scope.as_deref(),
            ),
            metadata,
        )?;
        let next_refresh = if rotate {
            let rotation = client.config().refresh_token_rotation();
            // Exactly one use rotates the token; any other use, concurrent
            // ones included, is judged against the recorded rotation time.
            let (replaced_at, rotated_here) = match record.replaced_at {
                Some(t) => (t, false),
                None => match self
                    .store()
                    .mark_refresh_token_replaced(self.id(), &digest, now)
                {
                    Ok(true) => (now, true),
                    Ok(false) => {
                        let t = self
                            .store()
                            .get_refresh_token(self.id(), &digest)
                            .map_err(store_error)?
                            .and_then(|r| r.replaced_at)
                            .ok_or_else(|| Error::not_authorized(INVALID_REFRESH))?;
                        (t, false)
                    }
                    Err(StoreError::NotFound) => {
                        return Err(Error::not_authorized(INVALID_REFRESH));
                    }
                    Err(e) => return Err(store_error(e)),
                },
            };
            if !rotated_here && now >= replaced_at.saturating_add(rotation.retry_grace_period()) {
                // A rotated-out token used after its grace period: assume it
                // was stolen and end the whole family.
                self.store()
                    .revoke_token_family(self.id(), &record.origin_jti)
                    .map_err(store_error)?;
                return Err(Error::new(
                    ErrorCode::RefreshTokenReuse,
                    "The refresh token has already been used and its grace period has passed.",
                ));
            }
            let family = Family {
                origin_jti: record.origin_jti.clone(),
                event_id: record.event_id.clone(),
            };
            Some(self.new_refresh(
                client,
                &user,
                &family,
                (
                    record.auth_time,
                    record.device_key.as_deref(),
                    record.scope.as_deref(),
                ),
                now,
            )?)
        } else {
            None
        };
        let origin_jti = client
            .config()
            .enable_token_revocation()
            .then(|| record.origin_jti.clone());
        // A refresh continues the authentication: same auth_time, origin_jti
        // and event_id.
        // A refresh token of the OAuth endpoints reproduces the scopes it
        // was granted; its ID tokens never carry a nonce (§8.2).
        let oauth = record.scope.as_ref().map(|scope| OAuthGrant {
            scope: scope.clone(),
            nonce: None,
        });
        let pair = self.sign_pair(
            client,
            &user,
            &prepared,
            Stamps {
                auth_time: record.auth_time,
                origin_jti,
                event_id: record.event_id.clone(),
                device_key: record.device_key.clone(),
                now,
                oauth,
            },
        )?;
        Ok(AuthenticationResult {
            access_token: pair.access_token,
            expires_in: pair.expires_in,
            token_type: "Bearer".to_owned(),
            refresh_token: next_refresh,
            id_token: pair.id_token.unwrap_or_default(),
            new_device_metadata: None,
        })
    }

    /// `GetTokensFromRefreshToken`: new access and ID tokens (after
    /// PreTokenGeneration `TokenGeneration_RefreshTokens`, which gets the
    /// request's `ClientMetadata`); with refresh
    /// token rotation enabled on the client, also a new refresh token, the old
    /// one working for the client's grace period only. Using it after that is
    /// reuse: the whole family is revoked. A refresh token bound to a
    /// device needs `DeviceKey` (see the device rules of `refresh`).
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client;
    /// `NotAuthorizedException` for a wrong client secret or an invalid,
    /// expired or revoked refresh token, or a disabled user;
    /// `RefreshTokenReuseException` for a rotated-out token past its grace period;
    /// a PreTokenGeneration failure (`UserLambdaValidationException`,
    /// `InvalidLambdaResponseException`, `UnexpectedLambdaException`).
    pub fn get_tokens_from_refresh_token(
        &self,
        request: GetTokensFromRefreshTokenRequest,
    ) -> Result<AuthenticationResult> {
        let now = self.now();
        let client = self.client(&request.client_id)?;
        if !check_client_secret(&client, request.client_secret.as_deref()) {
            return Err(Error::not_authorized(format!(
                "Unable to verify secret hash for client {}",
                client.id()
            )));
        }
        if !client.config().allows(AuthFlow::RefreshTokenAuth) {
            return Err(Error::invalid_parameter(
                "Refresh Token flow not enabled for this client",
            ));
        }
        let rotate = client.config().refresh_token_rotation().is_enabled();
        self.refresh(
            &client,
            (&request.refresh_token, request.device_key.as_deref()),
            |_| Ok(()),
            rotate,
            request.client_metadata.as_ref(),
            now,
        )
    }
}

//! Remembered devices (cognito-mfa-devices-passwordless.md §6):
//! `ConfirmDevice`, `UpdateDeviceStatus` / `AdminUpdateDeviceStatus`,
//! `ListDevices` / `AdminListDevices`, `GetDevice` / `AdminGetDevice`,
//! `ForgetDevice` / `AdminForgetDevice`, and the device records sign-in
//! creates and reads (`auth::devices`).
//!
//! A device's SRP verifier (`salt`, `v_dev`) is kept sealed (AES-256-GCM
//! under a key derived from the pool secret, bound to the pool, the device
//! key and the owner): `v_dev` is one SHA-256 away from a dictionary attack
//! on the device password, so the store alone must not reveal it.
//!
//! # Choices where Cognito is undocumented
//!
//! * `DeviceGroupKey`: one per user, reused: a new device takes the group
//!   key of the user's newest device, and a user without one gets a fresh
//!   `-` and eight random letters and digits (§6.1).
//! * An unconfirmed device expires after the issuing client's refresh-token
//!   validity (§6.1); until confirmed it is invisible to every operation
//!   but `ConfirmDevice` and `ForgetDevice`.
//! * `ConfirmDevice` with tracking off is `InvalidUserPoolConfigurationException`
//!   `Device tracking is not enabled for the user pool.`; a device confirmed
//!   twice is `DeviceKeyExistsException` `Device key already exists.`; a
//!   missing `DeviceSecretVerifierConfig` is `InvalidParameterException` (§6.2).
//! * `GetDevice` and `ListDevices` (by access token) see remembered devices
//!   only; the admin forms see every confirmed device (§6.5).
//! * Lists are newest first; `Limit` 0 or absent is 60. `ListDevices`
//!   shows the attributes of the model's sample (`device_status`,
//!   `device_name`, `last_ip_used`), `GetDevice` all of them (§6.5).
//! * The `dev:device_arn` names account `000000000000`, as the pool ARNs
//!   of `DescribeUserPool` do.

use zeroize::Zeroizing;

use super::auth::NewDeviceMetadata;
use super::keys::Sealed;
use super::{UserPool, store_error};
use crate::client::AppClient;
use crate::clock::Timestamp;
use crate::config::ACCOUNT_ID;
use crate::error::{Error, ErrorCode, Result};
use crate::random;
use crate::schema::Attribute;
use crate::srp::device::parse_device_verifier;
use crate::srp::group::N_LEN;
use crate::srp::{DeviceVerifierConfig, Verifier};
use crate::store::{DeviceRecord, DeviceStatus, StoreError, UserRecord};

/// Cognito's text for a device key no live device of the user has; clients
/// match on it (§3 step 0).
pub(super) const DEVICE_DOES_NOT_EXIST: &str = "Device does not exist.";

/// The page size of `Limit` 0 or absent, and its ceiling.
const MAX_PAGE: usize = 60;

/// How many of a user's devices a listing reads at most.
const MAX_DEVICES_READ: usize = 10_000;

/// How often a status change re-reads after losing a race.
const CAS_ATTEMPTS: usize = 8;

/// `ResourceNotFoundException` `Device does not exist.`
pub(super) fn device_not_found() -> Error {
    Error::new(ErrorCode::ResourceNotFound, DEVICE_DOES_NOT_EXIST)
}

/// `DeviceRememberedStatusType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RememberedStatus {
    /// `remembered`: may skip MFA and sign in with device SRP.
    Remembered,
    /// `not_remembered`: tracked only.
    NotRemembered,
}

impl RememberedStatus {
    /// Cognito's name: `remembered` or `not_remembered`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Remembered => "remembered",
            Self::NotRemembered => "not_remembered",
        }
    }

    /// Parses Cognito's name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "remembered" => Some(Self::Remembered),
            "not_remembered" => Some(Self::NotRemembered),
            _ => None,
        }
    }

    const fn status(self) -> DeviceStatus {
        match self {
            Self::Remembered => DeviceStatus::Remembered,
            Self::NotRemembered => DeviceStatus::NotRemembered,
        }
    }
}

/// `ConfirmDevice`. `Debug` redacts the access token (and the verifier).
#[non_exhaustive]
#[derive(Clone)]
pub struct ConfirmDeviceRequest {
    /// `AccessToken`: any valid access token of the device's owner.
    pub access_token: String,
    /// `DeviceKey`, from `NewDeviceMetadata`.
    pub device_key: String,
    /// `DeviceSecretVerifierConfig`.
    pub verifier: Option<DeviceVerifierConfig>,
    /// `DeviceName` (1–1024 characters, any text).
    pub device_name: Option<String>,
}

impl ConfirmDeviceRequest {
    /// Confirms `device_key` with `verifier`.
    #[must_use]
    pub fn new(
        access_token: impl Into<String>,
        device_key: impl Into<String>,
        verifier: DeviceVerifierConfig,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            device_key: device_key.into(),
            verifier: Some(verifier),
            device_name: None,
        }
    }

    /// Sets `DeviceName`.
    #[must_use]
    pub fn device_name(mut self, name: impl Into<String>) -> Self {
        self.device_name = Some(name.into());
        self
    }
}

impl std::fmt::Debug for ConfirmDeviceRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfirmDeviceRequest")
            .field("access_token", &"[redacted]")
            .field("device_key", &self.device_key)
            .field("verifier", &self.verifier)
            .field("device_name", &self.device_name)
            .finish()
    }
}

/// `DeviceType`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// `DeviceKey`.
    pub device_key: String,
    /// `DeviceAttributes`, in Cognito's order.
    pub attributes: Vec<Attribute>,
    /// `DeviceCreateDate`.
    pub created_at: Timestamp,
    /// `DeviceLastModifiedDate`.
    pub last_modified_at: Timestamp,
    /// `DeviceLastAuthenticatedDate`.
    pub last_authenticated_at: Option<Timestamp>,
}

/// A page of `ListDevices` / `AdminListDevices`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevicePage {
    /// `Devices`, newest first.
    pub devices: Vec<Device>,
    /// `PaginationToken` of the next page, if there is one.
    pub pagination_token: Option<String>,
}

/// Whose devices an operation reads: the user's own (by access token) see
/// remembered devices only.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Viewer {
    User,
    Admin,
}

fn verifier_aad(pool_id: &str, device_key: &str, username: &str) -> Vec<u8> {
    format!("userpool/device-verifier|{pool_id}|{device_key}|{username}").into_bytes()
}

/// Eight letters and digits after a `-`, as Cognito's group keys look.
fn new_group_key() -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut key = String::with_capacity(9);
    key.push('-');
    for _ in 0..8 {
        let i = random::below(62)?;
        let c = ALPHABET
            .get(usize::try_from(i).unwrap_or(0))
            .copied()
            .unwrap_or(b'A');
        key.push(char::from(c));
    }
    Ok(key)
}

impl UserPool {
    /// Whether the pool tracks devices (`DeviceConfiguration` set).
    pub(super) fn tracks_devices(&self) -> bool {
        self.config().device_configuration().is_some()
    }

    /// The device `key` of `user` (same name and `sub`), unless forgotten
    /// or, unconfirmed, expired.
    pub(super) fn device_of(
        &self,
        user: &UserRecord,
        key: &str,
        now: Timestamp,
    ) -> Result<Option<DeviceRecord>> {
        Ok(self
            .store()
            .get_device(self.id(), key)
            .map_err(store_error)?
            .filter(|d| d.username == user.username && d.sub == user.sub())
            .filter(|d| d.expires_at.is_none_or(|t| now < t)))
    }

    /// A new, unconfirmed device for `user`, signed in through `client`
    /// (§6.1): its key is `<region>_<uuid v4>`, its group key the user's.
    pub(super) fn issue_new_device(
        &self,
        client: &AppClient,
        user: &UserRecord,
        now: Timestamp,
    ) -> Result<NewDeviceMetadata> {
        let region = self.id().split_once('_').map_or(self.id(), |(r, _)| r);
        let group_key = match self
            .store()
            .list_devices(self.id(), &user.username, 1)
            .map_err(store_error)?
            .into_iter()
            .find(|d| d.sub == user.sub())
        {
            Some(d) => d.group_key,
            None => new_group_key()?,
        };
        let record = DeviceRecord {
            key: format!("{region}_{}", random::uuid_v4()?),
            username: user.username.clone(),
            sub: user.sub().to_owned(),
            group_key,
            status: DeviceStatus::Unconfirmed,
            sealed_verifier: None,
            name: None,
            last_ip: None,
            created_at: now,
            modified_at: now,
            last_authenticated_at: Some(now),
            expires_at: Some(now.saturating_add(client.config().token_validity().refresh_token())),
            version: 0,
        };
        self.store()
            .insert_device(self.id(), &record)
            .map_err(store_error)?;
        Ok(NewDeviceMetadata {
            device_key: record.key,
            device_group_key: record.group_key,
        })
    }

    /// Seals a device verifier: `v (384 bytes) ‖ salt`.
    fn seal_device_verifier(
        &self,
        device_key: &str,
        username: &str,
        verifier: &Verifier,
    ) -> Result<Vec<u8>> {
        let mut plain = Zeroizing::new(Vec::with_capacity(N_LEN + verifier.salt.len()));
        plain.extend_from_slice(&verifier.v);
        plain.extend_from_slice(&verifier.salt);
        self.inner.keys.seal(
            Sealed::DeviceVerifier,
            random::bytes::<12>()?,
            &verifier_aad(self.id(), device_key, username),
            &plain,
        )
    }

    /// The device's verifier, if confirmed and sealed under this pool's
    /// secret (or the one it replaced, while that lives).
    pub(super) fn open_device_verifier(&self, device: &DeviceRecord) -> Option<Verifier> {
        let sealed = device.sealed_verifier.as_ref()?;
        let (plain, _) = self.inner.keys.open(
            Sealed::DeviceVerifier,
            &verifier_aad(self.id(), &device.key, &device.username),
            sealed,
            self.now(),
        )?;
        if plain.len() <= N_LEN {
            return None;
        }
        let (v, salt) = plain.split_at(N_LEN);
        Some(Verifier {
            salt: salt.to_vec(),
            v: v.to_vec(),
        })
    }

    /// Re-seals the verifiers of `user`'s devices still sealed under the
    /// previous pool secret (see [`UserPool::reseal_secrets`]); how many.
    /// A device changed meanwhile is read again; one forgotten is skipped.
    pub(super) fn reseal_devices(&self, user: &UserRecord) -> Result<usize> {
        let devices = self
            .store()
            .list_devices(self.id(), &user.username, MAX_DEVICES_READ)
            .map_err(store_error)?;
        let mut count = 0;
        for listed in devices {
            for _ in 0..CAS_ATTEMPTS {
                let Some(current) = self
                    .store()
                    .get_device(self.id(), &listed.key)
                    .map_err(store_error)?
                else {
                    break;
                };
                let aad = verifier_aad(self.id(), &current.key, &current.username);
                let stale = current.sealed_verifier.as_ref().and_then(|sealed| {
                    match self
                        .inner
                        .keys
                        .open(Sealed::DeviceVerifier, &aad, sealed, self.now())
                    {
                        Some((plain, true)) => Some(plain),
                        _ => None,
                    }
                });
                let Some(plain) = stale else {
                    break;
                };
                let mut next = current.clone();
                next.sealed_verifier = Some(self.inner.keys.seal(
                    Sealed::DeviceVerifier,
                    random::bytes::<12>()?,
                    &aad,
                    &plain,
                )?);
                match self
                    .store()
                    .update_device(self.id(), &next, current.version)
                {
                    Ok(()) => {
                        count += 1;
                        break;
                    }
                    Err(StoreError::VersionMismatch) => {}
                    Err(StoreError::NotFound) => break,
                    Err(e) => return Err(store_error(e)),
                }
            }
        }
        Ok(count)
    }

    /// Replaces a device by compare-and-swap, re-reading on a lost race:
    /// `change` returns the next record, or an error.
    fn modify_device(
        &self,
        user: &UserRecord,
        key: &str,
        now: Timestamp,
        change: impl Fn(&DeviceRecord) -> Result<DeviceRecord>,
    ) -> Result<DeviceRecord> {
        for _ in 0..CAS_ATTEMPTS {
            let current = self
                .device_of(user, key, now)?
                .ok_or_else(device_not_found)?;
            let next = change(&current)?;
            match self
                .store()
                .update_device(self.id(), &next, current.version)
            {
                Ok(()) => return Ok(next),
                Err(StoreError::VersionMismatch) => {}
                Err(StoreError::NotFound) => return Err(device_not_found()),
                Err(e) => return Err(store_error(e)),
            }
        }
        Err(Error::internal("The device changed too often to update."))
    }

    /// Records a device sign-in: `DeviceLastAuthenticatedDate` (and
    /// `last_ip_used`, when the caller knows it).
    pub(super) fn device_signed_in(
        &self,
        user: &UserRecord,
        key: &str,
        ip: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        self.modify_device(user, key, now, |cur| {
            let mut next = cur.clone();
            next.last_authenticated_at = Some(now);
            if let Some(ip) = ip {
                next.last_ip = Some(ip.to_owned());
            }
            Ok(next)
        })
        .map(|_| ())
    }

    /// `ConfirmDevice`: stores the device's SRP verifier and name; the
    /// device becomes remembered, or, when the pool remembers devices only
    /// on the user's prompt, not remembered. Returns
    /// `UserConfirmationNecessary`.
    ///
    /// # Errors
    /// The token errors of [`UserPool::get_user`];
    /// `InvalidUserPoolConfigurationException` when the pool does not track
    /// devices; `ResourceNotFoundException` `Device does not exist.` for a
    /// key the user has no live device under; `DeviceKeyExistsException`
    /// `Device key already exists.` for a device already confirmed;
    /// `InvalidParameterException` for a missing or malformed verifier or
    /// salt, or a `DeviceName` outside 1–1024 characters.
    pub fn confirm_device(&self, request: &ConfirmDeviceRequest) -> Result<bool> {
        let now = self.now();
        let user = self.authorize(&request.access_token, now)?.user;
        let Some(config) = self.config().device_configuration() else {
            return Err(Error::new(
                ErrorCode::InvalidUserPoolConfiguration,
                "Device tracking is not enabled for the user pool.",
            ));
        };
        let config_in = request.verifier.as_ref().ok_or_else(|| {
            Error::invalid_parameter("Missing required parameter DeviceSecretVerifierConfig")
        })?;
        if let Some(name) = &request.device_name
            && !(1..=1024).contains(&name.chars().count())
        {
            return Err(Error::invalid_parameter(
                "DeviceName must be 1 to 1024 characters long.",
            ));
        }
        let verifier = parse_device_verifier(&config_in.password_verifier, &config_in.salt)?;
        let sealed = self.seal_device_verifier(&request.device_key, &user.username, &verifier)?;
        let prompt = config.device_only_remembered_on_user_prompt;
        self.modify_device(&user, &request.device_key, now, |cur| {
            if cur.status != DeviceStatus::Unconfirmed {
                return Err(Error::new(
                    ErrorCode::DeviceKeyExists,
                    "Device key already exists.",
                ));
            }
            let mut next = cur.clone();
            next.status = if prompt {
                DeviceStatus::NotRemembered
            } else {
                DeviceStatus::Remembered
            };
            next.sealed_verifier = Some(sealed.clone());
            next.name.clone_from(&request.device_name);
            next.modified_at = now;
            next.expires_at = None;
            Ok(next)
        })?;
        Ok(prompt)
    }

    /// The confirmed device `key` of `user` as `viewer` may see it.
    fn visible_device(
        &self,
        user: &UserRecord,
        key: &str,
        viewer: Viewer,
        now: Timestamp,
    ) -> Result<DeviceRecord> {
        self.device_of(user, key, now)?
            .filter(|d| visible(d, viewer))
            .ok_or_else(device_not_found)
    }

    /// `UpdateDeviceStatus`: remembers or stops remembering one of the
    /// caller's confirmed devices.
    ///
    /// # Errors
    /// The token errors of [`UserPool::get_user`];
    /// `ResourceNotFoundException` `Device does not exist.`
    pub fn update_device_status(
        &self,
        access_token: &str,
        device_key: &str,
        status: RememberedStatus,
    ) -> Result<()> {
        let now = self.now();
        let user = self.authorize(access_token, now)?.user;
        self.set_device_status(&user, device_key, status, now)
    }

    /// `AdminUpdateDeviceStatus`.
    ///
    /// # Errors
    /// `UserNotFoundException` for an unknown user; as
    /// [`UserPool::update_device_status`].
    pub fn admin_update_device_status(
        &self,
        username: &str,
        device_key: &str,
        status: RememberedStatus,
    ) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        self.set_device_status(&user, device_key, status, now)
    }

    fn set_device_status(
        &self,
        user: &UserRecord,
        key: &str,
        status: RememberedStatus,
        now: Timestamp,
    ) -> Result<()> {
        self.modify_device(user, key, now, |cur| {
            if cur.status == DeviceStatus::Unconfirmed {
                return Err(device_not_found());
            }
            let mut next = cur.clone();
            next.status = status.status();
            next.modified_at = now;
            Ok(next)
        })
        .map(|_| ())
    }

    /// `GetDevice`: one of the caller's remembered devices.
    ///
    /// # Errors
    /// The token errors of [`UserPool::get_user`];
    /// `ResourceNotFoundException` `Device does not exist.`
    pub fn get_device(&self, access_token: &str, device_key: &str) -> Result<Device> {
        let now = self.now();
        let user = self.authorize(access_token, now)?.user;
        let device = self.visible_device(&user, device_key, Viewer::User, now)?;
        Ok(self.device_type(&device, true))
    }

    /// `AdminGetDevice`: any confirmed device of the user.
    ///
    /// # Errors
    /// `UserNotFoundException` for an unknown user;
    /// `ResourceNotFoundException` `Device does not exist.`
    pub fn admin_get_device(&self, username: &str, device_key: &str) -> Result<Device> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        let device = self.visible_device(&user, device_key, Viewer::Admin, now)?;
        Ok(self.device_type(&device, true))
    }

    /// `ListDevices`: the caller's remembered devices, newest first.
    /// `limit` 0 or `None` is 60; `pagination_token` continues a listing.
    ///
    /// # Errors
    /// The token errors of [`UserPool::get_user`];
    /// `InvalidParameterException` for a `limit` above 60 or a pagination
    /// token this listing did not give.
    pub fn list_devices(
        &self,
        access_token: &str,
        limit: Option<u32>,
        pagination_token: Option<&str>,
    ) -> Result<DevicePage> {
        let now = self.now();
        let user = self.authorize(access_token, now)?.user;
        self.device_page(&user, Viewer::User, limit, pagination_token, now)
    }

    /// `AdminListDevices`: every confirmed device of the user, newest first.
    ///
    /// # Errors
    /// `UserNotFoundException` for an unknown user; as
    /// [`UserPool::list_devices`].
    pub fn admin_list_devices(
        &self,
        username: &str,
        limit: Option<u32>,
        pagination_token: Option<&str>,
    ) -> Result<DevicePage> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        self.device_page(&user, Viewer::Admin, limit, pagination_token, now)
    }

    fn device_page(
        &self,
        user: &UserRecord,
        viewer: Viewer,
        limit: Option<u32>,
        pagination_token: Option<&str>,
        now: Timestamp,
    ) -> Result<DevicePage> {
        let limit = match limit.map(|l| usize::try_from(l).unwrap_or(usize::MAX)) {
            None | Some(0) => MAX_PAGE,
            Some(l) if l > MAX_PAGE => {
                return Err(Error::invalid_parameter(
                    "Limit must be less than or equal to 60.",
                ));
            }
            Some(l) => l,
        };
        let devices: Vec<DeviceRecord> = self
            .store()
            .list_devices(self.id(), &user.username, MAX_DEVICES_READ)
            .map_err(store_error)?
            .into_iter()
            .filter(|d| d.sub == user.sub() && d.expires_at.is_none_or(|t| now < t))
            .filter(|d| visible(d, viewer))
            .collect();
        let start = match pagination_token {
            None => 0,
            Some(token) => devices
                .iter()
                .position(|d| d.key == token)
                .map(|i| i + 1)
                .ok_or_else(|| Error::invalid_parameter("Invalid pagination token."))?,
        };
        let rest = devices.get(start..).unwrap_or_default();
        let page: Vec<&DeviceRecord> = rest.iter().take(limit).collect();
        let pagination_token = if rest.len() > limit {
            page.last().map(|d| d.key.clone())
        } else {
            None
        };
        Ok(DevicePage {
            devices: page.iter().map(|d| self.device_type(d, false)).collect(),
            pagination_token,
        })
    }

    /// `ForgetDevice`: deletes one of the caller's devices; its refresh
    /// tokens stop working at once and its key no longer signs in.
    ///
    /// # Errors
    /// The token errors of [`UserPool::get_user`];
    /// `ResourceNotFoundException` `Device does not exist.`
    pub fn forget_device(&self, access_token: &str, device_key: &str) -> Result<()> {
        let now = self.now();
        let user = self.authorize(access_token, now)?.user;
        self.delete_device(&user, device_key, now)
    }

    /// `AdminForgetDevice`.
    ///
    /// # Errors
    /// `UserNotFoundException` for an unknown user; as
    /// [`UserPool::forget_device`].
    pub fn admin_forget_device(&self, username: &str, device_key: &str) -> Result<()> {
        let now = self.now();
        let user = self.resolve_existing(username)?;
        self.delete_device(&user, device_key, now)
    }

    fn delete_device(&self, user: &UserRecord, key: &str, now: Timestamp) -> Result<()> {
        if self.device_of(user, key, now)?.is_none() {
            return Err(device_not_found());
        }
        match self.store().delete_device(self.id(), key) {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(device_not_found()),
            Err(e) => Err(store_error(e)),
        }
    }

    /// `DeviceType`: every attribute for `GetDevice`, the sample's three
    /// for the listings (§6.5).
    fn device_type(&self, d: &DeviceRecord, full: bool) -> Device {
        let region = self.id().split_once('_').map_or(self.id(), |(r, _)| r);
        let owner = format!("{}.{}", d.username, self.id());
        let mut attributes = vec![Attribute::new("device_status", "valid")];
        if let Some(name) = &d.name {
            attributes.push(Attribute::new("device_name", name));
        }
        if full {
            attributes.push(Attribute::new(
                "dev:device_arn",
                format!(
                    "arn:aws:cognito-idp:{region}:{ACCOUNT_ID}:owner/{owner}/device/{}",
                    d.key
                ),
            ));
            attributes.push(Attribute::new("dev:device_owner", owner));
        }
        if let Some(ip) = &d.last_ip {
            attributes.push(Attribute::new("last_ip_used", ip));
        }
        if full {
            let status = if d.status == DeviceStatus::Remembered {
                RememberedStatus::Remembered
            } else {
                RememberedStatus::NotRemembered
            };
            attributes.push(Attribute::new(
                "dev:device_remembered_status",
                status.as_str(),
            ));
            attributes.push(Attribute::new("dev:device_sdk", "aws-sdk"));
        }
        Device {
            device_key: d.key.clone(),
            attributes,
            created_at: d.created_at,
            last_modified_at: d.modified_at,
            last_authenticated_at: d.last_authenticated_at,
        }
    }
}

/// Whether `viewer` sees the device: confirmed, and for the user's own
/// calls remembered.
fn visible(d: &DeviceRecord, viewer: Viewer) -> bool {
    match viewer {
        Viewer::User => d.status == DeviceStatus::Remembered,
        Viewer::Admin => d.status != DeviceStatus::Unconfirmed,
    }
}

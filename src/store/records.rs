//! The records a store keeps: users, refresh tokens, groups, pools and app
//! clients. Secrets in them (password hashes, SRP verifiers, digests,
//! sealed blobs) print as `[redacted]` in `Debug`.

use std::fmt;

use crate::clock::Timestamp;
use crate::config::MfaFactor;
use crate::schema::Attributes;

/// A user's status, with Cognito's names (`UserStatusType`).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserStatus {
    /// Signed up, not yet confirmed.
    Unconfirmed,
    /// Confirmed: can sign in.
    Confirmed,
    /// Must reset the password (`ForgotPassword` / `ConfirmForgotPassword`) before signing in.
    ResetRequired,
    /// Created by an admin with a temporary password that must be changed at first sign-in.
    ForceChangePassword,
    /// Signed in through a federated identity provider.
    ExternalProvider,
    /// No longer used by Cognito; kept so every wire value round-trips.
    Archived,
    /// No longer used by Cognito; kept so every wire value round-trips.
    Compromised,
    /// No longer used by Cognito; kept so every wire value round-trips.
    Unknown,
}

impl UserStatus {
    /// Cognito's name: `UNCONFIRMED`, `CONFIRMED`, `FORCE_CHANGE_PASSWORD`, ...
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ResetRequired => "RESET_REQUIRED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ExternalProvider => "EXTERNAL_PROVIDER",
            Self::Archived => "ARCHIVED",
            Self::Compromised => "COMPROMISED",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// Parses Cognito's name (exact, upper case).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "UNCONFIRMED" => Self::Unconfirmed,
            "CONFIRMED" => Self::Confirmed,
            "RESET_REQUIRED" => Self::ResetRequired,
            "FORCE_CHANGE_PASSWORD" => Self::ForceChangePassword,
            "EXTERNAL_PROVIDER" => Self::ExternalProvider,
            "ARCHIVED" => Self::Archived,
            "COMPROMISED" => Self::Compromised,
            "UNKNOWN" => Self::Unknown,
            _ => return None,
        })
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored user.
///
/// `attributes` includes `sub`. `password_hash` is an Argon2id PHC string,
/// never a plaintext password.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The internal username: immutable, unique in the pool, in the exact form
    /// it was created with (for email/phone-as-username pools, the `sub` UUID).
    pub username: String,
    /// All attributes by API name, `sub` included.
    pub attributes: Attributes,
    /// The account status.
    pub status: UserStatus,
    /// `false` after `AdminDisableUser`.
    pub enabled: bool,
    /// When the user was created.
    pub created_at: Timestamp,
    /// When the user was last modified.
    pub modified_at: Timestamp,
    /// Argon2id PHC string of the current password, if the user has one.
    pub password_hash: Option<String>,
    /// The SRP verifier `(salt, v)` of the current password, sealed with a
    /// key derived from the pool secret (never stored beside it): `v` is a
    /// fast hash of the password and must not be readable from the store.
    /// `None` when the pool had no SRP client when the password was set.
    pub srp_verifier: Option<Vec<u8>>,
    /// When the temporary password of a `FORCE_CHANGE_PASSWORD` user stops working.
    pub temporary_password_expires_at: Option<Timestamp>,
    /// Consecutive failed sign-ins counted by the lockout rules (`lockout` module).
    pub failed_sign_ins: u32,
    /// Sign-in is refused until this instant (`Password attempts exceeded`).
    pub locked_until: Option<Timestamp>,
    /// The last sign-in attempt, right or wrong (the lockout counter resets
    /// after 15 idle minutes).
    pub last_sign_in_attempt: Option<Timestamp>,
    /// In pools whose users sign in with an email or phone number as
    /// username (`UsernameAttributes`), which of the two attributes the
    /// user's username is: `email` or `phone_number`, set at creation.
    /// That one is a unique sign-in key whether verified or not; in pools
    /// with both, the other one only once verified. `None` in other pools.
    pub username_attribute: Option<String>,
    /// The user's second factors (cognito-mfa-devices-passwordless.md §2.1).
    pub mfa: UserMfa,
    /// The version the store holds. Set by the store: 1 on insert, +1 on
    /// every successful update. Callers pass the version they read back to
    /// [`UserStore::update_user`](super::UserStore::update_user) as the compare-and-swap guard.
    pub version: u64,
}

impl UserRecord {
    /// A new, enabled record created at `now`, with no password and no
    /// sign-in history. The store assigns the version.
    #[must_use]
    pub fn new(
        username: String,
        attributes: Attributes,
        status: UserStatus,
        now: Timestamp,
    ) -> Self {
        Self {
            username,
            attributes,
            status,
            enabled: true,
            created_at: now,
            modified_at: now,
            password_hash: None,
            srp_verifier: None,
            temporary_password_expires_at: None,
            failed_sign_ins: 0,
            locked_until: None,
            last_sign_in_attempt: None,
            username_attribute: None,
            mfa: UserMfa::default(),
            version: 0,
        }
    }

    /// Whether the attribute `name` is present and starts with `prefix`,
    /// byte for byte: the match of
    /// [`UserStore::list_users_by_attribute_prefix`](super::UserStore::list_users_by_attribute_prefix).
    #[must_use]
    pub fn attribute_starts_with(&self, name: &str, prefix: &str) -> bool {
        self.attributes
            .get(name)
            .is_some_and(|v| v.starts_with(prefix))
    }

    /// The user's `sub` attribute (empty if absent, which a pool never stores).
    #[must_use]
    pub fn sub(&self) -> &str {
        self.attributes.get("sub").map_or("", String::as_str)
    }
}

impl fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRecord")
            .field("username", &self.username)
            .field("attributes", &self.attributes)
            .field("status", &self.status)
            .field("enabled", &self.enabled)
            .field("created_at", &self.created_at)
            .field("modified_at", &self.modified_at)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "srp_verifier",
                &self.srp_verifier.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "temporary_password_expires_at",
                &self.temporary_password_expires_at,
            )
            .field("failed_sign_ins", &self.failed_sign_ins)
            .field("locked_until", &self.locked_until)
            .field("last_sign_in_attempt", &self.last_sign_in_attempt)
            .field("username_attribute", &self.username_attribute)
            .field("mfa", &self.mfa)
            .field("version", &self.version)
            .finish()
    }
}

/// A stored refresh token. Only its SHA-256 digest is kept: the token has
/// at least 256 random bits, so the digest cannot be inverted.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    /// SHA-256 of the token string; the lookup key.
    pub digest: [u8; 32],
    /// The app client it was issued to; it works with no other.
    pub client_id: String,
    /// The internal username of its owner.
    pub username: String,
    /// The owner's `sub`: a user later created under the same username is
    /// someone else and must not be able to use this token.
    pub sub: String,
    /// The `origin_jti` shared by every token of the authentication it came
    /// from, rotated refresh tokens included (its "family").
    pub origin_jti: String,
    /// When the user originally authenticated (`auth_time`, carried over on refresh).
    pub auth_time: Timestamp,
    /// When this token was issued.
    pub issued_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// The `event_id` of every token of the family: a second name for the
    /// family, by which access tokens that carry no `origin_jti` (clients
    /// with token revocation disabled) are still revoked by sign-out.
    pub event_id: String,
    /// When a rotation replaced it; it keeps working for the client's grace
    /// period after that, then its use is reuse.
    pub replaced_at: Option<Timestamp>,
    /// Whether its family was revoked. Set by the store on read; ignored on write.
    pub revoked: bool,
    /// The remembered device the tokens were bound to: the token refreshes
    /// only with this `DEVICE_KEY` (cognito-mfa-devices-passwordless.md §6.6).
    pub device_key: Option<String>,
    /// The space-separated scopes granted by the OAuth token endpoint
    /// (cognito-oauth.md §8.4), which a refresh reproduces; `None` for a
    /// token issued by the JSON API (its access tokens carry
    /// `aws.cognito.signin.user.admin` and its refreshes always an ID token).
    pub scope: Option<String>,
}

impl fmt::Debug for RefreshTokenRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshTokenRecord")
            .field("digest", &"[redacted]")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("sub", &self.sub)
            .field("origin_jti", &self.origin_jti)
            .field("event_id", &self.event_id)
            .field("auth_time", &self.auth_time)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("replaced_at", &self.replaced_at)
            .field("scope", &self.scope)
            .field("revoked", &self.revoked)
            .field("device_key", &self.device_key)
            .finish()
    }
}

/// A group of users (Cognito's `GroupType`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRecord {
    /// The group's name, unique in the pool.
    pub name: String,
    /// A free-text description (at most 2048 characters).
    pub description: Option<String>,
    /// An IAM role ARN carried into `cognito:roles`.
    pub role_arn: Option<String>,
    /// Lower is higher priority; `None` is lowest.
    pub precedence: Option<u32>,
    /// When the group was created.
    pub created_at: Timestamp,
    /// When the group was last modified.
    pub modified_at: Timestamp,
}

/// A persisted pool: what a restarted process needs to serve it again.
///
/// The store treats `definition` and `sealed_secrets` as opaque: the
/// registry writes the configuration as the JSON of a `CreateUserPool`
/// request, and the pool secret and signing keys sealed (AES-256-GCM) under
/// the master key whose identifier is `sealing_key_id`. No key appears in
/// plain text in a store.
#[derive(Clone, PartialEq, Eq)]
pub struct PoolRecord {
    /// The pool id, `<region>_<alphanumerics>`.
    pub id: String,
    /// The configuration (the JSON of a `CreateUserPool` request).
    pub definition: String,
    /// The pool secret and signing keys, sealed.
    pub sealed_secrets: Vec<u8>,
    /// Which master key sealed `sealed_secrets` (not the key itself).
    pub sealing_key_id: String,
    /// When the pool was created.
    pub created_at: Timestamp,
    /// When the pool was last modified.
    pub modified_at: Timestamp,
    /// Set by the store: 1 on insert, +1 on every update (compare-and-swap guard).
    pub version: u64,
}

impl fmt::Debug for PoolRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolRecord")
            .field("id", &self.id)
            .field("definition", &self.definition)
            .field("sealed_secrets", &"[redacted]")
            .field("sealing_key_id", &self.sealing_key_id)
            .field("created_at", &self.created_at)
            .field("modified_at", &self.modified_at)
            .field("version", &self.version)
            .finish()
    }
}

/// A persisted app client. Client ids are unique across every pool of a
/// store (they are 26 random characters), so a request that names only a
/// client finds its pool.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRecord {
    /// The client id.
    pub client_id: String,
    /// The client's settings as JSON (opaque to the store).
    pub definition: String,
    /// The client secret, sealed under a key derived from the pool secret;
    /// `None` for a public client.
    pub sealed_secret: Option<Vec<u8>>,
    /// When the client was created.
    pub created_at: Timestamp,
    /// When the client was last modified.
    pub modified_at: Timestamp,
    /// Set by the store: 1 on insert, +1 on every update (compare-and-swap guard).
    pub version: u64,
}

impl fmt::Debug for ClientRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRecord")
            .field("client_id", &self.client_id)
            .field("definition", &self.definition)
            .field(
                "sealed_secret",
                &self.sealed_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("created_at", &self.created_at)
            .field("modified_at", &self.modified_at)
            .field("version", &self.version)
            .finish()
    }
}

/// An ephemeral record ([`EphemeralStore`](super::EphemeralStore)): a
/// few bytes of state (a count and the start of its window, a lockout
/// state) that every process sharing the store sees, replaced by
/// compare-and-swap on `version` and forgotten once expired.
///
/// `Debug` shows the length of `data`, not its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct EphemeralRecord {
    /// The state, opaque to the store: at most
    /// [`MAX_EPHEMERAL_BYTES`](super::MAX_EPHEMERAL_BYTES).
    pub data: Vec<u8>,
    /// When the record stops mattering: a store may delete it from then on.
    pub expires_at: Timestamp,
    /// Set by the store on every successful write, to a value it never gave
    /// before (never 0): the compare-and-swap guard.
    pub version: u64,
}

impl fmt::Debug for EphemeralRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EphemeralRecord")
            .field("data", &format_args!("[{} bytes]", self.data.len()))
            .field("expires_at", &self.expires_at)
            .field("version", &self.version)
            .finish()
    }
}

/// What one [`SweepStore::sweep_expired`](super::SweepStore::sweep_expired)
/// deleted, by kind. Reports add up with `+=`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Refresh tokens, expired for longer than
    /// [`REFRESH_TOKEN_RETENTION`](super::REFRESH_TOKEN_RETENTION).
    pub refresh_tokens: u64,
    /// Names of revoked families (an `origin_jti` or an `event_id`) whose
    /// tokens have all expired.
    pub revoked_families: u64,
    /// Pending codes past their expiry.
    pub codes: u64,
    /// One-time ids (challenge sessions, SRP secret blocks) past their expiry.
    pub once_ids: u64,
    /// Ephemeral records past their expiry.
    pub ephemeral: u64,
    /// Devices never confirmed, past their expiry.
    pub devices: u64,
}

impl SweepReport {
    /// Every item deleted, all kinds together.
    #[must_use]
    pub const fn total(&self) -> u64 {
        self.refresh_tokens
            .saturating_add(self.revoked_families)
            .saturating_add(self.codes)
            .saturating_add(self.once_ids)
            .saturating_add(self.ephemeral)
            .saturating_add(self.devices)
    }
}

impl std::ops::AddAssign for SweepReport {
    fn add_assign(&mut self, other: Self) {
        self.refresh_tokens = self.refresh_tokens.saturating_add(other.refresh_tokens);
        self.revoked_families = self.revoked_families.saturating_add(other.revoked_families);
        self.codes = self.codes.saturating_add(other.codes);
        self.once_ids = self.once_ids.saturating_add(other.once_ids);
        self.ephemeral = self.ephemeral.saturating_add(other.ephemeral);
        self.devices = self.devices.saturating_add(other.devices);
    }
}

/// A user's MFA state (cognito-mfa-devices-passwordless.md §2.1). The
/// software-token secrets are sealed by the pool under a key derived from
/// the pool secret; a store never sees them in the clear. `Debug` redacts
/// them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UserMfa {
    /// The factors the user turned on (`UserMFASettingList`), in
    /// [`MfaFactor`] order, each at most once.
    pub enabled: Vec<MfaFactor>,
    /// The preferred factor (`PreferredMfaSetting`); always one of `enabled`.
    pub preferred: Option<MfaFactor>,
    /// The verified authenticator app.
    pub software_token: Option<SoftwareToken>,
    /// A secret `AssociateSoftwareToken` gave out and `VerifySoftwareToken`
    /// has not yet proven.
    pub pending_software_token: Option<PendingSoftwareToken>,
    /// Under `MfaConfiguration: ON`, the next sign-in of a user who signed
    /// up and confirmed a code by themselves gets tokens without MFA (§3
    /// step 6a); cleared by that sign-in.
    pub setup_grace: bool,
}

impl UserMfa {
    /// Whether the user turned `factor` on.
    #[must_use]
    pub fn is_enabled(&self, factor: MfaFactor) -> bool {
        self.enabled.contains(&factor)
    }
}

impl fmt::Debug for UserMfa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserMfa")
            .field("enabled", &self.enabled)
            .field("preferred", &self.preferred)
            .field("software_token", &self.software_token)
            .field("pending_software_token", &self.pending_software_token)
            .field("setup_grace", &self.setup_grace)
            .finish()
    }
}

/// A verified authenticator app.
#[derive(Clone, PartialEq, Eq)]
pub struct SoftwareToken {
    /// The TOTP key, sealed.
    pub sealed_secret: Vec<u8>,
    /// `FriendlyDeviceName` given at verification.
    pub friendly_name: Option<String>,
    /// The last accepted time step: a code of this step or an earlier one
    /// is a replay.
    pub last_used_step: Option<u64>,
    /// When it was verified.
    pub verified_at: Timestamp,
}

impl fmt::Debug for SoftwareToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftwareToken")
            .field("sealed_secret", &"[redacted]")
            .field("friendly_name", &self.friendly_name)
            .field("last_used_step", &self.last_used_step)
            .field("verified_at", &self.verified_at)
            .finish()
    }
}

/// A TOTP secret given out, not yet verified.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingSoftwareToken {
    /// The TOTP key, sealed.
    pub sealed_secret: Vec<u8>,
    /// When `AssociateSoftwareToken` issued it.
    pub created_at: Timestamp,
}

impl fmt::Debug for PendingSoftwareToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingSoftwareToken")
            .field("sealed_secret", &"[redacted]")
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// Where a tracked device stands (cognito-mfa-devices-passwordless.md §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeviceStatus {
    /// Issued at sign-in (`NewDeviceMetadata`), never confirmed: unlisted,
    /// no device SRP, no refresh.
    Unconfirmed,
    /// Confirmed and remembered: may skip MFA and sign in with device SRP.
    Remembered,
    /// Confirmed, tracked, not remembered.
    NotRemembered,
}

impl DeviceStatus {
    /// A stable name: `unconfirmed`, `remembered`, `not_remembered`
    /// (the last two are Cognito's `DeviceRememberedStatusType`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "unconfirmed",
            Self::Remembered => "remembered",
            Self::NotRemembered => "not_remembered",
        }
    }

    /// Parses [`as_str`](Self::as_str)'s names.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "unconfirmed" => Self::Unconfirmed,
            "remembered" => Self::Remembered,
            "not_remembered" => Self::NotRemembered,
            _ => return None,
        })
    }
}

/// A device a user signed in from, tracked by a pool with
/// `DeviceConfiguration` (cognito-mfa-devices-passwordless.md §6).
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    /// `DeviceKey`, `<region>_<uuid>`: unique in the pool; the lookup key.
    pub key: String,
    /// The internal username of its owner.
    pub username: String,
    /// The owner's `sub`: a user re-created under the same name does not
    /// inherit the device.
    pub sub: String,
    /// `DeviceGroupKey`: the device SRP's "pool name".
    pub group_key: String,
    /// Unconfirmed, remembered or not remembered.
    pub status: DeviceStatus,
    /// The device SRP verifier `(salt, v)` from `ConfirmDevice`, sealed by
    /// the pool; `None` until confirmed.
    pub sealed_verifier: Option<Vec<u8>>,
    /// `device_name`.
    pub name: Option<String>,
    /// `last_ip_used`.
    pub last_ip: Option<String>,
    /// When it was issued.
    pub created_at: Timestamp,
    /// When it last changed.
    pub modified_at: Timestamp,
    /// When it last signed in.
    pub last_authenticated_at: Option<Timestamp>,
    /// An unconfirmed device is forgotten from then on (a store may delete
    /// it); `None` once confirmed.
    pub expires_at: Option<Timestamp>,
    /// Set by the store: 1 on insert, +1 on every update (compare-and-swap guard).
    pub version: u64,
}

impl fmt::Debug for DeviceRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceRecord")
            .field("key", &self.key)
            .field("username", &self.username)
            .field("sub", &self.sub)
            .field("group_key", &self.group_key)
            .field("status", &self.status)
            .field(
                "sealed_verifier",
                &self.sealed_verifier.as_ref().map(|_| "[redacted]"),
            )
            .field("name", &self.name)
            .field("last_ip", &self.last_ip)
            .field("created_at", &self.created_at)
            .field("modified_at", &self.modified_at)
            .field("last_authenticated_at", &self.last_authenticated_at)
            .field("expires_at", &self.expires_at)
            .field("version", &self.version)
            .finish()
    }
}

//! Every record as column values and back: the column lists the queries
//! select, a decoder per record (from any [`SqlRow`]), and the stored form
//! of each record's fields for the backends to bind (`*Values`).
//!
//! The names given to the column readers are the ones an error about that
//! column says ("invalid stored code digest").

use super::{SqlRow, id_param, mfa, millis, opt_millis, redact};
use crate::schema::Attributes;
use crate::store::{
    ClientRecord, CodeRecord, DeviceRecord, DeviceStatus, GroupRecord, PoolRecord,
    RefreshTokenRecord, StoreResult, UserRecord, UserStatus,
};

// ---------------------------------------------------------------- users

/// The columns [`user`] reads, from `users u`.
pub(crate) const USER_COLUMNS: &str = "u.username, u.attributes, u.status, u.enabled, \
     u.created_at, u.modified_at, u.password_hash, u.srp_verifier, \
     u.temporary_password_expires_at, u.failed_sign_ins, u.locked_until, \
     u.last_sign_in_attempt, u.version, u.username_attribute, u.mfa";

/// A user from a row of [`USER_COLUMNS`].
pub(crate) fn user<R: SqlRow + ?Sized>(row: &R) -> StoreResult<UserRecord> {
    let attributes = row.text(1, "attributes")?;
    let attributes: Attributes =
        serde_json::from_str(&attributes).map_err(redact::invalid_attributes)?;
    let status = row.text(2, "status")?;
    let status = UserStatus::parse(&status)
        .ok_or_else(|| redact::invalid_stored_value("status", "not a user status"))?;
    Ok(UserRecord {
        username: row.text(0, "username")?,
        attributes,
        status,
        enabled: row.boolean(3, "enabled")?,
        created_at: row.timestamp(4, "created_at")?,
        modified_at: row.timestamp(5, "modified_at")?,
        password_hash: row.opt_value(6, "password_hash")?,
        srp_verifier: row.opt_bytes(7, "srp_verifier")?,
        temporary_password_expires_at: row.opt_timestamp(8, "temporary_password_expires_at")?,
        failed_sign_ins: row.counter(9, "failed_sign_ins")?,
        locked_until: row.opt_timestamp(10, "locked_until")?,
        last_sign_in_attempt: row.opt_timestamp(11, "last_sign_in_attempt")?,
        version: row.version(12, "version")?,
        username_attribute: row.opt_text(13, "username_attribute")?,
        mfa: mfa::decode(row.opt_text(14, "mfa")?.as_deref())?,
    })
}

/// A user's fields as stored, but for the pool, the username and the
/// version, which each statement binds itself.
pub(crate) struct UserValues<'a> {
    pub(crate) attributes: String,
    pub(crate) status: &'static str,
    pub(crate) enabled: bool,
    pub(crate) created_at: i64,
    pub(crate) modified_at: i64,
    pub(crate) password_hash: Option<&'a str>,
    pub(crate) srp_verifier: Option<&'a [u8]>,
    pub(crate) temporary_password_expires_at: Option<i64>,
    pub(crate) failed_sign_ins: i64,
    pub(crate) locked_until: Option<i64>,
    pub(crate) last_sign_in_attempt: Option<i64>,
    pub(crate) username_attribute: Option<&'a str>,
    /// [`mfa::encode`]: `None` for the default state.
    pub(crate) mfa: Option<String>,
}

impl<'a> UserValues<'a> {
    /// # Errors
    /// `Unavailable` when the attributes or the MFA state cannot be
    /// encoded as JSON.
    pub(crate) fn new(user: &'a UserRecord) -> StoreResult<Self> {
        Ok(Self {
            attributes: serde_json::to_string(&user.attributes)
                .map_err(redact::unencodable_attributes)?,
            status: user.status.as_str(),
            enabled: user.enabled,
            created_at: millis(user.created_at),
            modified_at: millis(user.modified_at),
            password_hash: user.password_hash.as_deref(),
            srp_verifier: user.srp_verifier.as_deref(),
            temporary_password_expires_at: opt_millis(user.temporary_password_expires_at),
            failed_sign_ins: i64::from(user.failed_sign_ins),
            locked_until: opt_millis(user.locked_until),
            last_sign_in_attempt: opt_millis(user.last_sign_in_attempt),
            username_attribute: user.username_attribute.as_deref(),
            mfa: mfa::encode(&user.mfa)?,
        })
    }
}

// ---------------------------------------------------------------- codes

/// The columns [`code`] reads, from `codes`.
pub(crate) const CODE_COLUMNS: &str = "id, digest, attribute, destination, issued_at, \
     expires_at, attempts";

/// A code from a row of [`CODE_COLUMNS`].
pub(crate) fn code<R: SqlRow + ?Sized>(row: &R) -> StoreResult<CodeRecord> {
    Ok(CodeRecord {
        id: row.id(0, "code id")?,
        digest: row.digest(1, "code digest")?,
        attribute: row.opt_text(2, "code attribute")?,
        destination: row.opt_text(3, "code destination")?,
        issued_at: row.timestamp(4, "code issued_at")?,
        expires_at: row.timestamp(5, "code expires_at")?,
        attempts: row.counter(6, "code attempts")?,
    })
}

/// A code's fields as stored, in [`CODE_COLUMNS`] order.
pub(crate) struct CodeValues<'a> {
    pub(crate) id: i64,
    pub(crate) digest: &'a [u8],
    pub(crate) attribute: Option<&'a str>,
    pub(crate) destination: Option<&'a str>,
    pub(crate) issued_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) attempts: i64,
}

impl<'a> CodeValues<'a> {
    pub(crate) fn new(code: &'a CodeRecord) -> Self {
        Self {
            id: id_param(code.id),
            digest: &code.digest,
            attribute: code.attribute.as_deref(),
            destination: code.destination.as_deref(),
            issued_at: millis(code.issued_at),
            expires_at: millis(code.expires_at),
            attempts: i64::from(code.attempts),
        }
    }
}

// ---------------------------------------------------------------- refresh tokens

/// The stored columns [`refresh_token`] reads, from `refresh_tokens t`; a
/// query adds, as the thirteenth, whether the token's family is revoked.
pub(crate) const REFRESH_TOKEN_COLUMNS: &str = "t.digest, t.client_id, t.username, t.sub, \
     t.origin_jti, t.event_id, t.auth_time, t.issued_at, t.expires_at, t.replaced_at, \
     t.device_key, t.scope";

/// A refresh token from a row of [`REFRESH_TOKEN_COLUMNS`] and `revoked`.
pub(crate) fn refresh_token<R: SqlRow + ?Sized>(row: &R) -> StoreResult<RefreshTokenRecord> {
    Ok(RefreshTokenRecord {
        digest: row.digest(0, "refresh token digest")?,
        client_id: row.text(1, "refresh token client_id")?,
        username: row.text(2, "refresh token username")?,
        sub: row.text(3, "refresh token sub")?,
        origin_jti: row.text(4, "refresh token origin_jti")?,
        event_id: row.text(5, "refresh token event_id")?,
        auth_time: row.timestamp(6, "refresh token auth_time")?,
        issued_at: row.timestamp(7, "refresh token issued_at")?,
        expires_at: row.timestamp(8, "refresh token expires_at")?,
        replaced_at: row.opt_timestamp(9, "refresh token replaced_at")?,
        device_key: row.opt_text(10, "refresh token device_key")?,
        scope: row.opt_text(11, "refresh token scope")?,
        revoked: row.boolean(12, "refresh token revoked")?,
    })
}

/// A refresh token's fields as stored, in [`REFRESH_TOKEN_COLUMNS`] order.
pub(crate) struct RefreshTokenValues<'a> {
    pub(crate) digest: &'a [u8],
    pub(crate) client_id: &'a str,
    pub(crate) username: &'a str,
    pub(crate) sub: &'a str,
    pub(crate) origin_jti: &'a str,
    pub(crate) event_id: &'a str,
    pub(crate) auth_time: i64,
    pub(crate) issued_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) replaced_at: Option<i64>,
    pub(crate) device_key: Option<&'a str>,
    pub(crate) scope: Option<&'a str>,
}

impl<'a> RefreshTokenValues<'a> {
    pub(crate) fn new(token: &'a RefreshTokenRecord) -> Self {
        Self {
            digest: &token.digest,
            client_id: &token.client_id,
            username: &token.username,
            sub: &token.sub,
            origin_jti: &token.origin_jti,
            event_id: &token.event_id,
            auth_time: millis(token.auth_time),
            issued_at: millis(token.issued_at),
            expires_at: millis(token.expires_at),
            replaced_at: opt_millis(token.replaced_at),
            device_key: token.device_key.as_deref(),
            scope: token.scope.as_deref(),
        }
    }
}

// ---------------------------------------------------------------- groups

/// The columns [`group`] reads, from `groups g`.
pub(crate) const GROUP_COLUMNS: &str =
    "g.name, g.description, g.role_arn, g.precedence, g.created_at, g.modified_at";

/// A group from a row of [`GROUP_COLUMNS`].
pub(crate) fn group<R: SqlRow + ?Sized>(row: &R) -> StoreResult<GroupRecord> {
    Ok(GroupRecord {
        name: row.text(0, "group name")?,
        description: row.opt_value(1, "group description")?,
        role_arn: row.opt_value(2, "group role_arn")?,
        precedence: row.opt_counter(3, "group precedence")?,
        created_at: row.timestamp(4, "group created_at")?,
        modified_at: row.timestamp(5, "group modified_at")?,
    })
}

/// A group's fields as stored, in [`GROUP_COLUMNS`] order.
pub(crate) struct GroupValues<'a> {
    pub(crate) name: &'a str,
    pub(crate) description: Option<&'a str>,
    pub(crate) role_arn: Option<&'a str>,
    pub(crate) precedence: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) modified_at: i64,
}

impl<'a> GroupValues<'a> {
    pub(crate) fn new(group: &'a GroupRecord) -> Self {
        Self {
            name: &group.name,
            description: group.description.as_deref(),
            role_arn: group.role_arn.as_deref(),
            precedence: group.precedence.map(i64::from),
            created_at: millis(group.created_at),
            modified_at: millis(group.modified_at),
        }
    }
}

// ---------------------------------------------------------------- pools

/// The columns [`pool`] reads, from `pools`.
pub(crate) const POOL_COLUMNS: &str =
    "id, definition, sealed_secrets, sealing_key_id, created_at, modified_at, version";

/// A pool from a row of [`POOL_COLUMNS`].
pub(crate) fn pool<R: SqlRow + ?Sized>(row: &R) -> StoreResult<PoolRecord> {
    Ok(PoolRecord {
        id: row.text(0, "pool id")?,
        definition: row.value(1, "pool definition")?,
        sealed_secrets: row.bytes(2, "sealed pool secrets")?,
        sealing_key_id: row.text(3, "sealing key id")?,
        created_at: row.timestamp(4, "pool created_at")?,
        modified_at: row.timestamp(5, "pool modified_at")?,
        version: row.version(6, "pool version")?,
    })
}

/// A pool's fields as stored, in [`POOL_COLUMNS`] order (without the
/// version, which each statement binds itself).
pub(crate) struct PoolValues<'a> {
    pub(crate) id: &'a str,
    pub(crate) definition: &'a str,
    pub(crate) sealed_secrets: &'a [u8],
    pub(crate) sealing_key_id: &'a str,
    pub(crate) created_at: i64,
    pub(crate) modified_at: i64,
}

impl<'a> PoolValues<'a> {
    pub(crate) fn new(pool: &'a PoolRecord) -> Self {
        Self {
            id: &pool.id,
            definition: &pool.definition,
            sealed_secrets: &pool.sealed_secrets,
            sealing_key_id: &pool.sealing_key_id,
            created_at: millis(pool.created_at),
            modified_at: millis(pool.modified_at),
        }
    }
}

// ---------------------------------------------------------------- clients

/// The columns [`client`] and [`client_of_pool`] read, from `clients`.
pub(crate) const CLIENT_COLUMNS: &str =
    "client_id, definition, sealed_secret, created_at, modified_at, version, pool";

/// A client from a row of [`CLIENT_COLUMNS`].
pub(crate) fn client<R: SqlRow + ?Sized>(row: &R) -> StoreResult<ClientRecord> {
    Ok(ClientRecord {
        client_id: row.text(0, "client id")?,
        definition: row.value(1, "client definition")?,
        sealed_secret: row.opt_bytes(2, "sealed client secret")?,
        created_at: row.timestamp(3, "client created_at")?,
        modified_at: row.timestamp(4, "client modified_at")?,
        version: row.version(5, "client version")?,
    })
}

/// A client and the id of its pool, from a row of [`CLIENT_COLUMNS`].
pub(crate) fn client_of_pool<R: SqlRow + ?Sized>(row: &R) -> StoreResult<(String, ClientRecord)> {
    Ok((row.text(6, "client pool")?, client(row)?))
}

/// A client's fields as stored, in [`CLIENT_COLUMNS`] order (without the
/// version and the pool, which each statement binds itself).
pub(crate) struct ClientValues<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) definition: &'a str,
    pub(crate) sealed_secret: Option<&'a [u8]>,
    pub(crate) created_at: i64,
    pub(crate) modified_at: i64,
}

impl<'a> ClientValues<'a> {
    pub(crate) fn new(client: &'a ClientRecord) -> Self {
        Self {
            client_id: &client.client_id,
            definition: &client.definition,
            sealed_secret: client.sealed_secret.as_deref(),
            created_at: millis(client.created_at),
            modified_at: millis(client.modified_at),
        }
    }
}

// ---------------------------------------------------------------- devices

/// The columns [`device`] reads, from `devices`.
pub(crate) const DEVICE_COLUMNS: &str = "key, username, sub, group_key, status, \
     sealed_verifier, name, last_ip, created_at, modified_at, last_authenticated_at, \
     expires_at, version";

/// A device from a row of [`DEVICE_COLUMNS`].
pub(crate) fn device<R: SqlRow + ?Sized>(row: &R) -> StoreResult<DeviceRecord> {
    let status = row.text(4, "device status")?;
    let status = DeviceStatus::parse(&status)
        .ok_or_else(|| redact::invalid_stored_value("device status", "not a device status"))?;
    Ok(DeviceRecord {
        key: row.text(0, "device key")?,
        username: row.text(1, "device username")?,
        sub: row.text(2, "device sub")?,
        group_key: row.text(3, "device group_key")?,
        status,
        sealed_verifier: row.opt_bytes(5, "sealed device verifier")?,
        name: row.opt_text(6, "device name")?,
        last_ip: row.opt_text(7, "device last_ip")?,
        created_at: row.timestamp(8, "device created_at")?,
        modified_at: row.timestamp(9, "device modified_at")?,
        last_authenticated_at: row.opt_timestamp(10, "device last_authenticated_at")?,
        expires_at: row.opt_timestamp(11, "device expires_at")?,
        version: row.version(12, "device version")?,
    })
}

/// A device's fields as stored, in [`DEVICE_COLUMNS`] order (without the
/// version, which each statement binds itself).
pub(crate) struct DeviceValues<'a> {
    pub(crate) key: &'a str,
    pub(crate) username: &'a str,
    pub(crate) sub: &'a str,
    pub(crate) group_key: &'a str,
    pub(crate) status: &'static str,
    pub(crate) sealed_verifier: Option<&'a [u8]>,
    pub(crate) name: Option<&'a str>,
    pub(crate) last_ip: Option<&'a str>,
    pub(crate) created_at: i64,
    pub(crate) modified_at: i64,
    pub(crate) last_authenticated_at: Option<i64>,
    pub(crate) expires_at: Option<i64>,
}

impl<'a> DeviceValues<'a> {
    pub(crate) fn new(device: &'a DeviceRecord) -> Self {
        Self {
            key: &device.key,
            username: &device.username,
            sub: &device.sub,
            group_key: &device.group_key,
            status: device.status.as_str(),
            sealed_verifier: device.sealed_verifier.as_deref(),
            name: device.name.as_deref(),
            last_ip: device.last_ip.as_deref(),
            created_at: millis(device.created_at),
            modified_at: millis(device.modified_at),
            last_authenticated_at: opt_millis(device.last_authenticated_at),
            expires_at: opt_millis(device.expires_at),
        }
    }
}

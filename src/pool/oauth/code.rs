//! Authorization codes (cognito-oauth.md §5.4, §7.3, §13.3): a lower-case
//! UUID v4 from the CSPRNG, stored only as its SHA-256, valid 300 seconds,
//! taken once.
//!
//! The grant a code stands for is an ephemeral record
//! (`EphemeralKey::AuthorizationCode`) of at most
//! [`MAX_EPHEMERAL_BYTES`]: the redirect URI is kept as its SHA-256 (it is
//! only ever compared), the scopes as their positions in the client's
//! `AllowedOAuthScopes` plus a digest of the scope string (so a client whose
//! scopes changed since cannot redeem them), the rest verbatim. A grant
//! that still does not fit (a very long `nonce`) is refused when the code
//! is issued, never truncated.
//!
//! Taking a code is one compare-and-swap of its record to an empty one: of
//! concurrent exchanges of one code, exactly one wins.

use std::time::Duration;

use ring::digest::{SHA256, digest};

use super::CodeGrant;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::pool::{UserPool, store_error};
use crate::random;
use crate::store::{EphemeralKey, MAX_EPHEMERAL_BYTES};

/// How long a code may be exchanged (§5.4: five minutes).
pub(crate) const CODE_LIFETIME: Duration = Duration::from_secs(300);

/// The format version of a stored grant.
const FORMAT: u8 = 1;

/// The longest code looked up: issued codes are 36 characters.
const MAX_CODE_LEN: usize = 64;

/// A grant as a code's record holds it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct StoredGrant {
    pub(crate) client_id: String,
    pub(crate) redirect_digest: [u8; 32],
    pub(crate) redirect_defaulted: bool,
    pub(crate) scope_positions: Vec<u8>,
    pub(crate) scope_digest: [u8; 32],
    pub(crate) nonce: Option<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) username: String,
    pub(crate) sub: String,
    pub(crate) auth_time: Timestamp,
    pub(crate) issued_at: Timestamp,
}

impl StoredGrant {
    /// The granted scopes, read back against the client's current
    /// `AllowedOAuthScopes`; `None` when that list changed so that they are
    /// no longer the scopes granted.
    pub(crate) fn scopes(&self, allowed: &[String]) -> Option<Vec<String>> {
        let scopes: Option<Vec<String>> = self
            .scope_positions
            .iter()
            .map(|&i| allowed.get(usize::from(i)).cloned())
            .collect();
        let scopes = scopes?;
        (sha256(&scopes.join(" ")) == self.scope_digest).then_some(scopes)
    }
}

pub(crate) fn sha256(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest(&SHA256, s.as_bytes()).as_ref());
    out
}

fn too_large(what: &str) -> Error {
    Error::invalid_parameter(format!(
        "The authorization request cannot be remembered for its code: {what}."
    ))
}

fn put_str8(out: &mut Vec<u8>, s: &str, what: &str) -> Result<()> {
    let len = u8::try_from(s.len()).map_err(|_| too_large(what))?;
    out.push(len);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn put_str16(out: &mut Vec<u8>, s: &str, what: &str) -> Result<()> {
    let len = u16::try_from(s.len()).map_err(|_| too_large(what))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// The record of `grant`, its scopes located in `allowed`.
pub(crate) fn encode(grant: &CodeGrant, allowed: &[String], now: Timestamp) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    out.push(FORMAT);
    out.extend_from_slice(&now.unix_millis().to_be_bytes());
    out.extend_from_slice(&grant.auth_time.unix_millis().to_be_bytes());
    put_str8(&mut out, &grant.client_id, "the client id is too long")?;
    out.extend_from_slice(&sha256(&grant.redirect_uri));
    out.push(u8::from(grant.redirect_defaulted));
    let positions = grant
        .scopes
        .iter()
        .map(|s| {
            allowed
                .iter()
                .position(|a| a == s)
                .and_then(|i| u8::try_from(i).ok())
                .ok_or_else(|| too_large("a scope is not one the client is allowed"))
        })
        .collect::<Result<Vec<u8>>>()?;
    let count = u8::try_from(positions.len()).map_err(|_| too_large("too many scopes"))?;
    out.push(count);
    out.extend_from_slice(&positions);
    out.extend_from_slice(&sha256(&grant.scopes.join(" ")));
    match &grant.code_challenge {
        Some(c) => {
            out.push(1);
            put_str8(&mut out, c, "the code challenge is too long")?;
        }
        None => out.push(0),
    }
    put_str8(&mut out, &grant.username, "the username is too long")?;
    put_str8(&mut out, &grant.sub, "the sub is too long")?;
    match &grant.nonce {
        Some(n) => {
            out.push(1);
            put_str16(&mut out, n, "the nonce is too long")?;
        }
        None => out.push(0),
    }
    if out.len() > MAX_EPHEMERAL_BYTES {
        return Err(too_large(&format!(
            "it needs {} bytes, more than {MAX_EPHEMERAL_BYTES}; send a shorter nonce",
            out.len()
        )));
    }
    Ok(out)
}

/// Reads the fields of a record back, in [`encode`]'s order.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn millis(&mut self) -> Option<Timestamp> {
        let b: [u8; 8] = self.take(8)?.try_into().ok()?;
        Some(Timestamp::from_unix_millis(i64::from_be_bytes(b)))
    }
    fn digest(&mut self) -> Option<[u8; 32]> {
        self.take(32)?.try_into().ok()
    }
    fn str8(&mut self) -> Option<String> {
        let len = self.byte()?;
        String::from_utf8(self.take(usize::from(len))?.to_vec()).ok()
    }
    fn str16(&mut self) -> Option<String> {
        let len: [u8; 2] = self.take(2)?.try_into().ok()?;
        let len = u16::from_be_bytes(len);
        String::from_utf8(self.take(usize::from(len))?.to_vec()).ok()
    }
    fn flag(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

/// The grant of a record; `None` for one this code did not write.
pub(crate) fn decode(data: &[u8]) -> Option<StoredGrant> {
    let mut r = Reader(data);
    if r.byte()? != FORMAT {
        return None;
    }
    let issued_at = r.millis()?;
    let auth_time = r.millis()?;
    let client_id = r.str8()?;
    let redirect_digest = r.digest()?;
    let redirect_defaulted = r.flag()?;
    let count = r.byte()?;
    let scope_positions = r.take(usize::from(count))?.to_vec();
    let scope_digest = r.digest()?;
    let code_challenge = if r.flag()? { Some(r.str8()?) } else { None };
    let username = r.str8()?;
    let sub = r.str8()?;
    let nonce = if r.flag()? { Some(r.str16()?) } else { None };
    if !r.0.is_empty() {
        return None;
    }
    Some(StoredGrant {
        client_id,
        redirect_digest,
        redirect_defaulted,
        scope_positions,
        scope_digest,
        nonce,
        code_challenge,
        username,
        sub,
        auth_time,
        issued_at,
    })
}

impl UserPool {
    /// A new authorization code for `grant` (§5.4): a lower-case UUID v4,
    /// stored hashed with the grant for [`CODE_LIFETIME`].
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown client;
    /// `InvalidParameterException` for a grant whose record would not fit
    /// (a scope the client is not allowed, a very long nonce); the
    /// store's errors.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // called by the hosted sign-in
    pub(crate) fn issue_authorization_code(&self, grant: &CodeGrant) -> Result<String> {
        let now = self.now();
        let client = self.client(&grant.client_id)?;
        let data = encode(grant, client.config().allowed_oauth_scopes(), now)?;
        let code = random::uuid_v4()?;
        let key = EphemeralKey::AuthorizationCode {
            digest: sha256(&code),
        };
        let wrote = self
            .store()
            .put_ephemeral(self.id(), &key, &data, now.saturating_add(CODE_LIFETIME), 0)
            .map_err(store_error)?;
        if !wrote {
            // 122 random bits collided: never in practice.
            return Err(Error::internal("A new authorization code was not unique."));
        }
        Ok(code)
    }

    /// Takes the code `code` (§7.3 step 2): its grant if it exists, is
    /// unexpired at `now` and was not taken before; from then on it is
    /// taken. Of concurrent calls for one code, at most one gets its grant.
    ///
    /// # Errors
    /// The store's.
    pub(crate) fn take_authorization_code(
        &self,
        code: &str,
        now: Timestamp,
    ) -> Result<Option<StoredGrant>> {
        if code.is_empty() || code.len() > MAX_CODE_LEN {
            return Ok(None);
        }
        let key = EphemeralKey::AuthorizationCode {
            digest: sha256(code),
        };
        let Some(record) = self
            .store()
            .get_ephemeral(self.id(), &key)
            .map_err(store_error)?
        else {
            return Ok(None);
        };
        if record.data.is_empty() || now >= record.expires_at {
            return Ok(None);
        }
        let Some(grant) = decode(&record.data) else {
            return Ok(None);
        };
        // Taken: the record becomes empty, by compare-and-swap on the
        // version read. Only the one write that succeeds wins the code.
        let taken = self
            .store()
            .put_ephemeral(self.id(), &key, &[], record.expires_at, record.version)
            .map_err(store_error)?;
        if !taken || now >= grant.issued_at.saturating_add(CODE_LIFETIME) {
            return Ok(None);
        }
        Ok(Some(grant))
    }
}

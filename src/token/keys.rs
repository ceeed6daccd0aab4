//! The pool's signing keys: generation, loading, rotation, the JWKS document
//! and signing.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents};
use serde::Serialize;
use zeroize::Zeroizing;

use super::ALG_RS256;
use super::claims::{ACCESS_NAMED_CLAIMS, AccessClaims, ID_NAMED_CLAIMS, IdClaims, TokenUse};
use super::verify::{TokenVerifier, VerifyingKey};
use crate::error::{Error, Result};

/// The modulus size of generated keys, as Cognito's (§6.1).
const GENERATED_KEY_BITS: usize = 2048;

/// One RSA key, parsed once, with everything signing needs precomputed.
struct SigningKey {
    kid: String,
    /// base64url of `{"kid":"<kid>","alg":"RS256"}`: every token's first segment.
    header_b64: String,
    pair: RsaKeyPair,
    /// Kept for [`KeySet::export_pkcs8`]: ring cannot serialise a parsed key.
    pkcs8: Zeroizing<Vec<u8>>,
}

impl SigningKey {
    fn from_pkcs8(pkcs8: &[u8], which: &str) -> Result<Self> {
        let pair = RsaKeyPair::from_pkcs8(pkcs8).map_err(|rejected| {
            Error::invalid_parameter(format!(
                "The {which} token signing key is not a usable RSA PKCS#8 key ({rejected})."
            ))
        })?;
        // cognito-protocol.md §6.1: a kid is 44 characters of standard base64,
        // ending in `=`. SHA-256 of the public key gives exactly that, and the
        // same key always gets the same kid, across restarts and processes.
        let digest = ring::digest::digest(&ring::digest::SHA256, pair.public().as_ref());
        let kid = STANDARD.encode(digest.as_ref());
        let header = serde_json::to_vec(&JwsHeader {
            kid: &kid,
            alg: ALG_RS256,
        })
        .map_err(|_| Error::internal("Could not encode a token header."))?;
        Ok(Self {
            header_b64: URL_SAFE_NO_PAD.encode(header),
            kid,
            pair,
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
        })
    }

    fn verifying_key(&self) -> VerifyingKey {
        let public: RsaPublicKeyComponents<Vec<u8>> = self.pair.public().into();
        VerifyingKey {
            kid: self.kid.clone(),
            n: public.n,
            e: public.e,
        }
    }

    fn jwk(&self) -> Jwk<'_> {
        let public: RsaPublicKeyComponents<Vec<u8>> = self.pair.public().into();
        Jwk {
            alg: ALG_RS256,
            e: URL_SAFE_NO_PAD.encode(public.e),
            kid: &self.kid,
            kty: "RSA",
            n: URL_SAFE_NO_PAD.encode(public.n),
            use_: "sig",
        }
    }

    /// JWS compact serialisation of `claims` (RFC 7515 §7.1), RS256.
    fn sign(&self, rng: &SystemRandom, claims: &impl Serialize) -> Result<String> {
        let payload = serde_json::to_vec(claims)
            .map_err(|_| Error::internal("Could not encode the token claims."))?;
        let signature_len = self.pair.public().modulus_len();
        let mut token = String::with_capacity(
            self.header_b64.len() + 2 + (payload.len() + signature_len) * 4 / 3 + 4,
        );
        token.push_str(&self.header_b64);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&payload, &mut token);

        let mut signature = vec![0u8; signature_len];
        self.pair
            .sign(&RSA_PKCS1_SHA256, rng, token.as_bytes(), &mut signature)
            .map_err(|_| Error::internal("Could not sign the token."))?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&signature, &mut token);
        Ok(token)
    }
}

/// The JOSE header of every token, members in Cognito's order (§6.1).
#[derive(Serialize)]
struct JwsHeader<'a> {
    kid: &'a str,
    alg: &'a str,
}

/// One JWKS entry, members in alphabetical order as published JWKS have them (§6.2).
#[derive(Serialize)]
struct Jwk<'a> {
    alg: &'a str,
    e: String,
    kid: &'a str,
    kty: &'a str,
    n: String,
    #[serde(rename = "use")]
    use_: &'a str,
}

#[derive(Serialize)]
struct Jwks<'a> {
    keys: Vec<Jwk<'a>>,
}

/// Two PKCS#8 DER RSA private keys `(access, id)`, as
/// [`KeySet::export_pkcs8`] returns them; both buffers are wiped on drop.
pub type Pkcs8Pair = (Zeroizing<Vec<u8>>, Zeroizing<Vec<u8>>);

/// A user pool's token signing keys.
///
/// Cognito signs access and ID tokens with two different RSA keys
/// (`cognito-protocol.md` §6.1), so a key set holds a current **access key**
/// and a current **ID key**, each named by its `kid`, and — after
/// [`rotate`](Self::rotate) — the previous access and ID keys, which still
/// verify tokens signed before the rotation but never sign.
///
/// Keys are parsed once, when the set is built, and kept parsed: signing costs
/// one RSA-2048 signature and nothing more. Cloning is cheap (the keys are
/// shared).
///
/// Persist a pool's keys ([`export_pkcs8`](Self::export_pkcs8)) and load them
/// back ([`from_pkcs8`](Self::from_pkcs8)) rather than generating new ones per
/// process: a new key invalidates every token issued under the old one.
///
/// `Debug` prints the `kid`s only. There is deliberately no `Serialize`.
#[derive(Clone)]
pub struct KeySet {
    access: Arc<SigningKey>,
    id: Arc<SigningKey>,
    /// `(access, id)` of the generation before the last rotation.
    previous: Option<(Arc<SigningKey>, Arc<SigningKey>)>,
    rng: SystemRandom,
}

impl KeySet {
    /// Two fresh RSA-2048 keys (public exponent 65537), one for access
    /// tokens and one for ID tokens, drawn from the OS CSPRNG.
    ///
    /// Takes a second or more: generate a pool's keys once and persist them.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InternalError`](crate::ErrorCode::InternalError) if the
    /// system random number generator fails or a key cannot be encoded.
    pub fn generate() -> Result<Self> {
        let access = generate_pkcs8()?;
        let id = generate_pkcs8()?;
        Self::from_pkcs8(&access, &id)
    }

    /// Loads a key set from two PKCS#8 (DER, unencrypted) RSA private keys:
    /// the access-token key and the ID-token key.
    ///
    /// Keys of 2048 to 4096 bits are accepted.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if
    /// either is not a valid RSA private key in PKCS#8, or if both are the same
    /// key (Cognito's two tokens carry different `kid`s).
    pub fn from_pkcs8(access: &[u8], id: &[u8]) -> Result<Self> {
        let access = SigningKey::from_pkcs8(access, "access")?;
        let id = SigningKey::from_pkcs8(id, "ID")?;
        if access.kid == id.kid {
            return Err(Error::invalid_parameter(
                "The access and ID token signing keys must be two different keys.",
            ));
        }
        Ok(Self {
            access: Arc::new(access),
            id: Arc::new(id),
            previous: None,
            rng: SystemRandom::new(),
        })
    }

    /// Makes `next`'s current keys the current keys, and this set's current
    /// keys the previous ones.
    ///
    /// Exactly one previous generation is kept: tokens signed before this
    /// rotation still verify, tokens signed before the rotation before it no
    /// longer do. `next`'s own previous keys, if any, are dropped. Verifiers
    /// built before the rotation do not see the new keys; build new ones.
    ///
    /// To restore a persisted set that had rotated, load the previous keys and
    /// rotate to the current ones:
    /// `let mut keys = KeySet::from_pkcs8(&prev_a, &prev_i)?; keys.rotate(KeySet::from_pkcs8(&cur_a, &cur_i)?);`
    pub fn rotate(&mut self, next: KeySet) {
        let old_access = std::mem::replace(&mut self.access, next.access);
        let old_id = std::mem::replace(&mut self.id, next.id);
        self.previous = Some((old_access, old_id));
    }

    /// The `kid` of the current access-token key.
    #[must_use]
    pub fn access_kid(&self) -> &str {
        &self.access.kid
    }

    /// The `kid` of the current ID-token key.
    #[must_use]
    pub fn id_kid(&self) -> &str {
        &self.id.kid
    }

    /// The `kid`s of the previous generation `(access, id)`, if the set has rotated.
    #[must_use]
    pub fn previous_kids(&self) -> Option<(&str, &str)> {
        self.previous
            .as_ref()
            .map(|(access, id)| (access.kid.as_str(), id.kid.as_str()))
    }

    /// The current keys as PKCS#8 DER `(access, id)`, for persistence. Both
    /// buffers are wiped when dropped.
    #[must_use]
    pub fn export_pkcs8(&self) -> Pkcs8Pair {
        (self.access.pkcs8.clone(), self.id.pkcs8.clone())
    }

    /// The previous generation's keys as PKCS#8 DER `(access, id)`, if the set
    /// has rotated (see [`rotate`](Self::rotate) for restoring them).
    #[must_use]
    pub fn export_previous_pkcs8(&self) -> Option<Pkcs8Pair> {
        self.previous
            .as_ref()
            .map(|(access, id)| (access.pkcs8.clone(), id.pkcs8.clone()))
    }

    /// Every distinct key, current first (access, ID), then previous (access, ID).
    fn all_keys(&self) -> Vec<&SigningKey> {
        let mut keys: Vec<&SigningKey> = vec![&*self.access, &*self.id];
        if let Some((access, id)) = &self.previous {
            for key in [&**access, &**id] {
                if !keys.iter().any(|k| k.kid == key.kid) {
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// The JWKS document to serve at `<issuer>/.well-known/jwks.json`
    /// (`cognito-protocol.md` §6.2): the current access and ID keys, then the
    /// previous ones, each `{"alg":"RS256","e":…,"kid":…,"kty":"RSA","n":…,"use":"sig"}`
    /// with members in alphabetical order and `n`, `e` in unpadded base64url.
    #[must_use]
    pub fn jwks_json(&self) -> String {
        let jwks = Jwks {
            keys: self.all_keys().into_iter().map(SigningKey::jwk).collect(),
        };
        // Serialising plain strings into a Vec cannot fail.
        serde_json::to_string(&jwks).unwrap_or_default()
    }

    /// A verifier that accepts tokens signed by any key of this set (current
    /// or previous) and issued by `issuer`.
    ///
    /// The verifier is a snapshot: it does not see later rotations.
    #[must_use]
    pub fn verifier(&self, issuer: impl Into<String>) -> TokenVerifier {
        TokenVerifier::new(
            issuer.into(),
            self.all_keys()
                .into_iter()
                .map(SigningKey::verifying_key)
                .collect(),
        )
    }

    /// Signs an access token with the current access key: JWS compact
    /// serialisation, header `{"kid":"<access kid>","alg":"RS256"}`, RS256.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InternalError`](crate::ErrorCode::InternalError) if
    /// `claims.token_use` is not [`TokenUse::Access`], if an extra claim has
    /// the name of a named claim (it would duplicate a JSON member; both are
    /// caller bugs), or if the signature fails.
    pub fn sign_access(&self, claims: &AccessClaims) -> Result<String> {
        if claims.token_use != TokenUse::Access {
            return Err(Error::internal(
                "An access token must have token_use \"access\".",
            ));
        }
        if let Some(name) = ACCESS_NAMED_CLAIMS
            .iter()
            .find(|name| claims.extra.contains_key(**name))
        {
            return Err(Error::internal(format!(
                "The access token claim {name} would duplicate a named claim."
            )));
        }
        self.access.sign(&self.rng, claims)
    }

    /// Signs a machine-to-machine access token (cognito-oauth.md §8.3) with
    /// the current access key, as [`sign_access`](Self::sign_access).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InternalError`](crate::ErrorCode::InternalError) if
    /// `claims.token_use` is not [`TokenUse::Access`] or the signature fails.
    pub(crate) fn sign_client_credentials(
        &self,
        claims: &super::claims::ClientCredentialsClaims,
    ) -> Result<String> {
        if claims.token_use != TokenUse::Access {
            return Err(Error::internal(
                "An access token must have token_use \"access\".",
            ));
        }
        self.access.sign(&self.rng, claims)
    }

    /// Signs an ID token with the current ID key: JWS compact serialisation,
    /// header `{"kid":"<ID kid>","alg":"RS256"}`, RS256.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InternalError`](crate::ErrorCode::InternalError) if
    /// `claims.token_use` is not [`TokenUse::Id`], if an attribute claim has
    /// the name of a registered claim (it would duplicate a JSON member; both
    /// are caller bugs), or if the signature fails.
    pub fn sign_id(&self, claims: &IdClaims) -> Result<String> {
        if claims.token_use != TokenUse::Id {
            return Err(Error::internal("An ID token must have token_use \"id\"."));
        }
        if let Some(name) = ID_NAMED_CLAIMS
            .iter()
            .find(|name| claims.attributes.contains_key(**name))
        {
            return Err(Error::internal(format!(
                "The ID token attribute claim {name} would duplicate a registered claim."
            )));
        }
        self.id.sign(&self.rng, claims)
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySet")
            .field("access_kid", &self.access.kid)
            .field("id_kid", &self.id.kid)
            .field("previous_kids", &self.previous_kids())
            .finish_non_exhaustive()
    }
}

/// A fresh RSA-2048 private key (e = 65537) in PKCS#8 DER.
///
/// ring cannot generate RSA keys (ARCHITECTURE.md, dependency facts); the
/// `rsa` crate does, with constant-time arithmetic, and hands over PKCS#8.
fn generate_pkcs8() -> Result<Zeroizing<Vec<u8>>> {
    use rsa::pkcs8::EncodePrivateKey as _;

    let key = rsa::PrivateKey::new(&mut OsRandom, GENERATED_KEY_BITS)
        .map_err(|_| Error::internal("Could not generate an RSA key."))?;
    let der = key
        .to_pkcs8_der()
        .map_err(|_| Error::internal("Could not encode an RSA key."))?;
    Ok(Zeroizing::new(der.as_bytes().to_vec()))
}

/// The crate's OS randomness (`crate::random`) as the `rand_core` 0.10 RNG
/// the `rsa` crate takes, so key generation draws from the same source as
/// every other secret and needs no extra dependency.
struct OsRandom;

/// The OS random number generator failed.
#[derive(Debug)]
struct OsRandomFailed;

impl fmt::Display for OsRandomFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the system random number generator failed")
    }
}

impl std::error::Error for OsRandomFailed {}

impl rsa::rand_core::TryRng for OsRandom {
    type Error = OsRandomFailed;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        crate::random::fill(dst).map_err(|_| OsRandomFailed)
    }
}

// The OS CSPRNG is cryptographically secure.
impl rsa::rand_core::TryCryptoRng for OsRandom {}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
pub(crate) mod tests {
    use std::sync::OnceLock;

    use super::*;

    /// Three key sets, generated once per test process (RSA keygen is slow).
    pub(crate) fn shared_keys() -> &'static [KeySet; 3] {
        static KEYS: OnceLock<[KeySet; 3]> = OnceLock::new();
        KEYS.get_or_init(|| {
            std::thread::scope(|s| {
                let handles = [0, 1, 2].map(|_| s.spawn(|| KeySet::generate().unwrap()));
                handles.map(|h| h.join().unwrap())
            })
        })
    }

    #[test]
    fn kids_have_the_shape_of_cognito_kids() {
        let keys = &shared_keys()[0];
        for kid in [keys.access_kid(), keys.id_kid()] {
            assert_eq!(kid.len(), 44);
            assert!(kid.ends_with('='));
            assert!(STANDARD.decode(kid).is_ok());
        }
        assert_ne!(keys.access_kid(), keys.id_kid());
    }

    #[test]
    fn generated_keys_are_rsa_2048_with_exponent_65537() {
        let keys = &shared_keys()[0];
        let public: RsaPublicKeyComponents<Vec<u8>> = keys.access.pair.public().into();
        assert_eq!(public.n.len(), 256);
        assert_eq!(public.e, vec![1, 0, 1]);
    }

    #[test]
    fn export_and_reload_keeps_the_kids() {
        let keys = &shared_keys()[0];
        let (access, id) = keys.export_pkcs8();
        let reloaded = KeySet::from_pkcs8(&access, &id).unwrap();
        assert_eq!(reloaded.access_kid(), keys.access_kid());
        assert_eq!(reloaded.id_kid(), keys.id_kid());
    }

    #[test]
    fn the_same_key_twice_is_refused() {
        let (access, _) = shared_keys()[0].export_pkcs8();
        let err = KeySet::from_pkcs8(&access, &access).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidParameter);
    }

    #[test]
    fn garbage_is_not_a_key() {
        let err = KeySet::from_pkcs8(b"not a key", b"neither").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidParameter);
    }

    #[test]
    fn rotation_keeps_exactly_one_previous_generation() {
        let [a, b, c] = shared_keys();
        let mut keys = a.clone();
        assert_eq!(keys.previous_kids(), None);
        keys.rotate(b.clone());
        assert_eq!(keys.access_kid(), b.access_kid());
        assert_eq!(keys.previous_kids(), Some((a.access_kid(), a.id_kid())));
        keys.rotate(c.clone());
        assert_eq!(keys.previous_kids(), Some((b.access_kid(), b.id_kid())));
        let (prev_access, _) = keys.export_previous_pkcs8().unwrap();
        assert_eq!(prev_access, b.export_pkcs8().0);
    }

    #[test]
    fn jwks_lists_current_then_previous_keys_in_member_order() {
        let [a, b, _] = shared_keys();
        let mut keys = a.clone();
        keys.rotate(b.clone());
        let jwks = keys.jwks_json();
        let doc: serde_json::Value = serde_json::from_str(&jwks).unwrap();
        let kids: Vec<&str> = doc["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap())
            .collect();
        assert_eq!(
            kids,
            [b.access_kid(), b.id_kid(), a.access_kid(), a.id_kid()]
        );
        assert!(jwks.starts_with(r#"{"keys":[{"alg":"RS256","e":"AQAB","kid":""#));
        assert!(jwks.contains(r#"","kty":"RSA","n":""#));
        assert!(jwks.contains(r#"","use":"sig"}"#));
    }

    #[test]
    fn rotating_to_the_same_keys_does_not_duplicate_them() {
        let mut keys = shared_keys()[0].clone();
        keys.rotate(shared_keys()[0].clone());
        let doc: serde_json::Value = serde_json::from_str(&keys.jwks_json()).unwrap();
        assert_eq!(doc["keys"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn debug_prints_kids_and_no_key_material() {
        let keys = &shared_keys()[0];
        let debug = format!("{keys:?}");
        assert!(debug.contains(keys.access_kid()));
        assert!(debug.contains(keys.id_kid()));
        let (access, _) = keys.export_pkcs8();
        let modulus = URL_SAFE_NO_PAD.encode(&access[40..60]);
        assert!(!debug.contains(&modulus));
        assert!(debug.len() < 300);
    }

    #[test]
    fn header_is_kid_then_alg() {
        let keys = &shared_keys()[0];
        let header = URL_SAFE_NO_PAD.decode(&keys.access.header_b64).unwrap();
        assert_eq!(
            String::from_utf8(header).unwrap(),
            format!(r#"{{"kid":"{}","alg":"RS256"}}"#, keys.access_kid())
        );
    }
}

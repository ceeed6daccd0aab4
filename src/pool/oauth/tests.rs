//! Authorization codes and the grants that redeem them, against a pool on
//! a stopped clock.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use super::CodeGrant;
use super::code::{CODE_LIFETIME, decode, encode};
use crate::HashingParams;
use crate::client::{AppClientConfig, OAuthFlow};
use crate::clock::{ManualClock, Timestamp};
use crate::config::PoolConfig;
use crate::oauth::OAuthError;
use crate::oauth::client_auth::ClientCredentials;
use crate::oauth::pkce::s256_challenge;
use crate::pool::oauth::GrantError;
use crate::pool::{AdminCreateUserRequest, MessageAction, UserPool};
use crate::store::{EphemeralKey, EphemeralStore as _, MemoryStore};

const REDIRECT: &str = "https://app.example.com/cb";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

struct Fixture {
    pool: UserPool,
    clock: ManualClock,
    store: Arc<MemoryStore>,
    client: String,
    other: String,
    sub: String,
}

fn fixture() -> Fixture {
    let clock = ManualClock::new(Timestamp::from_unix_seconds(1_700_000_000));
    let store = Arc::new(MemoryStore::new());
    let pool = UserPool::builder(PoolConfig::builder("p").build().unwrap())
        .pool_id("us-east-1_OAuthUnit")
        .store(store.clone())
        .clock(Arc::new(clock.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(crate::token::shared_keys()[0].clone())
        .build()
        .unwrap();
    let web = |name: &str| {
        AppClientConfig::builder(name)
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Code])
            .allowed_oauth_scopes(["openid", "email"])
            .callback_urls([REDIRECT])
            .default_redirect_uri(REDIRECT)
            .build()
            .unwrap()
    };
    let client = pool.create_user_pool_client(web("web")).unwrap();
    let other = pool.create_user_pool_client(web("other")).unwrap();
    let user = pool
        .admin_create_user(
            AdminCreateUserRequest::new("alice").message_action(MessageAction::Suppress),
        )
        .unwrap();
    let sub = user
        .attributes
        .iter()
        .find(|a| a.name == "sub")
        .map(|a| a.value.clone())
        .unwrap();
    Fixture {
        pool,
        clock,
        store,
        client: client.id().to_owned(),
        other: other.id().to_owned(),
        sub,
    }
}

impl Fixture {
    fn grant(&self, challenge: Option<String>) -> CodeGrant {
        CodeGrant {
            client_id: self.client.clone(),
            redirect_uri: REDIRECT.to_owned(),
            redirect_defaulted: false,
            scopes: vec!["openid".to_owned(), "email".to_owned()],
            nonce: Some("n-0S6_WzA2Mj".to_owned()),
            code_challenge: challenge,
            username: "alice".to_owned(),
            sub: self.sub.clone(),
            auth_time: self.clock_now(),
        }
    }

    fn clock_now(&self) -> Timestamp {
        crate::clock::Clock::now(&self.clock)
    }

    fn redeem(
        &self,
        client: &str,
        code: &str,
        redirect: Option<&str>,
        verifier: Option<&str>,
    ) -> Result<super::OAuthTokens, OAuthError> {
        let credentials = ClientCredentials {
            client_id: client.to_owned(),
            client_secret: None,
            basic: false,
        };
        self.pool
            .authorization_code_grant(&credentials, Some(code), redirect, verifier)
            .map_err(|e| match e {
                GrantError::OAuth(o) => o,
                GrantError::Engine(e) => panic!("engine error {e}"),
            })
    }
}

#[test]
fn a_code_is_a_lowercase_uuid_stored_only_as_its_digest() {
    let f = fixture();
    let code = f.pool.issue_authorization_code(&f.grant(None)).unwrap();
    assert_eq!(code.len(), 36);
    assert_eq!(code.as_bytes()[14], b'4');
    assert!(
        code.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-')
    );
    let digest = super::code::sha256(&code);
    let record = f
        .store
        .get_ephemeral(f.pool.id(), &EphemeralKey::AuthorizationCode { digest })
        .unwrap()
        .unwrap();
    assert_eq!(
        record.expires_at,
        f.clock_now().saturating_add(CODE_LIFETIME)
    );
    assert!(
        !record
            .data
            .windows(code.len())
            .any(|w| w == code.as_bytes())
    );
    assert!(
        !record
            .data
            .windows(REDIRECT.len())
            .any(|w| w == REDIRECT.as_bytes())
    );
}

#[test]
fn a_code_redeems_once_with_its_scopes_and_nonce() {
    let f = fixture();
    let code = f.pool.issue_authorization_code(&f.grant(None)).unwrap();
    let tokens = f.redeem(&f.client, &code, Some(REDIRECT), None).unwrap();
    assert!(tokens.refresh_token.is_some());
    let id = tokens.id_token.as_deref().unwrap();
    let verifier = f.pool.signing().verifier;
    let id = verifier
        .verify_id(id, Some(&f.client), f.clock_now())
        .unwrap();
    assert_eq!(
        id.attributes.get("nonce"),
        Some(&serde_json::json!("n-0S6_WzA2Mj"))
    );
    let access = verifier
        .verify_access(&tokens.access_token, Some(&f.client), f.clock_now())
        .unwrap();
    assert_eq!(access.scope, "openid email");
    assert_eq!(access.extra.get("version"), Some(&serde_json::json!(2)));
    assert_eq!(
        id.attributes.get("at_hash"),
        Some(&serde_json::json!(crate::pool::auth::at_hash(
            &tokens.access_token
        )))
    );
    assert_eq!(
        f.redeem(&f.client, &code, Some(REDIRECT), None).err(),
        Some(OAuthError::InvalidGrant)
    );
}

#[test]
fn a_code_expires_after_300_seconds() {
    let f = fixture();
    let code = f.pool.issue_authorization_code(&f.grant(None)).unwrap();
    f.clock.advance(Duration::from_secs(299));
    assert!(f.redeem(&f.client, &code, Some(REDIRECT), None).is_ok());
    let code = f.pool.issue_authorization_code(&f.grant(None)).unwrap();
    f.clock.advance(Duration::from_secs(300));
    assert_eq!(
        f.redeem(&f.client, &code, Some(REDIRECT), None).err(),
        Some(OAuthError::InvalidGrant)
    );
}

#[test]
fn wrong_client_redirect_or_verifier_is_invalid_grant_and_burns_the_code() {
    let f = fixture();
    let challenge = Some(s256_challenge(VERIFIER));
    let cases: [(&str, Option<&str>, Option<&str>); 5] = [
        (&f.other, Some(REDIRECT), Some(VERIFIER)),
        (
            &f.client,
            Some("https://app.example.com/cb/"),
            Some(VERIFIER),
        ),
        (&f.client, Some(REDIRECT), None),
        (
            &f.client,
            Some(REDIRECT),
            Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXe"),
        ),
        (&f.client, Some(REDIRECT), Some("short")),
    ];
    for (client, redirect, verifier) in cases {
        let code = f
            .pool
            .issue_authorization_code(&f.grant(challenge.clone()))
            .unwrap();
        assert_eq!(
            f.redeem(client, &code, redirect, verifier).err(),
            Some(OAuthError::InvalidGrant),
            "{client} {redirect:?} {verifier:?}"
        );
        // The failed exchange took the code: the right one fails too.
        assert_eq!(
            f.redeem(&f.client, &code, Some(REDIRECT), Some(VERIFIER))
                .err(),
            Some(OAuthError::InvalidGrant)
        );
    }
    let code = f
        .pool
        .issue_authorization_code(&f.grant(challenge))
        .unwrap();
    assert!(
        f.redeem(&f.client, &code, Some(REDIRECT), Some(VERIFIER))
            .is_ok()
    );
}

#[test]
fn a_verifier_for_a_code_without_challenge_is_invalid_grant() {
    let f = fixture();
    let code = f.pool.issue_authorization_code(&f.grant(None)).unwrap();
    assert_eq!(
        f.redeem(&f.client, &code, Some(REDIRECT), Some(VERIFIER))
            .err(),
        Some(OAuthError::InvalidGrant)
    );
}

#[test]
fn a_defaulted_redirect_may_be_omitted_a_sent_one_may_not() {
    let f = fixture();
    let mut grant = f.grant(None);
    grant.redirect_defaulted = true;
    let code = f.pool.issue_authorization_code(&grant).unwrap();
    assert!(f.redeem(&f.client, &code, None, None).is_ok());
    let code = f.pool.issue_authorization_code(&f.grant(None)).unwrap();
    assert_eq!(
        f.redeem(&f.client, &code, None, None).err(),
        Some(OAuthError::InvalidGrant)
    );
}

#[test]
fn concurrent_redemptions_have_exactly_one_winner() {
    let f = Arc::new(fixture());
    for _ in 0..5 {
        let code = f.pool.issue_authorization_code(&f.grant(None)).unwrap();
        let barrier = Arc::new(Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (f, code, barrier) = (f.clone(), code.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    f.redeem(&f.client, &code, Some(REDIRECT), None).is_ok()
                })
            })
            .collect();
        let wins = handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|w| *w)
            .count();
        assert_eq!(wins, 1);
    }
}

#[test]
fn grants_round_trip_and_oversized_ones_are_refused() {
    let f = fixture();
    let allowed = vec!["openid".to_owned(), "email".to_owned()];
    let grant = f.grant(Some(s256_challenge(VERIFIER)));
    let data = encode(&grant, &allowed, f.clock_now()).unwrap();
    let back = decode(&data).unwrap();
    assert_eq!(back.scopes(&allowed), Some(grant.scopes.clone()));
    assert_eq!(back.nonce, grant.nonce);
    assert_eq!(back.code_challenge, grant.code_challenge);
    assert_eq!(
        (back.username.as_str(), back.sub.as_str()),
        ("alice", f.sub.as_str())
    );
    // Scopes whose client list changed no longer read back.
    assert_eq!(
        back.scopes(&["email".to_owned(), "openid".to_owned()]),
        None
    );
    // A nonce too long to remember is refused, not truncated.
    let mut long = grant.clone();
    long.nonce = Some("n".repeat(1000));
    let e = encode(&long, &allowed, f.clock_now()).unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::InvalidParameter);
    assert!(
        e.message().contains("send a shorter nonce"),
        "{}",
        e.message()
    );
    // A long redirect URI fits: only its digest is kept.
    let mut far = grant;
    far.redirect_uri = format!("https://app.example.com/{}", "p".repeat(1000));
    assert!(encode(&far, &allowed, f.clock_now()).is_ok());
}

//! App clients (`crate::client`) and the sign-in lockout
//! (`crate::lockout`), through their crate-wide interfaces.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use crate::client::{
    AppClient, AppClientConfig, AuthFlow, ClientSecret, PreventUserExistenceErrors,
    RefreshTokenRotation, TokenUnit, TokenValidity, TokenValidityUnits, check_client_secret,
    check_secret_hash, secret_hash,
};
use crate::lockout::{self, Decision, LockoutState};
use crate::{ErrorCode, Timestamp};

/// The `SECRET_HASH` example of cognito-protocol.md §2, whose value the
/// document verified against pycognito's `get_secret_hash` (NabuCasa/pycognito
/// `pycognito/aws_srp.py`), the formula of the Cognito developer guide's
/// "Computing secret hash values".
const KAT_SECRET: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
const KAT_CLIENT_ID: &str = "1example23456789";
const KAT_USERNAME: &str = "alice";
const KAT_SECRET_HASH: &str = "WozKlcsNn42vw+GNgYnkjUawOBKW3mhoGnHQ4vT3VxA=";

const MIN: u64 = 60;
const DAY: u64 = 86_400;

fn kat_client() -> AppClient {
    let config = AppClientConfig::builder("web")
        .client_secret(ClientSecret::new(KAT_SECRET))
        .build()
        .unwrap();
    AppClient::from_parts(
        KAT_CLIENT_ID,
        config,
        Timestamp::UNIX_EPOCH,
        Timestamp::UNIX_EPOCH,
    )
    .unwrap()
}

fn public_client() -> AppClient {
    AppClient::new(
        AppClientConfig::builder("public").build().unwrap(),
        Timestamp::UNIX_EPOCH,
    )
    .unwrap()
}

fn validity(
    access: Option<(u32, TokenUnit)>,
    id: Option<(u32, TokenUnit)>,
    refresh: Option<(u32, TokenUnit)>,
) -> crate::Result<TokenValidity> {
    let mut b = TokenValidity::builder();
    if let Some((v, u)) = access {
        b = b.access_token(v, u);
    }
    if let Some((v, u)) = id {
        b = b.id_token(v, u);
    }
    if let Some((v, u)) = refresh {
        b = b.refresh_token(v, u);
    }
    b.build()
}

// --- SECRET_HASH -----------------------------------------------------------

#[test]
fn secret_hash_matches_the_known_answer_vector() {
    let hash = secret_hash(&ClientSecret::new(KAT_SECRET), KAT_USERNAME, KAT_CLIENT_ID);
    assert_eq!(hash, KAT_SECRET_HASH);
}

#[test]
fn the_right_secret_hash_is_accepted() {
    check_secret_hash(&kat_client(), KAT_USERNAME, Some(KAT_SECRET_HASH)).unwrap();
}

#[test]
fn a_missing_secret_hash_is_not_authorized() {
    let err = check_secret_hash(&kat_client(), KAT_USERNAME, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotAuthorized);
    assert_eq!(
        err.message(),
        "Client 1example23456789 is configured with secret but SECRET_HASH was not received"
    );
}

#[test]
fn a_wrong_secret_hash_is_not_authorized() {
    let client = kat_client();
    let other_user = secret_hash(&ClientSecret::new(KAT_SECRET), "bob", KAT_CLIENT_ID);
    let other_secret = secret_hash(
        &ClientSecret::new("zyxwvutsrqponmlkjihgfedcba9876543210"),
        KAT_USERNAME,
        KAT_CLIENT_ID,
    );
    for wrong in [
        other_user.as_str(),
        other_secret.as_str(),
        "",
        "not base64 at all",
        "wozklcsnn42vw+gngyynkjuawobkw3mhognhq4vt3vxa=",
    ] {
        let err = check_secret_hash(&client, KAT_USERNAME, Some(wrong)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotAuthorized);
        assert_eq!(
            err.message(),
            "Unable to verify secret hash for client 1example23456789"
        );
    }
    // The right hash for a different username is wrong for this one.
    assert!(check_secret_hash(&client, "bob", Some(KAT_SECRET_HASH)).is_err());
}

#[test]
fn a_client_without_a_secret_ignores_the_secret_hash() {
    let client = public_client();
    check_secret_hash(&client, KAT_USERNAME, None).unwrap();
    check_secret_hash(&client, KAT_USERNAME, Some(KAT_SECRET_HASH)).unwrap();
}

#[test]
fn raw_client_secret_check_for_revoke_token() {
    let client = kat_client();
    assert!(check_client_secret(&client, Some(KAT_SECRET)));
    assert!(!check_client_secret(&client, None));
    assert!(!check_client_secret(
        &client,
        Some("abcdefghijklmnopqrstuvwxyz0123456780")
    ));
    assert!(check_client_secret(&public_client(), None));
}

#[test]
fn generated_clients_have_cognito_shaped_ids_and_secrets() {
    let config = AppClientConfig::builder("confidential")
        .generate_secret(true)
        .build()
        .unwrap();
    let client = AppClient::new(config, Timestamp::UNIX_EPOCH).unwrap();
    let lower_alnum = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    assert_eq!(client.id().len(), 26);
    assert!(lower_alnum(client.id()));
    let secret = client.secret().unwrap();
    assert_eq!(secret.expose_secret().len(), 51);
    assert!(lower_alnum(secret.expose_secret()));
    assert_eq!(format!("{secret:?}"), "ClientSecret([redacted])");
    // The secret works for SECRET_HASH.
    let hash = secret_hash(secret, "carol", client.id());
    check_secret_hash(&client, "carol", Some(&hash)).unwrap();
}

#[test]
fn generate_secret_and_an_explicit_secret_cannot_be_combined() {
    let err = AppClientConfig::builder("web")
        .generate_secret(true)
        .client_secret(ClientSecret::new(KAT_SECRET))
        .build()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidParameter);
}

#[test]
fn explicit_secrets_must_be_24_to_64_word_characters() {
    let build = |s: String| {
        AppClientConfig::builder("web")
            .client_secret(ClientSecret::new(s))
            .build()
    };
    assert_eq!(
        build("a".repeat(23)).unwrap_err().code(),
        ErrorCode::InvalidParameter
    );
    assert!(build("a".repeat(24)).is_ok());
    assert!(build("A_+9".repeat(16)).is_ok());
    assert!(build("a".repeat(65)).is_err());
    assert!(build(format!("{}-", "a".repeat(30))).is_err());
}

// --- token validity ---------------------------------------------------------

#[test]
fn token_validity_defaults_are_an_hour_an_hour_and_thirty_days() {
    let v = TokenValidity::default();
    assert_eq!(v.access_token(), Duration::from_secs(60 * MIN));
    assert_eq!(v.id_token(), Duration::from_secs(60 * MIN));
    assert_eq!(v.refresh_token(), Duration::from_secs(30 * DAY));
    let config = AppClientConfig::builder("web").build().unwrap();
    assert_eq!(config.token_validity(), v);
    assert_eq!(
        TokenValidity::from_api(None, None, None, TokenValidityUnits::default()).unwrap(),
        v
    );
}

#[test]
fn a_number_without_units_is_hours_for_access_and_id_and_days_for_refresh() {
    let v =
        TokenValidity::from_api(Some(2), Some(3), Some(10), TokenValidityUnits::default()).unwrap();
    assert_eq!(v.access_token(), Duration::from_secs(2 * 3600));
    assert_eq!(v.id_token(), Duration::from_secs(3 * 3600));
    assert_eq!(v.refresh_token(), Duration::from_secs(10 * DAY));
}

#[test]
fn units_apply_to_their_own_member() {
    let units = TokenValidityUnits {
        access_token: Some(TokenUnit::Minutes),
        id_token: Some(TokenUnit::Seconds),
        refresh_token: Some(TokenUnit::Hours),
    };
    let v = TokenValidity::from_api(Some(30), Some(600), Some(2), units).unwrap();
    assert_eq!(v.access_token(), Duration::from_secs(30 * MIN));
    assert_eq!(v.id_token(), Duration::from_secs(600));
    assert_eq!(v.refresh_token(), Duration::from_secs(2 * 3600));
    // A unit without a value leaves the default lifetime.
    let v = TokenValidity::from_api(None, None, None, units).unwrap();
    assert_eq!(v, TokenValidity::DEFAULT);
}

#[test]
fn refresh_validity_zero_means_thirty_days() {
    for unit in [
        TokenUnit::Seconds,
        TokenUnit::Minutes,
        TokenUnit::Hours,
        TokenUnit::Days,
    ] {
        let v = validity(None, None, Some((0, unit))).unwrap();
        assert_eq!(v.refresh_token(), Duration::from_secs(30 * DAY));
    }
    let v = TokenValidity::from_api(None, None, Some(0), TokenValidityUnits::default()).unwrap();
    assert_eq!(v.refresh_token(), Duration::from_secs(30 * DAY));
}

#[test]
fn access_and_id_validity_range_is_five_minutes_to_one_day() {
    use TokenUnit::{Days, Hours, Minutes, Seconds};
    for (value, unit, ok) in [
        (4, Minutes, false),
        (299, Seconds, false),
        (5, Minutes, true),
        (300, Seconds, true),
        (24, Hours, true),
        (1, Days, true),
        (86_400, Seconds, true),
        (86_401, Seconds, false),
        (25, Hours, false),
        (2, Days, false),
        (0, Hours, false),
    ] {
        let access = validity(Some((value, unit)), None, None);
        let id = validity(None, Some((value, unit)), None);
        assert_eq!(access.is_ok(), ok, "access {value} {unit:?}");
        assert_eq!(id.is_ok(), ok, "id {value} {unit:?}");
        if !ok {
            let (a, i) = (access.unwrap_err(), id.unwrap_err());
            assert_eq!(a.code(), ErrorCode::InvalidParameter);
            assert_eq!(i.code(), ErrorCode::InvalidParameter);
            assert!(
                a.message().contains("AccessTokenValidity"),
                "{}",
                a.message()
            );
            assert!(i.message().contains("IdTokenValidity"), "{}", i.message());
        }
    }
}

#[test]
fn out_of_range_messages_name_the_member_and_the_range() {
    let err = validity(Some((4, TokenUnit::Minutes)), None, None).unwrap_err();
    assert_eq!(
        err.message(),
        "Invalid range for token validity: AccessTokenValidity must be between 5 minutes and \
         1 day, got 4 minutes."
    );
    let err = validity(None, None, Some((59, TokenUnit::Minutes))).unwrap_err();
    assert_eq!(
        err.message(),
        "Invalid range for token validity: RefreshTokenValidity must be between 60 minutes and \
         3650 days, got 59 minutes."
    );
}

#[test]
fn refresh_validity_range_is_sixty_minutes_to_3650_days() {
    use TokenUnit::{Days, Hours, Minutes, Seconds};
    for (value, unit, ok) in [
        (59, Minutes, false),
        (3599, Seconds, false),
        (60, Minutes, true),
        (1, Hours, true),
        (3650, Days, true),
        (3651, Days, false),
        (315_360_000, Seconds, true),
        (315_360_001, Seconds, false),
    ] {
        let r = validity(None, None, Some((value, unit)));
        assert_eq!(r.is_ok(), ok, "refresh {value} {unit:?}");
        if let Err(e) = r {
            assert_eq!(e.code(), ErrorCode::InvalidParameter);
            assert!(e.message().contains("RefreshTokenValidity"));
        }
    }
}

#[test]
fn durations_are_range_checked_too() {
    let (hour, day) = (Duration::from_secs(3600), Duration::from_secs(DAY));
    assert!(TokenValidity::new(hour, hour, day).is_ok());
    assert!(TokenValidity::new(Duration::from_secs(299), hour, day).is_err());
    assert!(TokenValidity::new(hour, day + Duration::from_secs(1), day).is_err());
    assert!(TokenValidity::new(hour, hour, Duration::ZERO).is_err());
}

#[test]
fn token_units_parse_from_their_wire_names() {
    assert_eq!("seconds".parse::<TokenUnit>().unwrap(), TokenUnit::Seconds);
    assert_eq!(TokenUnit::parse("days").unwrap(), TokenUnit::Days);
    assert_eq!(TokenUnit::Hours.as_str(), "hours");
    assert_eq!(
        TokenUnit::parse("weeks").unwrap_err().code(),
        ErrorCode::InvalidParameter
    );
}

// --- auth flows -------------------------------------------------------------

#[test]
fn default_flows_are_refresh_srp_and_custom() {
    let config = AppClientConfig::builder("web").build().unwrap();
    assert_eq!(
        config.explicit_auth_flows(),
        [
            AuthFlow::UserSrpAuth,
            AuthFlow::CustomAuth,
            AuthFlow::RefreshTokenAuth
        ]
    );
    assert!(config.allows(AuthFlow::RefreshTokenAuth));
    assert!(config.allows(AuthFlow::UserSrpAuth));
    assert!(config.allows(AuthFlow::CustomAuth));
    assert!(!config.allows(AuthFlow::UserPasswordAuth));
    assert!(!config.allows(AuthFlow::AdminUserPasswordAuth));
    assert!(!config.allows(AuthFlow::UserAuth));
    // An empty set is the same as none given.
    let empty = AppClientConfig::builder("web")
        .explicit_auth_flows([])
        .build()
        .unwrap();
    assert_eq!(empty.explicit_auth_flows(), config.explicit_auth_flows());
}

#[test]
fn allow_values_parse_and_round_trip() {
    for flow in AuthFlow::ALL {
        assert_eq!(AuthFlow::parse(flow.as_str()).unwrap(), flow);
        assert!(flow.as_str().starts_with("ALLOW_"));
    }
    let flows = AuthFlow::parse_list(&[
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
    ])
    .unwrap();
    assert_eq!(
        flows,
        [AuthFlow::UserPasswordAuth, AuthFlow::RefreshTokenAuth]
    );
    let config = AppClientConfig::builder("web")
        .explicit_auth_flows(flows)
        .build()
        .unwrap();
    assert!(config.allows(AuthFlow::UserPasswordAuth));
    assert!(!config.allows(AuthFlow::UserSrpAuth));
}

#[test]
fn legacy_values_map_to_their_allow_equivalents() {
    assert_eq!(
        AuthFlow::parse("ADMIN_NO_SRP_AUTH").unwrap(),
        AuthFlow::AdminUserPasswordAuth
    );
    assert_eq!(
        AuthFlow::parse("USER_PASSWORD_AUTH").unwrap(),
        AuthFlow::UserPasswordAuth
    );
    assert_eq!(
        AuthFlow::parse("CUSTOM_AUTH_FLOW_ONLY").unwrap(),
        AuthFlow::CustomAuth
    );
    let flows = AuthFlow::parse_list(&["USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"]).unwrap();
    assert_eq!(
        flows,
        [AuthFlow::UserPasswordAuth, AuthFlow::AdminUserPasswordAuth]
    );
}

#[test]
fn mixing_legacy_and_allow_values_is_refused() {
    let err = AuthFlow::parse_list(&["ADMIN_NO_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidParameter);
    assert!(err.message().contains("legacy"), "{}", err.message());
}

#[test]
fn unknown_flows_are_refused() {
    for bad in [
        "USER_SRP_AUTH",
        "allow_user_srp_auth",
        "ALLOW_EVERYTHING",
        "",
    ] {
        let err = AuthFlow::parse(bad).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter, "{bad}");
    }
    assert!(AuthFlow::parse_list(&["ALLOW_USER_SRP_AUTH", "NOPE"]).is_err());
}

// --- read and write attributes ----------------------------------------------

#[test]
fn default_read_attributes_are_every_standard_and_custom_attribute() {
    let config = AppClientConfig::builder("web").build().unwrap();
    assert!(config.read_attributes().is_none());
    for attr in [
        "sub",
        "email",
        "email_verified",
        "phone_number",
        "phone_number_verified",
        "address",
        "updated_at",
        "zoneinfo",
        "custom:plan",
    ] {
        assert!(config.can_read(attr), "{attr}");
    }
    for attr in [
        "dev:custom:secret",
        "dev:secret",
        "not_an_attribute",
        "Email",
    ] {
        assert!(!config.can_read(attr), "{attr}");
    }
}

#[test]
fn default_write_attributes_exclude_sub_verified_flags_and_dev_attributes() {
    let config = AppClientConfig::builder("web").build().unwrap();
    assert!(config.write_attributes().is_none());
    for attr in [
        "email",
        "phone_number",
        "name",
        "birthdate",
        "updated_at",
        "custom:plan",
    ] {
        assert!(config.can_write(attr), "{attr}");
    }
    for attr in [
        "sub",
        "email_verified",
        "phone_number_verified",
        "dev:custom:secret",
        "dev:secret",
        "not_an_attribute",
    ] {
        assert!(!config.can_write(attr), "{attr}");
    }
}

#[test]
fn configured_attribute_lists_are_exact_but_sub_and_dev_rules_hold() {
    let config = AppClientConfig::builder("web")
        .read_attributes(["email", "custom:plan", "dev:custom:secret"])
        .write_attributes(["email", "email_verified", "sub", "dev:custom:secret"])
        .build()
        .unwrap();
    assert_eq!(
        config.read_attributes(),
        Some(
            &[
                "email".to_owned(),
                "custom:plan".to_owned(),
                "dev:custom:secret".to_owned()
            ][..]
        )
    );
    assert!(config.can_read("email"));
    assert!(config.can_read("custom:plan"));
    assert!(config.can_read("sub"));
    assert!(!config.can_read("email_verified"));
    assert!(!config.can_read("name"));
    assert!(!config.can_read("dev:custom:secret"));

    assert!(config.can_write("email"));
    assert!(config.can_write("email_verified"));
    assert!(!config.can_write("name"));
    assert!(!config.can_write("sub"));
    assert!(!config.can_write("dev:custom:secret"));
}

// --- other settings ---------------------------------------------------------

#[test]
fn other_settings_default_as_cognito_does() {
    let config = AppClientConfig::builder("web").build().unwrap();
    assert_eq!(config.name(), "web");
    assert!(!config.generate_secret());
    assert!(!config.has_secret());
    assert_eq!(
        config.prevent_user_existence_errors(),
        PreventUserExistenceErrors::Legacy
    );
    assert!(config.enable_token_revocation());
    assert_eq!(config.auth_session_validity(), Duration::from_secs(3 * MIN));
    assert_eq!(config.auth_session_validity_minutes(), 3);
    assert_eq!(
        config.refresh_token_rotation(),
        RefreshTokenRotation::DISABLED
    );
    assert!(!config.refresh_token_rotation().is_enabled());
}

#[test]
fn auth_session_validity_is_three_to_fifteen_minutes() {
    for (minutes, ok) in [(2, false), (3, true), (15, true), (16, false)] {
        let r = AppClientConfig::builder("web")
            .auth_session_validity(minutes)
            .build();
        assert_eq!(r.is_ok(), ok, "{minutes}");
        if let Err(e) = r {
            assert_eq!(e.code(), ErrorCode::InvalidParameter);
            assert!(
                e.message().contains("authSessionValidity"),
                "{}",
                e.message()
            );
        }
    }
    let err = AppClientConfig::builder("web")
        .auth_session_validity(2)
        .build()
        .unwrap_err();
    assert_eq!(
        err.message(),
        "1 validation error detected: Value '2' at 'authSessionValidity' failed to satisfy \
         constraint: Member must have value greater than or equal to 3"
    );
}

#[test]
fn prevent_user_existence_errors_parses_its_wire_names() {
    assert_eq!(
        PreventUserExistenceErrors::parse("ENABLED").unwrap(),
        PreventUserExistenceErrors::Enabled
    );
    assert_eq!(PreventUserExistenceErrors::Legacy.as_str(), "LEGACY");
    assert!(PreventUserExistenceErrors::parse("enabled").is_err());
}

#[test]
fn refresh_token_rotation_grace_period_is_at_most_sixty_seconds() {
    let r = RefreshTokenRotation::enabled(0).unwrap();
    assert!(r.is_enabled());
    assert_eq!(r.retry_grace_period(), Duration::ZERO);
    assert!(RefreshTokenRotation::enabled(60).is_ok());
    assert_eq!(
        RefreshTokenRotation::enabled(61).unwrap_err().code(),
        ErrorCode::InvalidParameter
    );
}

// --- lockout ----------------------------------------------------------------

#[test]
fn lockout_follows_cognitos_schedule() {
    let mut now = Timestamp::from_unix_seconds(1_700_000_000);
    let mut state = LockoutState::default();
    for _ in 0..4 {
        assert_eq!(lockout::check(&state, now), Decision::Allowed);
        state = lockout::record_failure(&state, now);
    }
    // Failures 5, 6, 7, each made the moment the previous lock ends.
    for lock in [1, 2, 4] {
        assert_eq!(lockout::check(&state, now), Decision::Allowed);
        state = lockout::record_failure(&state, now);
        let until = now.saturating_add(Duration::from_secs(lock));
        assert_eq!(lockout::check(&state, now), Decision::Locked { until });
        // Refused attempts change nothing.
        assert_eq!(lockout::record_failure(&state, now), state);
        now = until;
    }
    let err = lockout::locked_error();
    assert_eq!(err.code(), ErrorCode::NotAuthorized);
    assert_eq!(err.message(), "Password attempts exceeded");

    state = lockout::record_success(&state, now);
    assert_eq!(state, LockoutState::default());
}

#[test]
fn lockout_resets_after_fifteen_idle_minutes() {
    let t0 = Timestamp::from_unix_seconds(1_700_000_000);
    let mut state = LockoutState::default();
    for _ in 0..4 {
        state = lockout::record_failure(&state, t0);
    }
    let later = t0.saturating_add(lockout::RESET_AFTER);
    state = lockout::record_failure(&state, later);
    assert_eq!(state.failures, 1);
    assert_eq!(lockout::check(&state, later), Decision::Allowed);
}

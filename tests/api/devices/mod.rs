//! Remembered devices through the pool (cognito-mfa-devices-passwordless.md
//! §3 steps 0, 4 and 7, §6): the key a sign-in is given, `ConfirmDevice`,
//! a remembered device skipping TOTP and signing in with device SRP (as
//! amazon-cognito-identity-js does, with `userpool::srp` doing its maths),
//! refresh bound to the device, and the status, listing and forgetting
//! operations with their refusals.
//!
//! The pool is the quickstart pool with `MfaConfiguration: OPTIONAL`, TOTP
//! on, and devices tracked with `ChallengeRequiredOnNewDevice: true`. Jane
//! has a verified authenticator and prefers it, so every sign-in that no
//! remembered device vouches for asks `SOFTWARE_TOKEN_MFA`.

mod flows;
mod operations;
mod rotation;
mod triggers;

use std::time::Duration;

use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::{DeviceConfiguration, MfaFactor, MfaMode, MfaSettings};
use userpool::internals::totp::{self, TotpKey};
use userpool::srp::{SrpClient, format_timestamp, generate_device_secret};
use userpool::{
    AuthResponse, AuthenticationResult, ChallengeName, Clock, ConfirmDeviceRequest,
    InitiateAuthRequest, MfaCaller, MfaPreference, MfaPreferences, NewDeviceMetadata,
    RespondToAuthChallengeRequest,
};

use super::common::{Harness, JANE, add_client, confirmed};
use crate::support::PASSWORD;
use crate::support::pools::quickstart_config;

const INCORRECT: &str = "Incorrect username or password.";
const DEVICE_DOES_NOT_EXIST: &str = "Device does not exist.";
const INVALID_REFRESH: &str = "Invalid Refresh Token";

/// A pool, its SRP-and-password client, and Jane's authenticator key.
struct Fixture {
    h: Harness,
    client: String,
    totp: TotpKey,
}

/// A device a sign-in was given, confirmed, with its secret.
struct RememberedDevice {
    key: String,
    group_key: String,
    password: String,
}

fn pool_with(devices: DeviceConfiguration) -> Fixture {
    let config = quickstart_config()
        .mfa(MfaSettings {
            mode: MfaMode::Optional,
            software_token: true,
            ..MfaSettings::default()
        })
        .device_configuration(Some(devices))
        .build()
        .unwrap();
    let h = Harness::new(config);
    let client = add_client(
        &h,
        AppClientConfig::builder("spa").explicit_auth_flows([
            AuthFlow::UserSrpAuth,
            AuthFlow::UserPasswordAuth,
            AuthFlow::AdminUserPasswordAuth,
            AuthFlow::RefreshTokenAuth,
        ]),
    )
    .id()
    .to_owned();
    confirmed(&h, JANE);
    let first = password_sign_in(&h, &client, None)
        .authentication_result
        .unwrap();
    let secret = h
        .pool
        .associate_software_token(MfaCaller::AccessToken(&first.access_token))
        .unwrap()
        .secret_code;
    let totp = TotpKey::from_secret_code(secret.expose_secret()).unwrap();
    let f = Fixture { h, client, totp };
    f.h.pool
        .verify_software_token(
            MfaCaller::AccessToken(&first.access_token),
            &f.code(),
            Some("phone"),
        )
        .unwrap();
    f.h.pool
        .set_user_mfa_preference(
            &first.access_token,
            MfaPreferences::new().with(MfaFactor::SoftwareToken, MfaPreference::new(true, true)),
        )
        .unwrap();
    f
}

/// Devices tracked, remembered at once, and a remembered device skips MFA.
fn fixture() -> Fixture {
    pool_with(DeviceConfiguration {
        challenge_required_on_new_device: true,
        device_only_remembered_on_user_prompt: false,
    })
}

impl Fixture {
    /// The TOTP code of the next 30-second step (the clock moves there, so
    /// no code is used twice).
    fn code(&self) -> String {
        self.h.clock.advance(Duration::from_secs(30));
        let secs = u64::try_from(self.h.clock.now().unix_seconds()).unwrap();
        String::from_utf8(totp::code_at(self.totp.expose_secret(), secs).to_vec()).unwrap()
    }

    /// Answers a `SOFTWARE_TOKEN_MFA` challenge with a fresh code.
    fn answer_totp(&self, challenge: &AuthResponse) -> AuthResponse {
        assert_eq!(
            challenge.challenge_name,
            Some(ChallengeName::SoftwareTokenMfa)
        );
        self.h
            .pool
            .respond_to_auth_challenge(
                RespondToAuthChallengeRequest::new(
                    &self.client,
                    ChallengeName::SoftwareTokenMfa,
                    challenge.session.clone(),
                )
                .response("USERNAME", JANE)
                .response("SOFTWARE_TOKEN_MFA_CODE", self.code()),
            )
            .unwrap()
    }

    /// A password sign-in with TOTP, without a device key: tokens and a
    /// new device key.
    fn sign_in_with_totp(&self) -> (AuthenticationResult, NewDeviceMetadata) {
        let challenge = password_sign_in(&self.h, &self.client, None);
        let tokens = self.answer_totp(&challenge).authentication_result.unwrap();
        let metadata = tokens.new_device_metadata.clone().unwrap();
        (tokens, metadata)
    }

    /// A new device, confirmed with a fresh secret (`DeviceName` `phone`).
    fn remembered_device(&self) -> (AuthenticationResult, RememberedDevice) {
        let (tokens, metadata) = self.sign_in_with_totp();
        let (password, verifier) =
            generate_device_secret(&metadata.device_group_key, &metadata.device_key).unwrap();
        let necessary = self
            .h
            .pool
            .confirm_device(
                &ConfirmDeviceRequest::new(&tokens.access_token, &metadata.device_key, verifier)
                    .device_name("phone"),
            )
            .unwrap();
        assert!(!necessary);
        let device = RememberedDevice {
            key: metadata.device_key,
            group_key: metadata.device_group_key,
            password: password.to_string(),
        };
        (tokens, device)
    }

    /// `DEVICE_SRP_AUTH` then `DEVICE_PASSWORD_VERIFIER` (see [`device_srp`]).
    fn device_srp(
        &self,
        challenge: &AuthResponse,
        device: &RememberedDevice,
        password: &str,
    ) -> (
        userpool::Result<AuthResponse>,
        RespondToAuthChallengeRequest,
    ) {
        device_srp(&self.h, &self.client, challenge, device, password)
    }
}

/// `DEVICE_SRP_AUTH` then `DEVICE_PASSWORD_VERIFIER` for Jane's `device`
/// with `password`: the last answer's result, and that answer (to replay).
fn device_srp(
    h: &Harness,
    client: &str,
    challenge: &AuthResponse,
    device: &RememberedDevice,
    password: &str,
) -> (
    userpool::Result<AuthResponse>,
    RespondToAuthChallengeRequest,
) {
    assert_eq!(challenge.challenge_name, Some(ChallengeName::DeviceSrpAuth));
    let srp = SrpClient::new_random().unwrap();
    let verifier = h
        .pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                client,
                ChallengeName::DeviceSrpAuth,
                challenge.session.clone(),
            )
            .response("USERNAME", JANE)
            .response("DEVICE_KEY", &device.key)
            .response("SRP_A", srp.srp_a()),
        )
        .unwrap();
    assert_eq!(
        verifier.challenge_name,
        Some(ChallengeName::DevicePasswordVerifier)
    );
    let p = |k: &str| verifier.challenge_parameters[k].clone();
    let timestamp = format_timestamp(h.clock.now());
    let signature = srp
        .process_device_challenge(
            &device.group_key,
            &device.key,
            password,
            &p("SALT"),
            &p("SRP_B"),
            &p("SECRET_BLOCK"),
            &timestamp,
        )
        .unwrap();
    // A client that sent no session before sends none now either.
    let session = challenge.session.as_ref().and(verifier.session.clone());
    let answer =
        RespondToAuthChallengeRequest::new(client, ChallengeName::DevicePasswordVerifier, session)
            .response("USERNAME", p("USERNAME"))
            .response("DEVICE_KEY", &device.key)
            .response("PASSWORD_CLAIM_SECRET_BLOCK", p("SECRET_BLOCK"))
            .response("PASSWORD_CLAIM_SIGNATURE", signature)
            .response("TIMESTAMP", timestamp);
    (h.pool.respond_to_auth_challenge(answer.clone()), answer)
}

/// `USER_PASSWORD_AUTH` for Jane, with `DEVICE_KEY` when given.
fn password_sign_in(h: &Harness, client: &str, device_key: Option<&str>) -> AuthResponse {
    try_password_sign_in(h, client, device_key).unwrap()
}

fn try_password_sign_in(
    h: &Harness,
    client: &str,
    device_key: Option<&str>,
) -> userpool::Result<AuthResponse> {
    let mut request = InitiateAuthRequest::user_password(client, JANE, PASSWORD);
    if let Some(key) = device_key {
        request = request.param("DEVICE_KEY", key);
    }
    h.pool.initiate_auth(request)
}

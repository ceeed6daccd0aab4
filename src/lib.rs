#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

// The vocabulary callers name by module: pool definitions, app clients,
// attribute schemas, tokens, the SRP client, stores, Lambda triggers, the
// registry of pools and the wire codec.
pub mod client;
pub mod config;
pub mod oauth;
pub mod registry;
pub mod schema;
pub mod srp;
pub mod store;
pub mod token;
pub mod triggers;
pub mod wire;

// Everything else is reached through the re-exports below.
mod clock;
mod code;
mod error;
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
mod filter;
mod hex;
mod json;
mod lockout;
mod message;
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
mod password;
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
mod policy;
mod pool;
mod random;
mod seal;
mod secret;
// Software-token MFA (issue 13); the pool does not use it yet.
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub, dead_code))]
mod totp;

#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod internals;

pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use error::{Constraint, Error, ErrorCode, PolicyViolation, Result, Shown, Violation};
pub use message::{DeliveryError, DeliveryMedium, Message, MessageKind, MessageSender, Outbox};
pub use password::HashingParams;
pub use pool::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, AssociateSoftwareTokenResponse,
    AuthResponse, AuthenticationResult, ChallengeName, ChangePasswordRequest, CodeDeliveryDetails,
    ConfirmDeviceRequest, ConfirmForgotPasswordRequest, ConfirmSignUpRequest, Device, DevicePage,
    ForgotPasswordRequest, GetTokensFromRefreshTokenRequest, GetUserResponse, Group, GroupPage,
    GroupRequest, InitiateAuthRequest, ListUsersRequest, ListUsersResponse, MessageAction,
    MfaCaller, MfaPreference, MfaPreferences, NewDeviceMetadata, Parameters, RememberedStatus,
    ResealReport, ResendConfirmationCodeRequest, RespondToAuthChallengeRequest, RevokeTokenRequest,
    SignUpRequest, SignUpResponse, User, UserPage, UserPool, UserPoolBuilder,
    VerifySoftwareTokenResponse,
};
pub use secret::{Code, Password};
pub use store::SweepReport;
pub use store::records::UserStatus;
pub use totp::SecretCode;

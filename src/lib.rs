#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod client;
pub mod clock;
pub mod code;
pub mod config;
pub mod error;
pub mod filter;
mod hex;
mod json;
pub mod lockout;
pub mod message;
pub mod password;
pub mod policy;
mod pool;
mod random;
pub mod registry;
pub mod schema;
mod seal;
pub mod secret;
pub mod srp;
pub mod store;
pub mod token;
pub mod wire;

pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use config::PoolConfig;
pub use error::PolicyViolation;
pub use error::{Error, ErrorCode, Result};
pub use message::{MessageSender, Outbox};
pub use password::{HashingParams, PasswordHash, Verification};
pub use policy::PasswordPolicy;
pub use pool::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, AuthResponse, AuthenticationResult,
    ChallengeName, CodeDeliveryDetails, ConfirmForgotPasswordRequest, ConfirmSignUpRequest,
    ForgotPasswordRequest, GetTokensFromRefreshTokenRequest, GetUserResponse, Group, GroupPage,
    GroupRequest, InitiateAuthRequest, ListUsersRequest, ListUsersResponse, MessageAction,
    Parameters, ResendConfirmationCodeRequest, RespondToAuthChallengeRequest, RevokeTokenRequest,
    SignUpRequest, SignUpResponse, User, UserPage, UserPool, UserPoolBuilder,
};
pub use secret::{Code, Password};
pub use store::{MemoryStore, Store, UserStatus};

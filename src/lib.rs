#![doc = "userpool (docs pending)"]
#![forbid(unsafe_code)]

pub mod clock;
pub mod error;
mod hex;
pub mod policy;
mod random;
pub mod secret;

pub use error::{Error, ErrorCode, Result};
pub mod schema;
pub mod filter;
pub mod password;

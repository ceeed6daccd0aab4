//! Secret values: passwords and one-time codes.
//!
//! They zeroize their memory on drop, print as `[redacted]`, and implement
//! neither `Display` nor `Serialize`; reading one takes an explicit
//! `expose_secret()` call that is easy to find in review.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret string.
            #[must_use]
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself. Never log or print the result.
            #[must_use]
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }
    };
}

secret_string!(
    /// A plaintext password on its way to the policy check and the hasher.
    Password
);

secret_string!(
    /// A one-time code (confirmation, attribute verification, password reset)
    /// as the user typed it or as the pool generated it.
    Code
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let p = Password::new("1234Abcd^");
        let c = Code::new("123456");
        assert_eq!(format!("{p:?}"), "Password([redacted])");
        assert_eq!(format!("{c:?}"), "Code([redacted])");
        assert!(!format!("{p:?}{c:?}").contains("1234"));
    }
}

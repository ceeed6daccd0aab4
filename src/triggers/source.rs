//! Which trigger an event is for: the `LambdaConfig` key ([`Trigger`]) and
//! the exact `triggerSource` string ([`TriggerSource`]), cognito-triggers.md §1.4.

use std::fmt;

/// A Lambda trigger: one key of a pool's `LambdaConfig`.
///
/// [`Trigger::as_str`] is the key exactly as Cognito spells it, which is
/// also the name Cognito puts in front of a trigger's error messages
/// (`PreSignUp failed with error …`, cognito-triggers.md §4.1).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trigger {
    /// `PreSignUp`: may refuse, auto-confirm and auto-verify a new user.
    PreSignUp,
    /// `PostConfirmation`: told of a confirmed sign-up or a reset password.
    PostConfirmation,
    /// `PreAuthentication`: may refuse a sign-in before the password check.
    PreAuthentication,
    /// `PostAuthentication`: told of a sign-in; its failure fails the sign-in.
    PostAuthentication,
    /// `PreTokenGeneration` (or `PreTokenGenerationConfig`): edits token claims.
    PreTokenGeneration,
    /// `UserMigration`: creates an unknown user from an older directory.
    UserMigration,
    /// `CustomMessage`: rewrites the messages the pool sends.
    CustomMessage,
    /// `DefineAuthChallenge`: drives `CUSTOM_AUTH`.
    DefineAuthChallenge,
    /// `CreateAuthChallenge`: builds a `CUSTOM_CHALLENGE`.
    CreateAuthChallenge,
    /// `VerifyAuthChallengeResponse`: checks a `CUSTOM_CHALLENGE` answer.
    VerifyAuthChallengeResponse,
    /// `CustomEmailSender`: delivers emails in place of the pool.
    CustomEmailSender,
    /// `CustomSMSSender`: delivers SMS messages in place of the pool.
    CustomSmsSender,
    /// `InboundFederation`: maps a federated identity's attributes. Named
    /// for completeness; the library has no federation and no hook for it.
    InboundFederation,
}

impl Trigger {
    /// Every trigger, in `LambdaConfig`'s order.
    pub const ALL: [Self; 13] = [
        Self::PreSignUp,
        Self::CustomMessage,
        Self::PostConfirmation,
        Self::PreAuthentication,
        Self::PostAuthentication,
        Self::DefineAuthChallenge,
        Self::CreateAuthChallenge,
        Self::VerifyAuthChallengeResponse,
        Self::PreTokenGeneration,
        Self::UserMigration,
        Self::CustomSmsSender,
        Self::CustomEmailSender,
        Self::InboundFederation,
    ];

    /// The `LambdaConfig` key, exactly: `PreSignUp`, `CustomSMSSender`, …
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PreSignUp => "PreSignUp",
            Self::PostConfirmation => "PostConfirmation",
            Self::PreAuthentication => "PreAuthentication",
            Self::PostAuthentication => "PostAuthentication",
            Self::PreTokenGeneration => "PreTokenGeneration",
            Self::UserMigration => "UserMigration",
            Self::CustomMessage => "CustomMessage",
            Self::DefineAuthChallenge => "DefineAuthChallenge",
            Self::CreateAuthChallenge => "CreateAuthChallenge",
            Self::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            Self::CustomEmailSender => "CustomEmailSender",
            Self::CustomSmsSender => "CustomSMSSender",
            Self::InboundFederation => "InboundFederation",
        }
    }

    /// The trigger whose [`as_str`](Self::as_str) is `key`.
    #[must_use]
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == key)
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of [`Trigger`]s: the triggers a pool has configured.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TriggerSet(u16);

impl TriggerSet {
    /// No trigger at all: the pool behaves as one without `LambdaConfig`.
    pub const EMPTY: Self = Self(0);

    /// The set holding exactly `triggers`.
    #[must_use]
    pub fn of(triggers: &[Trigger]) -> Self {
        triggers.iter().fold(Self::EMPTY, |s, t| s.with(*t))
    }

    /// This set with `trigger` added.
    #[must_use]
    pub const fn with(self, trigger: Trigger) -> Self {
        Self(self.0 | trigger.bit())
    }

    /// Whether `trigger` is in the set.
    #[must_use]
    pub const fn contains(self, trigger: Trigger) -> bool {
        self.0 & trigger.bit() != 0
    }

    /// Whether the set is empty.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The triggers in the set, in [`Trigger::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Trigger> {
        Trigger::ALL.into_iter().filter(move |t| self.contains(*t))
    }
}

impl fmt::Debug for TriggerSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<Trigger> for TriggerSet {
    fn from_iter<T: IntoIterator<Item = Trigger>>(iter: T) -> Self {
        iter.into_iter().fold(Self::EMPTY, Self::with)
    }
}

macro_rules! sources {
    ($($(#[$doc:meta])* $variant:ident => $text:literal, $trigger:ident;)*) => {
        /// The `triggerSource` of an event: which trigger fires and why
        /// (cognito-triggers.md §1.4, §2).
        ///
        /// [`as_str`](Self::as_str) is Cognito's exact string;
        /// [`trigger`](Self::trigger) the `LambdaConfig` key it belongs to.
        #[non_exhaustive]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum TriggerSource {
            $($(#[$doc])* $variant,)*
        }

        impl TriggerSource {
            /// Every trigger source Cognito defines.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The exact `triggerSource` string, e.g. `PreSignUp_SignUp`.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)*
                }
            }

            /// The trigger (`LambdaConfig` key) this source fires.
            #[must_use]
            pub const fn trigger(self) -> Trigger {
                match self {
                    $(Self::$variant => Trigger::$trigger,)*
                }
            }
        }
    };
}

sources! {
    /// `PreSignUp_SignUp`: `SignUp`.
    PreSignUpSignUp => "PreSignUp_SignUp", PreSignUp;
    /// `PreSignUp_AdminCreateUser`: `AdminCreateUser` (the three flags are ignored).
    PreSignUpAdminCreateUser => "PreSignUp_AdminCreateUser", PreSignUp;
    /// `PreSignUp_ExternalProvider`: a federated first sign-in (not simulated).
    PreSignUpExternalProvider => "PreSignUp_ExternalProvider", PreSignUp;
    /// `PostConfirmation_ConfirmSignUp`: `(Admin)ConfirmSignUp`, or an auto-confirmed `SignUp`.
    PostConfirmationConfirmSignUp => "PostConfirmation_ConfirmSignUp", PostConfirmation;
    /// `PostConfirmation_ConfirmForgotPassword`: `ConfirmForgotPassword`.
    PostConfirmationConfirmForgotPassword => "PostConfirmation_ConfirmForgotPassword", PostConfirmation;
    /// `PreAuthentication_Authentication`: every sign-in flow, before the password check.
    PreAuthenticationAuthentication => "PreAuthentication_Authentication", PreAuthentication;
    /// `PostAuthentication_Authentication`: after a successful sign-in, before tokens.
    PostAuthenticationAuthentication => "PostAuthentication_Authentication", PostAuthentication;
    /// `TokenGeneration_HostedAuth`: tokens of the hosted sign-in (`code`
    /// and implicit grants).
    TokenGenerationHostedAuth => "TokenGeneration_HostedAuth", PreTokenGeneration;
    /// `TokenGeneration_Authentication`: tokens at the end of a sign-in.
    TokenGenerationAuthentication => "TokenGeneration_Authentication", PreTokenGeneration;
    /// `TokenGeneration_NewPasswordChallenge`: tokens after `NEW_PASSWORD_REQUIRED`.
    TokenGenerationNewPasswordChallenge => "TokenGeneration_NewPasswordChallenge", PreTokenGeneration;
    /// `TokenGeneration_AuthenticateDevice`: tokens after a device sign-in.
    TokenGenerationAuthenticateDevice => "TokenGeneration_AuthenticateDevice", PreTokenGeneration;
    /// `TokenGeneration_RefreshTokens`: tokens from a refresh token.
    TokenGenerationRefreshTokens => "TokenGeneration_RefreshTokens", PreTokenGeneration;
    /// `TokenGeneration_ClientCredentials`: a machine-to-machine token of the
    /// `client_credentials` grant; only `V3_0` functions are called for it.
    TokenGenerationClientCredentials => "TokenGeneration_ClientCredentials", PreTokenGeneration;
    /// `UserMigration_Authentication`: password sign-in of an unknown user.
    UserMigrationAuthentication => "UserMigration_Authentication", UserMigration;
    /// `UserMigration_ForgotPassword`: `ForgotPassword` of an unknown user.
    UserMigrationForgotPassword => "UserMigration_ForgotPassword", UserMigration;
    /// `CustomMessage_SignUp`: the sign-up code.
    CustomMessageSignUp => "CustomMessage_SignUp", CustomMessage;
    /// `CustomMessage_AdminCreateUser`: the invitation with a temporary password.
    CustomMessageAdminCreateUser => "CustomMessage_AdminCreateUser", CustomMessage;
    /// `CustomMessage_ResendCode`: a re-sent sign-up code.
    CustomMessageResendCode => "CustomMessage_ResendCode", CustomMessage;
    /// `CustomMessage_ForgotPassword`: a password reset code.
    CustomMessageForgotPassword => "CustomMessage_ForgotPassword", CustomMessage;
    /// `CustomMessage_UpdateUserAttribute`: a verification code after an update.
    CustomMessageUpdateUserAttribute => "CustomMessage_UpdateUserAttribute", CustomMessage;
    /// `CustomMessage_VerifyUserAttribute`: a verification code on request.
    CustomMessageVerifyUserAttribute => "CustomMessage_VerifyUserAttribute", CustomMessage;
    /// `CustomMessage_Authentication`: an MFA code.
    CustomMessageAuthentication => "CustomMessage_Authentication", CustomMessage;
    /// `DefineAuthChallenge_Authentication`: each step of `CUSTOM_AUTH`.
    DefineAuthChallengeAuthentication => "DefineAuthChallenge_Authentication", DefineAuthChallenge;
    /// `CreateAuthChallenge_Authentication`: a new `CUSTOM_CHALLENGE`.
    CreateAuthChallengeAuthentication => "CreateAuthChallenge_Authentication", CreateAuthChallenge;
    /// `VerifyAuthChallengeResponse_Authentication`: an answer to check.
    VerifyAuthChallengeResponseAuthentication => "VerifyAuthChallengeResponse_Authentication", VerifyAuthChallengeResponse;
    /// `CustomEmailSender_SignUp`.
    CustomEmailSenderSignUp => "CustomEmailSender_SignUp", CustomEmailSender;
    /// `CustomEmailSender_ResendCode`.
    CustomEmailSenderResendCode => "CustomEmailSender_ResendCode", CustomEmailSender;
    /// `CustomEmailSender_ForgotPassword`.
    CustomEmailSenderForgotPassword => "CustomEmailSender_ForgotPassword", CustomEmailSender;
    /// `CustomEmailSender_UpdateUserAttribute`.
    CustomEmailSenderUpdateUserAttribute => "CustomEmailSender_UpdateUserAttribute", CustomEmailSender;
    /// `CustomEmailSender_VerifyUserAttribute`.
    CustomEmailSenderVerifyUserAttribute => "CustomEmailSender_VerifyUserAttribute", CustomEmailSender;
    /// `CustomEmailSender_AdminCreateUser`.
    CustomEmailSenderAdminCreateUser => "CustomEmailSender_AdminCreateUser", CustomEmailSender;
    /// `CustomEmailSender_Authentication`.
    CustomEmailSenderAuthentication => "CustomEmailSender_Authentication", CustomEmailSender;
    /// `CustomEmailSender_AccountTakeOverNotification` (its `code` is `null`).
    CustomEmailSenderAccountTakeOverNotification => "CustomEmailSender_AccountTakeOverNotification", CustomEmailSender;
    /// `CustomSMSSender_SignUp`.
    CustomSmsSenderSignUp => "CustomSMSSender_SignUp", CustomSmsSender;
    /// `CustomSMSSender_ResendCode`.
    CustomSmsSenderResendCode => "CustomSMSSender_ResendCode", CustomSmsSender;
    /// `CustomSMSSender_ForgotPassword`.
    CustomSmsSenderForgotPassword => "CustomSMSSender_ForgotPassword", CustomSmsSender;
    /// `CustomSMSSender_UpdateUserAttribute`.
    CustomSmsSenderUpdateUserAttribute => "CustomSMSSender_UpdateUserAttribute", CustomSmsSender;
    /// `CustomSMSSender_VerifyUserAttribute`.
    CustomSmsSenderVerifyUserAttribute => "CustomSMSSender_VerifyUserAttribute", CustomSmsSender;
    /// `CustomSMSSender_AdminCreateUser`.
    CustomSmsSenderAdminCreateUser => "CustomSMSSender_AdminCreateUser", CustomSmsSender;
    /// `CustomSMSSender_Authentication`.
    CustomSmsSenderAuthentication => "CustomSMSSender_Authentication", CustomSmsSender;
    /// `InboundFederation_ExternalProvider` (not simulated: no federation).
    InboundFederationExternalProvider => "InboundFederation_ExternalProvider", InboundFederation;
}

impl TriggerSource {
    /// The source whose [`as_str`](Self::as_str) is `text`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for TriggerSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_round_trips_and_names_its_trigger_as_its_prefix() {
        assert_eq!(TriggerSource::ALL.len(), 41);
        for s in TriggerSource::ALL {
            assert_eq!(TriggerSource::parse(s.as_str()), Some(*s));
            let prefix = s.as_str().split('_').next().unwrap_or_default();
            let expected = match prefix {
                "TokenGeneration" => "PreTokenGeneration",
                other => other,
            };
            assert_eq!(s.trigger().as_str(), expected, "{s}");
        }
        assert_eq!(
            TriggerSource::parse("VerifyAuthChallenge_Authentication"),
            None
        );
    }

    #[test]
    fn sms_sender_is_spelt_as_cognitos_config_key() {
        assert_eq!(Trigger::CustomSmsSender.as_str(), "CustomSMSSender");
        assert_eq!(
            TriggerSource::CustomSmsSenderSignUp.as_str(),
            "CustomSMSSender_SignUp"
        );
        assert_eq!(
            Trigger::from_key("CustomSMSSender"),
            Some(Trigger::CustomSmsSender)
        );
        assert_eq!(Trigger::from_key("CustomSmsSender"), None);
    }

    #[test]
    fn a_set_holds_what_was_added() {
        let s = TriggerSet::of(&[Trigger::PreSignUp, Trigger::UserMigration]);
        assert!(s.contains(Trigger::PreSignUp));
        assert!(!s.contains(Trigger::CustomMessage));
        assert!(TriggerSet::EMPTY.is_empty());
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [Trigger::PreSignUp, Trigger::UserMigration]
        );
        assert_eq!(
            Trigger::ALL
                .iter()
                .copied()
                .collect::<TriggerSet>()
                .iter()
                .count(),
            13
        );
    }
}

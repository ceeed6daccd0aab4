//! The pool's Lambda triggers (`LambdaConfig`) and its feature plan
//! (`UserPoolTier`), as `CreateUserPool` and `UpdateUserPool` take them
//! (cognito-triggers.md §5, cognito-protocol.md §4.2).
//!
//! This module holds the definition only: which function each trigger
//! names, validated as Cognito validates it. Whether the engine calls them
//! is the pool's business ([`UserPool::builder`](crate::UserPool::builder)).

use crate::error::{Constraint, Error, ErrorCode, Result, Shown, Violation};

/// The `ArnType` pattern of Cognito's model, as its messages quote it.
pub(crate) const ARN_PATTERN: &str = "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?";
/// The shortest ARN the model accepts.
pub(crate) const ARN_MIN_LENGTH: usize = 20;
/// The longest ARN the model accepts.
pub(crate) const ARN_MAX_LENGTH: usize = 2048;

/// A user pool's feature plan (`UserPoolTier`).
///
/// New pools are on [`UserPoolTier::Essentials`], Cognito's default for
/// pools created since November 2024 (the `CreateUserPool` reference:
/// "Defaults to `ESSENTIALS`"). The engine simulates no feature that
/// depends on the plan except one refusal: PreTokenGeneration events of
/// version `V2_0` and `V3_0` need `ESSENTIALS` or `PLUS`, as in Cognito.
///
/// `UpdateUserPool` without `UserPoolTier` keeps the pool's plan. The model
/// says only that omitted settings return to their defaults; a plan is a
/// billing choice, which an update written before plans existed (or that
/// simply does not name one) should not downgrade. This is a choice, made
/// here and tested. (`LambdaConfig` left out of `UpdateUserPool`, by
/// contrast, removes every trigger, as Cognito documents.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UserPoolTier {
    /// `LITE`: the low-cost plan.
    Lite,
    /// `ESSENTIALS`: the default plan.
    #[default]
    Essentials,
    /// `PLUS`: Essentials with threat protection (`UserPoolAddOns` other
    /// than `OFF`, stored but not simulated).
    Plus,
}

impl UserPoolTier {
    /// Every plan, in the model's order.
    pub const ALL: [Self; 3] = [Self::Lite, Self::Essentials, Self::Plus];

    /// The plan's wire name: `LITE`, `ESSENTIALS` or `PLUS`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Lite => "LITE",
            Self::Essentials => "ESSENTIALS",
            Self::Plus => "PLUS",
        }
    }

    /// The plan whose wire name is `name`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// The version of the event a versioned trigger receives (`LambdaVersion`).
///
/// PreTokenGeneration takes all three; the custom senders and
/// InboundFederation take only [`LambdaVersion::V1_0`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LambdaVersion {
    /// `V1_0`: the original event (for PreTokenGeneration, ID-token claims
    /// only).
    V1_0,
    /// `V2_0`: PreTokenGeneration with access-token claims and scopes
    /// (ESSENTIALS or PLUS plan).
    V2_0,
    /// `V3_0`: V2_0, also for machine-to-machine (client credentials)
    /// tokens (ESSENTIALS or PLUS plan).
    V3_0,
}

impl LambdaVersion {
    /// Every version, in the model's order.
    pub const ALL: [Self; 3] = [Self::V1_0, Self::V2_0, Self::V3_0];

    /// The version's wire name: `V1_0`, `V2_0` or `V3_0`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V1_0 => "V1_0",
            Self::V2_0 => "V2_0",
            Self::V3_0 => "V3_0",
        }
    }

    /// The version whose wire name is `name`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == name)
    }
}

/// A trigger given as a function and the event version it takes
/// (`PreTokenGenerationConfig`, `CustomSMSSender`, `CustomEmailSender`,
/// `InboundFederation`: `{LambdaVersion, LambdaArn}`, both required).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionedLambda {
    /// The event version.
    pub lambda_version: LambdaVersion,
    /// The function's ARN.
    pub lambda_arn: String,
}

impl VersionedLambda {
    /// The function `lambda_arn`, called with events of `lambda_version`.
    #[must_use]
    pub fn new(lambda_version: LambdaVersion, lambda_arn: impl Into<String>) -> Self {
        Self {
            lambda_version,
            lambda_arn: lambda_arn.into(),
        }
    }
}

/// The pool's Lambda triggers (`LambdaConfig`): every member of Cognito's
/// `LambdaConfigType`, each unset by default.
///
/// Validated by [`PoolConfigBuilder::build`](super::PoolConfigBuilder::build):
///
/// * every ARN (`KMSKeyID` included) is 20–2048 characters and matches the
///   model's `ArnType` pattern
///   (`arn:aws:lambda:us-east-1:123456789012:function:my-fn[:alias]`);
///   otherwise `InvalidParameterException` with the model's
///   `N validation errors detected: Value '…' at 'lambdaConfig.preSignUp'
///   failed to satisfy constraint: …` message, every broken member listed;
/// * `CustomSMSSender`, `CustomEmailSender` and `InboundFederation` take
///   only `LambdaVersion` `V1_0` (the same model message, `Member must
///   satisfy enum value set: [V1_0]`);
/// * `PreTokenGeneration`, when given with `PreTokenGenerationConfig`, must
///   be its `LambdaArn` (`InvalidParameterException`:
///   `PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the
///   same function.`);
/// * a custom sender needs `KMSKeyID`, the key Cognito encrypts the codes
///   with (`InvalidParameterException`: `KMSKeyID is required when
///   CustomEmailSender or CustomSMSSender is set.`). The model does not say;
///   this follows cognito-triggers.md §5's recommendation, as a sender
///   could not decrypt a code without it;
/// * `PreTokenGenerationConfig` of `V2_0` or `V3_0` on the `LITE` plan is
///   `FeatureUnavailableInTierException`.
///
/// The configuration keeps both PreTokenGeneration forms in step, as
/// `DescribeUserPool` reports them (cognito-triggers.md §5 leaves the echo
/// undocumented; this is the choice it recommends): given only
/// `PreTokenGeneration`, the pool also has `PreTokenGenerationConfig
/// {LambdaVersion: V1_0}` of that function; given only
/// `PreTokenGenerationConfig`, it also has `PreTokenGeneration` set to its
/// `LambdaArn`.
///
/// ```
/// use userpool::config::{LambdaConfig, LambdaVersion, PoolConfig, VersionedLambda};
///
/// let mut lambda = LambdaConfig::default();
/// lambda.pre_token_generation_config = Some(VersionedLambda::new(
///     LambdaVersion::V2_0,
///     "arn:aws:lambda:us-east-1:123456789012:function:claims",
/// ));
/// let config = PoolConfig::builder("example").lambda_config(lambda).build()?;
/// assert_eq!(
///     config.lambda_config().pre_token_generation.as_deref(),
///     Some("arn:aws:lambda:us-east-1:123456789012:function:claims"),
/// );
/// # Ok::<(), userpool::Error>(())
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LambdaConfig {
    /// `PreSignUp`.
    pub pre_sign_up: Option<String>,
    /// `CustomMessage`.
    pub custom_message: Option<String>,
    /// `PostConfirmation`.
    pub post_confirmation: Option<String>,
    /// `PreAuthentication`.
    pub pre_authentication: Option<String>,
    /// `PostAuthentication`.
    pub post_authentication: Option<String>,
    /// `DefineAuthChallenge`.
    pub define_auth_challenge: Option<String>,
    /// `CreateAuthChallenge`.
    pub create_auth_challenge: Option<String>,
    /// `VerifyAuthChallengeResponse`.
    pub verify_auth_challenge_response: Option<String>,
    /// `PreTokenGeneration`: the legacy form of
    /// [`pre_token_generation_config`](Self::pre_token_generation_config)
    /// (always the same function once built).
    pub pre_token_generation: Option<String>,
    /// `UserMigration`.
    pub user_migration: Option<String>,
    /// `PreTokenGenerationConfig`: the function and event version
    /// (`V1_0`, `V2_0` or `V3_0`).
    pub pre_token_generation_config: Option<VersionedLambda>,
    /// `CustomSMSSender` (`V1_0` only).
    pub custom_sms_sender: Option<VersionedLambda>,
    /// `CustomEmailSender` (`V1_0` only).
    pub custom_email_sender: Option<VersionedLambda>,
    /// `KMSKeyID`: the ARN of the KMS key that encrypts the codes handed to
    /// the custom senders. Not a trigger.
    pub kms_key_id: Option<String>,
    /// `InboundFederation` (`V1_0` only).
    pub inbound_federation: Option<VersionedLambda>,
}

impl LambdaConfig {
    /// Whether no member is set (`LambdaConfig: {}`).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// The wire names and ARNs of the triggers set, in the model's order
    /// (`PreSignUp`, …, `InboundFederation`); `KMSKeyID`, which names a key
    /// and not a function, is not among them.
    #[must_use]
    pub fn triggers(&self) -> Vec<(&'static str, &str)> {
        fn versioned(v: Option<&VersionedLambda>) -> Option<&str> {
            v.map(|v| v.lambda_arn.as_str())
        }
        [
            ("PreSignUp", self.pre_sign_up.as_deref()),
            ("CustomMessage", self.custom_message.as_deref()),
            ("PostConfirmation", self.post_confirmation.as_deref()),
            ("PreAuthentication", self.pre_authentication.as_deref()),
            ("PostAuthentication", self.post_authentication.as_deref()),
            ("DefineAuthChallenge", self.define_auth_challenge.as_deref()),
            ("CreateAuthChallenge", self.create_auth_challenge.as_deref()),
            (
                "VerifyAuthChallengeResponse",
                self.verify_auth_challenge_response.as_deref(),
            ),
            ("PreTokenGeneration", self.pre_token_generation.as_deref()),
            ("UserMigration", self.user_migration.as_deref()),
            (
                "PreTokenGenerationConfig",
                versioned(self.pre_token_generation_config.as_ref()),
            ),
            (
                "CustomSMSSender",
                versioned(self.custom_sms_sender.as_ref()),
            ),
            (
                "CustomEmailSender",
                versioned(self.custom_email_sender.as_ref()),
            ),
            (
                "InboundFederation",
                versioned(self.inbound_federation.as_ref()),
            ),
        ]
        .into_iter()
        .filter_map(|(name, arn)| arn.map(|arn| (name, arn)))
        .collect()
    }

    /// Refuses what Cognito refuses (see the type's docs), except the plan
    /// check, which [`PoolConfigBuilder::build`](super::PoolConfigBuilder::build)
    /// makes.
    pub(crate) fn validate(&self) -> Result<()> {
        let mut violations = Vec::new();
        let plain = [
            ("preSignUp", &self.pre_sign_up),
            ("customMessage", &self.custom_message),
            ("postConfirmation", &self.post_confirmation),
            ("preAuthentication", &self.pre_authentication),
            ("postAuthentication", &self.post_authentication),
            ("defineAuthChallenge", &self.define_auth_challenge),
            ("createAuthChallenge", &self.create_auth_challenge),
            (
                "verifyAuthChallengeResponse",
                &self.verify_auth_challenge_response,
            ),
            ("preTokenGeneration", &self.pre_token_generation),
            ("userMigration", &self.user_migration),
        ];
        for (member, arn) in plain {
            if let Some(arn) = arn {
                check_arn(&mut violations, &format!("lambdaConfig.{member}"), arn);
            }
        }
        let versioned = [
            (
                "preTokenGenerationConfig",
                &self.pre_token_generation_config,
                &LambdaVersion::ALL[..],
            ),
            (
                "customSMSSender",
                &self.custom_sms_sender,
                &[LambdaVersion::V1_0][..],
            ),
            (
                "customEmailSender",
                &self.custom_email_sender,
                &[LambdaVersion::V1_0][..],
            ),
            (
                "inboundFederation",
                &self.inbound_federation,
                &[LambdaVersion::V1_0][..],
            ),
        ];
        for (member, lambda, allowed) in versioned {
            let Some(lambda) = lambda else { continue };
            if !allowed.contains(&lambda.lambda_version) {
                violations.push(Violation::new(
                    format!("lambdaConfig.{member}.lambdaVersion"),
                    Shown::Value(lambda.lambda_version.as_str().to_owned()),
                    Constraint::OneOf(allowed.iter().map(|v| v.as_str()).collect()),
                ));
            }
            check_arn(
                &mut violations,
                &format!("lambdaConfig.{member}.lambdaArn"),
                &lambda.lambda_arn,
            );
        }
        if let Some(key) = &self.kms_key_id {
            check_arn(&mut violations, "lambdaConfig.kMSKeyID", key);
        }
        if !violations.is_empty() {
            return Err(Error::validation(violations));
        }
        if let (Some(legacy), Some(config)) = (
            &self.pre_token_generation,
            &self.pre_token_generation_config,
        ) && *legacy != config.lambda_arn
        {
            return Err(Error::invalid_parameter(
                "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same \
                 function.",
            ));
        }
        if (self.custom_sms_sender.is_some() || self.custom_email_sender.is_some())
            && self.kms_key_id.is_none()
        {
            return Err(Error::invalid_parameter(
                "KMSKeyID is required when CustomEmailSender or CustomSMSSender is set.",
            ));
        }
        Ok(())
    }

    /// `FeatureUnavailableInTierException` when `tier` lacks a feature the
    /// triggers use: PreTokenGeneration `V2_0` / `V3_0` need `ESSENTIALS` or
    /// `PLUS`.
    pub(crate) fn check_tier(&self, tier: UserPoolTier) -> Result<()> {
        match &self.pre_token_generation_config {
            Some(c) if tier == UserPoolTier::Lite && c.lambda_version != LambdaVersion::V1_0 => {
                Err(token_version_unavailable(c.lambda_version.as_str()))
            }
            _ => Ok(()),
        }
    }

    /// Both PreTokenGeneration forms set whenever one is (validated first,
    /// so when both are given they already agree).
    pub(crate) fn normalized(mut self) -> Self {
        match (
            &self.pre_token_generation,
            &self.pre_token_generation_config,
        ) {
            (Some(arn), None) => {
                self.pre_token_generation_config =
                    Some(VersionedLambda::new(LambdaVersion::V1_0, arn.clone()));
            }
            (None, Some(config)) => self.pre_token_generation = Some(config.lambda_arn.clone()),
            _ => {}
        }
        self
    }
}

/// Adds the model's violations of `ArnType` by `arn`, at `member`.
pub(crate) fn check_arn(violations: &mut Vec<Violation>, member: &str, arn: &str) {
    let len = arn.chars().count();
    let shown = || {
        if len <= ARN_MAX_LENGTH {
            Shown::Value(arn.to_owned())
        } else {
            Shown::Hidden
        }
    };
    if !is_arn(arn) {
        violations.push(Violation::new(
            member,
            shown(),
            Constraint::Pattern {
                pattern: ARN_PATTERN,
                length: None,
            },
        ));
    }
    if len < ARN_MIN_LENGTH {
        violations.push(Violation::new(
            member,
            shown(),
            Constraint::MinLength(ARN_MIN_LENGTH as u64),
        ));
    } else if len > ARN_MAX_LENGTH {
        violations.push(Violation::new(
            member,
            shown(),
            Constraint::MaxLength(ARN_MAX_LENGTH as u64),
        ));
    }
}

/// Whether `s` matches [`ARN_PATTERN`] whole. The pattern's classes exclude
/// `:`, so it is six to eight `:`-separated fields: `arn`, two non-empty
/// fields, one possibly empty (the region), an account of digits, and one
/// to three non-empty fields.
pub(crate) fn is_arn(s: &str) -> bool {
    // `\w` in the model's (Java) pattern is ASCII `[a-zA-Z0-9_]`.
    let class = |c: char| c.is_ascii_alphanumeric() || "_+=/,.@-".contains(c);
    let field =
        |f: &str, may_be_empty: bool| (may_be_empty || !f.is_empty()) && f.chars().all(class);
    let fields: Vec<&str> = s.split(':').collect();
    (6..=8).contains(&fields.len())
        && fields[0] == "arn"
        && field(fields[1], false)
        && field(fields[2], false)
        && field(fields[3], true)
        && !fields[4].is_empty()
        && fields[4].chars().all(|c| c.is_ascii_digit())
        && fields[5..].iter().all(|f| field(f, false))
}

/// `FeatureUnavailableInTierException` for PreTokenGeneration events of
/// `version` (`V2_0`, `V3_0`) in a `LITE` pool, whether a `LambdaConfig` or
/// Rust hooks ask for them.
pub(crate) fn token_version_unavailable(version: &str) -> Error {
    Error::new(
        ErrorCode::FeatureUnavailableInTier,
        format!(
            "PreTokenGenerationConfig.LambdaVersion {version} is not available in the LITE \
             feature plan."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_match_the_model_pattern() {
        for good in [
            "arn:aws:lambda:us-east-1:123456789012:function:my-fn",
            "arn:aws:lambda:us-east-1:123456789012:function:my-fn:live",
            "arn:aws:lambda:us-east-1:123456789012:function:my-fn:3",
            "arn:aws-cn:kms:cn-north-1:1:key/1234abcd-12ab",
            "arn:aws:iam::123456789012:role/r",
        ] {
            assert!(is_arn(good), "{good}");
        }
        for bad in [
            "",
            "arn:aws:lambda:us-east-1:123456789012",
            "arn:aws:lambda:us-east-1:12x:function:f",
            "arn:aws:lambda:us-east-1::function:f",
            "arn::lambda:us-east-1:1:function:f",
            "urn:aws:lambda:us-east-1:1:function:f",
            "arn:aws:lambda:us-east-1:1:function:f:a:b",
            "arn:aws:lambda:us-east-1:1:function:f:",
            "arn:aws:lambda:us-east-1:1:function:f n",
            "arn:aws:lambda:us-east-1:1:function:fé",
        ] {
            assert!(!is_arn(bad), "{bad}");
        }
    }
}

//! The rules of a pool's user pool domains (cognito-oauth.md §1.2–§1.4):
//! what a domain name may be, which names are reserved, one prefix and one
//! custom domain per pool, and how a domain is stored with the pool's
//! definition. Rules that span pools (a name used once in the whole
//! registry, the custom-domain quota) are the [`Registry`]'s.
//!
//! [`Registry`]: crate::registry::Registry

use serde_json::{Map, Value, json};

use super::{DomainKind, PoolDomain};
use crate::error::{Constraint, Error, ErrorCode, Result, Shown, Violation};
use crate::json::{Members, Read};

/// The words no prefix domain may contain (cognito-oauth.md §1.2).
pub const RESERVED_DOMAIN_WORDS: [&str; 3] = ["aws", "amazon", "cognito"];

/// A prefix no domain may be because the local server serves its own path
/// under it (cognito-oauth.md §1.6, **Choice:** refused with the
/// reserved-word error).
pub const RESERVED_DOMAIN_NAMES: [&str; 1] = ["health"];

/// The most custom domains one account (here: one registry) may have
/// (cognito-oauth.md §1.2, the default quota).
pub const MAX_CUSTOM_DOMAINS: usize = 4;

/// The model pattern of `Domain` (`DomainType`).
const DOMAIN_PATTERN: &str = "^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$";

/// The model's `SecurityPolicy` values (`SecurityPolicyType`).
const SECURITY_POLICIES: [&str; 3] = ["TLS_V1", "TLS_V1_2_2021", "TLS_V1_3_2025"];

/// Whether `label` matches [`DOMAIN_PATTERN`] whole.
fn label_ok(label: &str) -> bool {
    let bytes = label.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
}

/// Whether `name` is a host name every label of which matches the prefix
/// pattern, at most 253 characters, with at least one dot.
fn fqdn_ok(name: &str) -> bool {
    name.len() <= 253 && name.contains('.') && name.split('.').all(label_ok)
}

/// `ManagedLoginVersion` as the engine keeps it.
///
/// **Choice** (cognito-oauth.md §1.2): a value other than `1` or `2` is
/// `InvalidParameterException` `ManagedLoginVersion must be 1 or 2.`
///
/// # Errors
/// `InvalidParameterException` for any other value.
pub fn managed_login_version(value: i64) -> Result<u8> {
    match value {
        1 => Ok(1),
        2 => Ok(2),
        _ => Err(Error::invalid_parameter(
            "ManagedLoginVersion must be 1 or 2.",
        )),
    }
}

impl PoolDomain {
    /// A domain of `kind` named `domain`, with `ManagedLoginVersion`
    /// `managed_login_version` and no `Version` yet (the registry stamps
    /// it when it stores the domain).
    #[must_use]
    pub fn new(domain: impl Into<String>, kind: DomainKind, managed_login_version: u8) -> Self {
        Self {
            domain: domain.into(),
            kind,
            managed_login_version,
            version: String::new(),
        }
    }

    /// Whether this is a custom domain.
    #[must_use]
    pub fn is_custom(&self) -> bool {
        matches!(self.kind, DomainKind::Custom { .. })
    }

    /// Checks the rules of `CreateUserPoolDomain` that concern the domain
    /// alone, in this order:
    ///
    /// 1. the model constraints, every violation listed in Cognito's
    ///    `N validation errors detected: …` form: a prefix matches
    ///    `^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$` and has 1–63
    ///    characters; `CustomDomainConfig.CertificateArn` is an ARN of
    ///    20–2048 characters; `SecurityPolicy` is `TLS_V1`,
    ///    `TLS_V1_2_2021` or `TLS_V1_3_2025`;
    /// 2. **Choice** (§1.2): a prefix with dots is
    ///    `CustomDomainConfig is required for a custom domain.` (instead of
    ///    the pattern violation), and a custom domain must be a host name
    ///    of at most 253 characters, with a dot, each label matching the
    ///    prefix pattern (`Invalid custom domain name: <name>.`);
    /// 3. a prefix containing a reserved word ([`RESERVED_DOMAIN_WORDS`],
    ///    or equal to one of [`RESERVED_DOMAIN_NAMES`]):
    ///    `Domain cannot contain reserved word: <word>`;
    /// 4. `ManagedLoginVersion` is 1 or 2.
    ///
    /// # Errors
    /// `InvalidParameterException` as listed.
    pub fn validate(&self) -> Result<()> {
        let mut violations = Vec::new();
        let name = self.domain.as_str();
        let dotted_prefix = !self.is_custom() && name.contains('.');
        if !self.is_custom() && !dotted_prefix {
            if !label_ok(name) {
                violations.push(Violation::new(
                    "domain",
                    Shown::Value(crate::json::truncate(name, 256)),
                    Constraint::Pattern {
                        pattern: DOMAIN_PATTERN,
                        length: None,
                    },
                ));
            }
            let len = name.chars().count();
            let length = if len == 0 {
                Some(Constraint::MinLength(1))
            } else if len > 63 {
                Some(Constraint::MaxLength(63))
            } else {
                None
            };
            if let Some(constraint) = length {
                violations.push(Violation::new(
                    "domain",
                    Shown::Value(crate::json::truncate(name, 256)),
                    constraint,
                ));
            }
        }
        if let DomainKind::Custom {
            certificate_arn,
            security_policy,
        } = &self.kind
        {
            super::lambda::check_arn(
                &mut violations,
                "customDomainConfig.certificateArn",
                certificate_arn,
            );
            if let Some(policy) = security_policy
                && !SECURITY_POLICIES.contains(&policy.as_str())
            {
                violations.push(Violation::new(
                    "customDomainConfig.securityPolicy",
                    Shown::Value(crate::json::truncate(policy, 64)),
                    Constraint::OneOf(SECURITY_POLICIES.to_vec()),
                ));
            }
        }
        if !violations.is_empty() {
            return Err(Error::validation(violations));
        }
        if dotted_prefix {
            return Err(Error::invalid_parameter(
                "CustomDomainConfig is required for a custom domain.",
            ));
        }
        if self.is_custom() && !fqdn_ok(name) {
            return Err(Error::invalid_parameter(format!(
                "Invalid custom domain name: {}.",
                crate::json::truncate(name, 256)
            )));
        }
        if !self.is_custom() {
            let reserved = RESERVED_DOMAIN_WORDS
                .iter()
                .find(|w| name.contains(*w))
                .or_else(|| RESERVED_DOMAIN_NAMES.iter().find(|w| name == **w));
            if let Some(word) = reserved {
                return Err(Error::invalid_parameter(format!(
                    "Domain cannot contain reserved word: {word}"
                )));
            }
        }
        managed_login_version(i64::from(self.managed_login_version))?;
        Ok(())
    }
}

/// `FeatureUnavailableInTierException` for `ManagedLoginVersion` 2 in a
/// `LITE` pool (cognito-oauth.md §1.5; the text is unpublished and worded
/// like the engine's other plan refusals).
fn managed_login_unavailable() -> Error {
    Error::new(
        ErrorCode::FeatureUnavailableInTier,
        "ManagedLoginVersion 2 is not available in the LITE feature plan.",
    )
}

/// `InvalidParameterException` `User pool already has a domain configured.`
/// (cognito-oauth.md §1.2, observed).
const ALREADY_HAS_DOMAIN: &str = "User pool already has a domain configured.";

/// `ResourceNotFoundException` for a domain no pool has. **Choice** (the
/// live text is unpublished): `Domain <name> does not exist.`
pub(crate) fn domain_not_found(name: &str) -> Error {
    Error::new(
        ErrorCode::ResourceNotFound,
        format!(
            "Domain {} does not exist.",
            crate::json::truncate(name, 256)
        ),
    )
}

/// `InvalidParameterException` for a domain of another pool.
/// **Choice** (§1.4): `Domain <name> is not associated with user pool <id>.`
pub(crate) fn domain_of_another_pool(name: &str, pool_id: &str) -> Error {
    Error::invalid_parameter(format!(
        "Domain {} is not associated with user pool {pool_id}.",
        crate::json::truncate(name, 256)
    ))
}

impl super::PoolConfig {
    /// The pool's prefix domain, if it has one.
    #[must_use]
    pub fn prefix_domain(&self) -> Option<&PoolDomain> {
        self.domains().iter().find(|d| !d.is_custom())
    }

    /// The pool's custom domain, if it has one.
    #[must_use]
    pub fn custom_domain(&self) -> Option<&PoolDomain> {
        self.domains().iter().find(|d| d.is_custom())
    }

    /// The pool's domain registered as exactly `name`, if any.
    #[must_use]
    pub fn domain(&self, name: &str) -> Option<&PoolDomain> {
        self.domains().iter().find(|d| d.domain == name)
    }

    /// This configuration with `domain` added (`CreateUserPoolDomain`'s
    /// rules for one pool).
    ///
    /// # Errors
    /// What [`PoolDomain::validate`] refuses; `FeatureUnavailableInTierException`
    /// for `ManagedLoginVersion` 2 in a `LITE` pool;
    /// `InvalidParameterException` `User pool already has a domain
    /// configured.` when the pool has a domain of the same kind.
    pub fn with_new_domain(&self, domain: PoolDomain) -> Result<Self> {
        domain.validate()?;
        if domain.managed_login_version == 2 && self.tier() == super::UserPoolTier::Lite {
            return Err(managed_login_unavailable());
        }
        let same_kind = if domain.is_custom() {
            self.custom_domain()
        } else {
            self.prefix_domain()
        };
        if same_kind.is_some() {
            return Err(Error::invalid_parameter(ALREADY_HAS_DOMAIN));
        }
        let mut next = self.clone();
        next.domains.push(domain);
        Ok(next)
    }

    /// This configuration with the domain `name` changed
    /// (`UpdateUserPoolDomain`): its `ManagedLoginVersion` when
    /// `managed_login_version` is given, its certificate and security
    /// policy when `custom` (a [`DomainKind::Custom`]) is, and its
    /// `Version` set to `version`. No renaming.
    ///
    /// # Errors
    /// `InvalidParameterException` when `managed_login_version` is not 1
    /// or 2, for `CustomDomainConfig` on a prefix domain (**Choice**, §1.4:
    /// `CustomDomainConfig cannot be set on a prefix domain.`), or for a
    /// bad certificate ARN or security policy (as [`PoolDomain::validate`]);
    /// `FeatureUnavailableInTierException` for version 2 in a `LITE` pool;
    /// `ResourceNotFoundException` when the pool has no domain `name`.
    pub fn with_updated_domain(
        &self,
        name: &str,
        managed_login_version: Option<u8>,
        custom: Option<DomainKind>,
        version: &str,
    ) -> Result<Self> {
        let mut next = self.clone();
        let Some(slot) = next.domains.iter_mut().find(|d| d.domain == name) else {
            return Err(domain_not_found(name));
        };
        if let Some(kind) = custom {
            if !slot.is_custom() {
                return Err(Error::invalid_parameter(
                    "CustomDomainConfig cannot be set on a prefix domain.",
                ));
            }
            slot.kind = kind;
        }
        if let Some(v) = managed_login_version {
            slot.managed_login_version = v;
        }
        slot.validate()?;
        if slot.managed_login_version == 2 && self.tier() == super::UserPoolTier::Lite {
            return Err(managed_login_unavailable());
        }
        version.clone_into(&mut slot.version);
        Ok(next)
    }

    /// This configuration without the domain `name`
    /// (`DeleteUserPoolDomain`).
    ///
    /// # Errors
    /// `ResourceNotFoundException` when the pool has no domain `name`.
    pub fn without_domain(&self, name: &str) -> Result<Self> {
        if self.domain(name).is_none() {
            return Err(domain_not_found(name));
        }
        let mut next = self.clone();
        next.domains.retain(|d| d.domain != name);
        Ok(next)
    }
}

/// `CustomDomainConfig` as the operations take it: `CertificateArn`
/// (required) and `SecurityPolicy`. Reads only; checks are
/// [`PoolDomain::validate`]'s.
pub(crate) fn read_custom_domain_config(m: &Members<'_>) -> Read<DomainKind> {
    let certificate_arn = m.str("CertificateArn")?.to_owned();
    let security_policy = m.opt_str("SecurityPolicy")?.map(str::to_owned);
    m.finish()?;
    Ok(DomainKind::Custom {
        certificate_arn,
        security_policy,
    })
}

/// `CustomDomainConfig` of `domain` as the answers show it: `{}` for a
/// prefix domain (observed), else the certificate and policy.
pub(crate) fn custom_domain_config_json(domain: &PoolDomain) -> Value {
    let mut out = Map::new();
    if let DomainKind::Custom {
        certificate_arn,
        security_policy,
    } = &domain.kind
    {
        out.insert("CertificateArn".into(), json!(certificate_arn));
        if let Some(policy) = security_policy {
            out.insert("SecurityPolicy".into(), json!(policy));
        }
    }
    Value::Object(out)
}

/// The pool's domains as a stored definition keeps them (an extra member,
/// like `ResourceServers`): `Domain`, `ManagedLoginVersion`, `Version` and,
/// for a custom domain, `CustomDomainConfig`.
pub(crate) fn stored_domains(domains: &[PoolDomain]) -> Value {
    domains
        .iter()
        .map(|d| {
            let mut m = Map::new();
            m.insert("Domain".into(), json!(d.domain));
            m.insert("ManagedLoginVersion".into(), json!(d.managed_login_version));
            m.insert("Version".into(), json!(d.version));
            if d.is_custom() {
                m.insert("CustomDomainConfig".into(), custom_domain_config_json(d));
            }
            Value::Object(m)
        })
        .collect()
}

/// One domain of a stored definition's `Domains` list, checked as
/// `CreateUserPoolDomain` checks it.
pub(crate) fn read_stored_domain(m: &Members<'_>) -> Read<PoolDomain> {
    let name = m.str("Domain")?.to_owned();
    let version = managed_login_version(m.opt_i64("ManagedLoginVersion")?.unwrap_or(1))?;
    let stamp = m.opt_str("Version")?.unwrap_or_default().to_owned();
    let kind = match m.opt_obj("CustomDomainConfig")? {
        Some(c) => read_custom_domain_config(&c)?,
        None => DomainKind::Prefix,
    };
    m.finish()?;
    let mut domain = PoolDomain::new(name, kind, version);
    domain.version = stamp;
    domain.validate()?;
    Ok(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(name: &str) -> PoolDomain {
        PoolDomain::new(name, DomainKind::Prefix, 1)
    }

    fn custom(name: &str) -> PoolDomain {
        PoolDomain::new(
            name,
            DomainKind::Custom {
                certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/abc".into(),
                security_policy: None,
            },
            1,
        )
    }

    #[test]
    fn prefix_names_follow_the_model_pattern() {
        for ok in ["a", "my-app", "0", &"a".repeat(63)] {
            assert!(prefix(ok).validate().is_ok(), "{ok}");
        }
        let e = prefix("My-App").validate().unwrap_err();
        assert_eq!(
            e.message(),
            "1 validation error detected: Value 'My-App' at 'domain' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: \
             ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"
        );
        for bad in ["-a", "a-", "a_b", ""] {
            assert_eq!(
                prefix(bad).validate().unwrap_err().code(),
                ErrorCode::InvalidParameter,
                "{bad}"
            );
        }
        let long = prefix(&"a".repeat(64)).validate().unwrap_err();
        assert!(long.message().starts_with("2 validation errors detected"));
        assert!(
            long.message()
                .ends_with("Member must have length less than or equal to 63")
        );
    }

    #[test]
    fn reserved_words_and_dotted_prefixes_are_refused() {
        for (name, word) in [
            ("my-aws-app", "aws"),
            ("amazonish", "amazon"),
            ("xcognitox", "cognito"),
            ("health", "health"),
        ] {
            assert_eq!(
                prefix(name).validate().unwrap_err().message(),
                format!("Domain cannot contain reserved word: {word}")
            );
        }
        assert!(prefix("healthy").validate().is_ok());
        assert_eq!(
            prefix("auth.example.com").validate().unwrap_err().message(),
            "CustomDomainConfig is required for a custom domain."
        );
        assert!(custom("auth.example.com").validate().is_ok());
        // Reserved words are for prefixes: a custom host name may hold them.
        assert!(custom("aws.example.com").validate().is_ok());
        for bad in ["example", "a..b", "Auth.example.com", "-a.example.com"] {
            assert_eq!(
                custom(bad).validate().unwrap_err().message(),
                format!("Invalid custom domain name: {bad}."),
            );
        }
    }

    #[test]
    fn versions_and_certificates_are_checked() {
        assert_eq!(managed_login_version(2).unwrap(), 2);
        for bad in [0, 3, -1, i64::MAX] {
            assert_eq!(
                managed_login_version(bad).unwrap_err().message(),
                "ManagedLoginVersion must be 1 or 2."
            );
        }
        let bad = PoolDomain::new(
            "auth.example.com",
            DomainKind::Custom {
                certificate_arn: "not-an-arn".into(),
                security_policy: Some("TLS_V9".into()),
            },
            1,
        );
        let e = bad.validate().unwrap_err();
        assert!(
            e.message().starts_with("3 validation errors detected"),
            "{}",
            e.message()
        );
        assert!(e.message().contains("'customDomainConfig.securityPolicy'"));
    }
}

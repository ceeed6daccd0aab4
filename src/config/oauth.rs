//! The OAuth side of a pool's configuration (cognito-oauth.md §1, §2): its
//! user pool domains and its resource servers with their custom scopes.

/// A resource server's custom scope (`ResourceServerScopeType`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResourceServerScope {
    /// `ScopeName`: 1–256 printable ASCII characters but space, `"`, `\`
    /// and `/`.
    pub name: String,
    /// `ScopeDescription`: 1–256 characters.
    pub description: String,
}

/// A resource server (`ResourceServerType`): an API whose custom scopes
/// app clients may be granted, as `<identifier>/<scope name>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResourceServer {
    /// `Identifier`, unique in the pool: 1–256 printable ASCII characters
    /// but space, `"` and `\` (URLs fit).
    pub identifier: String,
    /// `Name`: 1–256 characters of `[\w\s+=,.@-]`.
    pub name: String,
    /// `Scopes`, at most 100.
    pub scopes: Vec<ResourceServerScope>,
}

impl ResourceServer {
    /// Whether `scope` (`<identifier>/<name>`) is one of this server's.
    #[must_use]
    pub fn has_scope(&self, scope: &str) -> bool {
        scope
            .strip_prefix(self.identifier.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|name| self.scopes.iter().any(|s| s.name == name))
    }
}

/// The kind of a user pool domain (§1.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DomainKind {
    /// A prefix: served as `https://<prefix>.auth.<region>.amazoncognito.com`.
    Prefix,
    /// A custom host name, with its ACM certificate.
    Custom {
        /// `CustomDomainConfig.CertificateArn`.
        certificate_arn: String,
        /// `CustomDomainConfig.SecurityPolicy`, if given.
        security_policy: Option<String>,
    },
}

/// A user pool domain (`CreateUserPoolDomain`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PoolDomain {
    /// `Domain`: the prefix, or the custom host name, exactly as registered.
    pub domain: String,
    /// Prefix or custom.
    pub kind: DomainKind,
    /// `ManagedLoginVersion`: 1 (hosted UI classic) or 2 (managed login).
    pub managed_login_version: u8,
    /// `Version` of `DescribeUserPoolDomain`: when it was created or last
    /// updated, `yyyyMMddHHmmss`.
    pub version: String,
}

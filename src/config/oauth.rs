//! The OAuth side of a pool's configuration (cognito-oauth.md §1, §2): its
//! user pool domains and its resource servers with their custom scopes.

use serde_json::{Map, Value, json};

use crate::error::{Constraint, Error, Result, Shown, Violation};
use crate::json::{Members, Read};

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

/// The most resource servers a pool may have (cognito-oauth.md §2.1: the
/// default quota, 25; more is `LimitExceededException`).
pub const MAX_RESOURCE_SERVERS: usize = 25;

/// The most custom scopes one resource server may have (§2.1).
pub const MAX_SCOPES_PER_SERVER: usize = 100;

/// The model pattern of `Identifier` (`ResourceServerIdentifierType`).
const IDENTIFIER_PATTERN: &str = "[\\x21\\x23-\\x5B\\x5D-\\x7E]+";
/// The model pattern of `Name` (`ResourceServerNameType`).
const NAME_PATTERN: &str = "[\\w\\s+=,.@-]+";
/// The model pattern of `ScopeName` (`ResourceServerScopeNameType`).
const SCOPE_NAME_PATTERN: &str = "[\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+";

/// The violations of a 1–256-character member with a `+` pattern whose
/// characters `ok` accepts, in the order Cognito lists them: the pattern
/// (an empty value breaks it too), then the length.
fn check_pattern(
    out: &mut Vec<Violation>,
    member: &str,
    value: &str,
    pattern: &'static str,
    ok: impl Fn(char) -> bool,
) {
    let len = value.chars().count();
    if len == 0 || !value.chars().all(ok) {
        out.push(Violation::new(
            member,
            Shown::Value(value.to_owned()),
            Constraint::Pattern {
                pattern,
                length: None,
            },
        ));
    }
    check_length(out, member, value);
}

/// The length violation of a 1–256-character member, if any.
fn check_length(out: &mut Vec<Violation>, member: &str, value: &str) {
    let len = value.chars().count();
    let constraint = if len == 0 {
        Constraint::MinLength(1)
    } else if len > 256 {
        Constraint::MaxLength(256)
    } else {
        return;
    };
    out.push(Violation::new(
        member,
        Shown::Value(value.to_owned()),
        constraint,
    ));
}

/// Printable ASCII but space, `"` and `\`.
fn identifier_char(c: char) -> bool {
    matches!(c, '\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E')
}

impl ResourceServer {
    /// Checks the model constraints of §2.1 (in the order Cognito's model
    /// lists the members: `Identifier`, `Name`, then each scope), the
    /// 100-scope quota and unique scope names.
    ///
    /// Choices (cognito-oauth.md §2.1–2.2, marked there): a list of more
    /// than [`MAX_SCOPES_PER_SERVER`] scopes is the quota's
    /// `LimitExceededException` `A resource server cannot have more than 100
    /// scopes.`; the same `ScopeName` twice is `InvalidParameterException`
    /// `Duplicate scope names are not allowed: <ScopeName>.`
    ///
    /// # Errors
    /// `InvalidParameterException` in Cognito's `N validation errors
    /// detected: …` form listing every member that breaks its pattern or
    /// length (scopes at `scopes.<n>.member.scopeName`, counted from 1), or
    /// for a duplicate scope name; `LimitExceededException` past 100 scopes.
    pub fn validate(&self) -> Result<()> {
        let mut violations = Vec::new();
        check_pattern(
            &mut violations,
            "identifier",
            &self.identifier,
            IDENTIFIER_PATTERN,
            identifier_char,
        );
        check_pattern(&mut violations, "name", &self.name, NAME_PATTERN, |c| {
            c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c)
        });
        for (i, scope) in self.scopes.iter().enumerate() {
            let at = |m: &str| format!("scopes.{}.member.{m}", i + 1);
            check_pattern(
                &mut violations,
                &at("scopeName"),
                &scope.name,
                SCOPE_NAME_PATTERN,
                |c| identifier_char(c) && c != '/',
            );
            check_length(&mut violations, &at("scopeDescription"), &scope.description);
        }
        if !violations.is_empty() {
            return Err(Error::validation(violations));
        }
        if self.scopes.len() > MAX_SCOPES_PER_SERVER {
            return Err(Error::new(
                crate::error::ErrorCode::LimitExceeded,
                format!("A resource server cannot have more than {MAX_SCOPES_PER_SERVER} scopes."),
            ));
        }
        for (i, scope) in self.scopes.iter().enumerate() {
            if self.scopes[..i].iter().any(|s| s.name == scope.name) {
                return Err(Error::invalid_parameter(format!(
                    "Duplicate scope names are not allowed: {}.",
                    scope.name
                )));
            }
        }
        Ok(())
    }
}

/// `ResourceNotFoundException` for an identifier pool `pool_id` does not
/// have. **Choice** (the live text is unpublished): `Resource server
/// <Identifier> does not exist in user pool <UserPoolId>.`
fn server_not_found(pool_id: &str, identifier: &str) -> Error {
    Error::new(
        crate::error::ErrorCode::ResourceNotFound,
        format!("Resource server {identifier} does not exist in user pool {pool_id}."),
    )
}

impl super::PoolConfig {
    /// The resource server `identifier`, if the pool has it.
    #[must_use]
    pub fn resource_server(&self, identifier: &str) -> Option<&ResourceServer> {
        self.resource_servers
            .iter()
            .find(|r| r.identifier == identifier)
    }

    /// This configuration with `server` added (`CreateResourceServer` on
    /// pool `pool_id`, which only words the messages).
    ///
    /// # Errors
    /// What [`ResourceServer::validate`] refuses; `InvalidParameterException`
    /// `<Identifier> already exists in user pool <UserPoolId>.` (MOTO's text,
    /// the choice of cognito-oauth.md §2.2) for an identifier the pool has;
    /// `LimitExceededException` for a 26th server.
    pub fn with_new_resource_server(&self, pool_id: &str, server: ResourceServer) -> Result<Self> {
        server.validate()?;
        if self.resource_server(&server.identifier).is_some() {
            return Err(Error::invalid_parameter(format!(
                "{} already exists in user pool {pool_id}.",
                server.identifier
            )));
        }
        if self.resource_servers.len() >= MAX_RESOURCE_SERVERS {
            return Err(Error::new(
                crate::error::ErrorCode::LimitExceeded,
                format!(
                    "A user pool cannot have more than {MAX_RESOURCE_SERVERS} resource servers."
                ),
            ));
        }
        let mut next = self.clone();
        next.resource_servers.push(server);
        Ok(next)
    }

    /// This configuration with the server of `server.identifier` replaced
    /// by `server` whole: its name and its entire scope list
    /// (`UpdateResourceServer`; scopes left out clear the list).
    ///
    /// # Errors
    /// What [`ResourceServer::validate`] refuses; `ResourceNotFoundException`
    /// for an identifier the pool does not have.
    pub fn with_updated_resource_server(
        &self,
        pool_id: &str,
        server: ResourceServer,
    ) -> Result<Self> {
        server.validate()?;
        let mut next = self.clone();
        let Some(slot) = next
            .resource_servers
            .iter_mut()
            .find(|r| r.identifier == server.identifier)
        else {
            return Err(server_not_found(pool_id, &server.identifier));
        };
        *slot = server;
        Ok(next)
    }

    /// This configuration without the resource server `identifier`
    /// (`DeleteResourceServer`). App clients keep its scopes, inactive
    /// (cognito-oauth.md §2.3).
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an identifier the pool does not have.
    pub fn without_resource_server(&self, pool_id: &str, identifier: &str) -> Result<Self> {
        if self.resource_server(identifier).is_none() {
            return Err(server_not_found(pool_id, identifier));
        }
        let mut next = self.clone();
        next.resource_servers.retain(|r| r.identifier != identifier);
        Ok(next)
    }

    /// `DescribeResourceServer`'s lookup.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an identifier the pool does not have.
    pub fn find_resource_server(&self, pool_id: &str, identifier: &str) -> Result<&ResourceServer> {
        self.resource_server(identifier)
            .ok_or_else(|| server_not_found(pool_id, identifier))
    }
}

/// A `ResourceServerType` as `CreateResourceServer` / `UpdateResourceServer`
/// take it and a stored definition keeps it: `Identifier`, `Name`, `Scopes`.
/// Reads only; [`Members::finish`] is the caller's.
pub(crate) fn read_resource_server(m: &Members<'_>) -> Read<ResourceServer> {
    let identifier = m.str("Identifier")?.to_owned();
    let name = m.str("Name")?.to_owned();
    let mut scopes = Vec::new();
    match m.value("Scopes") {
        None => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let s = Members::new(format!("Scopes[{i}]"), item)?;
                let scope = ResourceServerScope {
                    name: s.str("ScopeName")?.to_owned(),
                    description: s.str("ScopeDescription")?.to_owned(),
                };
                s.finish()?;
                scopes.push(scope);
            }
        }
        Some(_) => {
            return Err(crate::json::wrong_type("Scopes", "list"));
        }
    }
    Ok(ResourceServer {
        identifier,
        name,
        scopes,
    })
}

/// A resource server as `ResourceServerType` in `pool_id`: `Scopes` left
/// out when empty (MOTO's form, the choice of cognito-oauth.md §2.2).
pub(crate) fn resource_server_json(pool_id: &str, server: &ResourceServer) -> Value {
    let mut out = Map::new();
    out.insert("UserPoolId".into(), json!(pool_id));
    out.insert("Identifier".into(), json!(server.identifier));
    out.insert("Name".into(), json!(server.name));
    if !server.scopes.is_empty() {
        out.insert("Scopes".into(), stored_scopes(server));
    }
    Value::Object(out)
}

fn stored_scopes(server: &ResourceServer) -> Value {
    server
        .scopes
        .iter()
        .map(|s| json!({"ScopeName": s.name, "ScopeDescription": s.description}))
        .collect()
}

/// The pool's resource servers as a stored definition keeps them (an
/// extra member `CreateUserPool` itself refuses, as `SetUserPoolMfaConfig`'s
/// factor blocks are).
pub(crate) fn stored_resource_servers(servers: &[ResourceServer]) -> Value {
    servers
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("Identifier".into(), json!(s.identifier));
            m.insert("Name".into(), json!(s.name));
            if !s.scopes.is_empty() {
                m.insert("Scopes".into(), stored_scopes(s));
            }
            Value::Object(m)
        })
        .collect()
}

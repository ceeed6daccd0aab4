//! User pool domains through the Rust API (cognito-oauth.md §1): the
//! registry's operations and the lookups the server routes by, in path mode
//! (`Registry::pool_of_domain`, the exact registered name) and in Host mode
//! (`Registry::pool_of_host`, `<prefix>.auth.<region>.amazoncognito.com` or
//! a custom host name, case-insensitive, port ignored).

use userpool::ErrorCode;
use userpool::config::{DomainKind, PoolConfig, PoolDomain};
use userpool::registry::{Registry, RegistryOptions};

use crate::support::{clock_at_start, wire::options};

fn registry(region: &str) -> Registry {
    Registry::new(RegistryOptions {
        region: region.to_owned(),
        ..options(&clock_at_start(), &userpool::Outbox::new())
    })
}

fn pool(r: &Registry) -> String {
    r.create_pool(PoolConfig::builder("web").build().unwrap())
        .unwrap()
        .id()
        .to_owned()
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
fn lookups_find_the_pool_of_a_domain_in_both_modes() {
    let r = registry("eu-west-1");
    let a = pool(&r);
    let b = pool(&r);
    let created = r
        .create_user_pool_domain(&a, PoolDomain::new("shop", DomainKind::Prefix, 1))
        .unwrap();
    assert_eq!(created.version, "20231114221320");
    r.create_user_pool_domain(&b, custom("auth.example.com"))
        .unwrap();

    let (found, domain) = r.pool_of_domain("shop").unwrap().unwrap();
    assert_eq!((found.id(), domain.domain.as_str()), (a.as_str(), "shop"));
    let (found, _) = r.pool_of_domain("auth.example.com").unwrap().unwrap();
    assert_eq!(found.id(), b);
    // Path mode names the domain exactly as registered.
    assert!(r.pool_of_domain("Shop").unwrap().is_none());
    assert!(r.pool_of_domain("nothing").unwrap().is_none());

    for host in [
        "shop.auth.eu-west-1.amazoncognito.com",
        "SHOP.Auth.EU-WEST-1.amazoncognito.com:443",
        "shop.auth.eu-west-1.amazoncognito.com.",
    ] {
        let (found, domain) = r.pool_of_host(host).unwrap().unwrap();
        assert_eq!(found.id(), a, "{host}");
        assert_eq!(domain.domain, "shop");
    }
    for host in ["auth.example.com", "Auth.Example.COM:8443"] {
        let (found, _) = r.pool_of_host(host).unwrap().unwrap();
        assert_eq!(found.id(), b, "{host}");
    }
    for host in [
        // Another region than the pool's.
        "shop.auth.us-east-1.amazoncognito.com",
        // A prefix is not a host name, nor is the bare custom label.
        "shop",
        "shop:9229",
        "auth",
        "127.0.0.1:9229",
        "",
        "[::1]:9229",
    ] {
        assert!(r.pool_of_host(host).unwrap().is_none(), "{host}");
    }
}

#[test]
fn the_registry_applies_the_rules() {
    let r = registry("us-east-1");
    let a = pool(&r);
    let e = r
        .create_user_pool_domain(&a, PoolDomain::new("aws-login", DomainKind::Prefix, 1))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(e.message(), "Domain cannot contain reserved word: aws");

    r.create_user_pool_domain(&a, PoolDomain::new("login", DomainKind::Prefix, 1))
        .unwrap();
    let updated = r
        .update_user_pool_domain(&a, "login", Some(2), None)
        .unwrap();
    assert_eq!(updated.managed_login_version, 2);
    assert_eq!(r.pool(&a).unwrap().config().prefix_domain(), Some(&updated));

    let e = r.delete_pool(&a).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    r.delete_user_pool_domain(&a, "login").unwrap();
    assert!(r.pool(&a).unwrap().config().domains().is_empty());
    let e = r.delete_user_pool_domain(&a, "login").unwrap_err();
    assert_eq!(e.code(), ErrorCode::ResourceNotFound);
    assert_eq!(e.message(), "Domain login does not exist.");
    r.delete_pool(&a).unwrap();
}

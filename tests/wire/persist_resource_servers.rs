//! Resource servers survive a restart: created, updated and deleted on a
//! registry over a `SqliteStore`, then a new registry over the same file
//! lists and describes the same servers.

use serde_json::json;

use crate::support::db::TempDb;
use crate::support::wire::{self, Calls as _};

use crate::support::wire::open_sqlite as open;

#[test]
fn a_restarted_registry_keeps_the_resource_servers() {
    let db = TempDb::new("restart-resource-servers");
    let (pool, listed_before) = {
        let r = open(&db);
        let pool = wire::Calls::create_pool(&r, &json!({"PoolName": "api"}));
        for identifier in ["https://api.example.com", "gone", "plain"] {
            r.ok(
                "CreateResourceServer",
                &json!({"UserPoolId": pool, "Identifier": identifier, "Name": "API",
                        "Scopes": [{"ScopeName": "read", "ScopeDescription": "Read"}]}),
            );
        }
        r.ok(
            "UpdateResourceServer",
            &json!({"UserPoolId": pool, "Identifier": "https://api.example.com",
                    "Name": "Photos",
                    "Scopes": [{"ScopeName": "photos.read", "ScopeDescription": "Read photos"},
                               {"ScopeName": "photos.write", "ScopeDescription": "Write"}]}),
        );
        r.ok(
            "UpdateResourceServer",
            &json!({"UserPoolId": pool, "Identifier": "plain", "Name": "Plain"}),
        );
        r.ok(
            "DeleteResourceServer",
            &json!({"UserPoolId": pool, "Identifier": "gone"}),
        );
        let listed = r.ok(
            "ListResourceServers",
            &json!({"UserPoolId": pool, "MaxResults": 10}),
        );
        (pool, listed)
    };
    assert_eq!(
        listed_before,
        json!({"ResourceServers": [
            {"UserPoolId": pool, "Identifier": "https://api.example.com", "Name": "Photos",
             "Scopes": [{"ScopeName": "photos.read", "ScopeDescription": "Read photos"},
                        {"ScopeName": "photos.write", "ScopeDescription": "Write"}]},
            {"UserPoolId": pool, "Identifier": "plain", "Name": "Plain"}
        ]})
    );
    let r = open(&db);
    assert_eq!(
        r.ok(
            "ListResourceServers",
            &json!({"UserPoolId": pool, "MaxResults": 10})
        ),
        listed_before
    );
    let config = r.pool(&pool).unwrap().config();
    assert!(config.has_custom_scope("https://api.example.com/photos.write"));
    assert!(!config.has_custom_scope("gone/read"));
    // The reopened pool still refuses a duplicate: the servers are really there.
    let (kind, _) = r.refused(
        "CreateResourceServer",
        &json!({"UserPoolId": pool, "Identifier": "plain", "Name": "Again"}),
    );
    assert_eq!(kind, "InvalidParameterException");
}

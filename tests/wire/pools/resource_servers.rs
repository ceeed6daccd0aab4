//! Resource servers on the wire (cognito-oauth.md §2): the five operations,
//! their answers' exact shapes, the model constraints in Cognito's
//! `1 validation error detected: …` form, duplicates, quotas, and that
//! `UpdateUserPool` leaves a pool's resource servers alone.

use serde_json::{Value, json};

use crate::support::wire::{Calls as _, World};

fn pool(w: &World) -> String {
    w.create_pool(&json!({"PoolName": "api"}))
}

fn create(w: &World, id: &str, identifier: &str, scopes: Value) -> Value {
    w.ok(
        "CreateResourceServer",
        &json!({"UserPoolId": id, "Identifier": identifier, "Name": "Photos API", "Scopes": scopes}),
    )
}

fn describe(w: &World, id: &str, identifier: &str) -> Value {
    w.ok(
        "DescribeResourceServer",
        &json!({"UserPoolId": id, "Identifier": identifier}),
    )
}

#[test]
fn create_describe_update_and_delete_answer_cognitos_shapes() {
    let w = World::new();
    let id = pool(&w);
    let scopes = json!([
        {"ScopeName": "photos.read", "ScopeDescription": "Read photos"},
        {"ScopeName": "photos.write", "ScopeDescription": "Upload photos"}
    ]);
    let created = create(&w, &id, "https://api.example.com", scopes.clone());
    let expected = json!({"ResourceServer": {
        "UserPoolId": id, "Identifier": "https://api.example.com",
        "Name": "Photos API", "Scopes": scopes
    }});
    assert_eq!(created, expected);
    assert_eq!(describe(&w, &id, "https://api.example.com"), expected);
    assert!(
        w.registry()
            .pool(&id)
            .unwrap()
            .config()
            .has_custom_scope("https://api.example.com/photos.write")
    );

    // Update replaces the name and the whole list; Scopes left out clears it
    // and is then left out of the answer.
    let updated = w.ok(
        "UpdateResourceServer",
        &json!({"UserPoolId": id, "Identifier": "https://api.example.com", "Name": "Renamed"}),
    );
    let expected = json!({"ResourceServer": {
        "UserPoolId": id, "Identifier": "https://api.example.com", "Name": "Renamed"
    }});
    assert_eq!(updated, expected);
    assert_eq!(describe(&w, &id, "https://api.example.com"), expected);

    assert_eq!(
        w.ok(
            "DeleteResourceServer",
            &json!({"UserPoolId": id, "Identifier": "https://api.example.com"})
        ),
        json!({})
    );
    let missing = (
        "ResourceNotFoundException".to_owned(),
        format!("Resource server https://api.example.com does not exist in user pool {id}."),
    );
    for op in ["DescribeResourceServer", "DeleteResourceServer"] {
        assert_eq!(
            w.refused(
                op,
                &json!({"UserPoolId": id, "Identifier": "https://api.example.com"})
            ),
            missing,
            "{op}"
        );
    }
    assert_eq!(
        w.refused(
            "UpdateResourceServer",
            &json!({"UserPoolId": id, "Identifier": "https://api.example.com", "Name": "x"})
        ),
        missing
    );
}

#[test]
fn an_unknown_pool_is_not_found() {
    let w = World::new();
    let (kind, message) = w.refused(
        "CreateResourceServer",
        &json!({"UserPoolId": "us-east-1_nope", "Identifier": "api", "Name": "API"}),
    );
    assert_eq!(kind, "ResourceNotFoundException");
    assert_eq!(message, "User pool us-east-1_nope does not exist.");
}

#[test]
fn duplicates_are_refused() {
    let w = World::new();
    let id = pool(&w);
    create(&w, &id, "api", json!([]));
    assert_eq!(
        w.refused(
            "CreateResourceServer",
            &json!({"UserPoolId": id, "Identifier": "api", "Name": "Again"})
        ),
        (
            "InvalidParameterException".to_owned(),
            format!("api already exists in user pool {id}.")
        )
    );
    let twice = json!([
        {"ScopeName": "read", "ScopeDescription": "a"},
        {"ScopeName": "read", "ScopeDescription": "b"}
    ]);
    assert_eq!(
        w.refused(
            "CreateResourceServer",
            &json!({"UserPoolId": id, "Identifier": "other", "Name": "Other", "Scopes": twice})
        ),
        (
            "InvalidParameterException".to_owned(),
            "Duplicate scope names are not allowed: read.".to_owned()
        )
    );
    // Nothing was added by the refused calls.
    let listed = w.ok(
        "ListResourceServers",
        &json!({"UserPoolId": id, "MaxResults": 50}),
    );
    assert_eq!(
        listed,
        json!({"ResourceServers": [{"UserPoolId": id, "Identifier": "api", "Name": "Photos API"}]})
    );
}

#[test]
fn model_constraints_are_reported_as_validation_errors() {
    let w = World::new();
    let id = pool(&w);
    let refuse = |identifier: &str, name: &str, scopes: Value| {
        w.refused(
            "CreateResourceServer",
            &json!({"UserPoolId": id, "Identifier": identifier, "Name": name, "Scopes": scopes}),
        )
    };
    let invalid = |m: &str| ("InvalidParameterException".to_owned(), m.to_owned());
    assert_eq!(
        refuse("has space", "API", json!([])),
        invalid(
            "1 validation error detected: Value 'has space' at 'identifier' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: \
             [\\x21\\x23-\\x5B\\x5D-\\x7E]+"
        )
    );
    assert_eq!(
        refuse("", "API", json!([])),
        invalid(
            "2 validation errors detected: Value '' at 'identifier' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: \
             [\\x21\\x23-\\x5B\\x5D-\\x7E]+; Value '' at 'identifier' failed to satisfy \
             constraint: Member must have length greater than or equal to 1"
        )
    );
    assert_eq!(
        refuse("api", "bad/name", json!([])),
        invalid(
            "1 validation error detected: Value 'bad/name' at 'name' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+"
        )
    );
    assert_eq!(
        refuse(
            "api",
            "API",
            json!([{"ScopeName": "ok", "ScopeDescription": "d"},
                   {"ScopeName": "a/b", "ScopeDescription": "d"}])
        ),
        invalid(
            "1 validation error detected: Value 'a/b' at 'scopes.2.member.scopeName' failed to \
             satisfy constraint: Member must satisfy regular expression pattern: \
             [\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+"
        )
    );
    assert_eq!(
        refuse(
            "api",
            "API",
            json!([{"ScopeName": "ok", "ScopeDescription": ""}])
        ),
        invalid(
            "1 validation error detected: Value '' at 'scopes.1.member.scopeDescription' failed \
             to satisfy constraint: Member must have length greater than or equal to 1"
        )
    );
    // Every broken member is listed, pattern before length.
    assert_eq!(
        refuse("a b", "n/o", json!([])),
        invalid(
            "2 validation errors detected: Value 'a b' at 'identifier' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: \
             [\\x21\\x23-\\x5B\\x5D-\\x7E]+; Value 'n/o' at 'name' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+"
        )
    );
    let long = "x".repeat(257);
    assert_eq!(
        refuse(&long, "API", json!([])),
        invalid(&format!(
            "1 validation error detected: Value '{long}' at 'identifier' failed to satisfy \
             constraint: Member must have length less than or equal to 256"
        ))
    );
}

#[test]
fn quotas_are_limit_exceeded() {
    let w = World::new();
    let id = pool(&w);
    let many: Vec<Value> = (0..101)
        .map(|i| json!({"ScopeName": format!("s{i}"), "ScopeDescription": "d"}))
        .collect();
    assert_eq!(
        w.refused(
            "CreateResourceServer",
            &json!({"UserPoolId": id, "Identifier": "api", "Name": "API", "Scopes": many})
        ),
        (
            "LimitExceededException".to_owned(),
            "A resource server cannot have more than 100 scopes.".to_owned()
        )
    );
    // Exactly 100 is fine.
    create(&w, &id, "api", Value::Array(many[..100].to_vec()));
    for i in 1..25 {
        create(&w, &id, &format!("api{i:02}"), json!([]));
    }
    assert_eq!(
        w.refused(
            "CreateResourceServer",
            &json!({"UserPoolId": id, "Identifier": "one-too-many", "Name": "API"})
        ),
        (
            "LimitExceededException".to_owned(),
            "A user pool cannot have more than 25 resource servers.".to_owned()
        )
    );
}

#[test]
fn list_pages_in_identifier_order() {
    let w = World::new();
    let id = pool(&w);
    for identifier in ["c", "a", "b"] {
        create(&w, &id, identifier, json!([]));
    }
    let page = |token: Option<&Value>| {
        let mut body = json!({"UserPoolId": id, "MaxResults": 2});
        if let Some(t) = token {
            body["NextToken"] = t.clone();
        }
        w.ok("ListResourceServers", &body)
    };
    let first = page(None);
    let ids = |out: &Value| -> Vec<String> {
        out["ResourceServers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Identifier"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&first), ["a", "b"]);
    let token = first["NextToken"].clone();
    assert!(token.is_string());
    let second = page(Some(&token));
    assert_eq!(ids(&second), ["c"]);
    assert!(second.get("NextToken").is_none(), "{second}");

    assert_eq!(
        w.refused(
            "ListResourceServers",
            &json!({"UserPoolId": id, "MaxResults": 2, "NextToken": "garbage"})
        ),
        (
            "InvalidParameterException".to_owned(),
            "Invalid pagination token.".to_owned()
        )
    );
    for bad in [0, 51] {
        let (kind, _) = w.refused(
            "ListResourceServers",
            &json!({"UserPoolId": id, "MaxResults": bad}),
        );
        assert_eq!(kind, "InvalidParameterException", "{bad}");
    }
}

#[test]
fn update_user_pool_keeps_the_resource_servers_and_create_user_pool_refuses_them() {
    let w = World::new();
    let id = pool(&w);
    create(
        &w,
        &id,
        "api",
        json!([{"ScopeName": "read", "ScopeDescription": "Read"}]),
    );
    w.ok("UpdateUserPool", &json!({"UserPoolId": id}));
    assert_eq!(
        describe(&w, &id, "api")["ResourceServer"]["Scopes"],
        json!([{"ScopeName": "read", "ScopeDescription": "Read"}])
    );
    let (kind, _) = w.refused(
        "CreateUserPool",
        &json!({"PoolName": "p", "ResourceServers": [{"Identifier": "api", "Name": "API"}]}),
    );
    assert_eq!(kind, "InvalidParameterException");
}

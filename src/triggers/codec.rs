//! The JSON of trigger events and responses: the only place it is written
//! or read (cognito-triggers.md §1–§3, §7.2).
//!
//! Events are built member by member so that what Cognito sends as `null`,
//! as `[]` or not at all is explicit here. Responses are read leniently:
//! `null` is absent, a member of the wrong JSON type makes the output
//! [`UNRECOGNIZABLE_OUTPUT`], and members nobody reads are ignored (a
//! function returns the whole event, `request` included).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::message::DeliveryMedium;

use super::error::{INVALID_JSON, TriggerError, UNRECOGNIZABLE_OUTPUT};
use super::event::{
    AccessTokenGeneration, ChallengeResult, ClaimValue, ClaimsAndScopeOverrideDetails,
    ClaimsOverrideDetails, CreateAuthChallengeRequest, CreateAuthChallengeResponse,
    CustomMessageRequest, CustomMessageResponse, CustomSenderRequest, DefineAuthChallengeRequest,
    DefineAuthChallengeResponse, Event, GroupConfiguration, IdTokenGeneration, MigratedUserStatus,
    MigrationMessageAction, PostAuthenticationRequest, PostConfirmationRequest,
    PreAuthenticationRequest, PreSignUpRequest, PreSignUpResponse, PreTokenGenerationRequest,
    PreTokenGenerationResponse, PreTokenGenerationVersion, StringMap, UserMigrationRequest,
    UserMigrationResponse, VerifyAuthChallengeRequest, VerifyAuthChallengeResponse,
};

type Decoded<T> = Result<T, TriggerError>;

// ------------------------------------------------------------------ events

/// The envelope around `request` and the initial `response` (§1.1).
fn envelope<R>(event: &Event<R>, request: Map<String, Value>, response: Value) -> Value {
    json!({
        "version": event.version,
        "triggerSource": event.trigger_source.as_str(),
        "region": event.region,
        "userPoolId": event.user_pool_id,
        "userName": event.user_name,
        "callerContext": {
            "awsSdkVersion": event.caller_context.aws_sdk_version,
            "clientId": event.caller_context.client_id,
        },
        "request": Value::Object(request),
        "response": response,
    })
}

fn string_map(map: &StringMap) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn strings(list: &[String]) -> Value {
    Value::Array(list.iter().cloned().map(Value::String).collect())
}

fn opt_string(s: Option<&String>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.clone()))
}

/// A request object starting with `userAttributes`.
fn with_attributes(attributes: &StringMap) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("userAttributes".into(), string_map(attributes));
    m
}

/// `key` when the map is there; nothing when it is not (§1.3).
fn put_map(m: &mut Map<String, Value>, key: &str, map: Option<&StringMap>) {
    if let Some(map) = map {
        m.insert(key.into(), string_map(map));
    }
}

fn put_user_not_found(m: &mut Map<String, Value>, user_not_found: Option<bool>) {
    if let Some(b) = user_not_found {
        m.insert("userNotFound".into(), Value::Bool(b));
    }
}

fn session(entries: &[ChallengeResult]) -> Value {
    Value::Array(
        entries
            .iter()
            .map(|e| {
                json!({
                    "challengeName": e.challenge_name,
                    "challengeResult": e.challenge_result,
                    "challengeMetadata": opt_string(e.challenge_metadata.as_ref()),
                })
            })
            .collect(),
    )
}

fn group_configuration(g: &GroupConfiguration) -> Value {
    json!({
        "groupsToOverride": strings(&g.groups_to_override),
        "iamRolesToOverride": strings(&g.iam_roles_to_override),
        "preferredRole": opt_string(g.preferred_role.as_ref()),
    })
}

pub(super) fn pre_sign_up_event(e: &Event<PreSignUpRequest>) -> Value {
    let r = &e.request;
    let mut m = with_attributes(&r.user_attributes);
    // §1.3: PreSignUp is the one trigger that sends `validationData: null`.
    m.insert(
        "validationData".into(),
        r.validation_data.as_ref().map_or(Value::Null, string_map),
    );
    put_map(&mut m, "clientMetadata", r.client_metadata.as_ref());
    envelope(
        e,
        m,
        json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}),
    )
}

pub(super) fn post_confirmation_event(e: &Event<PostConfirmationRequest>) -> Value {
    let r = &e.request;
    let mut m = with_attributes(&r.user_attributes);
    put_map(&mut m, "clientMetadata", r.client_metadata.as_ref());
    envelope(e, m, json!({}))
}

pub(super) fn pre_authentication_event(e: &Event<PreAuthenticationRequest>) -> Value {
    let r = &e.request;
    let mut m = with_attributes(&r.user_attributes);
    put_map(&mut m, "validationData", r.validation_data.as_ref());
    put_user_not_found(&mut m, r.user_not_found);
    envelope(e, m, json!({}))
}

pub(super) fn post_authentication_event(e: &Event<PostAuthenticationRequest>) -> Value {
    let r = &e.request;
    let mut m = with_attributes(&r.user_attributes);
    m.insert("newDeviceUsed".into(), Value::Bool(r.new_device_used));
    put_map(&mut m, "clientMetadata", r.client_metadata.as_ref());
    envelope(e, m, json!({}))
}

/// Whether a PreTokenGeneration event speaks V2/V3 (by its `version`).
pub(super) fn is_v2_shape<R>(e: &Event<R>) -> bool {
    matches!(
        PreTokenGenerationVersion::from_event_version(&e.version),
        Some(PreTokenGenerationVersion::V2 | PreTokenGenerationVersion::V3)
    )
}

pub(super) fn pre_token_generation_event(e: &Event<PreTokenGenerationRequest>) -> Value {
    let r = &e.request;
    let mut m = with_attributes(&r.user_attributes);
    m.insert(
        "groupConfiguration".into(),
        group_configuration(&r.group_configuration),
    );
    put_map(&mut m, "clientMetadata", r.client_metadata.as_ref());
    if is_v2_shape(e) {
        m.insert("scopes".into(), strings(&r.scopes));
        envelope(e, m, json!({"claimsAndScopeOverrideDetails": null}))
    } else {
        envelope(e, m, json!({"claimsOverrideDetails": null}))
    }
}

pub(super) fn user_migration_event(e: &Event<UserMigrationRequest>) -> Value {
    let r = &e.request;
    // §1.2: no `userAttributes` in UserMigration's request.
    let mut m = Map::new();
    if let Some(p) = &r.password {
        m.insert(
            "password".into(),
            Value::String(p.expose_secret().to_owned()),
        );
    }
    put_map(&mut m, "validationData", r.validation_data.as_ref());
    put_map(&mut m, "clientMetadata", r.client_metadata.as_ref());
    envelope(
        e,
        m,
        json!({
            "userAttributes": {},
            "finalUserStatus": null,
            "messageAction": null,
            "desiredDeliveryMediums": [],
            "forceAliasCreation": false,
        }),
    )
}

pub(super) fn custom_message_event(e: &Event<CustomMessageRequest>) -> Value {
    let r = &e.request;
    let mut m = with_attributes(&r.user_attributes);
    m.insert(
        "codeParameter".into(),
        Value::String(r.code_parameter.clone()),
    );
    m.insert(
        "linkParameter".into(),
        Value::String(r.link_parameter.clone()),
    );
    m.insert(
        "usernameParameter".into(),
        opt_string(r.username_parameter.as_ref()),
    );
    put_map(&mut m, "clientMetadata", r.client_metadata.as_ref());
    envelope(
        e,
        m,
        json!({"smsMessage": null, "emailMessage": null, "emailSubject": null}),
    )
}

pub(super) fn define_auth_challenge_event(e: &Event<DefineAuthChallengeRequest>) -> Value {
    let r = &e.request;
    let mut m = with_attributes(&r.user_attributes);
    m.insert("session".into(), session(&r.session));
    put_map(&mut m, "clientMetadata", r.client_metadata.as_ref());
    put_user_not_found(&mut m, r.user_not_found);
    envelope(
        e,
        m,
        json!({"challengeName": null, "issueTokens": null, "failAuthentication": null}),
    )
}

pub(super) fn create_auth_challenge_event(e: &Event<CreateAuthChallengeRequest>) -> Value {
    let r = &e.request;
    let mut m = with_attributes(&r.user_attributes);
    m.insert(
        "challengeName".into(),
        Value::String(r.challenge_name.clone()),
    );
    m.insert("session".into(), session(&r.session));
    put_map(&mut m, "clientMetadata", r.client_metadata.as_ref());
    put_user_not_found(&mut m, r.user_not_found);
    envelope(
        e,
        m,
        json!({
            "publicChallengeParameters": null,
            "privateChallengeParameters": null,
            "challengeMetadata": null,
        }),
    )
}

pub(super) fn verify_auth_challenge_event(e: &Event<VerifyAuthChallengeRequest>) -> Value {
    let r = &e.request;
    let mut m = with_attributes(&r.user_attributes);
    m.insert(
        "privateChallengeParameters".into(),
        string_map(&r.private_challenge_parameters),
    );
    m.insert(
        "challengeAnswer".into(),
        Value::String(r.challenge_answer.clone()),
    );
    put_map(&mut m, "clientMetadata", r.client_metadata.as_ref());
    put_user_not_found(&mut m, r.user_not_found);
    envelope(e, m, json!({"answerCorrect": null}))
}

pub(super) fn custom_sender_event(e: &Event<CustomSenderRequest>, request_type: &str) -> Value {
    let r = &e.request;
    let mut m = Map::new();
    m.insert("type".into(), Value::String(request_type.to_owned()));
    m.insert("code".into(), opt_string(r.code.as_ref()));
    m.insert("userAttributes".into(), string_map(&r.user_attributes));
    put_map(&mut m, "clientMetadata", r.client_metadata.as_ref());
    envelope(e, m, json!({}))
}

// --------------------------------------------------------------- responses

fn unrecognizable() -> TriggerError {
    TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT)
}

/// The `response` object of a function's output: the output must be a JSON
/// object ([`INVALID_JSON`] otherwise); an absent or `null` `response` is
/// empty, anything else but an object is unrecognizable.
pub(super) fn response_of(output: &[u8]) -> Decoded<Map<String, Value>> {
    match serde_json::from_slice::<Value>(output) {
        Ok(Value::Object(mut event)) => match event.remove("response") {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(response)) => Ok(response),
            Some(_) => Err(unrecognizable()),
        },
        _ => Err(TriggerError::invalid_response(INVALID_JSON)),
    }
}

/// Lenient reads of one JSON object's members.
#[derive(Clone, Copy)]
struct Fields<'a>(&'a Map<String, Value>);

impl<'a> Fields<'a> {
    /// The member, `None` when absent or `null`.
    fn get(self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    fn bool(self, key: &str) -> Decoded<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(unrecognizable()),
        }
    }

    fn flag(self, key: &str) -> Decoded<bool> {
        Ok(self.bool(key)?.unwrap_or(false))
    }

    fn string(self, key: &str) -> Decoded<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(unrecognizable()),
        }
    }

    fn object(self, key: &str) -> Decoded<Option<Fields<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(Fields(m))),
            Some(_) => Err(unrecognizable()),
        }
    }

    /// A map of strings; `null` entries are absent.
    fn string_map(self, key: &str) -> Decoded<StringMap> {
        let Some(object) = self.object(key)? else {
            return Ok(StringMap::new());
        };
        let mut out = StringMap::new();
        for (k, v) in object.0 {
            match v {
                Value::Null => {}
                Value::String(s) => {
                    out.insert(k.clone(), s.clone());
                }
                _ => return Err(unrecognizable()),
            }
        }
        Ok(out)
    }

    /// A list of strings; an element of any other type is unrecognizable.
    fn strings(self, key: &str) -> Decoded<Vec<String>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(unrecognizable()),
                })
                .collect(),
            Some(_) => Err(unrecognizable()),
        }
    }

    /// `groupOverrideDetails`: absent leaves the groups; `null` or `{}`
    /// removes them (cognito-triggers.md §2.5).
    fn group_override(self) -> Decoded<Option<GroupConfiguration>> {
        match self.0.get("groupOverrideDetails") {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(GroupConfiguration::default())),
            Some(Value::Object(m)) => {
                let g = Fields(m);
                Ok(Some(GroupConfiguration::new(
                    g.strings("groupsToOverride")?,
                    g.strings("iamRolesToOverride")?,
                    g.string("preferredRole")?,
                )))
            }
            Some(_) => Err(unrecognizable()),
        }
    }

    /// V2/V3 claims: any JSON value; a `null` claim is absent.
    fn claims(self, key: &str) -> Decoded<BTreeMap<String, ClaimValue>> {
        let Some(object) = self.object(key)? else {
            return Ok(BTreeMap::new());
        };
        Ok(object
            .0
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), claim_value(v)))
            .collect())
    }
}

fn claim_value(v: &Value) -> ClaimValue {
    match v {
        Value::Null => ClaimValue::Null,
        Value::Bool(b) => ClaimValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => ClaimValue::Integer(i),
            None => ClaimValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => ClaimValue::String(s.clone()),
        Value::Array(items) => ClaimValue::Array(items.iter().map(claim_value).collect()),
        Value::Object(m) => {
            ClaimValue::Object(m.iter().map(|(k, v)| (k.clone(), claim_value(v))).collect())
        }
    }
}

pub(super) fn pre_sign_up_response(output: &[u8]) -> Decoded<PreSignUpResponse> {
    let r = response_of(output)?;
    let f = Fields(&r);
    Ok(PreSignUpResponse::new(
        f.flag("autoConfirmUser")?,
        f.flag("autoVerifyEmail")?,
        f.flag("autoVerifyPhone")?,
    ))
}

/// For triggers whose response Cognito does not read: the output must
/// still be a JSON object (§4.1: a PostConfirmation returning nothing is
/// `Invalid JSON`).
pub(super) fn ignored_response(output: &[u8]) -> Decoded<()> {
    match serde_json::from_slice::<Value>(output) {
        Ok(Value::Object(_)) => Ok(()),
        _ => Err(TriggerError::invalid_response(INVALID_JSON)),
    }
}

pub(super) fn pre_token_generation_response(
    output: &[u8],
    v2_shape: bool,
) -> Decoded<PreTokenGenerationResponse> {
    let r = response_of(output)?;
    let f = Fields(&r);
    if v2_shape {
        let Some(d) = f.object("claimsAndScopeOverrideDetails")? else {
            return Ok(PreTokenGenerationResponse::default());
        };
        let id_token_generation = match d.object("idTokenGeneration")? {
            None => None,
            Some(id) => Some(IdTokenGeneration {
                claims_to_add_or_override: id.claims("claimsToAddOrOverride")?,
                claims_to_suppress: id.strings("claimsToSuppress")?,
            }),
        };
        let access_token_generation = match d.object("accessTokenGeneration")? {
            None => None,
            Some(a) => Some(AccessTokenGeneration {
                claims_to_add_or_override: a.claims("claimsToAddOrOverride")?,
                claims_to_suppress: a.strings("claimsToSuppress")?,
                scopes_to_add: a.strings("scopesToAdd")?,
                scopes_to_suppress: a.strings("scopesToSuppress")?,
            }),
        };
        Ok(PreTokenGenerationResponse {
            claims_override_details: None,
            claims_and_scope_override_details: Some(ClaimsAndScopeOverrideDetails {
                id_token_generation,
                access_token_generation,
                group_override_details: d.group_override()?,
            }),
        })
    } else {
        let Some(d) = f.object("claimsOverrideDetails")? else {
            return Ok(PreTokenGenerationResponse::default());
        };
        Ok(PreTokenGenerationResponse {
            // §2.5: V1 claim values are strings only.
            claims_override_details: Some(ClaimsOverrideDetails {
                claims_to_add_or_override: d.string_map("claimsToAddOrOverride")?,
                claims_to_suppress: d.strings("claimsToSuppress")?,
                group_override_details: d.group_override()?,
            }),
            claims_and_scope_override_details: None,
        })
    }
}

fn status(value: Option<String>) -> Decoded<Option<MigratedUserStatus>> {
    match value.as_deref() {
        None => Ok(None),
        Some("CONFIRMED") => Ok(Some(MigratedUserStatus::Confirmed)),
        Some("RESET_REQUIRED") => Ok(Some(MigratedUserStatus::ResetRequired)),
        Some(_) => Err(unrecognizable()),
    }
}

fn message_action(value: Option<String>) -> Decoded<Option<MigrationMessageAction>> {
    match value.as_deref() {
        None => Ok(None),
        Some("RESEND") => Ok(Some(MigrationMessageAction::Resend)),
        Some("SUPPRESS") => Ok(Some(MigrationMessageAction::Suppress)),
        Some(_) => Err(unrecognizable()),
    }
}

pub(super) fn user_migration_response(output: &[u8]) -> Decoded<UserMigrationResponse> {
    let r = response_of(output)?;
    let f = Fields(&r);
    Ok(UserMigrationResponse {
        user_attributes: f.string_map("userAttributes")?,
        final_user_status: status(f.string("finalUserStatus")?)?,
        message_action: message_action(f.string("messageAction")?)?,
        desired_delivery_mediums: f
            .strings("desiredDeliveryMediums")?
            .iter()
            .map(|m| match m.as_str() {
                "EMAIL" => Ok(DeliveryMedium::Email),
                "SMS" => Ok(DeliveryMedium::Sms),
                _ => Err(unrecognizable()),
            })
            .collect::<Decoded<_>>()?,
        force_alias_creation: f.flag("forceAliasCreation")?,
        enable_sms_mfa: f.flag("enableSMSMFA")?,
    })
}

pub(super) fn custom_message_response(output: &[u8]) -> Decoded<CustomMessageResponse> {
    let r = response_of(output)?;
    let f = Fields(&r);
    Ok(CustomMessageResponse {
        sms_message: f.string("smsMessage")?,
        email_message: f.string("emailMessage")?,
        email_subject: f.string("emailSubject")?,
    })
}

pub(super) fn define_auth_challenge_response(
    output: &[u8],
) -> Decoded<DefineAuthChallengeResponse> {
    let r = response_of(output)?;
    let f = Fields(&r);
    Ok(DefineAuthChallengeResponse {
        challenge_name: f.string("challengeName")?,
        issue_tokens: f.flag("issueTokens")?,
        fail_authentication: f.flag("failAuthentication")?,
    })
}

pub(super) fn create_auth_challenge_response(
    output: &[u8],
) -> Decoded<CreateAuthChallengeResponse> {
    let r = response_of(output)?;
    let f = Fields(&r);
    Ok(CreateAuthChallengeResponse {
        public_challenge_parameters: f.string_map("publicChallengeParameters")?,
        private_challenge_parameters: f.string_map("privateChallengeParameters")?,
        challenge_metadata: f.string("challengeMetadata")?,
    })
}

pub(super) fn verify_auth_challenge_response(
    output: &[u8],
) -> Decoded<VerifyAuthChallengeResponse> {
    let r = response_of(output)?;
    Ok(VerifyAuthChallengeResponse::new(
        Fields(&r).flag("answerCorrect")?,
    ))
}

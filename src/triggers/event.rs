//! The events Cognito hands to its triggers and the responses it reads back
//! (cognito-triggers.md §1–§3), as owned Rust values.
//!
//! The JSON form lives in one place, the bridge's private codec: these
//! types carry no serde derives, so no dependency's type shows in the API.

use std::collections::BTreeMap;
use std::fmt;

use crate::message::DeliveryMedium;
use crate::secret::Password;

use super::source::TriggerSource;

/// A map of strings: user attributes, `clientMetadata`, `validationData`,
/// challenge parameters.
pub type StringMap = BTreeMap<String, String>;

/// The envelope every trigger event shares (cognito-triggers.md §1.1).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
pub struct Event<R> {
    /// `version`: `"1"`, except PreTokenGeneration `V2_0` (`"2"`) and `V3_0` (`"3"`).
    pub version: String,
    /// `triggerSource`.
    pub trigger_source: TriggerSource,
    /// `region`: the pool's region.
    pub region: String,
    /// `userPoolId`.
    pub user_pool_id: String,
    /// `userName`: the internal username (the `sub` in pools with
    /// username attributes); for UserMigration, what the user typed.
    pub user_name: String,
    /// `callerContext`.
    pub caller_context: CallerContext,
    /// `request`: what the trigger is told.
    pub request: R,
}

impl<R> Event<R> {
    /// An event of `version` `"1"`.
    #[must_use]
    pub fn new(
        trigger_source: TriggerSource,
        region: impl Into<String>,
        user_pool_id: impl Into<String>,
        user_name: impl Into<String>,
        caller_context: CallerContext,
        request: R,
    ) -> Self {
        Self {
            version: "1".to_owned(),
            trigger_source,
            region: region.into(),
            user_pool_id: user_pool_id.into(),
            user_name: user_name.into(),
            caller_context,
            request,
        }
    }

    /// This event with another `version` (PreTokenGeneration V2/V3; see
    /// [`PreTokenGenerationVersion::event_version`]).
    #[must_use]
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }
}

/// `callerContext`: who called the operation that fired the trigger.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerContext {
    /// `awsSdkVersion`: from the caller's `User-Agent`, else
    /// [`CallerContext::UNKNOWN_SDK`].
    pub aws_sdk_version: String,
    /// `clientId`: the request's app client, or
    /// [`CallerContext::CLIENT_ID_NOT_APPLICABLE`].
    pub client_id: String,
}

impl CallerContext {
    /// `awsSdkVersion` when the caller's SDK is not known.
    pub const UNKNOWN_SDK: &'static str = "aws-sdk-unknown-unknown";
    /// `clientId` of operations without an app client (`AdminCreateUser`).
    pub const CLIENT_ID_NOT_APPLICABLE: &'static str = "CLIENT_ID_NOT_APPLICABLE";

    /// A call through the app client `client_id` by an unknown SDK.
    #[must_use]
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            aws_sdk_version: Self::UNKNOWN_SDK.to_owned(),
            client_id: client_id.into(),
        }
    }

    /// A call without an app client, by an unknown SDK.
    #[must_use]
    pub fn without_client() -> Self {
        Self::new(Self::CLIENT_ID_NOT_APPLICABLE)
    }

    /// This context with the SDK named (`aws-sdk-js-3.1010.0`).
    #[must_use]
    pub fn sdk(mut self, aws_sdk_version: impl Into<String>) -> Self {
        self.aws_sdk_version = aws_sdk_version.into();
        self
    }
}

// ---------------------------------------------------------------- PreSignUp

/// PreSignUp's `request` (§2.1).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PreSignUpRequest {
    /// `userAttributes`: only the attributes supplied, no `sub` or status.
    pub user_attributes: StringMap,
    /// `validationData`: sent as `null` when `None`.
    pub validation_data: Option<StringMap>,
    /// `clientMetadata`: omitted when `None`.
    pub client_metadata: Option<StringMap>,
}

impl PreSignUpRequest {
    /// A request with these attributes and no metadata.
    #[must_use]
    pub fn new(user_attributes: StringMap) -> Self {
        Self {
            user_attributes,
            ..Self::default()
        }
    }
}

/// PreSignUp's `response`. All `false` is Cognito's flow without a trigger.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PreSignUpResponse {
    /// `autoConfirmUser`: the user is `CONFIRMED` at once, no code is sent.
    pub auto_confirm_user: bool,
    /// `autoVerifyEmail`: `email_verified` is set (only with `auto_confirm_user`).
    pub auto_verify_email: bool,
    /// `autoVerifyPhone`: `phone_number_verified` is set (only with `auto_confirm_user`).
    pub auto_verify_phone: bool,
}

impl PreSignUpResponse {
    /// This response with the three flags set as given.
    #[must_use]
    pub const fn new(
        auto_confirm_user: bool,
        auto_verify_email: bool,
        auto_verify_phone: bool,
    ) -> Self {
        Self {
            auto_confirm_user,
            auto_verify_email,
            auto_verify_phone,
        }
    }
}

// --------------------------------------------------------- PostConfirmation

/// PostConfirmation's `request` (§2.2); its response is `{}` and unread.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PostConfirmationRequest {
    /// `userAttributes`, after the change (`cognito:user_status: CONFIRMED`).
    pub user_attributes: StringMap,
    /// `clientMetadata`: omitted when `None`.
    pub client_metadata: Option<StringMap>,
}

impl PostConfirmationRequest {
    /// A request with these attributes and no metadata.
    #[must_use]
    pub fn new(user_attributes: StringMap) -> Self {
        Self {
            user_attributes,
            client_metadata: None,
        }
    }
}

// -------------------------------------------------------- PreAuthentication

/// PreAuthentication's `request` (§2.3); its response is `{}`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PreAuthenticationRequest {
    /// `userAttributes` (empty for an unknown user).
    pub user_attributes: StringMap,
    /// `validationData`: the `InitiateAuth` `ClientMetadata`; omitted when `None`.
    pub validation_data: Option<StringMap>,
    /// `userNotFound`: sent only when the client prevents user-existence
    /// errors (`Some`); omitted when `None`.
    pub user_not_found: Option<bool>,
}

impl PreAuthenticationRequest {
    /// A request with these attributes and no metadata.
    #[must_use]
    pub fn new(user_attributes: StringMap) -> Self {
        Self {
            user_attributes,
            ..Self::default()
        }
    }
}

// ------------------------------------------------------- PostAuthentication

/// PostAuthentication's `request` (§2.4); its response is `{}`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PostAuthenticationRequest {
    /// `userAttributes`.
    pub user_attributes: StringMap,
    /// `newDeviceUsed`: always `false` in a library without devices.
    pub new_device_used: bool,
    /// `clientMetadata` (`RespondToAuthChallenge` only): omitted when `None`.
    pub client_metadata: Option<StringMap>,
}

impl PostAuthenticationRequest {
    /// A request with these attributes, no new device and no metadata.
    #[must_use]
    pub fn new(user_attributes: StringMap) -> Self {
        Self {
            user_attributes,
            ..Self::default()
        }
    }
}

// ------------------------------------------------------- PreTokenGeneration

/// Which event and response shape a PreTokenGeneration function speaks
/// (`PreTokenGenerationConfig.LambdaVersion`, §2.5).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum PreTokenGenerationVersion {
    /// `V1_0`: ID token claims only (`claimsOverrideDetails`). The legacy
    /// `PreTokenGeneration` key means this.
    #[default]
    V1,
    /// `V2_0`: ID and access token claims and scopes (`claimsAndScopeOverrideDetails`).
    V2,
    /// `V3_0`: as `V2_0`, also for machine-to-machine tokens.
    V3,
}

impl PreTokenGenerationVersion {
    /// The `LambdaVersion` name: `V1_0`, `V2_0`, `V3_0`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "V1_0",
            Self::V2 => "V2_0",
            Self::V3 => "V3_0",
        }
    }

    /// The event's `version`: `"1"`, `"2"` or `"3"`.
    #[must_use]
    pub const fn event_version(self) -> &'static str {
        match self {
            Self::V1 => "1",
            Self::V2 => "2",
            Self::V3 => "3",
        }
    }

    /// The version whose [`event_version`](Self::event_version) is `version`.
    #[must_use]
    pub fn from_event_version(version: &str) -> Option<Self> {
        match version {
            "1" => Some(Self::V1),
            "2" => Some(Self::V2),
            "3" => Some(Self::V3),
            _ => None,
        }
    }
}

/// `groupConfiguration` in a request, and `groupOverrideDetails` in a
/// response: the user's groups, their IAM roles and the preferred role.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct GroupConfiguration {
    /// `groupsToOverride`: group names (`cognito:groups`).
    pub groups_to_override: Vec<String>,
    /// `iamRolesToOverride`: role ARNs (`cognito:roles`).
    pub iam_roles_to_override: Vec<String>,
    /// `preferredRole` (`cognito:preferred_role`), `null` when `None`.
    pub preferred_role: Option<String>,
}

impl GroupConfiguration {
    /// These groups, roles and preferred role.
    #[must_use]
    pub fn new(
        groups: Vec<String>,
        iam_roles: Vec<String>,
        preferred_role: Option<String>,
    ) -> Self {
        Self {
            groups_to_override: groups,
            iam_roles_to_override: iam_roles,
            preferred_role,
        }
    }
}

/// PreTokenGeneration's `request`, for every version (§2.5).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PreTokenGenerationRequest {
    /// `userAttributes`.
    pub user_attributes: StringMap,
    /// `groupConfiguration`: the user's groups.
    pub group_configuration: GroupConfiguration,
    /// `clientMetadata`: omitted when `None`.
    pub client_metadata: Option<StringMap>,
    /// `scopes` (V2/V3 events only; V1 events leave it out): the access
    /// token's scopes, `aws.cognito.signin.user.admin` for API sign-ins.
    pub scopes: Vec<String>,
}

impl PreTokenGenerationRequest {
    /// A request with these attributes and groups, no metadata, no scopes.
    #[must_use]
    pub fn new(user_attributes: StringMap, group_configuration: GroupConfiguration) -> Self {
        Self {
            user_attributes,
            group_configuration,
            ..Self::default()
        }
    }
}

/// A claim value a V2/V3 PreTokenGeneration function may set: what JSON can
/// hold. V1 claims are strings only.
#[derive(Clone, Debug, PartialEq)]
pub enum ClaimValue {
    /// A JSON string.
    String(String),
    /// A JSON number that is an integer within `i64`.
    Integer(i64),
    /// Any other JSON number.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// An array.
    Array(Vec<ClaimValue>),
    /// An object.
    Object(BTreeMap<String, ClaimValue>),
    /// `null`, inside an array or object (a top-level `null` claim is
    /// read as absent).
    Null,
}

impl From<&str> for ClaimValue {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for ClaimValue {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<i64> for ClaimValue {
    fn from(value: i64) -> Self {
        Self::Integer(value)
    }
}

impl From<bool> for ClaimValue {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

/// V1 `claimsOverrideDetails`: edits to the ID token.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ClaimsOverrideDetails {
    /// `claimsToAddOrOverride`: string claims only.
    pub claims_to_add_or_override: StringMap,
    /// `claimsToSuppress`. A claim both added and suppressed is suppressed.
    pub claims_to_suppress: Vec<String>,
    /// `groupOverrideDetails`: `None` when absent (groups unchanged);
    /// `Some` replaces the groups — an explicit `null` or `{}` reads as an
    /// empty configuration, which removes them (cognito-triggers.md §2.5).
    pub group_override_details: Option<GroupConfiguration>,
}

/// V2/V3 `idTokenGeneration`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Default)]
pub struct IdTokenGeneration {
    /// `claimsToAddOrOverride`.
    pub claims_to_add_or_override: BTreeMap<String, ClaimValue>,
    /// `claimsToSuppress`.
    pub claims_to_suppress: Vec<String>,
}

/// V2/V3 `accessTokenGeneration`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AccessTokenGeneration {
    /// `claimsToAddOrOverride`.
    pub claims_to_add_or_override: BTreeMap<String, ClaimValue>,
    /// `claimsToSuppress`.
    pub claims_to_suppress: Vec<String>,
    /// `scopesToAdd`.
    pub scopes_to_add: Vec<String>,
    /// `scopesToSuppress`.
    pub scopes_to_suppress: Vec<String>,
}

/// V2/V3 `claimsAndScopeOverrideDetails`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ClaimsAndScopeOverrideDetails {
    /// `idTokenGeneration`, `None` when absent or `null`.
    pub id_token_generation: Option<IdTokenGeneration>,
    /// `accessTokenGeneration`, `None` when absent or `null`.
    pub access_token_generation: Option<AccessTokenGeneration>,
    /// `groupOverrideDetails`, as in [`ClaimsOverrideDetails::group_override_details`].
    pub group_override_details: Option<GroupConfiguration>,
}

/// PreTokenGeneration's `response`. The default changes nothing.
///
/// A V1 function's answer fills `claims_override_details`, a V2/V3
/// function's `claims_and_scope_override_details`; the bridge reads only
/// the member of the event's version.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PreTokenGenerationResponse {
    /// V1 `claimsOverrideDetails`.
    pub claims_override_details: Option<ClaimsOverrideDetails>,
    /// V2/V3 `claimsAndScopeOverrideDetails`.
    pub claims_and_scope_override_details: Option<ClaimsAndScopeOverrideDetails>,
}

// ----------------------------------------------------------- UserMigration

/// UserMigration's `request` (§2.6). It has no `userAttributes`. `Debug`
/// redacts the password.
#[non_exhaustive]
#[derive(Clone, Debug, Default)]
pub struct UserMigrationRequest {
    /// `password`: what the user typed (`UserMigration_Authentication`
    /// only); omitted when `None`.
    pub password: Option<Password>,
    /// `validationData`: the `InitiateAuth` `ClientMetadata`; omitted when `None`.
    pub validation_data: Option<StringMap>,
    /// `clientMetadata` (`ForgotPassword`); omitted when `None`.
    pub client_metadata: Option<StringMap>,
}

impl UserMigrationRequest {
    /// A sign-in's request: the typed password.
    #[must_use]
    pub fn authentication(password: Password) -> Self {
        Self {
            password: Some(password),
            ..Self::default()
        }
    }

    /// A `ForgotPassword` request: no password.
    #[must_use]
    pub fn forgot_password() -> Self {
        Self::default()
    }
}

impl PartialEq for UserMigrationRequest {
    fn eq(&self, other: &Self) -> bool {
        self.password.as_ref().map(Password::expose_secret)
            == other.password.as_ref().map(Password::expose_secret)
            && self.validation_data == other.validation_data
            && self.client_metadata == other.client_metadata
    }
}

/// `finalUserStatus` of a migrated user.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MigratedUserStatus {
    /// `CONFIRMED`: keeps the typed password, signs in now.
    Confirmed,
    /// `RESET_REQUIRED`: must reset the password first.
    ResetRequired,
}

impl MigratedUserStatus {
    /// Cognito's name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "CONFIRMED",
            Self::ResetRequired => "RESET_REQUIRED",
        }
    }
}

/// `messageAction` of a migration.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MigrationMessageAction {
    /// `RESEND`: send the welcome message.
    Resend,
    /// `SUPPRESS`: send nothing.
    Suppress,
}

impl MigrationMessageAction {
    /// Cognito's name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Resend => "RESEND",
            Self::Suppress => "SUPPRESS",
        }
    }
}

/// UserMigration's `response`. The default migrates nothing (empty
/// `userAttributes`), which is what a pool without the trigger amounts to.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct UserMigrationResponse {
    /// `userAttributes`: stored on the new user.
    pub user_attributes: StringMap,
    /// `finalUserStatus`; `None` means `RESET_REQUIRED`.
    pub final_user_status: Option<MigratedUserStatus>,
    /// `messageAction`; `None` means send.
    pub message_action: Option<MigrationMessageAction>,
    /// `desiredDeliveryMediums`; empty means SMS.
    pub desired_delivery_mediums: Vec<DeliveryMedium>,
    /// `forceAliasCreation`.
    pub force_alias_creation: bool,
    /// `enableSMSMFA`. The library has no SMS MFA: the pool refuses `true`
    /// with `InvalidLambdaResponseException` (cognito-triggers.md §2.6).
    pub enable_sms_mfa: bool,
}

// ----------------------------------------------------------- CustomMessage

/// CustomMessage's `request` (§2.7).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CustomMessageRequest {
    /// `userAttributes`.
    pub user_attributes: StringMap,
    /// `codeParameter`: [`CustomMessageRequest::CODE_PARAMETER`], never the code.
    pub code_parameter: String,
    /// `linkParameter`: [`CustomMessageRequest::LINK_PARAMETER`].
    pub link_parameter: String,
    /// `usernameParameter`: [`CustomMessageRequest::USERNAME_PARAMETER`]
    /// for `CustomMessage_AdminCreateUser`, `null` otherwise.
    pub username_parameter: Option<String>,
    /// `clientMetadata`: omitted when `None`.
    pub client_metadata: Option<StringMap>,
}

impl CustomMessageRequest {
    /// The placeholder Cognito replaces with the code: `{####}`.
    pub const CODE_PARAMETER: &'static str = "{####}";
    /// The placeholder Cognito replaces with the username: `{username}`.
    pub const USERNAME_PARAMETER: &'static str = "{username}";
    /// The link placeholder: `{##Click Here##}`.
    pub const LINK_PARAMETER: &'static str = "{##Click Here##}";

    /// The request Cognito sends for `source` (a `CustomMessage_*` source):
    /// the three placeholders, `usernameParameter` only for `AdminCreateUser`.
    #[must_use]
    pub fn new(source: TriggerSource, user_attributes: StringMap) -> Self {
        Self {
            user_attributes,
            code_parameter: Self::CODE_PARAMETER.to_owned(),
            link_parameter: Self::LINK_PARAMETER.to_owned(),
            username_parameter: (source == TriggerSource::CustomMessageAdminCreateUser)
                .then(|| Self::USERNAME_PARAMETER.to_owned()),
            client_metadata: None,
        }
    }
}

/// CustomMessage's `response`. `None` falls back to the pool's template for
/// that part; the default is all templates.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CustomMessageResponse {
    /// `smsMessage`.
    pub sms_message: Option<String>,
    /// `emailMessage`.
    pub email_message: Option<String>,
    /// `emailSubject`.
    pub email_subject: Option<String>,
}

// ------------------------------------------------------------- CUSTOM_AUTH

/// One entry of a `CUSTOM_AUTH` `session`: a completed round (§3.3, §3.4).
/// `Debug` redacts the metadata, where functions often keep the code.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct ChallengeResult {
    /// `challengeName`: `SRP_A`, `PASSWORD_VERIFIER`, `CUSTOM_CHALLENGE`, …
    pub challenge_name: String,
    /// `challengeResult`.
    pub challenge_result: bool,
    /// `challengeMetadata`: CreateAuthChallenge's, `null` when `None`.
    pub challenge_metadata: Option<String>,
}

impl fmt::Debug for ChallengeResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChallengeResult")
            .field("challenge_name", &self.challenge_name)
            .field("challenge_result", &self.challenge_result)
            .field(
                "challenge_metadata",
                &self.challenge_metadata.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl ChallengeResult {
    /// A round of `challenge_name` with this result and metadata.
    #[must_use]
    pub fn new(
        challenge_name: impl Into<String>,
        challenge_result: bool,
        challenge_metadata: Option<String>,
    ) -> Self {
        Self {
            challenge_name: challenge_name.into(),
            challenge_result,
            challenge_metadata,
        }
    }
}

/// DefineAuthChallenge's `request`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DefineAuthChallengeRequest {
    /// `userAttributes`.
    pub user_attributes: StringMap,
    /// `session`: the rounds so far.
    pub session: Vec<ChallengeResult>,
    /// `clientMetadata`: omitted when `None`.
    pub client_metadata: Option<StringMap>,
    /// `userNotFound`: omitted when `None`.
    pub user_not_found: Option<bool>,
}

/// DefineAuthChallenge's `response`. `null` booleans read as `false`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DefineAuthChallengeResponse {
    /// `challengeName`: the next challenge.
    pub challenge_name: Option<String>,
    /// `issueTokens`.
    pub issue_tokens: bool,
    /// `failAuthentication`.
    pub fail_authentication: bool,
}

/// CreateAuthChallenge's `request`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CreateAuthChallengeRequest {
    /// `userAttributes`.
    pub user_attributes: StringMap,
    /// `challengeName`: `CUSTOM_CHALLENGE`.
    pub challenge_name: String,
    /// `session`: completed rounds only.
    pub session: Vec<ChallengeResult>,
    /// `clientMetadata`: omitted when `None`.
    pub client_metadata: Option<StringMap>,
    /// `userNotFound`: omitted when `None`.
    pub user_not_found: Option<bool>,
}

/// CreateAuthChallenge's `response`. `Debug` redacts the private parameters.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, Default)]
pub struct CreateAuthChallengeResponse {
    /// `publicChallengeParameters`: to the client.
    pub public_challenge_parameters: StringMap,
    /// `privateChallengeParameters`: kept for VerifyAuthChallengeResponse,
    /// never shown to the client (often the expected answer).
    pub private_challenge_parameters: StringMap,
    /// `challengeMetadata`: recorded in the session entry.
    pub challenge_metadata: Option<String>,
}

impl fmt::Debug for CreateAuthChallengeResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateAuthChallengeResponse")
            .field(
                "public_challenge_parameters",
                &self.public_challenge_parameters,
            )
            .field("private_challenge_parameters", &"[redacted]")
            .field("challenge_metadata", &self.challenge_metadata)
            .finish()
    }
}

/// VerifyAuthChallengeResponse's `request`. `Debug` redacts the private
/// parameters and the answer.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, Default)]
pub struct VerifyAuthChallengeRequest {
    /// `userAttributes`.
    pub user_attributes: StringMap,
    /// `privateChallengeParameters`: from the latest CreateAuthChallenge.
    pub private_challenge_parameters: StringMap,
    /// `challengeAnswer`: the client's `ANSWER`.
    pub challenge_answer: String,
    /// `clientMetadata`: omitted when `None`.
    pub client_metadata: Option<StringMap>,
    /// `userNotFound`: omitted when `None`.
    pub user_not_found: Option<bool>,
}

impl fmt::Debug for VerifyAuthChallengeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyAuthChallengeRequest")
            .field("user_attributes", &self.user_attributes)
            .field("private_challenge_parameters", &"[redacted]")
            .field("challenge_answer", &"[redacted]")
            .field("client_metadata", &self.client_metadata)
            .field("user_not_found", &self.user_not_found)
            .finish()
    }
}

/// VerifyAuthChallengeResponse's `response`. The default is a wrong answer.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct VerifyAuthChallengeResponse {
    /// `answerCorrect`; `null` reads as `false`.
    pub answer_correct: bool,
}

impl VerifyAuthChallengeResponse {
    /// A verdict.
    #[must_use]
    pub const fn new(answer_correct: bool) -> Self {
        Self { answer_correct }
    }
}

// ---------------------------------------------------------- custom senders

/// `request` of CustomEmailSender and CustomSMSSender (§2.8); their
/// response is ignored. `Debug` redacts the code.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, Default)]
pub struct CustomSenderRequest {
    /// `code`: the code or temporary password, encrypted under the pool's
    /// `KMSKeyID` and base64-encoded; `null` for AccountTakeOver notifications.
    pub code: Option<String>,
    /// `userAttributes`.
    pub user_attributes: StringMap,
    /// `clientMetadata`: omitted when `None`.
    pub client_metadata: Option<StringMap>,
}

impl fmt::Debug for CustomSenderRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomSenderRequest")
            .field("code", &self.code.as_ref().map(|_| "[redacted]"))
            .field("user_attributes", &self.user_attributes)
            .field("client_metadata", &self.client_metadata)
            .finish()
    }
}

impl CustomSenderRequest {
    /// `type` of a CustomEmailSender request.
    pub const EMAIL_TYPE: &'static str = "customEmailSenderRequestV1";
    /// `type` of a CustomSMSSender request.
    pub const SMS_TYPE: &'static str = "customSMSSenderRequestV1";
}

"""MFA through boto3 and pycognito against userpool-server
(cognito-mfa-devices-passwordless.md §10, rows A-F and J): pools configured
through SetUserPoolMfaConfig, TOTP enrolment with an access token and through
MFA_SETUP, SOFTWARE_TOKEN_MFA / SMS_MFA / EMAIL_OTP / SELECT_MFA_TYPE sign-ins
with codes from pyotp and from /_outbox, the refusals clients see, and a
remembered device (pycognito's device verifier and device SRP, boto3's device
operations) standing in for the TOTP code until it is forgotten.

TOTP without a clock control: the server accepts the steps t-1..t+1 around
its clock and refuses a step at or below the last one a user spent. Each user
has its own `Authenticator`, which hands out codes for strictly increasing
steps inside that window and waits only when a user has spent them all.
"""

from __future__ import annotations

import os
import re
import time

from harness import (
    ENDPOINT,
    QUICKSTART_PASSWORD,
    client,
    create_quickstart,
    expect_error,
    jwks,
    outbox,
    quickstart_attributes,
    quickstart_pool_input,
    run,
    test,
)

os.environ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = ENDPOINT

import jwt  # noqa: E402
import pyotp  # noqa: E402
from pycognito import Cognito  # noqa: E402
from pycognito.aws_srp import AWSSRP, generate_hash_device, long_to_hex  # noqa: E402
from pycognito.exceptions import SoftwareTokenMFAChallengeException  # noqa: E402

cognito = client()
S: dict = {}

SMS_CONFIGURATION = {"SnsCallerArn": "arn:aws:iam::123456789012:role/userpool-sms", "ExternalId": "interop-mfa"}
SMS_MESSAGE = "Your sign-in code is {####}"
EMAIL_MFA = {"Message": "Your email sign-in code is {####}", "Subject": "Your sign-in code"}
ALL_FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
TOTP_ONLY_PREFERENCE_ERROR = "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA"


class Authenticator:
    """A user's authenticator app: codes for strictly increasing 30 s steps
    within t-1..t+1 of now (kept a few seconds clear of the window's edges,
    for the server reads its clock a moment later)."""

    def __init__(self, secret: str):
        self.totp = pyotp.TOTP(secret)
        self.last: int | None = None
        self.last_code: str | None = None

    def code(self) -> str:
        while True:
            now = time.time()
            step = int(now // 30)
            into = now - step * 30
            low = step - 1 if into < 25 else step
            high = step + 1 if into > 2 else step
            want = low if self.last is None else max(low, self.last + 1)
            if want <= high:
                self.last = want
                self.last_code = self.totp.at(want * 30)
                return self.last_code
            time.sleep((want - 1) * 30 + 3 - now)

    def wrong(self) -> str:
        """A code valid at none of the steps the server accepts now."""
        step = int(time.time() // 30)
        taken = {self.totp.at((step + k) * 30) for k in range(-2, 3)}
        return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in taken)


def new_user(pool: str, app: str, email: str, phone: str | None = None) -> None:
    """Signed up and confirmed by an administrator (email left unverified)."""
    attributes = quickstart_attributes()
    if phone:
        attributes.append({"Name": "phone_number", "Value": phone})
    cognito.sign_up(ClientId=app, Username=email, Password=QUICKSTART_PASSWORD, UserAttributes=attributes)
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username=email)


def password_auth(app: str, email: str) -> dict:
    return cognito.initiate_auth(
        ClientId=app, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": QUICKSTART_PASSWORD}
    )


def tokens_of(r: dict) -> dict:
    assert "ChallengeName" not in r, f"expected tokens, got the challenge {r.get('ChallengeName')}"
    result = r["AuthenticationResult"]
    assert result["TokenType"] == "Bearer" and result["AccessToken"] and result["IdToken"], result
    return result


def internal_username(pool: str, email: str) -> str:
    return cognito.admin_get_user(UserPoolId=pool, Username=email)["Username"]


def attribute(pool: str, email: str, name: str) -> str | None:
    attrs = cognito.admin_get_user(UserPoolId=pool, Username=email)["UserAttributes"]
    return next((a["Value"] for a in attrs if a["Name"] == name), None)


def mfa_members(user: dict) -> dict:
    return {k: user[k] for k in ("UserMFASettingList", "PreferredMfaSetting", "MFAOptions") if k in user}


def last_message(pool: str, email: str, medium: str) -> dict:
    """The last `medium` message the user got; asked by internal username,
    for an SMS's destination is the phone number."""
    sent = [m for m in outbox(pool, internal_username(pool, email)) if m["medium"] == medium]
    assert sent, f"no {medium} message in the outbox for {email}"
    return sent[-1]


def app_client(pool: str, name: str) -> str:
    return cognito.create_user_pool_client(UserPoolId=pool, ClientName=name, ExplicitAuthFlows=ALL_FLOWS)[
        "UserPoolClient"
    ]["ClientId"]


# --- pools -----------------------------------------------------------------


@test()
def optional_pool_with_three_factors():
    pool, _ = create_quickstart(cognito, "mfa-optional")
    S["opt"], S["opt_app"] = pool, app_client(pool, "mfa-optional-app")
    r = cognito.set_user_pool_mfa_config(
        UserPoolId=pool,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
        SmsMfaConfiguration={"SmsAuthenticationMessage": SMS_MESSAGE, "SmsConfiguration": SMS_CONFIGURATION},
        EmailMfaConfiguration=EMAIL_MFA,
    )
    want = {
        "MfaConfiguration": "OPTIONAL",
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": SMS_MESSAGE, "SmsConfiguration": SMS_CONFIGURATION},
        "EmailMfaConfiguration": EMAIL_MFA,
    }
    got = {k: v for k, v in r.items() if k != "ResponseMetadata"}
    assert got == want, got
    stored = cognito.get_user_pool_mfa_config(UserPoolId=pool)
    assert {k: v for k, v in stored.items() if k != "ResponseMetadata"} == want, stored
    assert cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["MfaConfiguration"] == "OPTIONAL"


@test()
def on_pool_with_totp_as_in_the_founding_tutorial():
    pool, _ = create_quickstart(cognito, "awesome-user-pool")
    S["on"], S["on_app"] = pool, app_client(pool, "awesome-app-client")
    r = cognito.set_user_pool_mfa_config(
        UserPoolId=pool, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    assert r["MfaConfiguration"] == "ON" and r["SoftwareTokenMfaConfiguration"] == {"Enabled": True}, r
    assert "SmsMfaConfiguration" not in r and "EmailMfaConfiguration" not in r, r


# --- J: refusals -------------------------------------------------------------


@test()
def pool_mfa_config_refusals():
    pool, _ = create_quickstart(cognito, "mfa-off")
    S["off"], S["off_app"] = pool, app_client(pool, "mfa-off-app")
    e = expect_error(
        "InvalidParameterException",
        cognito.set_user_pool_mfa_config,
        UserPoolId=pool,
        MfaConfiguration="OFF",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    want = "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
    assert e.response["Error"]["Message"] == want, e.response["Error"]
    for extra in ({}, {"SoftwareTokenMfaConfiguration": {"Enabled": False}}):
        e = expect_error(
            "InvalidParameterException",
            cognito.set_user_pool_mfa_config,
            UserPoolId=pool,
            MfaConfiguration="ON",
            **extra,
        )
        want = "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration."
        assert e.response["Error"]["Message"] == want, (extra, e.response["Error"])
    # Nothing changed.
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool)["MfaConfiguration"] == "OFF"


@test()
def email_mfa_is_refused_on_lite():
    spec = quickstart_pool_input("mfa-lite")
    spec["UserPoolTier"] = "LITE"
    pool = cognito.create_user_pool(**spec)["UserPool"]["Id"]
    e = expect_error(
        "FeatureUnavailableInTierException",
        cognito.set_user_pool_mfa_config,
        UserPoolId=pool,
        MfaConfiguration="OPTIONAL",
        EmailMfaConfiguration=EMAIL_MFA,
    )
    assert e.response["Error"]["Message"] == "EmailMfaConfiguration is not available in the LITE feature plan.", e.response
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool)["MfaConfiguration"] == "OFF"


@test("pool_mfa_config_refusals")
def associate_in_a_pool_without_totp():
    email = "mfa.off@example.com"
    new_user(S["off"], S["off_app"], email)
    access = tokens_of(password_auth(S["off_app"], email))["AccessToken"]
    e = expect_error("SoftwareTokenMFANotFoundException", cognito.associate_software_token, AccessToken=access)
    assert e.response["Error"]["Message"] == "Software Token MFA has not been enabled by the userPool", e.response


@test("optional_pool_with_three_factors")
def user_mfa_preference_refusals():
    email = "mfa.refusals@example.com"
    new_user(S["opt"], S["opt_app"], email)
    access = tokens_of(password_auth(S["opt_app"], email))["AccessToken"]
    cases = [
        ({"SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}}, TOTP_ONLY_PREFERENCE_ERROR),
        ({"SMSMfaSettings": {"Enabled": True}}, "User does not have a phone_number set to turn on SMS MFA"),
        (
            {
                "SMSMfaSettings": {"Enabled": True, "PreferredMfa": True},
                "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
            },
            "Only one MFA method can be set as preferred.",
        ),
    ]
    for settings, message in cases:
        e = expect_error("InvalidParameterException", cognito.set_user_mfa_preference, AccessToken=access, **settings)
        assert e.response["Error"]["Message"] == message, (settings, e.response["Error"])
    # The associated but unverified authenticator is not enough either.
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    assert re.fullmatch(r"[A-Z2-7]{52}", secret), secret
    e = expect_error(
        "InvalidParameterException",
        cognito.set_user_mfa_preference,
        AccessToken=access,
        SoftwareTokenMfaSettings={"Enabled": True},
    )
    assert e.response["Error"]["Message"] == TOTP_ONLY_PREFERENCE_ERROR, e.response["Error"]
    assert mfa_members(cognito.get_user(AccessToken=access)) == {}


# --- A: TOTP enrolled while signed in (OPTIONAL) -----------------------------


@test("optional_pool_with_three_factors")
def totp_enrol_with_an_access_token():
    email = S["a_email"] = "mfa.totp@example.com"
    new_user(S["opt"], S["opt_app"], email)
    access = S["a_access"] = tokens_of(password_auth(S["opt_app"], email))["AccessToken"]
    r = cognito.associate_software_token(AccessToken=access)
    assert "Session" not in r, r
    assert re.fullmatch(r"[A-Z2-7]{52}", r["SecretCode"]), r["SecretCode"]
    S["a_totp"] = Authenticator(r["SecretCode"])
    e = expect_error(
        "EnableSoftwareTokenMFAException",
        cognito.verify_software_token,
        AccessToken=access,
        UserCode=S["a_totp"].wrong(),
    )
    assert e.response["Error"]["Message"] == "Code mismatch and fail enable Software Token MFA", e.response["Error"]
    r = cognito.verify_software_token(AccessToken=access, UserCode=S["a_totp"].code(), FriendlyDeviceName="Jane's phone")
    assert r["Status"] == "SUCCESS" and "Session" not in r, r
    # Verified but not preferred.
    assert mfa_members(cognito.get_user(AccessToken=access)) == {"UserMFASettingList": ["SOFTWARE_TOKEN_MFA"]}
    r = cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    assert {k: v for k, v in r.items() if k != "ResponseMetadata"} == {}, r
    want = {"UserMFASettingList": ["SOFTWARE_TOKEN_MFA"], "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA"}
    assert mfa_members(cognito.get_user(AccessToken=access)) == want
    assert mfa_members(cognito.admin_get_user(UserPoolId=S["opt"], Username=email)) == want


@test("totp_enrol_with_an_access_token")
def totp_sign_in_wrong_then_right_code():
    email = S["a_email"]
    r = password_auth(S["opt_app"], email)
    assert r["ChallengeName"] == "SOFTWARE_TOKEN_MFA", r
    want = {"FRIENDLY_DEVICE_NAME": "Jane's phone", "USER_ID_FOR_SRP": internal_username(S["opt"], email)}
    assert r["ChallengeParameters"] == want, r["ChallengeParameters"]
    assert "AuthenticationResult" not in r and r["Session"], r

    def answer(code):
        return cognito.respond_to_auth_challenge(
            ClientId=S["opt_app"],
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=r["Session"],
            ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": code},
        )

    e = expect_error("CodeMismatchException", answer, S["a_totp"].wrong())
    assert e.response["Error"]["Message"] == "Invalid code received for user", e.response["Error"]
    # A wrong code does not spend the session.
    result = tokens_of(answer(S["a_totp"].code()))
    assert cognito.get_user(AccessToken=result["AccessToken"])["Username"] == want["USER_ID_FOR_SRP"]
    assert result["RefreshToken"], result


@test("totp_sign_in_wrong_then_right_code")
def totp_replayed_code_is_refused():
    email = S["a_email"]
    r = password_auth(S["opt_app"], email)
    assert r["ChallengeName"] == "SOFTWARE_TOKEN_MFA", r
    e = expect_error(
        "ExpiredCodeException",
        cognito.respond_to_auth_challenge,
        ClientId=S["opt_app"],
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=r["Session"],
        ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": S["a_totp"].last_code},
    )
    assert e.response["Error"]["Message"] == "Your software token has already been used once.", e.response["Error"]


@test("totp_replayed_code_is_refused")
def admin_delete_software_token_turns_totp_off():
    email = S["a_email"]
    r = cognito.admin_delete_software_token(UserPoolId=S["opt"], Username=email)
    assert {k: v for k, v in r.items() if k != "ResponseMetadata"} == {}, r
    assert mfa_members(cognito.admin_get_user(UserPoolId=S["opt"], Username=email)) == {}
    # OPTIONAL and no factor left: tokens straight after the password.
    tokens_of(password_auth(S["opt_app"], email))


# --- B: MFA_SETUP (ON, TOTP only) --------------------------------------------


def mfa_setup(pool: str, app: str, email: str, first: dict) -> Authenticator:
    """Associate(Session) -> Verify(Session) -> MFA_SETUP answer; the
    authenticator, once tokens came back."""
    assert first["ChallengeName"] == "MFA_SETUP", first
    assert first["ChallengeParameters"] == {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'}, first["ChallengeParameters"]
    s1 = first["Session"]
    # The challenge's own session cannot end it: no authenticator is verified.
    e = expect_error(
        "NotAuthorizedException",
        cognito.admin_respond_to_auth_challenge,
        UserPoolId=pool,
        ClientId=app,
        ChallengeName="MFA_SETUP",
        Session=s1,
        ChallengeResponses={"USERNAME": email},
    )
    assert e.response["Error"]["Message"] == "Invalid session for the user.", e.response["Error"]
    assoc = cognito.associate_software_token(Session=s1)
    s2 = assoc["Session"]
    assert s2 and s2 != s1, assoc
    totp = Authenticator(assoc["SecretCode"])
    verified = cognito.verify_software_token(Session=s2, UserCode=totp.code(), FriendlyDeviceName="Authenticator")
    assert verified["Status"] == "SUCCESS", verified
    s3 = verified["Session"]
    assert s3 and s3 not in (s1, s2), verified
    done = cognito.admin_respond_to_auth_challenge(
        UserPoolId=pool,
        ClientId=app,
        ChallengeName="MFA_SETUP",
        Session=s3,
        ChallengeResponses={"USERNAME": email},
    )
    tokens_of(done)
    want = {"UserMFASettingList": ["SOFTWARE_TOKEN_MFA"]}
    assert mfa_members(cognito.admin_get_user(UserPoolId=pool, Username=email)) == want
    return totp


@test("on_pool_with_totp_as_in_the_founding_tutorial")
def mfa_setup_for_a_signed_up_user():
    email = S["b_email"] = "mfa.setup@example.com"
    new_user(S["on"], S["on_app"], email)
    first = cognito.admin_initiate_auth(
        UserPoolId=S["on"],
        ClientId=S["on_app"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": QUICKSTART_PASSWORD},
    )
    S["b_totp"] = mfa_setup(S["on"], S["on_app"], email, first)


@test("mfa_setup_for_a_signed_up_user")
def on_pool_signs_in_with_totp_and_refuses_a_replay():
    email = S["b_email"]
    r = password_auth(S["on_app"], email)
    assert r["ChallengeName"] == "SOFTWARE_TOKEN_MFA", r
    assert r["ChallengeParameters"]["FRIENDLY_DEVICE_NAME"] == "Authenticator", r["ChallengeParameters"]
    code = S["b_totp"].code()
    tokens_of(
        cognito.respond_to_auth_challenge(
            ClientId=S["on_app"],
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=r["Session"],
            ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": code},
        )
    )
    again = password_auth(S["on_app"], email)
    e = expect_error(
        "ExpiredCodeException",
        cognito.respond_to_auth_challenge,
        ClientId=S["on_app"],
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=again["Session"],
        ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": code},
    )
    assert e.response["Error"]["Message"] == "Your software token has already been used once.", e.response["Error"]


@test("on_pool_with_totp_as_in_the_founding_tutorial")
def admin_created_user_new_password_then_mfa_setup():
    email = "mfa.invited@example.com"
    temporary = "Temp0rary^pass"
    cognito.admin_create_user(
        UserPoolId=S["on"],
        Username=email,
        TemporaryPassword=temporary,
        MessageAction="SUPPRESS",
        UserAttributes=quickstart_attributes() + [{"Name": "email", "Value": email}],
    )
    r = cognito.admin_initiate_auth(
        UserPoolId=S["on"],
        ClientId=S["on_app"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": temporary},
    )
    assert r["ChallengeName"] == "NEW_PASSWORD_REQUIRED", r
    setup = cognito.admin_respond_to_auth_challenge(
        UserPoolId=S["on"],
        ClientId=S["on_app"],
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=r["Session"],
        ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": QUICKSTART_PASSWORD},
    )
    mfa_setup(S["on"], S["on_app"], email, setup)


# --- C: SMS and email codes ----------------------------------------------------


@test("optional_pool_with_three_factors")
def sms_mfa_with_the_code_from_the_outbox():
    email, phone = "mfa.sms@example.com", "+14325551212"
    new_user(S["opt"], S["opt_app"], email, phone)
    assert attribute(S["opt"], email, "phone_number_verified") is None  # never verified
    cognito.admin_set_user_mfa_preference(
        UserPoolId=S["opt"], Username=email, SMSMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    want = {
        "UserMFASettingList": ["SMS_MFA"],
        "PreferredMfaSetting": "SMS_MFA",
        "MFAOptions": [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}],
    }
    assert mfa_members(cognito.admin_get_user(UserPoolId=S["opt"], Username=email)) == want
    r = password_auth(S["opt_app"], email)
    assert r["ChallengeName"] == "SMS_MFA", r
    assert r["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
        "CODE_DELIVERY_DESTINATION": "+*******1212",
        "USER_ID_FOR_SRP": internal_username(S["opt"], email),
    }, r["ChallengeParameters"]
    sms = last_message(S["opt"], email, "SMS")
    assert sms["destination"] == phone and sms["body"] == SMS_MESSAGE.replace("{####}", sms["code"]), sms
    assert re.fullmatch(r"[0-9]{6}", sms["code"]), sms

    def answer(code):
        return cognito.respond_to_auth_challenge(
            ClientId=S["opt_app"],
            ChallengeName="SMS_MFA",
            Session=r["Session"],
            ChallengeResponses={"USERNAME": email, "SMS_MFA_CODE": code},
        )

    e = expect_error("CodeMismatchException", answer, "000000" if sms["code"] != "000000" else "111111")
    assert e.response["Error"]["Message"] == "Invalid code or auth state for the user.", e.response["Error"]
    tokens_of(answer(sms["code"]))
    assert attribute(S["opt"], email, "phone_number_verified") == "true"


@test("optional_pool_with_three_factors")
def email_otp_with_the_code_from_the_outbox():
    email = "mfa.email@example.com"
    new_user(S["opt"], S["opt_app"], email)
    assert attribute(S["opt"], email, "email_verified") is None  # confirmed by an administrator, never verified
    cognito.admin_set_user_mfa_preference(
        UserPoolId=S["opt"], Username=email, EmailMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    want = {"UserMFASettingList": ["EMAIL_OTP"], "PreferredMfaSetting": "EMAIL_OTP"}
    assert mfa_members(cognito.admin_get_user(UserPoolId=S["opt"], Username=email)) == want
    r = cognito.admin_initiate_auth(
        UserPoolId=S["opt"],
        ClientId=S["opt_app"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": QUICKSTART_PASSWORD},
    )
    assert r["ChallengeName"] == "EMAIL_OTP", r
    assert r["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": "m***@e***",
        "USER_ID_FOR_SRP": internal_username(S["opt"], email),
    }, r["ChallengeParameters"]
    sent = last_message(S["opt"], email, "EMAIL")
    assert sent["subject"] == EMAIL_MFA["Subject"], sent
    assert sent["body"] == EMAIL_MFA["Message"].replace("{####}", sent["code"]), sent
    tokens_of(
        cognito.admin_respond_to_auth_challenge(
            UserPoolId=S["opt"],
            ClientId=S["opt_app"],
            ChallengeName="EMAIL_OTP",
            Session=r["Session"],
            ChallengeResponses={"USERNAME": email, "EMAIL_OTP_CODE": sent["code"]},
        )
    )
    assert attribute(S["opt"], email, "email_verified") == "true"


# --- D: SELECT_MFA_TYPE --------------------------------------------------------


@test("optional_pool_with_three_factors")
def select_mfa_type_between_sms_and_totp():
    email, phone = "mfa.select@example.com", "+14325559876"
    new_user(S["opt"], S["opt_app"], email, phone)
    access = tokens_of(password_auth(S["opt_app"], email))["AccessToken"]
    totp = Authenticator(cognito.associate_software_token(AccessToken=access)["SecretCode"])
    assert cognito.verify_software_token(AccessToken=access, UserCode=totp.code())["Status"] == "SUCCESS"
    cognito.set_user_mfa_preference(AccessToken=access, SMSMfaSettings={"Enabled": True, "PreferredMfa": False})
    listed = cognito.get_user(AccessToken=access)
    assert listed["UserMFASettingList"] == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"], listed
    assert "PreferredMfaSetting" not in listed, listed
    username = internal_username(S["opt"], email)

    def choose(answer: str) -> dict:
        r = password_auth(S["opt_app"], email)
        assert r["ChallengeName"] == "SELECT_MFA_TYPE", r
        assert r["ChallengeParameters"] == {
            "MFAS_CAN_CHOOSE": '["SMS_MFA","SOFTWARE_TOKEN_MFA"]',
            "USER_ID_FOR_SRP": username,
        }, r["ChallengeParameters"]
        chosen = cognito.respond_to_auth_challenge(
            ClientId=S["opt_app"],
            ChallengeName="SELECT_MFA_TYPE",
            Session=r["Session"],
            ChallengeResponses={"USERNAME": email, "ANSWER": answer},
        )
        assert chosen["ChallengeName"] == answer, chosen
        assert chosen["Session"] and chosen["Session"] != r["Session"], chosen
        return chosen

    chosen = choose("SOFTWARE_TOKEN_MFA")
    assert chosen["ChallengeParameters"] == {"USER_ID_FOR_SRP": username}, chosen["ChallengeParameters"]
    tokens_of(
        cognito.respond_to_auth_challenge(
            ClientId=S["opt_app"],
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=chosen["Session"],
            ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": totp.code()},
        )
    )
    chosen = choose("SMS_MFA")
    assert chosen["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******9876", chosen
    tokens_of(
        cognito.respond_to_auth_challenge(
            ClientId=S["opt_app"],
            ChallengeName="SMS_MFA",
            Session=chosen["Session"],
            ChallengeResponses={"USERNAME": email, "SMS_MFA_CODE": last_message(S["opt"], email, "SMS")["code"]},
        )
    )


# --- A through pycognito -------------------------------------------------------


def pycognito_user(email: str) -> Cognito:
    u = Cognito(S["opt"], S["opt_app"], username=email)
    u.pool_jwk = jwks(S["opt"])
    return u


@test("optional_pool_with_three_factors")
def pycognito_totp_enrol_and_sign_in():
    email = "pycognito.totp@example.com"
    new_user(S["opt"], S["opt_app"], email)
    u = pycognito_user(email)
    u.authenticate(password=QUICKSTART_PASSWORD)
    totp = Authenticator(u.associate_software_token())
    assert u.verify_software_token(totp.code(), device_name="pycognito") is True
    u.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    profile = cognito.get_user(AccessToken=u.access_token)
    assert mfa_members(profile) == {
        "UserMFASettingList": ["SOFTWARE_TOKEN_MFA"],
        "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
    }, profile
    again = pycognito_user(email)
    try:
        again.authenticate(password=QUICKSTART_PASSWORD)
    except SoftwareTokenMFAChallengeException as challenge:
        tokens = challenge.get_tokens()
        assert tokens["ChallengeName"] == "SOFTWARE_TOKEN_MFA", tokens
        assert tokens["ChallengeParameters"]["FRIENDLY_DEVICE_NAME"] == "pycognito", tokens
    else:
        raise AssertionError("SRP sign-in of a TOTP user did not ask for the code")
    again.respond_to_software_token_mfa_challenge(totp.code())
    assert again.access_token and again.id_token and again.refresh_token
    again.verify_tokens()
    assert again.id_claims["email"] == email, again.id_claims
    assert again.access_claims["client_id"] == S["opt_app"], again.access_claims


# --- E and F: a remembered device (pycognito, boto3) -----------------------------


def claims(token: str) -> dict:
    """A JWT's payload (the suites that verify signatures are elsewhere)."""
    return jwt.decode(token, options={"verify_signature": False})


def device_attributes(device: dict) -> dict:
    return {a["Name"]: a["Value"] for a in device["DeviceAttributes"]}


def device_srp(email: str, device: dict) -> AWSSRP:
    return AWSSRP(
        username=email,
        password=QUICKSTART_PASSWORD,
        pool_id=S["dev"],
        client_id=S["dev_app"],
        client=cognito,
        device_key=device["key"],
        device_group_key=device["group"],
        device_password=device["password"],
    )


def device_srp_sign_in(email: str, device: dict) -> dict:
    """USER_SRP_AUTH with a remembered device, with pycognito's SRP and
    device-SRP arithmetic and every Session passed on, each step checked:
    PASSWORD_VERIFIER -> DEVICE_SRP_AUTH -> DEVICE_PASSWORD_VERIFIER.
    (pycognito's own `authenticate_user` answers the device challenges
    without a Session; that variant is signed in with too.)"""
    srp = device_srp(email, device)
    params = srp.get_auth_params()
    assert params["DEVICE_KEY"] == device["key"], params
    r = cognito.initiate_auth(ClientId=S["dev_app"], AuthFlow="USER_SRP_AUTH", AuthParameters=params)
    assert r["ChallengeName"] == "PASSWORD_VERIFIER", r
    r = cognito.respond_to_auth_challenge(
        ClientId=S["dev_app"],
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.process_challenge(r["ChallengeParameters"], params),
    )
    username = internal_username(S["dev"], email)
    assert r["ChallengeName"] == "DEVICE_SRP_AUTH", r
    assert r["ChallengeParameters"] == {"USERNAME": username}, r["ChallengeParameters"]
    r = cognito.respond_to_auth_challenge(
        ClientId=S["dev_app"],
        ChallengeName="DEVICE_SRP_AUTH",
        Session=r["Session"],
        ChallengeResponses={"USERNAME": email, "DEVICE_KEY": device["key"], "SRP_A": long_to_hex(srp.large_a_value)},
    )
    assert r["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER", r
    p = r["ChallengeParameters"]
    assert sorted(p) == ["DEVICE_KEY", "SALT", "SECRET_BLOCK", "SRP_B", "USERNAME"], p
    assert p["DEVICE_KEY"] == device["key"] and p["USERNAME"] == username, p
    return cognito.respond_to_auth_challenge(
        ClientId=S["dev_app"],
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        Session=r["Session"],
        ChallengeResponses=srp.process_device_challenge(p),
    )


@test()
def device_tracking_pool():
    spec = quickstart_pool_input("mfa-devices")
    spec["DeviceConfiguration"] = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}
    pool = cognito.create_user_pool(**spec)["UserPool"]["Id"]
    S["dev"], S["dev_app"] = pool, app_client(pool, "mfa-devices-app")
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    described = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]
    assert described["DeviceConfiguration"] == spec["DeviceConfiguration"], described.get("DeviceConfiguration")


@test("device_tracking_pool")
def remembered_device_skips_totp():
    email = S["e_email"] = "pycognito.device@example.com"
    pool, app = S["dev"], S["dev_app"]
    new_user(pool, app, email)
    access = tokens_of(password_auth(app, email))["AccessToken"]
    totp = S["e_totp"] = Authenticator(cognito.associate_software_token(AccessToken=access)["SecretCode"])
    cognito.verify_software_token(AccessToken=access, UserCode=totp.code())
    cognito.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

    r = password_auth(app, email)
    assert r["ChallengeName"] == "SOFTWARE_TOKEN_MFA", r
    result = tokens_of(
        cognito.respond_to_auth_challenge(
            ClientId=app,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=r["Session"],
            ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": totp.code()},
        )
    )
    meta = result["NewDeviceMetadata"]
    key, group = meta["DeviceKey"], meta["DeviceGroupKey"]
    assert re.fullmatch(r"us-east-1_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", key), key
    assert re.fullmatch(r"-[A-Za-z0-9]{8}", group), group
    access = result["AccessToken"]
    assert claims(access)["device_key"] == key, claims(access)
    assert "device_key" not in claims(result["IdToken"])

    device_password, verifier = generate_hash_device(group, key)
    confirmed = cognito.confirm_device(
        AccessToken=access, DeviceKey=key, DeviceSecretVerifierConfig=verifier, DeviceName="pycognito laptop"
    )
    assert confirmed["UserConfirmationNecessary"] is True, confirmed  # DeviceOnlyRememberedOnUserPrompt
    # Tracked but not remembered: the administrator sees it, the user does not.
    admin_listed = cognito.admin_list_devices(UserPoolId=pool, Username=email)["Devices"]
    assert [d["DeviceKey"] for d in admin_listed if d["DeviceKey"] == key] == [key], admin_listed
    got = cognito.admin_get_device(UserPoolId=pool, Username=email, DeviceKey=key)["Device"]
    assert device_attributes(got)["dev:device_remembered_status"] == "not_remembered", got
    assert cognito.list_devices(AccessToken=access)["Devices"] == []
    e = expect_error("ResourceNotFoundException", cognito.get_device, AccessToken=access, DeviceKey=key)
    assert e.response["Error"]["Message"] == "Device does not exist.", e.response["Error"]

    cognito.update_device_status(AccessToken=access, DeviceKey=key, DeviceRememberedStatus="remembered")
    listed = cognito.list_devices(AccessToken=access, Limit=60)["Devices"]
    assert [d["DeviceKey"] for d in listed] == [key], listed
    assert device_attributes(listed[0])["device_name"] == "pycognito laptop", listed
    got = cognito.admin_get_device(UserPoolId=pool, Username=email, DeviceKey=key)["Device"]
    assert device_attributes(got)["dev:device_remembered_status"] == "remembered", got
    assert cognito.get_device(AccessToken=access, DeviceKey=key)["Device"]["DeviceKey"] == key

    # The remembered device stands in for the TOTP code.
    device = S["e_device"] = {"key": key, "group": group, "password": device_password}
    signed_in = tokens_of(device_srp_sign_in(email, device))
    assert "NewDeviceMetadata" not in signed_in, signed_in
    assert claims(signed_in["AccessToken"])["device_key"] == key
    device["refresh"] = signed_in["RefreshToken"]
    # pycognito's own sign-in: the device challenges answered without Session.
    sessionless = tokens_of(device_srp(email, device).authenticate_user())
    assert "NewDeviceMetadata" not in sessionless, sessionless
    assert claims(sessionless["AccessToken"])["device_key"] == key


@test("remembered_device_skips_totp")
def refresh_of_a_device_bound_token_needs_its_device_key():
    device = S["e_device"]

    def refresh(**extra):
        return cognito.initiate_auth(
            ClientId=S["dev_app"],
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": device["refresh"], **extra},
        )

    e = expect_error("NotAuthorizedException", refresh)
    assert e.response["Error"]["Message"] == "Invalid Refresh Token", e.response["Error"]
    refreshed = tokens_of(refresh(DEVICE_KEY=device["key"]))
    assert claims(refreshed["AccessToken"])["device_key"] == device["key"]


@test("refresh_of_a_device_bound_token_needs_its_device_key")
def a_forgotten_device_stops_working():
    device, email = S["e_device"], S["e_email"]
    cognito.admin_forget_device(UserPoolId=S["dev"], Username=email, DeviceKey=device["key"])
    for sign_in in (lambda: device_srp_sign_in(email, device), device_srp(email, device).authenticate_user):
        e = expect_error("ResourceNotFoundException", sign_in)
        assert e.response["Error"]["Message"] == "Device does not exist.", e.response["Error"]
    e = expect_error(
        "NotAuthorizedException",
        cognito.initiate_auth,
        ClientId=S["dev_app"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": device["refresh"], "DEVICE_KEY": device["key"]},
    )
    assert e.response["Error"]["Message"] == "Invalid Refresh Token", e.response["Error"]
    # Without it, the second factor is asked again.
    assert password_auth(S["dev_app"], email)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


if __name__ == "__main__":
    raise SystemExit(run())

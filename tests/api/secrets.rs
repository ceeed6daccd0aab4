//! Secrets never leak through `Debug`: requests carrying passwords, messages
//! carrying codes, stored records carrying hashes, and the pool's errors.

use std::fmt::Debug;

use userpool::store::{CodePurpose, CodeStore};
use userpool::{
    AdminCreateUserRequest, Code, ConfirmSignUpRequest, MessageAction, Password, SignUpRequest,
};

use super::common::{JANE, quickstart, sign_up, sign_up_request, sign_up_request_via, staff};
use crate::support::PASSWORD;

/// The pieces of a PHC string worth hiding: the salt and the hash.
fn phc_secrets(phc: &str) -> Vec<String> {
    phc.rsplit('$').take(2).map(str::to_owned).collect()
}

/// `Debug` of `a` and `b`, which differ only in their secrets, is the same:
/// the output cannot depend on, and so cannot leak, any secret. (Searching
/// the output for a six-digit code could match digits of a timestamp.)
fn assert_same_debug<T: Debug>(a: &T, b: &T) {
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(format!("{a:#?}"), format!("{b:#?}"));
}

fn assert_hides(debug: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(!debug.contains(secret), "{debug:?} shows {secret:?}");
    }
}

#[test]
fn a_sign_up_request_never_shows_its_password() {
    let request = sign_up_request_via("client", JANE).secret_hash("c2VjcmV0LWhhc2g=");
    let mut other = request.clone();
    other.password = Some(Password::new("Another1!"));
    other.secret_hash = Some("b3RoZXItaGFzaA==".to_owned());
    assert_same_debug(&request, &other);
    let debug = format!("{request:?} {request:#?}");
    assert_hides(&debug, &[PASSWORD, "c2VjcmV0LWhhc2g="]);
    assert!(debug.contains(JANE), "the rest stays readable: {debug}");
}

#[test]
fn confirm_and_create_requests_never_show_codes_or_passwords() {
    let confirm = ConfirmSignUpRequest::new("client", JANE, "493817");
    let mut create = AdminCreateUserRequest::new("alice");
    create.temporary_password = Some("Temp0rary!".into());
    create.message_action = Some(MessageAction::Suppress);
    let mut other_confirm = confirm.clone();
    other_confirm.confirmation_code = Code::new("000000");
    assert_same_debug(&confirm, &other_confirm);
    let mut other_create = create.clone();
    other_create.temporary_password = Some("Another1!".into());
    assert_same_debug(&create, &other_create);
    assert_hides(&format!("{create:?}"), &["Temp0rary!"]);
}

#[test]
fn an_outbox_message_never_shows_its_code() {
    let h = quickstart();
    sign_up(&h, JANE);
    let message = h.outbox.last_message_for(JANE).unwrap();
    let code = message.code.expose_secret().to_owned();
    assert!(
        message.body.contains(&code),
        "the body itself carries the code"
    );
    let mut other = message.clone();
    other.code = Code::new("not the code");
    other.body = "not the body".to_owned();
    assert_same_debug(&message, &other);
    let debug = format!("{message:?} {:?}", h.outbox);
    assert_hides(&debug, &[&message.body]);
    assert!(
        debug.contains(JANE),
        "the destination stays readable: {debug}"
    );
}

#[test]
fn an_invitation_never_shows_the_temporary_password() {
    let h = staff(true);
    h.pool
        .admin_create_user(
            AdminCreateUserRequest::new("alice")
                .attribute("given_name", "Al")
                .attribute("phone_number", "+14325551212"),
        )
        .unwrap();
    let message = h.outbox.last_message_for("alice").unwrap();
    let temporary = message.code.expose_secret().to_owned();
    let record = h.record("alice");
    let phc = record.password_hash.clone().unwrap();
    let debug = format!("{message:?} {record:?} {:?}", h.user("alice"));
    assert_hides(&debug, &[&temporary]);
    for part in phc_secrets(&phc) {
        assert_hides(&debug, &[&part]);
    }
}

#[test]
fn a_stored_user_record_never_shows_the_password_or_its_hash() {
    let h = quickstart();
    let sub = sign_up(&h, JANE);
    let record = h.record(&sub);
    let phc = record.password_hash.clone().unwrap();
    assert!(phc.starts_with("$argon2id$"), "stored as a PHC string");
    assert!(!phc.contains(PASSWORD), "never the plaintext");
    let mut other = record.clone();
    other.password_hash = Some("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA".to_owned());
    assert_same_debug(&record, &other);
    let debug = format!("{record:?} {record:#?}");
    assert_hides(&debug, &[PASSWORD, &phc]);
    for part in phc_secrets(&phc) {
        assert_hides(&debug, &[&part]);
    }
    assert!(debug.contains(&sub), "the rest stays readable: {debug}");
}

#[test]
fn a_stored_code_record_never_shows_the_code_or_its_digest() {
    let h = quickstart();
    let sub = sign_up(&h, JANE);
    let record = h
        .store
        .get_code(h.pool.id(), &sub, CodePurpose::SignUp)
        .unwrap()
        .unwrap();
    let mut other = record.clone();
    other.digest = [0; 32];
    assert_same_debug(&record, &other);
}

#[test]
fn errors_never_show_the_refused_password() {
    let h = quickstart();
    let weak = "weakpassword";
    let mut request: SignUpRequest = sign_up_request(&h, JANE);
    request.password = Some(weak.into());
    let e = h.pool.sign_up(request).unwrap_err();
    let debug = format!("{e:?} {e}");
    assert_hides(&debug, &[weak]);
}

#[test]
fn the_pool_never_shows_its_users() {
    let h = quickstart();
    sign_up(&h, JANE);
    let debug = format!("{:?} {:?}", h.pool, h.pool.config());
    assert_hides(&debug, &[PASSWORD, JANE]);
}

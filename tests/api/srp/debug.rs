//! `Debug` never shows the secret block, the signature or the password.

use crate::api::common::{JANE, refused};
use crate::support::PASSWORD;

use super::{Answer, WRONG, jane, param, srp_request, start};

/// `Debug` of `a` and `b`, which differ only in their secrets, is the same.
fn assert_same_debug<T: std::fmt::Debug>(a: &T, b: &T) {
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(format!("{a:#?}"), format!("{b:#?}"));
}

fn assert_hides(debug: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(!debug.contains(secret), "{debug} shows {secret}");
    }
}

#[test]
fn debug_never_shows_the_secret_block_the_signature_or_the_password() {
    let (h, client, _) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let (srp2, challenge2) = start(&h, &client, JANE);
    assert_same_debug(&challenge, &challenge2);
    let block = param(&challenge, "SECRET_BLOCK");
    let debug = format!("{challenge:?} {challenge:#?}");
    // A 40-character piece is enough to leak it; none may appear.
    assert_hides(&debug, &[block, &block[..40], &block[block.len() - 40..]]);

    let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
    let answer2 = Answer::new(&h, &srp2, &challenge2, PASSWORD);
    let request = answer.request(&client);
    assert_same_debug(&request, &answer2.request(&client));
    let debug = format!("{request:?} {request:#?}");
    assert_hides(&debug, &[&answer.secret_block, &answer.signature, PASSWORD]);

    let initiate = srp_request(&client, JANE, &srp.srp_a());
    let initiate2 = srp_request(&client, JANE, &srp2.srp_a());
    assert_same_debug(&initiate, &initiate2);
    assert_hides(&format!("{initiate:?}"), &[&srp.srp_a()[..64]]);

    // Refusals do not echo what was sent.
    let wrong = Answer::new(&h, &srp2, &challenge2, WRONG);
    let e = refused(wrong.send(&h, &client));
    let debug = format!("{e:?} {e}");
    assert_hides(&debug, &[&wrong.secret_block, &wrong.signature, WRONG]);
    let mut spoiled = answer.clone();
    spoiled.secret_block = format!("{}x", answer.secret_block);
    let e = refused(spoiled.send(&h, &client));
    assert_hides(
        &format!("{e:?} {e}"),
        &[&answer.secret_block[..40], &answer.signature],
    );

    // The tokens are redacted too, and the stored verifier.
    let response = answer.send(&h, &client).unwrap();
    let tokens = response.authentication_result.as_ref().unwrap();
    assert_hides(
        &format!("{response:?}"),
        &[&tokens.access_token, &tokens.id_token],
    );
    let record = h.record(param(&challenge, "USERNAME"));
    let sealed = record.srp_verifier.clone().unwrap();
    let debug = format!("{record:?}");
    assert_hides(
        &debug,
        &[&format!("{sealed:?}"), &format!("{:?}", &sealed[..8])],
    );
    assert!(!format!("{srp:?}").contains(PASSWORD));
}

//! Known-answer test for Cognito's SRP, value by value.
//!
//! Source: `cognito-protocol.md` §1.16 ("Test vector [VERIFIED]"). The vector
//! was computed with an independent server-side implementation and
//! cross-checked against amazon-cognito-identity-js's `AuthenticationHelper`
//! (run under Node 20), and against pycognito's (NabuCasa, and the older
//! pvizeli snapshot) `get_password_authentication_key`; `k` is the value ACIJS
//! prints (§1.1). The secrets `a` and `b` are 1024-bit, as ACIJS draws them:
//! the SHA-256 of `"client-a"` / `"server-b"` in hex, repeated four times.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use crate::Timestamp;
use crate::srp::{SrpClient, kat};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The server side under one name, as these tests were written against it.
mod srp {
    pub(super) use crate::srp::server::*;
    pub(super) use crate::srp::timestamp::*;
    pub(super) use crate::srp::verifier::*;
}

const POOL_ID: &str = "us-east-1_AbCdEf123";
const POOL_NAME: &str = "AbCdEf123";
const USER_ID_FOR_SRP: &str = "alice";
const PASSWORD: &[u8] = b"Passw0rd!";
const SALT: &str = "f0e1d2c3b4a5968778695a4b3c2d1e0f";
const PAD_SALT: &str = "00f0e1d2c3b4a5968778695a4b3c2d1e0f";
const INNER: &str = "1841e557afbac12fa01869c48fd832a47691bb73657c9cf9517315c3c4e8f801";
const X: &str = "b374ca9d60ca00f407bddc73baa243215a8adf0f8582f38be31bb474ecd9d68e";
const A_SECRET_QUARTER: &str = "e0b107f9f96f69a2b6165a2ac7ae551643a4240881e2c14a01e8e9a56212a39a";
const B_SECRET_QUARTER: &str = "2ba8c445a8ffa6c4f024af5300867d7ea7d5c99b6e564fd8335aab70a36b9af8";
const K: &str = "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6";
const U: &str = "11714e919eaa47e749a150be3a9fbb46f47574d643a7d8345f40fcd8e2502eb7";
const PRK: &str = "44c5c754551501b16540d6264a6807480a5fc20c1d11763af6622c010532ba8f";
const SESSION_KEY: &str = "a7fcf652ba6805dad8bee318517d8562";
const SECRET_BLOCK: &str = "ZXhhbXBsZS1zZWNyZXQtYmxvY2stYnl0ZXM=";
const TIMESTAMP: &str = "Tue Mar 5 07:08:09 UTC 2024";
const SIGNATURE: &str = "Ily+9PQuR8l3tnke6963I+36hcv/H7Gpmuwtxwl9LEU=";

const V: &str = "a54e8b9dcc636d014155e1ab49e7d92f453f26e91a539b2b8ef13054577937cddef789cec3bb855730f8b750a3b495274348bcae7a918801b3fa00a8604b1764f88dac2a376433bc9a35a9c0afe3bbe189be5cfd3c1d59adf8d14552e01a85fa1e0af247b7533d18c4b43a7204cc4bd0a0c2acf48bd2627c821a7226aeb69a4176427c549009cac801905d7d5d7744eeaa86b7797e0347038b874da558b4c58724464f4fdaa755bd6f088d4ef8d7eb916c2bf192e377dbc211de0242720d27b85d6d272e993f3f32f6d5bea9eab88299d182ba3b36a4c00d0ce095ce0d00f590d518b8c58849102a6cb5424c285868b081c33197461b1d08352f6b71c58b13302705423491c13dc236834b96e31013406b6bdc84e34879570aa161c1d2f11283f465f319b174abe5994661361110f6ee99cf7d3c9b51c4b5e4bd7e3a3450543c92bcfe0ee155c628b01c13dad12b70f2c35a4fa3f4b7016deb903cbe91936c8492b56320c1ebe8d01998a2a59cf2d6f25027590868e9e545e533d2cc115e1e1d";

const A: &str = "28afc59b10103d2a84e2c1fd16a0b550a2c0b9c8db3823ebad6bf2e79f22856e58fc4be85cbfeb191a5c2231b1d31ef41cace03d21dd73149f4194d66ecbb701b9115d3dc59140f9380878c2e2d566588bcdae25fcbde634ebb9a5b60cf3f6d8da868c7829ce332c0feb266250369d995dcee677335414eb5ffeefbb05539547d29f5074746f0782466c4c52d2c1d224502dc9de74b2d7eafcb4e93c376111d3c14da6e86d867c54ef03bb8141940981f2acfce4f5a64dd789299386396c0b1aecb8d1d8c29da0dce76054f4479529e277a4ae32eca4cf17b72adaee627efba1ed743809525d18d3c7a56ca6fc91bd17aa4560dd9b74d25fa339efdbee6e7f4e9a966c2eed4b1ea9826db41bf9fb2ff8f0ff14610ba3b7c19ce826305a1579e430779b0b7dfedeb221756e0058c2e194be381ffb6b9259645c23dd13556839be144a540890f4eecda64b87de84c6c8ea6b3762f864323dfbbb1e5511d5e1769ca4064a00161d903898a4514a43781444b08edbb679753e56745eb3c1e705a11d";

const B: &str = "12bb4f99b2430dd262b8568a1df797de7fccb2eb530d9d4e0aca42ac8469d46ce56e81ea8d4d25181c4ba048c7521ca3466c44721c8ded524070e5368a67212574b78c171881f0a574e7e6e483a131d6c2f6c39fbcc54a5fbfc3578258f8ad4ab79beae928feba5773a67d614ab02102274b8524d0e086b8734ac54e9772f3e031da6c4878647c8183cf99be3f5805f219a5dc9bc4e212ed58b39e983c4536ae601b85a2ab79e474c7e66afde8ce143a8827aa6a40880ec90a15f95ed53ff283b6969321d872a7df9c79ff466fb36853a3da0e03fade4c043842d393decdf08c1438e3f7fc275cdc90dbe725cea85b35b0b62ba9857dd93d5867db77eff25e09b33064c0eda3688da23edda9768039f3fc52ffa41f6977dc6cd340c08553554154249dfa90b183603288fbae83ce9c24518e06baf412f8398352ae736d231a18cc82e0ff72b5b306686f0129a9bc43c19bf1ad521dd86afd490f4e508abcad1dbd197d27d503b555dc84b4e710aac41abe0f4371e6fe120c7c7944e1066d1198";

const S: &str = "b42076c9c4ccf314c556cadca255caccef181206d24a171a5722e0cbcbafee8d006c455f020d76ba5f056dd11345e7bd5bb1a291cf0e77b45588c38acb856bef5a043887a32b86060362ab7c45a3ca478b2e61e88e3816de3c8fee7e27ec3d1c3ca1e89a6a20c674229c8fae09c87612561a8c84593e0b4303860283be8d684f17195993b76ccec969a2191702f51c6c3b841dfcb7d615be3270c94c736df5e8490d828eff3741a808035d6f8f4aa5dd0f09040ee829208be7e877027cc86d1c801158749046d2dd213650cd72f06f3ebf57d32f9638609291ad362460af05cd843b35fa978aaddeb9c9284490304663130b8243a3362bc89951a51e17e823b98dab9ba55bddd8735aa98c1f0818ca578d3348754458943ebde43b5aa66534314b5ae98437ae9e47dfbff73c4c518b491ef24f63c90926432d5d86496d75a16eb2d76bfb9dd8ab4c5cdad038115d400898e77e330df57edcc87bda322414f0aa0ba783f1cbf23b7f19fec706617a1198dbf0540b07d030d3a9e52778bf65f2af";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    assert_eq!(s.len() % 2, 0, "even-length hex expected");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn secret_a() -> Vec<u8> {
    unhex(&A_SECRET_QUARTER.repeat(4))
}

fn secret_b() -> Vec<u8> {
    unhex(&B_SECRET_QUARTER.repeat(4))
}

fn salt() -> Vec<u8> {
    unhex(SALT)
}

fn secret_block() -> Vec<u8> {
    STANDARD.decode(SECRET_BLOCK).unwrap()
}

fn client() -> SrpClient {
    SrpClient::new(&secret_a()).unwrap()
}

fn challenge() -> srp::ServerChallenge {
    srp::server_challenge(&unhex(V), &secret_b(), A)
        .unwrap()
        .expect("B and u are nonzero for the vector")
}

#[test]
fn vector_inputs_are_the_documented_ones() {
    assert_eq!(POOL_ID.split_once('_').unwrap().1, POOL_NAME);
    assert_eq!(secret_a().len(), 128);
    assert_eq!(secret_b().len(), 128);
    assert_eq!(secret_block(), b"example-secret-block-bytes");
}

#[test]
fn k_is_the_hash_of_padded_n_and_g() {
    assert_eq!(hex(&srp::multiplier_k()), K);
}

#[test]
fn padded_salt() {
    assert_eq!(hex(&srp::pad(&salt())), PAD_SALT);
    // The SALT string sent to clients is the minimal hex, which is the input here.
    assert_eq!(srp::salt_hex(&salt()), SALT);
}

#[test]
fn inner_hash() {
    assert_eq!(
        hex(&kat::inner(POOL_NAME, USER_ID_FOR_SRP, PASSWORD)),
        INNER
    );
}

#[test]
fn private_key_x() {
    assert_eq!(
        hex(&kat::x(POOL_NAME, USER_ID_FOR_SRP, PASSWORD, &salt())),
        X
    );
}

#[test]
fn verifier_v() {
    let verifier = srp::compute_verifier(POOL_NAME, USER_ID_FOR_SRP, PASSWORD, &salt());
    assert_eq!(verifier.salt, salt());
    assert_eq!(hex(&verifier.v), V);
    assert!(srp::check_password(
        &verifier,
        POOL_NAME,
        USER_ID_FOR_SRP,
        PASSWORD
    ));
}

#[test]
fn client_public_a() {
    assert_eq!(client().srp_a(), A);
}

#[test]
fn server_public_b() {
    assert_eq!(challenge().srp_b(), B);
    assert_eq!(hex(challenge().public_b()), B);
}

#[test]
fn scrambler_u() {
    assert_eq!(hex(&kat::u(&unhex(A), &unhex(B))), U);
    assert_eq!(hex(challenge().state().u()), U);
}

#[test]
fn premaster_secret_server_form() {
    let s = kat::server_s(challenge().state(), &unhex(V)).unwrap();
    assert_eq!(hex(&s), S);
}

#[test]
fn premaster_secret_client_form() {
    let s = kat::client_s(&client(), POOL_NAME, USER_ID_FOR_SRP, PASSWORD, SALT, B).unwrap();
    assert_eq!(hex(&s), S);
}

#[test]
fn hkdf_prk_and_key() {
    assert_eq!(hex(&kat::prk(&unhex(U), &unhex(S))), PRK);
    assert_eq!(hex(&kat::session_key(&unhex(U), &unhex(S))), SESSION_KEY);
}

#[test]
fn timestamp_is_the_canonical_form_of_its_instant() {
    let t = Timestamp::from_unix_seconds(1_709_622_489);
    assert_eq!(srp::format_timestamp(t), TIMESTAMP);
    assert_eq!(srp::canonical_timestamp(TIMESTAMP).unwrap(), Some(t));
}

#[test]
fn client_signature() {
    let signature = client()
        .process_challenge(
            POOL_NAME,
            USER_ID_FOR_SRP,
            PASSWORD,
            SALT,
            B,
            SECRET_BLOCK,
            TIMESTAMP,
        )
        .unwrap();
    assert_eq!(signature, SIGNATURE);
}

#[test]
fn server_expected_signature_and_verification() {
    let challenge = challenge();
    let v = unhex(V);
    let expected = srp::expected_signature(
        challenge.state(),
        &v,
        POOL_NAME,
        USER_ID_FOR_SRP,
        &secret_block(),
        TIMESTAMP,
    )
    .unwrap();
    assert_eq!(STANDARD.encode(&expected[..]), SIGNATURE);
    let verify = |signature: &str| {
        srp::verify_claim(
            challenge.state(),
            &v,
            POOL_NAME,
            USER_ID_FOR_SRP,
            &secret_block(),
            TIMESTAMP,
            signature,
        )
        .unwrap()
    };
    assert!(verify(SIGNATURE));
    assert!(!verify("Jly+9PQuR8l3tnke6963I+36hcv/H7Gpmuwtxwl9LEU="));
    assert!(!verify(&SIGNATURE[..43]));
}

#[test]
fn sealed_state_round_trip_keeps_the_answer() {
    let state = challenge().into_state();
    let restored = srp::HandshakeState::from_bytes(&state.to_bytes()).unwrap();
    assert!(
        srp::verify_claim(
            &restored,
            &unhex(V),
            POOL_NAME,
            USER_ID_FOR_SRP,
            &secret_block(),
            TIMESTAMP,
            SIGNATURE,
        )
        .unwrap()
    );
}

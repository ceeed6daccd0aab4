//! The SRP server functions on untrusted input: arbitrary `SRP_A`, secret
//! block, signature and timestamp never panic, errors carry the documented
//! codes, and a fuzzer-chosen signature never verifies.
//!
//! The verifier and the server's secret `b` are fixed. Input layout: the
//! first byte picks the mode, the rest splits at `0xff` bytes into
//! `SRP_A ‖ 0xff ‖ secret block ‖ 0xff ‖ signature ‖ 0xff ‖ timestamp`:
//!
//! * even mode: the `SRP_A` field (lossy UTF-8) is the client's `SRP_A`;
//! * odd mode: a real client's `SRP_A` is used instead, so every input
//!   reaches step 2 (`S`, `K`, the HMAC and the compare).
//!
//! The secret block bytes are also fed to `HandshakeState::from_bytes`, and
//! the timestamp to the `TIMESTAMP` parser.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use userpool::ErrorCode;
use userpool::internals::srp;
use userpool::srp::{SrpClient, format_timestamp};

const POOL_NAME: &str = "AbCdEf123";
const USER_ID: &str = "alice";
const B: [u8; 32] = [0xb7; 32];

struct Fixture {
    v: Vec<u8>,
    srp_a: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| Fixture {
        v: srp::compute_verifier(POOL_NAME, USER_ID, b"Passw0rd!", &[0x5a; 16]).v,
        srp_a: SrpClient::new(&[0x3a; 32]).expect("client").srp_a(),
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut fields = rest.splitn(4, |&b| b == 0xff);
    let a_field = fields.next().unwrap_or_default();
    let secret_block = fields.next().unwrap_or_default();
    let signature = String::from_utf8_lossy(fields.next().unwrap_or_default());
    let timestamp = String::from_utf8_lossy(fields.next().unwrap_or_default());
    let f = fixture();

    // TIMESTAMP: unparseable is InvalidParameter; canonical means it re-formats to itself.
    match (
        srp::parse_timestamp(&timestamp),
        srp::canonical_timestamp(&timestamp),
    ) {
        (Ok(parsed), Ok(canonical)) => {
            if let Some(t) = canonical {
                assert_eq!(t, parsed);
                assert_eq!(format_timestamp(t), timestamp);
            }
        }
        (Err(e1), Err(e2)) => {
            assert_eq!(e1.code(), ErrorCode::InvalidParameter);
            assert_eq!(e2.code(), ErrorCode::InvalidParameter);
        }
        _ => panic!("parse and canonical disagree on {timestamp:?}"),
    }

    // An unsealed state either parses back to the same bytes or is refused.
    match srp::HandshakeState::from_bytes(secret_block) {
        Ok(state) => assert_eq!(&state.to_bytes()[..], secret_block),
        Err(e) => assert_eq!(e.code(), ErrorCode::NotAuthorized),
    }

    let srp_a = if mode & 1 == 0 {
        String::from_utf8_lossy(a_field).into_owned()
    } else {
        f.srp_a.clone()
    };
    match srp::server_challenge(&f.v, &B, &srp_a) {
        Ok(Some(challenge)) => {
            let verified = srp::verify_claim(
                challenge.state(),
                &f.v,
                POOL_NAME,
                USER_ID,
                secret_block,
                &timestamp,
                &signature,
            );
            assert_eq!(verified.ok(), Some(false), "a forged signature verified");
        }
        Ok(None) => {}
        Err(e) => assert_eq!(e.code(), ErrorCode::InvalidParameter),
    }
});

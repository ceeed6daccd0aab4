//! A SigV4 signer for the tests, written from AWS's description of the
//! algorithm ("Create a signed AWS API request", AWS General Reference)
//! and independent of `userpool::wire::sigv4`, so the verifier is tested
//! against a second implementation and not against itself. It signs what
//! the tests send: a path of unreserved characters and `/`, a query of
//! already-encoded `name=value` pairs, every header given.
//!
//! It needs only `ring` and std, so the fuzz targets include it by path too.

use ring::{digest, hmac};

/// Whom a request is signed as, and for what.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Signer<'a> {
    pub(crate) access_key_id: &'a str,
    pub(crate) secret: &'a str,
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, bytes).as_ref())
}

fn hmac_sha256(key: &[u8], data: &str) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data.as_bytes())
        .as_ref()
        .to_vec()
}

/// `unix_seconds` as `X-Amz-Date` writes it: `20150830T123600Z`.
pub(crate) fn amz_date(unix_seconds: i64) -> String {
    let (days, secs) = (
        unix_seconds.div_euclid(86_400),
        unix_seconds.rem_euclid(86_400),
    );
    // Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
    // civil_from_days).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

impl Signer<'_> {
    /// Adds `X-Amz-Date` (for `unix_seconds`) and `Authorization` to
    /// `headers`, which must hold `host`; every header given is signed.
    pub(crate) fn sign(
        &self,
        method: &str,
        path: &str,
        query: &str,
        headers: &mut Vec<(String, String)>,
        body: &[u8],
        unix_seconds: i64,
    ) {
        let date_time = amz_date(unix_seconds);
        let date = &date_time[..8];
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case("x-amz-date"));
        headers.push(("X-Amz-Date".to_owned(), date_time.clone()));

        let mut canonical_headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| {
                let value = v.split_whitespace().collect::<Vec<_>>().join(" ");
                (n.to_ascii_lowercase(), value)
            })
            .collect();
        canonical_headers.sort();
        let signed_headers = canonical_headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(";");
        let mut pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        pairs.sort_unstable();
        let canonical_request = format!(
            "{method}\n{path}\n{}\n{}\n{signed_headers}\n{}",
            pairs.join("&"),
            canonical_headers
                .iter()
                .map(|(n, v)| format!("{n}:{v}\n"))
                .collect::<String>(),
            sha256_hex(body)
        );
        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{date_time}\n{scope}\n{}",
            sha256_hex(canonical_request.as_bytes())
        );
        let mut key = hmac_sha256(format!("AWS4{}", self.secret).as_bytes(), date);
        for part in [self.region, self.service, "aws4_request"] {
            key = hmac_sha256(&key, part);
        }
        let signature = hex(&hmac_sha256(&key, &string_to_sign));
        headers.push((
            "Authorization".to_owned(),
            format!(
                "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, \
                 Signature={signature}",
                self.access_key_id
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_8601_basic() {
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(951_782_400), "20000229T000000Z");
    }
}

//! The `TIMESTAMP` of a `PASSWORD_VERIFIER` response (`cognito-protocol.md` §1.8).
//!
//! The format is Java's `SimpleDateFormat("EEE MMM d HH:mm:ss z yyyy", Locale.US)`
//! in UTC: `Tue Mar 5 07:08:09 UTC 2024`. The signature covers the string, so
//! the server must accept exactly what clients print. The rule, following the
//! live service's observed behaviour:
//!
//! * unparseable → `InvalidParameterException` ([`parse_timestamp`]);
//! * parseable but not canonical — a zero-padded day (`Apr 05`), a wrong
//!   weekday, an unpadded hour, `GMT` for `UTC`, a day past the month's end —
//!   → the caller answers `NotAuthorizedException` ([`canonical_timestamp`]
//!   returns `None`);
//! * canonical → the HMAC is computed over the string as received.
//!
//! The calendar arithmetic is done here (proleptic Gregorian, every instant a
//! [`Timestamp`] can hold), so formatting never fails. Years are printed with
//! at least four digits, as Java's `yyyy` does; years before 1 (astronomical
//! numbering) carry a leading `-`. No real client sends either.

use crate::clock::Timestamp;
use crate::error::{Error, Result};

/// The message of the `InvalidParameterException` for an unparseable `TIMESTAMP`.
pub(crate) const TIMESTAMP_FORMAT_MESSAGE: &str =
    "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.";

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const SECONDS_PER_DAY: i64 = 86_400;

/// Most digits accepted in a year: enough for every year a [`Timestamp`]
/// can reach (about ±292 million), few enough that nothing overflows.
const MAX_YEAR_DIGITS: usize = 9;

/// Formats `t` (whole seconds, UTC) the way clients print `TIMESTAMP`:
/// English weekday and month, unpadded day, `HH:mm:ss`, literal `UTC`, year.
///
/// ```
/// use userpool::{Timestamp, srp::format_timestamp};
/// let t = Timestamp::from_unix_seconds(1_709_622_489);
/// assert_eq!(format_timestamp(t), "Tue Mar 5 07:08:09 UTC 2024");
/// ```
#[must_use]
pub fn format_timestamp(t: Timestamp) -> String {
    let seconds = t.unix_seconds();
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS
        .get(usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0))
        .copied()
        .unwrap_or("Sun");
    let month_name = MONTHS
        .get(usize::try_from(month - 1).unwrap_or(0))
        .copied()
        .unwrap_or("Jan");
    let year = if year < 0 {
        format!("-{:04}", year.unsigned_abs())
    } else {
        format!("{year:04}")
    };
    format!(
        "{weekday} {month_name} {day} {:02}:{:02}:{:02} UTC {year}",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// Parses a `TIMESTAMP` leniently, as Java's `SimpleDateFormat` does: six
/// fields separated by single spaces — an English weekday (ignored, not
/// checked), an English month, a 1–2 digit day, `H:m:s` with 1–2 digit
/// fields, `UTC` or `GMT`, a year of up to nine digits. Names are matched
/// without regard to case; out-of-range numbers roll over (`Feb 30` is
/// `Mar 1` or `Mar 2`). No leading, trailing or doubled whitespace.
///
/// Use [`canonical_timestamp`] to also learn whether the string is the one
/// [`format_timestamp`] prints for the instant.
///
/// # Errors
///
/// `InvalidParameterException` with `TIMESTAMP_FORMAT_MESSAGE` when the
/// string does not have that shape.
pub fn parse_timestamp(s: &str) -> Result<Timestamp> {
    parse(s).ok_or_else(|| Error::invalid_parameter(TIMESTAMP_FORMAT_MESSAGE))
}

/// Parses a `TIMESTAMP` and checks it is canonical: `Some(t)` when
/// [`format_timestamp`]`(t)` reproduces `s` exactly, `None` when `s` parses
/// but is not canonical — the caller then fails the sign-in with
/// `NotAuthorizedException` `Incorrect username or password.`, as the live
/// service does for a zero-padded day or a wrong weekday (`cognito-protocol.md` §1.8).
///
/// # Errors
///
/// As [`parse_timestamp`] when `s` is unparseable.
pub fn canonical_timestamp(s: &str) -> Result<Option<Timestamp>> {
    let t = parse_timestamp(s)?;
    Ok((format_timestamp(t) == s).then_some(t))
}

fn parse(s: &str) -> Option<Timestamp> {
    let mut fields = s.split(' ');
    let weekday = fields.next()?;
    let month = fields.next()?;
    let day = fields.next()?;
    let time = fields.next()?;
    let zone = fields.next()?;
    let year = fields.next()?;
    if fields.next().is_some() {
        return None;
    }
    if !WEEKDAYS.iter().any(|w| w.eq_ignore_ascii_case(weekday)) {
        return None;
    }
    let month = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month))
        .and_then(|i| i64::try_from(i).ok())?
        + 1;
    let day = small_number(day)?;
    let mut hms = time.split(':');
    let hour = small_number(hms.next()?)?;
    let minute = small_number(hms.next()?)?;
    let second = small_number(hms.next()?)?;
    if hms.next().is_some() {
        return None;
    }
    if !(zone.eq_ignore_ascii_case("UTC") || zone.eq_ignore_ascii_case("GMT")) {
        return None;
    }
    let year = parse_year(year)?;
    // Lenient, like Java: the day is an offset from the first of the month.
    let days = days_from_civil(year, month, 1) + day - 1;
    let seconds = days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
    Some(Timestamp::from_unix_seconds(seconds))
}

/// One or two ASCII digits.
fn small_number(s: &str) -> Option<i64> {
    if !(1..=2).contains(&s.len()) || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// An optional `-`, then 1 to [`MAX_YEAR_DIGITS`] ASCII digits.
fn parse_year(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if !(1..=MAX_YEAR_DIGITS).contains(&digits.len()) || !digits.bytes().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let value: i64 = digits.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1–12; any day
/// number is an offset). Howard Hinnant's `days_from_civil`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12; // March = 0
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian `(year, month 1–12, day 1–31)` of a day count
/// since 1970-01-01. Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn ts(s: &str) -> Timestamp {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn formats_like_the_clients() {
        assert_eq!(
            format_timestamp(Timestamp::from_unix_seconds(1_709_622_489)),
            "Tue Mar 5 07:08:09 UTC 2024"
        );
        assert_eq!(
            format_timestamp(Timestamp::from_unix_seconds(1_691_769_066)),
            "Fri Aug 11 15:51:06 UTC 2023"
        );
        assert_eq!(
            format_timestamp(Timestamp::UNIX_EPOCH),
            "Thu Jan 1 00:00:00 UTC 1970"
        );
        // Milliseconds are dropped, never rounded up.
        assert_eq!(
            format_timestamp(Timestamp::from_unix_millis(1_709_622_489_999)),
            "Tue Mar 5 07:08:09 UTC 2024"
        );
        assert_eq!(
            format_timestamp(Timestamp::from_unix_seconds(-1)),
            "Wed Dec 31 23:59:59 UTC 1969"
        );
        assert_eq!(
            format_timestamp(Timestamp::from_unix_seconds(951_782_400)),
            "Tue Feb 29 00:00:00 UTC 2000"
        );
    }

    #[test]
    fn canonical_strings_round_trip() {
        for s in [
            "Tue Mar 5 07:08:09 UTC 2024",
            "Fri Aug 11 15:51:06 UTC 2023",
            "Thu Feb 29 23:59:59 UTC 2024",
            "Sat Jan 1 00:00:00 UTC 0000",
        ] {
            let t = canonical_timestamp(s).unwrap().unwrap();
            assert_eq!(format_timestamp(t), s);
        }
    }

    #[test]
    fn parseable_but_not_canonical() {
        let canonical = ts("Tue Mar 5 07:08:09 UTC 2024");
        for s in [
            "Tue Mar 05 07:08:09 UTC 2024", // zero-padded day
            "Wed Mar 5 07:08:09 UTC 2024",  // wrong weekday
            "tue mar 5 07:08:09 utc 2024",  // case
            "Tue Mar 5 7:08:09 UTC 2024",   // unpadded hour
            "Tue Mar 5 07:08:09 GMT 2024",  // GMT
        ] {
            assert_eq!(ts(s), canonical, "{s}");
            assert_eq!(canonical_timestamp(s).unwrap(), None, "{s}");
        }
        // Rolls over like Java's lenient parser, then is not canonical.
        assert_eq!(
            ts("Fri Feb 30 00:00:00 UTC 2024"),
            ts("Fri Mar 1 00:00:00 UTC 2024")
        );
        assert_eq!(
            canonical_timestamp("Fri Feb 30 00:00:00 UTC 2024").unwrap(),
            None
        );
        assert_eq!(
            canonical_timestamp("Tue Mar 5 07:08:60 UTC 2024").unwrap(),
            None
        );
    }

    #[test]
    fn unparseable_is_an_invalid_parameter_with_cognitos_message() {
        for s in [
            "",
            "2024-03-05T07:08:09Z",
            " Tue Mar 5 07:08:09 UTC 2024",
            "Tue Mar 5 07:08:09 UTC 2024 ",
            "Tue Mar 5 07:08:09 UTC 2024\n",
            "Tue  Mar 5 07:08:09 UTC 2024",
            "Tue\tMar 5 07:08:09 UTC 2024",
            "Tue Mar 5 07:08:09 PST 2024",
            "Tue Mar 5 07:08 UTC 2024",
            "Tue Mar 5 07:08:09:10 UTC 2024",
            "Tue Mar 5 07:08:009 UTC 2024",
            "Tue Mar 105 07:08:09 UTC 2024",
            "Tue Mar +5 07:08:09 UTC 2024",
            "Tuesday Mar 5 07:08:09 UTC 2024",
            "Tue March 5 07:08:09 UTC 2024",
            "Mar Tue 5 07:08:09 UTC 2024",
            "Tue Mar 5 07:08:09 UTC",
            "Tue Mar 5 07:08:09 UTC 2024 extra",
            "Tue Mar 5 07:08:09 UTC 2O24",
            "Tue Mar 5 07:08:09 UTC 1234567890",
            "Tue Mar 5 07:08:09 UTC -",
            "Die Mär 5 07:08:09 UTC 2024",
        ] {
            let err = parse_timestamp(s).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidParameter, "{s:?}");
            assert_eq!(err.message(), TIMESTAMP_FORMAT_MESSAGE);
            assert_eq!(
                canonical_timestamp(s).unwrap_err().code(),
                ErrorCode::InvalidParameter
            );
        }
    }

    #[test]
    fn calendar_round_trips_across_eras() {
        for days in [
            -1_000_000_000i64,
            -719_468,
            -1,
            0,
            1,
            11_016,
            19_787,
            2_932_896,
            1_000_000_000,
        ] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{days}");
        }
    }

    #[test]
    fn extreme_instants_format_and_parse_back() {
        for t in [
            Timestamp::from_unix_millis(i64::MAX),
            Timestamp::from_unix_millis(i64::MIN),
        ] {
            let s = format_timestamp(t);
            let back = canonical_timestamp(&s).unwrap().unwrap();
            assert_eq!(back.unix_seconds(), t.unix_seconds(), "{s}");
        }
    }
}

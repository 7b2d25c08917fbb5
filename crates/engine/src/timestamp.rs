//! Salesforce's datetime text (`2025-12-12T10:05:00.000+0000`) to and from milliseconds since
//! the epoch, without a calendar library; shared by the core, the CLI and the practice org.

/// Parses `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` with optional `.fff` and a `Z`, `+HHMM` or
/// `+HH:MM` offset.
pub fn parse_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    if b.len() == 10 {
        return Some(days * 86_400_000);
    }
    if b.get(10) != Some(&b'T') {
        return None;
    }
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    let mut ms = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
        ms = format!("{digits:0<3}")[..3].parse().ok()?;
        rest = &frac[digits.len()..];
    }
    let offset_min = match rest {
        "Z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            if digits.len() != 4 {
                return None;
            }
            sign * (digits[..2].parse::<i64>().ok()? * 60 + digits[2..].parse::<i64>().ok()?)
        }
    };
    Some(((days * 24 + h) * 60 + mi - offset_min) * 60_000 + se * 1000 + ms)
}

/// Formats as Salesforce does in REST responses: `2025-12-12T10:05:00.000+0000`.
pub fn format_ms(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(days);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:03}+0000",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

/// Formats for people: `2025-12-12 10:05:00 UTC` (a moment as an admin reads it on screen).
pub fn display_ms(ms: i64) -> String {
    let iso = format_ms(ms);
    format!("{} {} UTC", &iso[..10], &iso[11..19])
}

/// Formats in this computer's time zone, with its offset: `2025-12-12 19:05 (UTC+09:00)`
/// (times the admin acts on, such as a maintenance window).
pub fn display_local(ms: i64) -> String {
    use chrono::{Local, TimeZone};
    match Local.timestamp_millis_opt(ms).single() {
        Some(t) => {
            let offset = t.format("%:z").to_string();
            format!("{} (UTC{offset})", t.format("%Y-%m-%d %H:%M"))
        }
        None => display_ms(ms),
    }
}

/// A Salesforce datetime as an admin reads it (see [`display_ms`]); text that is not one is
/// shown as it is.
pub fn display(s: &str) -> String {
    parse_ms(s).map(display_ms).unwrap_or_else(|| s.to_string())
}

/// Reads a moment given by an admin: a datetime (`2026-11-21T10:00:00Z`) or a time before
/// `now_ms` (`30m`, `2h`, `1d`).
pub fn parse_since(s: &str, now_ms: i64) -> Result<i64, crate::error::Error> {
    if let Some(ms) = parse_ms(s) {
        return Ok(ms);
    }
    Ok(now_ms - parse_duration_ms(s)?)
}

/// A length of time written as minutes, hours or days (`30m`, `2h`, `7d`), in milliseconds.
pub fn parse_duration_ms(s: &str) -> Result<i64, crate::error::Error> {
    let bad = || crate::error::Error::InvalidTime { input: s.chars().take(40).collect() };
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = n.parse().ok().filter(|n| (1..=1_000_000).contains(n)).ok_or_else(bad)?;
    let unit_ms = match unit {
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(bad()),
    };
    Ok(n * unit_ms)
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
}

// Howard Hinnant's days-from-civil algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salesforce_and_soql_forms_agree() {
        let a = parse_ms("2025-12-12T10:05:00.000+0000").unwrap();
        assert_eq!(parse_ms("2025-12-12T10:05:00Z"), Some(a));
        assert_eq!(parse_ms("2025-12-12T11:05:00+01:00"), Some(a));
        assert_eq!(format_ms(a), "2025-12-12T10:05:00.000+0000");
        assert_eq!(parse_ms("1970-01-01"), Some(0));
        assert_eq!(format_ms(951_782_400_123), "2000-02-29T00:00:00.123+0000");
        assert!(parse_ms("2025-13-01").is_none());
        assert!(parse_ms("yesterday").is_none());
    }

    #[test]
    fn local_times_name_their_offset() {
        let shown = display_local(parse_ms("2025-12-12T10:05:00Z").unwrap());
        assert!(shown.starts_with("2025-12-1") && (shown.contains("(UTC+") || shown.contains("(UTC-")), "{shown}");
        assert_eq!(display_ms(parse_ms("2025-12-12T10:05:00Z").unwrap()), "2025-12-12 10:05:00 UTC");
    }

    #[test]
    fn since_reads_datetimes_and_times_ago() {
        let now = parse_ms("2026-11-21T12:00:00Z").unwrap();
        assert_eq!(parse_since("2026-11-21T11:30:00Z", now).unwrap(), now - 1_800_000);
        assert_eq!(parse_since("30m", now).unwrap(), now - 1_800_000);
        assert_eq!(parse_since("1d", now).unwrap(), now - 86_400_000);
        assert!(parse_since("yesterday", now).is_err() && parse_since("5w", now).is_err());
    }
}

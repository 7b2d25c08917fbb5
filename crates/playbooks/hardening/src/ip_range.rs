//! Login IP ranges: what the admin types (an address, `start-end`, or a CIDR block) parsed
//! into a validated range, and the checks that keep a restriction from locking everyone out
//! or admitting half the internet.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Error;

/// The most addresses one range may hold here: a `/16`, the width sf-audit-plugin flags as too
/// wide for a restriction.
pub const MAX_ADDRESSES: u128 = 1 << 16;

/// A range of addresses of one family, start not after end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "hardening/")]
pub struct IpRange {
    /// The first address.
    pub start: String,
    /// The last address.
    pub end: String,
    /// Why it is there.
    #[serde(default)]
    pub description: Option<String>,
}

fn number(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

impl IpRange {
    /// Parses `1.2.3.4`, `1.2.3.4-1.2.3.9` or `1.2.3.0/24` (IPv6 alike).
    pub fn parse(input: &str) -> Result<IpRange, Error> {
        let s = input.trim();
        let invalid = || Error::InvalidRange { input: s.chars().take(80).collect() };
        let (start, end) = if let Some((a, b)) = s.split_once('-') {
            (a.trim().parse::<IpAddr>().map_err(|_| invalid())?, b.trim().parse::<IpAddr>().map_err(|_| invalid())?)
        } else if let Some((a, bits)) = s.split_once('/') {
            let base = a.trim().parse::<IpAddr>().map_err(|_| invalid())?;
            let bits: u32 = bits.trim().parse().map_err(|_| invalid())?;
            let width = if base.is_ipv4() { 32 } else { 128 };
            if bits > width {
                return Err(invalid());
            }
            let host_bits = width - bits;
            let mask = if host_bits == 128 { u128::MAX } else { (1u128 << host_bits) - 1 };
            let first = number(base) & !mask;
            let last = first | mask;
            (from_number(first, base.is_ipv4()), from_number(last, base.is_ipv4()))
        } else {
            let one = s.parse::<IpAddr>().map_err(|_| invalid())?;
            (one, one)
        };
        if start.is_ipv4() != end.is_ipv4() || number(start) > number(end) {
            return Err(invalid());
        }
        let range = IpRange { start: start.to_string(), end: end.to_string(), description: None };
        if range.size() > MAX_ADDRESSES {
            return Err(Error::RangeTooWide { input: s.chars().take(80).collect() });
        }
        Ok(range)
    }

    fn bounds(&self) -> Option<(u128, u128)> {
        Some((number(self.start.parse().ok()?), number(self.end.parse().ok()?)))
    }

    /// How many addresses it holds.
    pub fn size(&self) -> u128 {
        self.bounds().map(|(a, b)| b - a + 1).unwrap_or(0)
    }

    /// Whether `ip` is in it.
    pub fn contains(&self, ip: &str) -> bool {
        match (ip.trim().parse::<IpAddr>(), self.start.parse::<IpAddr>(), self.bounds()) {
            (Ok(ip), Ok(start), Some((a, b))) => ip.is_ipv4() == start.is_ipv4() && (a..=b).contains(&number(ip)),
            _ => false,
        }
    }

    /// Whether it holds addresses no integration calls from: private, loopback or
    /// unspecified (a restriction to those locks a cloud service out).
    pub fn private(&self) -> bool {
        let private = |ip: IpAddr| match ip {
            IpAddr::V4(v) => v.is_private() || v.is_loopback() || v.is_unspecified() || v.is_link_local(),
            IpAddr::V6(v) => v.is_loopback() || v.is_unspecified() || (v.segments()[0] & 0xfe00) == 0xfc00,
        };
        [&self.start, &self.end].iter().any(|a| a.parse().map(private).unwrap_or(true))
    }

    /// The range as Salesforce shows it.
    pub fn label(&self) -> String {
        if self.start == self.end {
            self.start.clone()
        } else {
            format!("{}–{}", self.start, self.end)
        }
    }
}

fn from_number(n: u128, v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4(std::net::Ipv4Addr::from(n as u32))
    } else {
        IpAddr::V6(std::net::Ipv6Addr::from(n))
    }
}

/// Parses the ranges an admin typed, one per line or separated by commas; empty lines are
/// skipped, the same range twice is kept once.
pub fn parse_list(input: &str) -> Result<Vec<IpRange>, Error> {
    let mut out: Vec<IpRange> = Vec::new();
    for part in input.split(['\n', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        let r = IpRange::parse(part)?;
        if !out.contains(&r) {
            out.push(r);
        }
    }
    if out.is_empty() {
        return Err(Error::NoRanges);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_ranges_and_blocks_read_as_ranges() {
        let one = IpRange::parse(" 52.35.87.209 ").unwrap();
        assert_eq!((one.start.as_str(), one.end.as_str(), one.size()), ("52.35.87.209", "52.35.87.209", 1));
        let block = IpRange::parse("34.221.135.0/24").unwrap();
        assert_eq!((block.start.as_str(), block.end.as_str()), ("34.221.135.0", "34.221.135.255"));
        assert!(block.contains("34.221.135.142") && !block.contains("34.221.136.1"));
        let span = IpRange::parse("10.0.0.1-10.0.0.9").unwrap();
        assert_eq!(span.size(), 9);
        assert!(span.private());
        assert!(IpRange::parse("2001:db8::/120").unwrap().contains("2001:db8::ff"));
    }

    #[test]
    fn bad_and_too_wide_ranges_are_refused_with_their_reason() {
        for bad in ["", "1.2.3", "1.2.3.4-1.2.3.1", "1.2.3.4/33", "1.2.3.4-::1", "example.com"] {
            assert!(matches!(IpRange::parse(bad), Err(Error::InvalidRange { .. })), "{bad}");
        }
        assert!(matches!(IpRange::parse("0.0.0.0/0"), Err(Error::RangeTooWide { .. })));
        assert!(matches!(IpRange::parse("8.0.0.0/15"), Err(Error::RangeTooWide { .. })));
        assert!(IpRange::parse("8.8.0.0/16").is_ok());
    }

    #[test]
    fn a_typed_list_is_split_deduplicated_and_never_empty() {
        let list = parse_list("52.35.87.209\n 34.221.135.0/24, 52.35.87.209\n\n").unwrap();
        assert_eq!(list.len(), 2);
        assert!(matches!(parse_list(" \n , "), Err(Error::NoRanges)));
    }
}

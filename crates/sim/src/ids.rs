//! Identifier shapes: UUIDs, S3 request ids, access keys, unique ids, EC2 resource ids.

use crate::rng::Rng;

/// `[A-Z2-7]`: the base-32 alphabet of IAM unique ids and access key ids.
pub(crate) const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// `[A-Z0-9]`: S3 request ids.
pub(crate) const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// `[A-Za-z0-9]`: S3 delivery file name suffixes, secret name suffixes.
pub(crate) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// `[a-z0-9]`.
pub(crate) const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// Lower-case hex digits.
pub(crate) const HEX: &[u8] = b"0123456789abcdef";
/// The base-64 alphabet.
pub(crate) const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends `n` characters drawn from `alphabet` (which must not be empty).
pub(crate) fn push_chars(out: &mut String, rng: &mut Rng, alphabet: &[u8], n: usize) {
    out.reserve(n);
    let mut bits = 0u64;
    let mut left = 0u32;
    for _ in 0..n {
        if left < 8 {
            bits = rng.next_u64();
            left = 64;
        }
        // 8 random bits per character; the modulo bias is irrelevant for identifiers.
        let i = (bits & 0xff) as usize % alphabet.len();
        bits >>= 8;
        left -= 8;
        out.push(char::from(alphabet[i]));
    }
}

/// `n` characters from `alphabet`, after `prefix`.
pub(crate) fn chars(rng: &mut Rng, prefix: &str, alphabet: &[u8], n: usize) -> String {
    let mut s = String::with_capacity(prefix.len() + n);
    s.push_str(prefix);
    push_chars(&mut s, rng, alphabet, n);
    s
}

/// A version-4 UUID, written into a fixed buffer: `3bcc9d61-5936-429a-8b49-d5cb8e7b0e06`.
pub(crate) fn uuid(rng: &mut Rng) -> Uuid {
    let a = rng.next_u64();
    let b = rng.next_u64();
    let mut out = [0u8; 36];
    let mut nibbles = [0u8; 32];
    for i in 0..16 {
        nibbles[i] = ((a >> (i * 4)) & 15) as u8;
        nibbles[16 + i] = ((b >> (i * 4)) & 15) as u8;
    }
    nibbles[12] = 4;
    nibbles[16] = 8 | (nibbles[16] & 3);
    let mut n = 0;
    for (i, slot) in out.iter_mut().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            *slot = b'-';
        } else {
            *slot = HEX[usize::from(nibbles[n])];
            n += 1;
        }
    }
    Uuid(out)
}

/// A UUID's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Uuid([u8; 36]);

impl Uuid {
    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        // Hex digits and dashes only.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl std::fmt::Display for Uuid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An S3-style request id: 16 characters `[A-Z0-9]`.
pub(crate) fn s3_request_id(rng: &mut Rng) -> [u8; 16] {
    let mut out = [0u8; 16];
    let mut bits = rng.next_u64();
    for (i, slot) in out.iter_mut().enumerate() {
        if i == 8 {
            bits = rng.next_u64();
        }
        *slot = UPPER_ALNUM[(bits & 0xff) as usize % UPPER_ALNUM.len()];
        bits >>= 8;
    }
    out
}

/// An EC2-style resource id: `prefix-` and 17 hex digits (`i-0abc…`, `sg-…`, `vpc-…`).
pub(crate) fn ec2_id(rng: &mut Rng, prefix: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + 18);
    s.push_str(prefix);
    s.push('-');
    s.push('0');
    push_chars(&mut s, rng, HEX, 16);
    s
}

/// A long-term access key id (`AKIA` + 16) or a temporary one (`ASIA` + 16).
pub(crate) fn access_key(rng: &mut Rng, temporary: bool) -> String {
    chars(rng, if temporary { "ASIA" } else { "AKIA" }, B32, 16)
}

/// An IAM unique id: `AIDA` (user), `AROA` (role) + 17 characters.
pub(crate) fn unique_id(rng: &mut Rng, prefix: &str) -> String {
    chars(rng, prefix, B32, 17)
}

/// A 12-digit AWS account id that does not start with 0.
pub(crate) fn account_id(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(12);
    s.push(char::from(b'1' + rng.below(9) as u8));
    push_chars(&mut s, rng, b"0123456789", 11);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let mut r = Rng::new(1);
        let u = uuid(&mut r);
        let u = u.as_str();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
        assert!(u.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        let id = s3_request_id(&mut r);
        assert!(id.iter().all(|b| UPPER_ALNUM.contains(b)));
        let i = ec2_id(&mut r, "i");
        assert_eq!(i.len(), 19);
        assert!(i.starts_with("i-0"));
        let k = access_key(&mut r, false);
        assert!(k.starts_with("AKIA") && k.len() == 20 && k[4..].bytes().all(|b| B32.contains(&b)));
        assert!(access_key(&mut r, true).starts_with("ASIA"));
        assert_eq!(unique_id(&mut r, "AROA").len(), 21);
        for _ in 0..100 {
            let a = account_id(&mut r);
            assert_eq!(a.len(), 12);
            assert!(!a.starts_with('0') && a.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn uuids_differ() {
        let mut r = Rng::new(2);
        let a = uuid(&mut r).to_string();
        let b = uuid(&mut r).to_string();
        assert_ne!(a, b);
    }
}

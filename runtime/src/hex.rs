//! Hex rendering of digests; both vendors sign with hex text rather than raw bytes.

const LOWER: &[u8; 16] = b"0123456789abcdef";
const UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Renders `bytes` as hex, lower or upper case.
pub(crate) fn encode(bytes: &[u8], uppercase: bool) -> String {
    let digits = if uppercase { UPPER } else { LOWER };
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(digits[usize::from(b >> 4)]));
        out.push(char::from(digits[usize::from(b & 0x0f)]));
    }
    out
}

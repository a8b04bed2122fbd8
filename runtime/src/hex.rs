//! Hex rendering of digests; both vendors sign with hex text rather than raw bytes.

const LOWER: &[u8; 16] = b"0123456789abcdef";
const UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Writes `bytes` as hex into `out`, which must be twice as long; for digests whose
/// text is only compared or copied, so no `String` is needed.
pub(crate) fn encode_into<'a>(bytes: &[u8], uppercase: bool, out: &'a mut [u8]) -> &'a [u8] {
    let digits = if uppercase { UPPER } else { LOWER };
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = digits[usize::from(b >> 4)];
        pair[1] = digits[usize::from(b & 0x0f)];
    }
    &out[..bytes.len() * 2]
}

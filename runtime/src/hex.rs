//! Hex rendering of digests; both vendors sign with hex text rather than raw bytes.

/// Writes `bytes` as hex into `out`, which must be twice as long; for digests whose
/// text is only compared or copied, so no `String` is needed. base16ct's encoding does
/// not branch on the bytes (the digests are signatures) and was faster than a lookup
/// table on 32-byte digests.
pub(crate) fn encode_into<'a>(bytes: &[u8], uppercase: bool, out: &'a mut [u8]) -> &'a [u8] {
    let encoded = if uppercase {
        base16ct::upper::encode(bytes, out)
    } else {
        base16ct::lower::encode(bytes, out)
    };
    match encoded {
        Ok(text) => text,
        // Callers pass digests with a buffer of twice their fixed length.
        Err(_) => unreachable!("the hex buffer is twice the digest's length"),
    }
}

#[cfg(test)]
mod tests {
    use super::encode_into;

    #[test]
    fn encodes_in_either_case() {
        let mut out = [0u8; 8];
        assert_eq!(
            encode_into(&[0x01, 0xab, 0xcd, 0xef], false, &mut out),
            b"01abcdef"
        );
        assert_eq!(
            encode_into(&[0x01, 0xab, 0xcd, 0xef], true, &mut out),
            b"01ABCDEF"
        );
    }
}

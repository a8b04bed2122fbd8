//! Feeding a hash many short pieces of text (the fields of a string to sign) through a
//! stack buffer: each `update` of a hash costs far more than copying a few bytes, so the
//! pieces are gathered and hashed in a few large updates, as the built string would be.

use std::fmt;

use md5::digest::Update;

/// Bytes gathered before one `update`: a few hash blocks.
const BUFFER: usize = 256;

/// A hash fed through a buffer; [`finish`](Self::finish) hands back the hash with every
/// byte written so far fed to it.
pub(crate) struct HashWriter<H: Update> {
    hash: H,
    buffer: [u8; BUFFER],
    len: usize,
}

impl<H: Update> HashWriter<H> {
    pub(crate) fn new(hash: H) -> Self {
        HashWriter {
            hash,
            buffer: [0; BUFFER],
            len: 0,
        }
    }

    #[inline]
    pub(crate) fn put(&mut self, bytes: &[u8]) {
        // Separators are single bytes: no copy routine for them.
        if let ([byte], Some(slot)) = (bytes, self.buffer.get_mut(self.len)) {
            *slot = *byte;
            self.len += 1;
            return;
        }
        if let Some(room) = self.buffer.get_mut(self.len..self.len + bytes.len()) {
            room.copy_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.flush();
        if bytes.len() >= BUFFER {
            self.hash.update(bytes);
        } else {
            self.buffer[..bytes.len()].copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }

    fn flush(&mut self) {
        self.hash.update(&self.buffer[..self.len]);
        self.len = 0;
    }

    pub(crate) fn finish(mut self) -> H {
        self.flush();
        self.hash
    }
}

impl<H: Update> fmt::Write for HashWriter<H> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.put(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::{Digest, Md5};

    #[test]
    fn pieces_of_any_size_hash_as_the_whole() {
        let pieces: Vec<String> = (0..60).map(|i| "x".repeat(i * 7 % 300)).collect();
        let mut writer = HashWriter::new(Md5::new());
        for piece in &pieces {
            writer.put(piece.as_bytes());
        }
        let whole: String = pieces.concat();
        assert_eq!(writer.finish().finalize(), Md5::digest(whole.as_bytes()));
    }
}

//! The length-prefixed binary records the pool seals: SRP secret blocks
//! and `CUSTOM_AUTH` sessions. Strings are a big-endian `u16` length and
//! their UTF-8 bytes; optional strings a `0`/`1` tag first.

/// A string longer than a `u16` length can say.
#[derive(Debug)]
pub(super) struct TooLong;

/// Appends `s`, length first.
pub(super) fn put_str(out: &mut Vec<u8>, s: &str) -> Result<(), TooLong> {
    let len = u16::try_from(s.len()).map_err(|_| TooLong)?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Appends `s`: `0` for none, else `1` and the string.
pub(super) fn put_opt(out: &mut Vec<u8>, s: Option<&str>) -> Result<(), TooLong> {
    match s {
        None => {
            out.push(0);
            Ok(())
        }
        Some(s) => {
            out.push(1);
            put_str(out, s)
        }
    }
}

/// A cursor over a decrypted record; `None` on any malformation.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl<'a> Reader<'a> {
    /// The next `n` bytes.
    pub(super) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    pub(super) fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    pub(super) fn u16(&mut self) -> Option<u16> {
        self.take(2)?.try_into().ok().map(u16::from_be_bytes)
    }

    pub(super) fn i64(&mut self) -> Option<i64> {
        self.take(8)?.try_into().ok().map(i64::from_be_bytes)
    }

    /// The next `N` bytes as an array.
    pub(super) fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    pub(super) fn string(&mut self) -> Option<String> {
        let len = self.u16()?;
        String::from_utf8(self.take(usize::from(len))?.to_vec()).ok()
    }

    pub(super) fn opt(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => self.string().map(Some),
            _ => None,
        }
    }
}

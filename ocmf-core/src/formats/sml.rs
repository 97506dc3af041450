//! A small SML 1.04 reader: the transport frame, the TLV tree, and the
//! `GetList.Res` message the EDL40 formats sign.
//!
//! Total on any input: lengths are checked against what is left, list
//! counts are bounded by the bytes left (every element takes at least one),
//! and nesting is limited to [`MAX_DEPTH`]. The message CRCs are not
//! checked: the signature covers the values, and neither reference
//! verifier refuses a value for its CRC.

use alloc::vec::Vec;

use super::{Format, FormatError, FormatErrorKind};

/// `1b1b1b1b 01010101`: the start of an SML transport frame.
pub(super) const ESCAPE_START: &[u8] = &[0x1b, 0x1b, 0x1b, 0x1b, 1, 1, 1, 1];
const ESCAPE: &[u8] = &[0x1b, 0x1b, 0x1b, 0x1b];

/// Deepest nesting of lists read (GetList.Res needs 6).
const MAX_DEPTH: usize = 16;

/// The largest SML input read (a real telegram is under 1 KiB).
const MAX_BYTES: usize = 1 << 16;

/// One SML value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    /// An octet string.
    Octets(Vec<u8>),
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A list.
    List(Vec<Node>),
    /// `01`: an optional value that is not present.
    Absent,
    /// `00`: the end of a message.
    End,
}

impl Node {
    pub(super) fn octets(&self) -> Option<&[u8]> {
        match self {
            Self::Octets(b) => Some(b),
            _ => None,
        }
    }

    pub(super) fn list(&self) -> Option<&[Node]> {
        match self {
            Self::List(l) => Some(l),
            _ => None,
        }
    }

    /// An integer of either sign, as i128.
    pub(super) fn int(&self) -> Option<i128> {
        match *self {
            Self::Int(i) => Some(i128::from(i)),
            Self::UInt(u) => Some(i128::from(u)),
            _ => None,
        }
    }

    pub(super) fn uint(&self) -> Option<u64> {
        self.int().and_then(|i| u64::try_from(i).ok())
    }
}

fn err(format: Format, field: &'static str) -> FormatError {
    FormatError::new(FormatErrorKind::Sml, format, field)
}

/// The payload of a transport frame, with the `1b1b1b1b` escapes undone.
pub(super) fn unframe(input: &[u8], format: Format) -> Result<Vec<u8>, FormatError> {
    if input.len() > MAX_BYTES {
        return Err(FormatError::new(
            FormatErrorKind::Length,
            format,
            "sml size",
        ));
    }
    let body = input
        .strip_prefix(ESCAPE_START)
        .ok_or(err(format, "start escape"))?;
    let mut out = Vec::with_capacity(body.len());
    let mut chunks = body.chunks(4);
    while let Some(c) = chunks.next() {
        if c != ESCAPE {
            if c.len() < 4 {
                return Err(err(format, "end escape"));
            }
            out.extend_from_slice(c);
            continue;
        }
        match chunks.next() {
            Some(next) if next == ESCAPE => out.extend_from_slice(ESCAPE),
            Some([0x1a, pad, _, _]) => {
                // The padding bytes before the end escape are not payload.
                let keep = out.len().saturating_sub(usize::from(*pad));
                out.truncate(keep);
                return Ok(out);
            }
            _ => return Err(err(format, "escape sequence")),
        }
    }
    Err(err(format, "end escape"))
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    format: Format,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, FormatError> {
        let b = *self.b.get(self.pos).ok_or(err(self.format, "truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    fn node(&mut self, depth: usize) -> Result<Node, FormatError> {
        if depth > MAX_DEPTH {
            return Err(err(self.format, "nesting"));
        }
        let first = self.byte()?;
        if first == 0 {
            return Ok(Node::End);
        }
        let ty = (first >> 4) & 7;
        let mut len = usize::from(first & 0x0f);
        let mut more = first & 0x80 != 0;
        let mut tl = 1usize;
        while more {
            let b = self.byte()?;
            if b & 0x70 != 0 || tl >= 4 {
                return Err(err(self.format, "type-length"));
            }
            len = (len << 4) | usize::from(b & 0x0f);
            more = b & 0x80 != 0;
            tl += 1;
        }
        if ty == 7 {
            if len > self.b.len() - self.pos {
                return Err(err(self.format, "list length"));
            }
            let mut items = Vec::with_capacity(len);
            for _ in 0..len {
                items.push(self.node(depth + 1)?);
            }
            return Ok(Node::List(items));
        }
        let n = len.checked_sub(tl).ok_or(err(self.format, "length"))?;
        let data = self
            .b
            .get(self.pos..self.pos + n)
            .ok_or(err(self.format, "truncated"))?;
        self.pos += n;
        let be = |d: &[u8]| d.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x));
        match ty {
            0 if n == 0 && tl == 1 => Ok(Node::Absent),
            0 => Ok(Node::Octets(data.to_vec())),
            4 if n == 1 => Ok(Node::Bool(data[0] != 0)),
            5 if (1..=8).contains(&n) => {
                let shift = 64 - 8 * u32::try_from(n).unwrap_or(8);
                let raw = be(data) << shift;
                Ok(Node::Int(i64::from_be_bytes(raw.to_be_bytes()) >> shift))
            }
            6 if (1..=8).contains(&n) => Ok(Node::UInt(be(data))),
            _ => Err(err(self.format, "type")),
        }
    }
}

/// Every message of an SML payload (the zero bytes between them skipped).
pub(super) fn messages(payload: &[u8], format: Format) -> Result<Vec<Node>, FormatError> {
    let mut r = Reader {
        b: payload,
        pos: 0,
        format,
    };
    let mut out = Vec::new();
    while r.pos < payload.len() {
        if payload[r.pos] == 0 {
            r.pos += 1;
            continue;
        }
        out.push(r.node(0)?);
    }
    Ok(out)
}

/// The body of the first `GetList.Res` (tag `0x0701`): its 7 fields.
pub(super) fn get_list_res(messages: &[Node]) -> Option<&[Node]> {
    messages.iter().find_map(|m| {
        let body = m.list()?.get(3)?.list()?;
        match body {
            [tag, content] if tag.uint() == Some(0x0701) => content.list().filter(|l| l.len() == 7),
            _ => None,
        }
    })
}

/// An `SML_ListEntry`: name, status, time, unit, scaler, value, signature.
pub(super) struct Entry<'a> {
    pub(super) name: &'a [u8],
    pub(super) status: Option<u64>,
    pub(super) time: Option<SmlTime>,
    pub(super) unit: Option<u64>,
    pub(super) scaler: Option<i128>,
    pub(super) value: &'a Node,
    pub(super) signature: Option<&'a [u8]>,
}

/// An `SML_Time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SmlTime {
    /// 1 seconds index, 2 timestamp (UTC), 3 local timestamp.
    pub(super) choice: u64,
    /// The seconds.
    pub(super) seconds: u64,
    /// Local and season offset in minutes (choice 3).
    pub(super) offset_minutes: i32,
}

impl SmlTime {
    pub(super) fn of(node: &Node) -> Option<Self> {
        let [choice, value] = node.list()? else {
            return None;
        };
        let choice = choice.uint()?;
        match (choice, value) {
            (1 | 2, v) => Some(Self {
                choice,
                seconds: v.uint()?,
                offset_minutes: 0,
            }),
            (3, Node::List(l)) => match l.as_slice() {
                [ts, local, season] => Some(Self {
                    choice,
                    seconds: ts.uint()?,
                    offset_minutes: i32::try_from(local.int()? + season.int()?).ok()?,
                }),
                _ => None,
            },
            _ => None,
        }
    }

    /// The "local epoch" the EDL40 block holds: UTC seconds plus the offset.
    pub(super) fn local_epoch(self) -> u32 {
        let local = i64::try_from(self.seconds).unwrap_or(0) + i64::from(self.offset_minutes) * 60;
        u32::try_from(local).unwrap_or(0)
    }
}

/// The entries of a GetList.Res value list.
pub(super) fn entries(list: &Node) -> Option<Vec<Entry<'_>>> {
    list.list()?
        .iter()
        .map(|e| match e.list()? {
            [name, status, time, unit, scaler, value, sig] => Some(Entry {
                name: name.octets()?,
                status: status.uint(),
                time: SmlTime::of(time),
                unit: unit.uint(),
                scaler: scaler.int(),
                value,
                signature: sig.octets(),
            }),
            _ => None,
        })
        .collect()
}

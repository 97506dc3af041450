//! The 320-byte EDL40 block: what EDL40 meters sign, whether the fields
//! arrive in SML (`edl40`), as the block itself (`sig_only`), in Mennekes
//! XML (`mennekes`) or in chargeIT JSON (`emh`). Little-endian integers;
//! layout in `notes/formats/edl40.md`.

use alloc::vec::Vec;

use super::codec::{le, obis, scaled, to_hex};
use super::{FormatReading, FormatTime, ReadingKind};
use crate::grammar::TimeStatus;

/// The block's length.
pub(super) const LEN: usize = 320;

/// The longest contract id the block holds.
pub(super) const CONTRACT_LEN: usize = 128;

/// The fields of one block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Edl40Block {
    pub(super) server_id: [u8; 10],
    /// "Local epoch": UTC seconds plus the zone offset.
    pub(super) local_time: u32,
    pub(super) status: u8,
    pub(super) seconds_index: u32,
    pub(super) pagination: u32,
    pub(super) obis: [u8; 6],
    pub(super) unit: u8,
    pub(super) scaler: i8,
    pub(super) value: i64,
    pub(super) log: [u8; 2],
    /// At most [`CONTRACT_LEN`] bytes.
    pub(super) contract: Vec<u8>,
    pub(super) contract_time: u32,
    pub(super) historical: i64,
    pub(super) historical_compensated: i64,
    pub(super) line_resistance: u16,
    pub(super) stopwatch: u32,
    pub(super) price: u16,
}

impl Edl40Block {
    /// The 320 signed bytes.
    pub(super) fn to_bytes(&self) -> Vec<u8> {
        let mut b = alloc::vec![0u8; LEN];
        b[0..10].copy_from_slice(&self.server_id);
        b[10..14].copy_from_slice(&self.local_time.to_le_bytes());
        b[14] = self.status;
        b[15..19].copy_from_slice(&self.seconds_index.to_le_bytes());
        b[19..23].copy_from_slice(&self.pagination.to_le_bytes());
        b[23..29].copy_from_slice(&self.obis);
        b[29] = self.unit;
        b[30] = self.scaler.to_le_bytes()[0];
        b[31..39].copy_from_slice(&self.value.to_le_bytes());
        b[39..41].copy_from_slice(&self.log);
        let n = self.contract.len().min(CONTRACT_LEN);
        b[41..41 + n].copy_from_slice(&self.contract[..n]);
        b[169..173].copy_from_slice(&self.contract_time.to_le_bytes());
        b[173..181].copy_from_slice(&self.historical.to_le_bytes());
        b[181..189].copy_from_slice(&self.historical_compensated.to_le_bytes());
        b[189..191].copy_from_slice(&self.line_resistance.to_le_bytes());
        b[191..195].copy_from_slice(&self.stopwatch.to_le_bytes());
        // Big endian, as SAFE writes it (no sample has a price).
        b[195..197].copy_from_slice(&self.price.to_be_bytes());
        b
    }

    /// The fields of 320 received bytes (`None` for another length).
    pub(super) fn from_bytes(b: &[u8]) -> Option<Self> {
        if b.len() != LEN {
            return None;
        }
        let u32_at = |o: usize| u32::try_from(le(&b[o..o + 4])).unwrap_or(0);
        let i64_at = |o: usize| i64::from_le_bytes(b[o..o + 8].try_into().unwrap_or([0; 8]));
        let contract_end = b[41..169]
            .iter()
            .rposition(|&x| x != 0)
            .map_or(0, |p| p + 1);
        Some(Self {
            server_id: b[0..10].try_into().ok()?,
            local_time: u32_at(10),
            status: b[14],
            seconds_index: u32_at(15),
            pagination: u32_at(19),
            obis: b[23..29].try_into().ok()?,
            unit: b[29],
            scaler: i8::from_le_bytes([b[30]]),
            value: i64_at(31),
            log: [b[39], b[40]],
            contract: b[41..41 + contract_end].to_vec(),
            contract_time: u32_at(169),
            historical: i64_at(173),
            historical_compensated: i64_at(181),
            line_resistance: u16::from_le_bytes([b[189], b[190]]),
            stopwatch: u32_at(191),
            price: u16::from_be_bytes([b[195], b[196]]),
        })
    }

    /// The meter serial: the server id as hex.
    pub(super) fn serial(&self) -> alloc::string::String {
        to_hex(&self.server_id)
    }

    /// The reading the block signs. `offset_minutes`: the zone offset, when
    /// the value states it (the block holds the local epoch only).
    pub(super) fn reading(&self, kind: ReadingKind, offset_minutes: Option<i32>) -> FormatReading {
        let local = i64::from(self.local_time);
        FormatReading {
            kind,
            time: Some(FormatTime::local(local, offset_minutes, self.time_status())),
            value: scaled(i128::from(self.value), self.scaler),
            unit: "Wh",
            obis: obis(&self.obis),
            status: Some(u64::from(self.status)),
            pagination: Some(u64::from(self.pagination)),
            signed: true,
        }
    }

    /// EDL40 status bit 3: the meter's clock is synchronous.
    fn time_status(&self) -> TimeStatus {
        if self.status & 0x08 != 0 {
            TimeStatus::Synchronised
        } else {
            TimeStatus::Unknown
        }
    }

    /// The contract id as text where it is printable ASCII, else hex.
    pub(super) fn contract_text(&self) -> Option<alloc::string::String> {
        if self.contract.is_empty() {
            None
        } else if self.contract.iter().all(|b| b.is_ascii_graphic()) {
            Some(self.contract.iter().map(|&b| char::from(b)).collect())
        } else {
            Some(to_hex(&self.contract))
        }
    }
}

impl FormatTime {
    /// A time written as "local epoch" (UTC seconds plus the offset).
    pub(super) fn local(local_epoch: i64, offset_minutes: Option<i32>, status: TimeStatus) -> Self {
        Self {
            utc_seconds: local_epoch - i64::from(offset_minutes.unwrap_or(0)) * 60,
            offset_minutes,
            status,
        }
    }
}

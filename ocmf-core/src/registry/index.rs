//! The serial indices of a [`Registry`]: finding the entries that bind a
//! record without scanning every entry.

use alloc::{collections::BTreeMap, string::String, vec::Vec};

use super::{KeyEntry, Registry};

impl Registry {
    /// Adds an entry; returns its index.
    pub fn add(&mut self, entry: KeyEntry) -> usize {
        let index = self.entries.len();
        // An entry that names neither serial binds nothing (`KeyEntry::matches`).
        let slot = match (&entry.meter_serial, &entry.gateway_serial) {
            (Some(m), _) => Some((&mut self.by_meter, m)),
            (None, Some(g)) => Some((&mut self.by_gateway, g)),
            (None, None) => None,
        };
        if let Some((map, serial)) = slot {
            map.entry(serial.clone()).or_default().push(index);
        }
        self.entries.push(entry);
        index
    }

    /// Appends every entry of `other` (their indices shift by `self.len()`).
    pub fn extend(&mut self, other: Self) {
        for entry in other.entries {
            self.add(entry);
        }
    }

    /// The entries binding a record with these serials, with their indices,
    /// in file order (found through the serial indices, not by a scan).
    pub fn matching<'s, 'q>(
        &'s self,
        meter_serial: Option<&'q str>,
        gateway_serial: Option<&'q str>,
    ) -> impl Iterator<Item = (usize, &'s KeyEntry)> + use<'s, 'q> {
        let look = |map: &'s BTreeMap<String, Vec<usize>>, serial: Option<&str>| {
            serial
                .and_then(|s| map.get(s.trim()))
                .map_or(&[][..], Vec::as_slice)
        };
        // Each entry is in one index only: the union has no repeats.
        let mut found: Vec<usize> = look(&self.by_meter, meter_serial)
            .iter()
            .chain(look(&self.by_gateway, gateway_serial))
            .copied()
            .collect();
        found.sort_unstable();
        found.into_iter().filter_map(move |i| {
            let e = self.entries.get(i)?;
            e.matches(meter_serial, gateway_serial).then_some((i, e))
        })
    }
}

#[cfg(test)]
mod tests {
    use alloc::{borrow::ToOwned, vec::Vec};

    use super::*;
    use crate::key::PublicKey;

    #[test]
    fn matching_through_the_indices_equals_a_scan() {
        let key = PublicKey::parse(
            "0484CB1B68DB9146C16BC770654A7D49A7AFD92F8E0A9E324CB50FA2B5EAD88ECB2343A06A4BAFCBEA8B82A1965A48E8A8DC4F6E28332826C80634A6CFC28D7D66",
        )
        .unwrap();
        let entry = |m: Option<&str>, g: Option<&str>| KeyEntry {
            meter_serial: m.map(str::to_owned),
            gateway_serial: g.map(str::to_owned),
            ..KeyEntry::new("", key.clone())
        };
        let shapes = [
            (Some("M1"), None),
            (None, Some("G1")),
            (Some("M1"), Some("G2")),
            (None, None),
            (Some("M2"), None),
            (Some("M1"), None),
            (None, Some("M1")),
            (Some(""), None),
            (Some(" M3 "), None),
        ];
        let mut a = Registry::new();
        let mut b = Registry::new();
        for (i, (m, g)) in shapes.iter().enumerate() {
            if i % 2 == 0 {
                a.add(entry(*m, *g));
            } else {
                b.add(entry(*m, *g));
            }
        }
        // Indices move with `extend`; the result must not depend on how the
        // registry was put together.
        a.extend(b);
        let serials = [
            None,
            Some("M1"),
            Some(" M1 "),
            Some("M2"),
            Some("G1"),
            Some("G2"),
            Some(""),
            Some("M3"),
            Some(" M3 "),
        ];
        for ms in serials {
            for gs in serials {
                let scan: Vec<usize> = a
                    .entries()
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.matches(ms, gs))
                    .map(|(i, _)| i)
                    .collect();
                let got: Vec<usize> = a.matching(ms, gs).map(|(i, _)| i).collect();
                assert_eq!(got, scan, "{ms:?} {gs:?}");
            }
        }
        assert_eq!(a.matching(Some("M1"), Some("G2")).count(), 3);
    }
}

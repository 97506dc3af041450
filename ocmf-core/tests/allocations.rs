//! Heap allocations per parsed record, counted with a wrapping global
//! allocator. The envelope split allocates nothing; the payload allocates
//! only for its containers (member lists, readings), never for field text.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts calls.
#[allow(
    unsafe_code,
    reason = "a counting allocator needs the GlobalAlloc impl"
)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn count<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCS.load(Ordering::Relaxed);
    let out = f();
    (out, ALLOCS.load(Ordering::Relaxed) - before)
}

#[test]
fn allocations_per_record() {
    let record = include_str!("../../examples/keba-p256.ocmf").trim();
    let (rec, n) = count(|| ocmf_core::parse(record).unwrap());
    let payload = &rec.payload;
    // Field text borrows from the input.
    assert!(matches!(
        payload.gateway_id.as_ref().unwrap().value,
        std::borrow::Cow::Borrowed(_)
    ));
    let readings = payload.readings.len();
    println!(
        "allocations: parse of a {}-byte record with {readings} readings: {n}",
        record.len()
    );
    // Containers only: top-level member list, IF list, RD item list, the
    // readings vector, one member list per reading, the signature member list.
    assert!(n <= 6 + 2 * readings, "{n} allocations");
    let key = ocmf_core::PublicKey::parse(include_str!("../../examples/keba-p256.key")).unwrap();
    // The first verifications under a key may allocate: the native backend
    // (AWS-LC) on first use, the key's precomputed table on the second.
    // From then on, verifying allocates nothing.
    let (v, first) = count(|| rec.verify(&key).map(|_| ()));
    v.unwrap();
    let (v, second) = count(|| rec.verify(&key).map(|_| ()));
    v.unwrap();
    let (v, n) = count(|| rec.verify(&key).map(|_| ()));
    v.unwrap();
    println!("allocations: verify with a decoded key: first {first}, second {second}, then {n}");
    assert_eq!(n, 0);
}

//! `BlockSplitter` (text read in blocks) cuts every input into exactly the
//! pieces `split_records` gives for the whole text: same text, line and
//! kind, in the same order, for every block size. Inputs: the corpus
//! records joined every way a file holds them, the shapes the CLI tests
//! use, every text file of the test data, and generated line soup.

use ocmf_core::transport::{BlockSplitter, PieceKind, split_records};
use proptest::prelude::*;

type Piece = (String, usize, PieceKind);

fn whole(text: &str) -> Vec<Piece> {
    split_records(text)
        .map(|p| (p.text.to_owned(), p.line, p.kind))
        .collect()
}

/// The pieces of `text` fed in blocks of about `size` bytes (cut at char
/// boundaries), and the most text the splitter's caller held at once.
fn in_blocks(text: &str, size: usize) -> (Vec<Piece>, usize) {
    let mut splitter = BlockSplitter::new();
    let mut held = String::new();
    let mut pieces = Vec::new();
    let mut most = 0;
    let mut at = 0;
    while at < text.len() {
        let mut end = (at + size).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        held.push_str(&text[at..end]);
        at = end;
        most = most.max(held.len());
        let (cut, got) = splitter.split(&held, false);
        pieces.extend(got.map(|p| (p.text.to_owned(), p.line, p.kind)));
        held.drain(..cut);
    }
    let (cut, got) = splitter.split(&held, true);
    assert_eq!(cut, held.len());
    pieces.extend(got.map(|p| (p.text.to_owned(), p.line, p.kind)));
    (pieces, most)
}

fn assert_same(text: &str, what: &str) {
    let want = whole(text);
    for size in [1, 2, 3, 5, 7, 16, 64, 333, 4096, 1 << 20] {
        let (got, _) = in_blocks(text, size);
        assert_eq!(got, want, "{what}, blocks of {size}");
    }
}

fn corpus_records() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/real.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["ocmf"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn corpus_joined_every_way_splits_alike() {
    let recs = corpus_records();
    assert!(recs.len() > 200);
    for sep in ["\n", "\n\n", "\r\n", "\r\n\r\n", "\n  \n\t"] {
        let text = recs.join(sep);
        assert_same(&text, &format!("corpus joined by {sep:?}"));
        assert_same(
            &format!("\u{feff}{text}\n"),
            &format!("marked corpus {sep:?}"),
        );
    }
    // Hex lines, stray lines and blank lines between the records.
    let mut mixed = String::new();
    for (i, r) in recs.iter().enumerate() {
        match i % 5 {
            0 => mixed.push_str(&hex(r)),
            1 => mixed.push_str("not a record"),
            2 => mixed.push_str(&format!("{r}\n")),
            _ => mixed.push_str(r),
        }
        mixed.push('\n');
    }
    assert_same(&mixed, "corpus with hex and stray lines");
}

#[test]
fn the_cli_test_shapes_split_alike() {
    let rec = r#"OCMF|{"FV":"1.0","PG":"T1","MS":"M1","IS":false,"IT":"NONE","RD":[{"TM":"2024-03-01T10:00:00,000+0100 S","TX":"B","RV":1.5,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}|{"SD":"00"}"#;
    let pretty = "OCMF|{\n  \"FV\": \"1.0\",\n  \"PG\": \"T2\"\n}|{\"SD\":\"00\"}";
    let cases = [
        String::new(),
        "\n\n  \n".to_owned(),
        "OCMF|{not json}|{}".to_owned(),
        [
            rec,
            pretty,
            "",
            &hex(rec),
            rec,
            &hex(rec),
            "not a record",
            pretty,
            "",
            "  a stray line after a blank one",
            rec,
        ]
        .join("\n"),
        format!("\u{feff}{rec}\r\n{pretty}\r\n"),
        format!("{rec}|{}", "04AB"),
        // A record with blank lines inside its payload (LEM DCBM).
        "OCMF|{\"FV\":\"1.0\",\n\n\"IS\":true,\n\n\n\"ID\":\"a|b\"}|{\"SD\":\"00\"}\n\nnext\n"
            .to_owned(),
        "OCMF|{}|{}\n\nx".to_owned(),
        "OCMF|{\n\nx\nOCMF|{}|{}\n".to_owned(),
        "x\n\u{feff}y\n\u{feff}OCMF|{}|{}\n OCMF|{}|{}".to_owned(),
        "stray\nOCMF|{}|{}\n4F434D467C7B7D7C7B7D\n|tail\nOCMFX".to_owned(),
        format!("{rec}\n").repeat(50),
    ];
    for (i, text) in cases.iter().enumerate() {
        assert_same(text, &format!("case {i}"));
    }
}

#[test]
fn every_text_file_of_the_test_data_splits_alike() {
    let mut dirs = vec![
        std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data")),
        std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples")),
    ];
    let mut files = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                for size in [1, 7, 100, 4096] {
                    assert_eq!(in_blocks(&text, size).0, whole(&text), "{path:?} {size}");
                }
                files += 1;
            }
        }
    }
    assert!(files > 20, "{files}");
}

/// Memory: a file of one-line records is held at most a block and a record
/// at a time, however long it is.
#[test]
fn held_text_stays_a_block_and_a_record() {
    let recs = corpus_records();
    let line_records: Vec<&String> = recs.iter().filter(|r| !r.contains('\n')).collect();
    let text = line_records
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join("\n")
        .repeat(20);
    let longest = line_records.iter().map(|r| r.len()).max().unwrap();
    let (pieces, most) = in_blocks(&text, 4096);
    assert_eq!(pieces.len(), whole(&text).len());
    assert!(most <= 4096 + 2 * longest + 2, "{most}");
}

fn soup() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("OCMF|{}|{}".to_owned()),
        Just("  OCMF|{\"a\":\"|\"".to_owned()),
        Just("OCMF".to_owned()),
        Just("}|{}".to_owned()),
        Just("\"x\": [1, {".to_owned()),
        Just("]}".to_owned()),
        Just(String::new()),
        Just(" \t".to_owned()),
        Just("\u{feff}OCMF|{}|{}".to_owned()),
        Just("4F434D467C7B7D7C7B7D".to_owned()),
        Just("stray äö".to_owned()),
        Just("\"\\\"".to_owned()),
    ];
    (
        proptest::collection::vec(line, 0..40),
        prop_oneof![Just("\n"), Just("\r\n")],
    )
        .prop_map(|(lines, nl)| lines.join(nl))
}

proptest! {
    #[test]
    fn any_line_soup_splits_alike(text in soup(), size in 1usize..40) {
        prop_assert_eq!(in_blocks(&text, size).0, whole(&text));
    }
}

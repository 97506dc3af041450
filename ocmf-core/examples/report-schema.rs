//! Prints the JSON Schema of the canonical JSON (`ocmf_core::schema`).
//!
//! `cargo run -q -p ocmf-core --features schema --example report-schema`

fn main() {
    let doc = ocmf_core::schema::document();
    match serde_json::to_string_pretty(&doc) {
        Ok(text) => println!("{text}"),
        Err(e) => {
            eprintln!("report-schema: {e}");
            std::process::exit(1);
        }
    }
}

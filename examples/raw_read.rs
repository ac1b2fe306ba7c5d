//! The floor `plan` is measured against: read a CSV file with the csv crate into one
//! reused `ByteRecord` and count the rows.
//!
//! `cargo run --release --example raw_read -- tickets.csv`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: raw_read FILE")?;
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_path(path)?;
    let mut rec = csv::ByteRecord::new();
    let mut rows = 0u64;
    while rdr.read_byte_record(&mut rec)? {
        rows += 1;
    }
    println!("{rows}");
    Ok(())
}

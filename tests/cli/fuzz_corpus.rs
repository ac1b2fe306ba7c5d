//! Every file of `fuzz/corpus/<target>/` through its fuzz target: what fuzzing found stays
//! found without fuzzing.

use followup::fuzzing::TARGETS;

#[test]
fn every_corpus_file_passes_its_target() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{name} has a seed corpus");
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let run = std::panic::catch_unwind(|| target(&data));
            assert!(run.is_ok(), "{} fails its target", f.display());
            replayed += 1;
        }
    }
    assert!(replayed >= TARGETS.len());
}

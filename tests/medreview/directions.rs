//! Directions as pharmacies write them, read and restated: a table of
//! real-world sigs (`sigs.tsv`) with the explicit sentence each must become,
//! or the quoted label when it cannot be restated safely.

use medreview::record::Language;
use medreview::regimen::sig::read_sig;
use medreview::report::wording::directions;

use crate::helpers::root;

#[test]
fn every_sig_in_the_table_is_restated_as_written_there() {
    let table = std::fs::read_to_string(root().join("tests/medreview/sigs.tsv")).unwrap();
    let mut cases = 0;
    let mut wrong = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (sig, expected) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("no tab in {line:?}"));
        cases += 1;
        let got = directions(&read_sig(sig), Some(sig), Language::En);
        if got != expected {
            wrong.push(format!(
                "{sig}\n   expected: {expected}\n   got:      {got}"
            ));
        }
    }
    assert!(cases >= 200, "only {cases} cases");
    assert!(
        wrong.is_empty(),
        "{} of {cases} sigs differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

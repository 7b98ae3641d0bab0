//! Names as written on bottles and typed by busy people, resolved: a table
//! (`names.tsv`) of real-world strings and the ingredients each must give,
//! or `UNKNOWN` where a careful pharmacist would not accept the name (those
//! must never resolve completely).

use medreview::knowledge::Knowledge;

use crate::helpers::root;

#[test]
fn every_name_in_the_table_resolves_as_written_there() {
    let table = std::fs::read_to_string(root().join("tests/medreview/names.tsv")).unwrap();
    let kb = Knowledge::embedded();
    let mut cases = 0;
    let mut wrong = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (name, expected) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("no tab in {line:?}"));
        cases += 1;
        let r = kb.resolve(name, None);
        let got: Vec<&str> = r.ingredients.iter().map(|i| i.name.as_str()).collect();
        let fully_known = !r.is_unknown() && r.unrecognised.is_empty();
        let ok = match expected {
            "UNKNOWN" => !fully_known,
            _ => fully_known && got.join("+") == expected,
        };
        if !ok {
            wrong.push(format!(
                "{name}\n   expected: {expected}\n   got:      {} (unrecognised: {:?})",
                got.join("+"),
                r.unrecognised
            ));
        }
    }
    assert!(cases >= 200, "only {cases} cases");
    assert!(
        wrong.is_empty(),
        "{} of {cases} names differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

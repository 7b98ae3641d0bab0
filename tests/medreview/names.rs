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

/// The published reference lists this knowledge base is curated from:
/// every substance of the FDA table of CYP substrates, inhibitors and
/// inducers and every drug of the ONC high-priority list resolves. The
/// lists' own oddities are mapped here, each with why: misspellings in the
/// ONC list, enantiomers and metabolites the FDA table names, combinations
/// written with "and", classes, and exposures the herb-food rules cover.
#[test]
fn every_substance_of_the_reference_lists_resolves() {
    let reference = root().join("../shared/reference");
    let kb = Knowledge::embedded();
    // The list's name → the names that must resolve instead ("" for an
    // exposure the herb-food rules name, not a medicine).
    let mapped: &[(&str, &[&str])] = &[
        // Misspelled in the ONC list (its README says so).
        ("esmoprazole", &["esomeprazole"]),
        ("voreconazole", &["voriconazole"]),
        ("lisdexamefetamine", &["lisdexamfetamine"]),
        ("moclobamide", &["moclobemide"]),
        // Enantiomers the FDA table names; the medicine is the racemate.
        ("r-venlafaxine", &["venlafaxine"]),
        ("s-venlafaxine", &["venlafaxine"]),
        // Combinations.
        ("indinavir and ritonavir", &["indinavir", "ritonavir"]),
        ("lopinavir and ritonavir", &["lopinavir", "ritonavir"]),
        ("saquinavir and ritonavir", &["saquinavir", "ritonavir"]),
        ("tipranavir and ritonavir", &["tipranavir", "ritonavir"]),
        ("lumacaftor and ivacaftor", &["lumacaftor", "ivacaftor"]),
        (
            "sofosbuvir and velpatasvir and voxilaprevir",
            &["sofosbuvir", "velpatasvir", "voxilaprevir"],
        ),
        (
            "paritaprevir and ritonavir and (ombitasvir and/or dasabuvir)",
            &["paritaprevir", "ritonavir", "ombitasvir", "dasabuvir"],
        ),
        // Classes, not substances: their members resolve.
        (
            "oral contraceptives",
            &["ethinyl estradiol", "norethindrone"],
        ),
        ("nsaid", &["ibuprofen", "naproxen"]),
        // Exposures: the herb-food rules' grapefruit and tobacco.
        ("grapefruit juice", &[]),
        ("tobacco (smoking)", &[]),
    ];
    let read = |file: &str| {
        csv_records(&std::fs::read_to_string(reference.join(file)).unwrap())
            .into_iter()
            .skip(1)
    };
    let mut names: Vec<String> = Vec::new();
    for record in read("fda_cyp_table.csv") {
        names.push(record[0].trim().to_lowercase());
    }
    for record in read("onc_high_priority.csv") {
        for field in [&record[2], &record[4]] {
            names.extend(
                field
                    .split(';')
                    .map(|n| n.trim().to_lowercase())
                    .filter(|n| !n.is_empty()),
            );
        }
    }
    names.sort();
    names.dedup();
    assert!(names.len() >= 290, "{} names read", names.len());
    let resolves = |name: &str| {
        let r = kb.resolve(name, None);
        !r.is_unknown() && r.unrecognised.is_empty()
    };
    let mut unresolved = Vec::new();
    for name in &names {
        match mapped.iter().find(|(n, _)| n == name) {
            Some((_, instead)) => {
                for other in *instead {
                    if !resolves(other) {
                        unresolved.push(format!("{name} (as {other})"));
                    }
                }
            }
            None if !resolves(name) => unresolved.push(name.clone()),
            None => {}
        }
    }
    // The exposures are the herb-food rules' own.
    let text: String = medreview::knowledge::FILES
        .iter()
        .map(|(_, t)| *t)
        .collect();
    for exposure in ["exposure = \"grapefruit\"", "exposure = \"tobacco\""] {
        assert!(text.contains(exposure), "no herb-food rule with {exposure}");
    }
    assert!(
        unresolved.is_empty(),
        "{} of {} reference names do not resolve: {}",
        unresolved.len(),
        names.len(),
        unresolved.join(", ")
    );
}

/// The records of a CSV file: fields split at commas, with quoted fields
/// that may hold commas and line breaks.
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

//! The knowledge base's rules against the published interaction lists and
//! the reading grade: every ONC high-priority pair fires at `major` or
//! above for every member pair the knowledge base knows; every ONC
//! low-priority pair stays below `major` unless its rule names the newer
//! evidence that raised it (`onc.tsv` restates both lists, corrected); every
//! patient text of a rule is plain.

use std::path::Path;

use medreview::checks::{self, Finding, Severity};
use medreview::knowledge::Knowledge;
use medreview::readability::grade;
use medreview::regimen::Regimen;

use crate::helpers::root;

/// The interaction findings (either check) for two medicines named by
/// their canonical ingredients.
fn pair_findings(x: &str, y: &str) -> Vec<Finding> {
    let mut ids = [x, y];
    ids.sort();
    let subjects = ids.join("+");
    findings_of(x, y)
        .into_iter()
        .filter(|f| {
            (f.check == "interaction" || f.check == "herb-food")
                && f.id.split_once('/').map(|(_, s)| s) == Some(subjects.as_str())
        })
        .collect()
}

/// (priority, id, object members, precipitant members), members the
/// knowledge base knows.
fn onc_pairs() -> Vec<(String, String, Vec<String>, Vec<String>)> {
    let table = std::fs::read_to_string(root().join("tests/medreview/onc.tsv")).unwrap();
    let kb = Knowledge::embedded();
    let known = |list: &str| -> Vec<String> {
        list.split(';')
            .map(str::trim)
            .filter(|m| !m.is_empty() && kb.ingredient(m).is_some())
            .map(str::to_owned)
            .collect()
    };
    table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("priority"))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() >= 4, "bad line {l:?}");
            (
                cols[0].to_owned(),
                cols[1].to_owned(),
                known(cols[2]),
                known(cols[3]),
            )
        })
        .collect()
}

#[test]
fn every_onc_high_priority_pair_fires_at_major_or_above() {
    let pairs: Vec<_> = onc_pairs()
        .into_iter()
        .filter(|(p, ..)| p == "high")
        .collect();
    assert_eq!(pairs.len(), 15, "the 15 ONC high-priority pairs");
    let mut checked = 0;
    let mut missed = Vec::new();
    for (_, id, objects, precipitants) in &pairs {
        assert!(
            !objects.is_empty() && !precipitants.is_empty(),
            "ONC high-{id}: no member known to the knowledge base"
        );
        for x in objects {
            for y in precipitants.iter().filter(|y| *y != x) {
                checked += 1;
                let found = pair_findings(x, y);
                if !found.iter().any(|f| f.severity >= Severity::Major) {
                    missed.push(format!("high-{id}: {x} + {y} gives {found:?}"));
                }
            }
        }
    }
    eprintln!("ONC high priority: {checked} member pairs checked");
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn onc_low_priority_pairs_stay_below_major_unless_raised_with_evidence() {
    let pairs: Vec<_> = onc_pairs()
        .into_iter()
        .filter(|(p, ..)| p == "low")
        .collect();
    assert_eq!(pairs.len(), 33, "the 33 ONC low-priority pairs");
    let mut checked = 0;
    let mut fired = 0;
    let mut too_high = Vec::new();
    for (_, id, objects, precipitants) in &pairs {
        for x in objects {
            for y in precipitants.iter().filter(|y| *y != x) {
                checked += 1;
                for f in pair_findings(x, y) {
                    fired += 1;
                    let raised = f
                        .context
                        .iter()
                        .any(|c| c.starts_with("raised above the ONC low-priority level"));
                    if f.severity >= Severity::Major && !raised {
                        too_high.push(format!("low-{id}: {x} + {y}: {} ({:?})", f.id, f.severity));
                    }
                }
            }
        }
    }
    eprintln!("ONC low priority: {checked} member pairs checked, {fired} findings");
    assert!(too_high.is_empty(), "{}", too_high.join("\n"));
}

#[test]
fn every_rule_patient_text_is_within_reading_grade_6() {
    let kb = Knowledge::embedded();
    let mut texts: Vec<(String, String)> = Vec::new();
    let fill = |t: &str| {
        t.replace("{a}", "Advil")
            .replace("{b}", "Advil")
            .replace("{medicine}", "Advil")
    };
    for r in kb.interactions() {
        texts.push((format!("interaction {}", r.id), fill(&r.patient)));
    }
    for r in kb.foods() {
        texts.push((format!("food {}", r.id), fill(&r.patient)));
    }
    for (table, rules) in [
        ("renal", kb.renal_rules()),
        ("hepatic", kb.hepatic_rules()),
        ("older-adult", kb.older_adult_rules()),
    ] {
        for r in rules {
            texts.push((format!("{table} {}", r.id), fill(&r.patient)));
        }
    }
    for r in kb.duration_rules() {
        texts.push((format!("duration {}", r.id), fill(&r.patient)));
    }
    assert!(texts.len() >= 150, "only {} rules", texts.len());
    let hard: Vec<String> = texts
        .iter()
        .map(|(id, t)| (id, t, grade(t)))
        .filter(|(_, _, g)| *g > 6.0)
        .map(|(id, t, g)| format!("{id} ({g:.1}): {t}"))
        .collect();
    assert!(hard.is_empty(), "above grade 6:\n{}", hard.join("\n"));
}

#[test]
fn real_world_pairs_give_the_findings_the_table_says() {
    let table = std::fs::read_to_string(root().join("tests/medreview/pairs.tsv")).unwrap();
    let severity = |s: &str| match s {
        "minor" => Severity::Minor,
        "moderate" => Severity::Moderate,
        "major" => Severity::Major,
        "contraindicated" => Severity::Contraindicated,
        other => panic!("unknown severity {other}"),
    };
    let mut wrong = Vec::new();
    let mut cases = 0;
    for line in table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [kind, a, b, id, level] = cols[..] else {
            panic!("bad line {line:?}")
        };
        cases += 1;
        let found = findings_of(a, b);
        let got = found.iter().find(|f| f.id == id).map(|f| f.severity);
        let level = severity(level);
        let ok = match kind {
            "fires" | "contra" => got == Some(level),
            "at-least" => got.is_some_and(|g| g >= level),
            "below" => got.is_none_or(|g| g < level),
            "none" => got.is_none(),
            other => panic!("unknown kind {other}"),
        };
        if !ok {
            let all: Vec<String> = found
                .iter()
                .map(|f| format!("{} {:?}", f.id, f.severity))
                .collect();
            wrong.push(format!("{line}\n   got {got:?}; all: {all:?}"));
        }
    }
    assert!(cases >= 40, "only {cases} cases");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every finding of the record with these two medicines.
pub fn findings_of(a: &str, b: &str) -> Vec<Finding> {
    let text = format!(
        "[patient]\nid = \"T\"\nname = \"T\"\nborn = 1960-01-01\n\
         [review]\ndate = 2026-11-20\nreviewer = \"R\"\n\
         [[medications]]\nname = \"{a}\"\n[[medications]]\nname = \"{b}\"\n"
    );
    let record = medreview::record::parse(Path::new("pair.toml"), &text).unwrap();
    let kb = Knowledge::embedded();
    checks::run(&Regimen::new(record, kb), kb).findings
}

/// The patient wording of every finding the sample records produce (the
/// text built by the checks, not only the rules' own), with the medicine
/// names, which the patient knows from the bottle, read as one short word.
#[test]
fn every_finding_patient_text_on_the_sample_data_is_within_grade_6() {
    let kb = Knowledge::embedded();
    let mut hard = Vec::new();
    let mut count = 0;
    for path in crate::helpers::sample_records() {
        let Ok(record) = medreview::record::load(&path) else {
            continue;
        };
        if record.patient.language != medreview::record::Language::En {
            continue;
        }
        for f in checks::run(&Regimen::new(record, kb), kb).findings {
            let mut text = f.patient_text.clone();
            let mut names = f.medicines.clone();
            names.sort_by_key(|n| std::cmp::Reverse(n.len()));
            for name in names {
                text = text.replace(&name, "Advil");
            }
            count += 1;
            let g = grade(&text);
            if g > 6.0 {
                hard.push(format!("{} ({g:.1}): {text}", f.id));
            }
        }
    }
    assert!(count > 50, "only {count} findings");
    assert!(hard.is_empty(), "above grade 6:\n{}", hard.join("\n"));
}

/// Issue 5's minimums: rules per patient-rule table.
#[test]
fn the_patient_rule_tables_meet_their_minimums() {
    let kb = Knowledge::embedded();
    assert!(
        kb.renal_rules().len() >= 30,
        "renal {}",
        kb.renal_rules().len()
    );
    assert!(
        kb.hepatic_rules().len() >= 10,
        "hepatic {}",
        kb.hepatic_rules().len()
    );
    assert!(
        kb.older_adult_rules().len() >= 75,
        "older-adult {}",
        kb.older_adult_rules().len()
    );
    // The medicines the issue names each have a kidney rule.
    for name in [
        "metformin",
        "ibuprofen",
        "gabapentin",
        "pregabalin",
        "apixaban",
        "rivaroxaban",
        "dabigatran",
        "enoxaparin",
        "nitrofurantoin",
        "spironolactone",
        "digoxin",
        "lithium",
        "allopurinol",
        "colchicine",
        "famotidine",
        "tramadol",
        "glyburide",
        "sitagliptin",
        "alendronate",
    ] {
        assert!(
            kb.renal_rules()
                .iter()
                .any(|r| kb.matches(&r.subject, &r.except, name)),
            "no renal rule for {name}"
        );
    }
}

/// Real-world patient cases: kidney bands and doses, liver, age 64 and 65,
/// drug–condition pairs, combinations, durations and symptoms, each firing
/// at the severity the table says, or not at all (`patients.tsv`, and
/// `patients-<topic>.tsv` beside it, same shape).
#[test]
fn patient_cases_give_the_findings_the_table_says() {
    let kb = Knowledge::embedded();
    let mut tables: Vec<_> = std::fs::read_dir(root().join("tests/medreview"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("patients") && name.ends_with(".tsv")
        })
        .collect();
    tables.sort();
    assert!(!tables.is_empty(), "no patients*.tsv");
    let mut failures = Vec::new();
    let mut cases = 0;
    for (file, table) in tables.iter().map(|p| {
        (
            p.file_name().unwrap().to_string_lossy().into_owned(),
            std::fs::read_to_string(p).unwrap(),
        )
    }) {
        for (n, line) in table.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 3, "{file} line {}: {line}", n + 1);
            let body = cells[1].replace("\\n", "\n");
            let (patient, rest): (Vec<&str>, Vec<&str>) =
                body.lines().partition(|l| l.starts_with("patient."));
            let patient: Vec<&str> = patient.iter().map(|l| &l["patient.".len()..]).collect();
            let text = format!(
                "[patient]\nid = \"T\"\nname = \"T\"\nborn = {}\n{}\n\
             [review]\ndate = 2026-11-20\nreviewer = \"R\"\n\n{}\n",
                cells[0],
                patient.join("\n"),
                rest.join("\n")
            );
            let record = medreview::record::parse(Path::new("case.toml"), &text)
                .unwrap_or_else(|e| panic!("{file} line {}: {e}", n + 1));
            let found = checks::run(&Regimen::new(record, kb), kb).findings;
            cases += 1;
            for expect in cells[2].split_whitespace() {
                let (id, severity, absent) = match expect.strip_prefix('!') {
                    Some(id) => (id, None, true),
                    None => match expect.split_once('=') {
                        Some((id, s)) => (id, Some(s), false),
                        None => (expect, None, false),
                    },
                };
                let hit = found.iter().find(|f| f.id == id);
                let ok = match (hit, absent, severity) {
                    (Some(_), true, _) => false,
                    (None, true, _) => true,
                    (None, false, _) => false,
                    (Some(f), false, Some(s)) => f.severity.as_str() == s,
                    (Some(_), false, None) => true,
                };
                if !ok {
                    let got: Vec<String> = found
                        .iter()
                        .map(|f| format!("{}={}", f.id, f.severity.as_str()))
                        .collect();
                    failures.push(format!(
                        "{file} line {}: {expect}; got {}",
                        n + 1,
                        got.join(" ")
                    ));
                }
            }
        }
    }
    assert!(cases >= 40, "only {cases} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Where stopping a medicine suddenly is dangerous (benzodiazepines,
/// antidepressants, opioids, antiepileptics, beta-blockers, clonidine),
/// a pair rule's patient text never reads as "stop it": it says not to
/// stop it on your own, in English and Spanish.
#[test]
fn rules_about_medicines_dangerous_to_stop_say_not_to_stop_them_alone() {
    const DANGEROUS: [&str; 8] = [
        "benzodiazepine",
        "ssri",
        "snri",
        "tricyclic-antidepressant",
        "maoi-antidepressant",
        "opioid",
        "antiepileptic",
        "beta-blocker",
    ];
    let files: Vec<toml::Table> = medreview::knowledge::FILES
        .iter()
        .map(|(_, text)| toml::from_str(text).unwrap())
        .collect();
    let tables = |kind: &str| -> Vec<toml::Table> {
        files
            .iter()
            .flat_map(|f| {
                f.get(kind)
                    .and_then(|t| t.as_array())
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|v| v.as_table().cloned())
            .collect()
    };
    let mut dangerous: Vec<String> = vec!["clonidine".into()];
    for class in tables("class") {
        if DANGEROUS.contains(&class["id"].as_str().unwrap()) {
            for m in class["members"].as_array().unwrap() {
                dangerous.push(m.as_str().unwrap().to_owned());
            }
        }
    }
    let members = |subject: &str| -> Vec<String> {
        match subject.strip_prefix("class:") {
            Some(id) => tables("class")
                .into_iter()
                .find(|c| c["id"].as_str() == Some(id))
                .map(|c| {
                    c["members"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|m| m.as_str().unwrap().to_owned())
                        .collect()
                })
                .unwrap_or_default(),
            None => vec![subject.to_owned()],
        }
    };
    let mut silent = Vec::new();
    let mut checked = 0;
    for rule in tables("interaction") {
        let between = rule["between"].as_array().unwrap();
        let involves = between
            .iter()
            .flat_map(|s| members(s.as_str().unwrap()))
            .any(|m| dangerous.contains(&m));
        if !involves {
            continue;
        }
        checked += 1;
        let en = rule["patient"].as_str().unwrap();
        let es = rule["patient_es"].as_str().unwrap();
        if !en.contains("on your own") || !es.contains("por su cuenta") {
            silent.push(rule["id"].as_str().unwrap().to_owned());
        }
    }
    assert!(checked > 50, "only {checked} rules checked");
    assert!(
        silent.is_empty(),
        "{} rules: {}",
        silent.len(),
        silent.join(", ")
    );
}

//! Critical interactions, as a specification written from the sources:
//! `critical.tsv` holds pairs that FDA labels contraindicate or say to
//! avoid (with the severity each must reach at least and the label section
//! that states it), `quiet.tsv` pairs that must stay below a severity (the
//! labels say no change is needed, or the risk is small): the false-alarm
//! side. Both were written from the labels and the FDA table of CYP
//! substrates, inhibitors and inducers, not from this tool's output.

use medreview::checks::Severity;
use medreview::knowledge::Knowledge;

use crate::helpers::root;

/// (a, b, severity, source) of a table.
fn table(file: &str) -> Vec<(String, String, String, String)> {
    let text = std::fs::read_to_string(root().join("tests/medreview").join(file)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(
                cols.len() >= 4,
                "{file}: not A<TAB>B<TAB>SEVERITY<TAB>SOURCE: {l:?}"
            );
            (
                cols[0].to_owned(),
                cols[1].to_owned(),
                cols[2].to_owned(),
                cols[3].to_owned(),
            )
        })
        .collect()
}

/// The most severe interaction or herb-food finding naming both medicines,
/// for a patient of 66 on just these two.
fn strongest(a: &str, b: &str) -> Option<Severity> {
    crate::rules::findings_of(a, b)
        .into_iter()
        .filter(|f| f.check == "interaction" || f.check == "herb-food")
        // About the pair, not one of them alone (the vitamin K food advice
        // that comes with warfarin is not an interaction with amlodipine).
        .filter(|f| f.ingredients.iter().any(|i| i == a) && f.ingredients.iter().any(|i| i == b))
        .map(|f| f.severity)
        .max()
}

/// A table's severity word ("major"), as the knowledge base spells it, or
/// `None` for "none".
fn severity(word: &str) -> Option<Severity> {
    (word != "none").then(|| {
        serde_json::from_value(serde_json::Value::String(word.to_owned()))
            .unwrap_or_else(|e| panic!("unknown severity {word:?}: {e}"))
    })
}

/// Every name in the tables resolves: a pair the knowledge base cannot
/// read would pass the quiet table for the wrong reason.
#[test]
fn every_drug_of_the_tables_is_known() {
    let kb = Knowledge::embedded();
    let mut unknown = Vec::new();
    for file in ["critical.tsv", "quiet.tsv"] {
        for (a, b, ..) in table(file) {
            for name in [a, b] {
                if kb.ingredient(&name).is_none() {
                    unknown.push(format!("{file}: {name}"));
                }
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}

/// The critical pairs fire at their severity or above. The floor is the
/// share this version reaches; what it misses is printed, most severe
/// first, for the next rules to take up.
#[test]
fn critical_pairs_fire_at_their_severity() {
    let pairs = table("critical.tsv");
    assert!(pairs.len() >= 300, "only {} critical pairs", pairs.len());
    let mut missed = Vec::new();
    for (a, b, want, source) in &pairs {
        let want = severity(want).expect("a critical pair has a severity");
        let got = strongest(a, b);
        if got.is_none_or(|g| g < want) {
            missed.push(format!("{a} + {b}: want {want:?}, got {got:?} ({source})"));
        }
    }
    let passed = pairs.len() - missed.len();
    let share = passed as f64 / pairs.len() as f64;
    eprintln!(
        "critical pairs: {passed} of {} fire at their severity ({:.1}%)",
        pairs.len(),
        share * 100.0
    );
    for line in &missed {
        eprintln!("  missed: {line}");
    }
    assert!(
        share >= FLOOR,
        "{passed} of {} ({:.1}%) below the floor {FLOOR}; missed:\n{}",
        pairs.len(),
        share * 100.0,
        missed.join("\n")
    );
}

/// The share of `critical.tsv` this version fires at the stated severity.
const FLOOR: f64 = 1.0;

/// The quiet pairs stay at or below their severity: no false alarm.
#[test]
fn quiet_pairs_stay_below_their_severity() {
    let pairs = table("quiet.tsv");
    assert!(pairs.len() >= 50, "only {} quiet pairs", pairs.len());
    let mut loud = Vec::new();
    for (a, b, most, source) in &pairs {
        let most = severity(most);
        let got = strongest(a, b);
        let too_loud = match (got, most) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(g), Some(m)) => g > m,
        };
        if too_loud {
            loud.push(format!(
                "{a} + {b}: at most {most:?}, got {got:?} ({source})"
            ));
        }
    }
    assert!(
        loud.is_empty(),
        "{} false alarms:\n{}",
        loud.len(),
        loud.join("\n")
    );
}

//! Loading records: every field, and every kind of error with its place.

use std::path::Path;

use medreview::record::{
    self, Audience, DecisionAction, DoseTime, Food, Language, MedicineStatus, MedicineType,
    ReviewKind, Sex,
};

use crate::helpers::{invalid_records, root, sample_records};

const EVERY_FIELD: &str = r#"
[patient]
id = "MRN-1"
name = "Zoë Ämmälä"
born = 1944-11-21
sex = "female"
weight_kg = 61.5
height_cm = 160
language = "es"
large_print = true
address = ["1 Road", "Town"]
caregiver = "Ann"
representative = "Ben"

[review]
date = 2026-11-20
kind = "transition"
reviewer = "Pat Doe, PharmD"
organization = "Org"
program = "Plan"
phone = "555-0100"
hours = "9-5"
tty = "711"
fax = "555-0103"
sources = ["interview"]
follow_up = "call"
questions = ["q1", "q2"]

[health]
conditions = ["CKD stage 3"]
symptoms = ["dizzy"]
alcohol_drinks_per_week = 3
smoker = false
pregnant = false

[labs]
egfr = { value = 28, date = 2026-10-02 }
crcl = 30
scr = 1.8
potassium = 5.1
sodium = 139
inr = 2.4
alt = 20
ast = 22
a1c = 7.1
heart_rate = 64
systolic_bp = 128

[routine]
wake = "06:30"
breakfast = "07:00"
lunch = "12:30"
dinner = "18:30"
bed = "21:45"

[[allergies]]
substance = "sulfa"
reaction = "rash"
kind = "intolerance"

[[prescribers]]
id = "chen"
name = "Dr. Lin Chen"
specialty = "Cardiology"
phone = "555-0101"
fax = "555-0102"
organization = "Heart Clinic"
address = ["2 Road"]

[[medications]]
name = "Eliquis 2.5mg"
strength = "2.5 mg"
form = "tablet"
sig = "1 tab po bid"
dose = "1 tablet"
times = ["morning", "20:00"]
every_hours = 12
as_needed = false
max_per_day = "2 tablets"
food = "with food"
indication = "atrial fibrillation"
prescriber = "chen"
type = "prescription"
started = 2025-01-02
last_fill = 2026-11-01
days_supply = 30
taking = "misses some evening doses"
status = "active"
notes = "blister pack"

[[medications]]
name = "warfarin 5 mg"
status = "stopped"
stopped = 2025-01-01
stop_reason = "switched"
prescriber = "Dr. Free Text"
type = "otc"

[transition]
from = "Mercy Hospital"
to = "home"
admitted = 2026-11-01
discharged = 2026-11-05
[[transition.before]]
name = "warfarin 5 mg"
[[transition.hospital]]
name = "heparin"
[[transition.discharge]]
name = "Eliquis 2.5mg"
change_reason = "easier monitoring"

[[decisions]]
finding = "adherence/apixaban"
action = "dismiss"
reason = "discussed"

[[actions]]
talked_about = "Blood thinner"
to_do = "Ask about dose"
for = "chen"
"#;

#[test]
fn every_field_of_the_record_format_loads() {
    let r = record::parse(Path::new("every.toml"), EVERY_FIELD).unwrap_or_else(|e| panic!("{e}"));
    let p = &r.patient;
    assert_eq!(
        (p.id.as_str(), p.name.as_str(), p.born.to_string().as_str()),
        ("MRN-1", "Zoë Ämmälä", "1944-11-21")
    );
    assert_eq!(
        (p.sex, p.weight_kg, p.height_cm, p.language, p.large_print),
        (
            Some(Sex::Female),
            Some(61.5),
            Some(160.0),
            Language::Es,
            true
        )
    );
    assert_eq!(p.address, ["1 Road", "Town"]);
    assert_eq!(
        (p.caregiver.as_deref(), p.representative.as_deref()),
        (Some("Ann"), Some("Ben"))
    );
    assert_eq!(r.age(), 81); // the 82nd birthday is the day after the review

    let v = &r.review;
    assert_eq!(
        (v.kind, v.reviewer.as_str()),
        (ReviewKind::Transition, "Pat Doe, PharmD")
    );
    assert_eq!(
        (v.organization.as_deref(), v.program.as_deref()),
        (Some("Org"), Some("Plan"))
    );
    assert_eq!(
        (v.phone.as_deref(), v.hours.as_deref(), v.tty.as_deref()),
        (Some("555-0100"), Some("9-5"), Some("711"))
    );
    assert_eq!(
        (v.sources.len(), v.follow_up.as_deref(), v.questions.len()),
        (1, Some("call"), 2)
    );

    assert_eq!(r.health.conditions, ["CKD stage 3"]);
    assert_eq!(r.health.symptoms, ["dizzy"]);
    assert_eq!(
        (
            r.health.alcohol_drinks_per_week,
            r.health.smoker,
            r.health.pregnant
        ),
        (Some(3), Some(false), Some(false))
    );

    let egfr = r.labs.egfr.expect("egfr");
    assert_eq!(
        (egfr.value, egfr.date.map(|d| d.to_string())),
        (28.0, Some("2026-10-02".into()))
    );
    let l = &r.labs;
    let plain: Vec<f64> = [
        l.crcl,
        l.scr,
        l.potassium,
        l.sodium,
        l.inr,
        l.alt,
        l.ast,
        l.a1c,
        l.heart_rate,
        l.systolic_bp,
    ]
    .iter()
    .map(|x| x.expect("lab present").value)
    .collect();
    assert_eq!(
        plain,
        [30.0, 1.8, 5.1, 139.0, 2.4, 20.0, 22.0, 7.1, 64.0, 128.0]
    );

    assert_eq!(r.routine.wake.to_string(), "06:30");
    assert_eq!(r.routine.bed.to_string(), "21:45");
    assert_eq!(r.allergies[0].kind, record::AllergyKind::Intolerance);
    assert_eq!(r.prescribers[0].address, ["2 Road"]);
    assert_eq!(r.prescribers[0].fax.as_deref(), Some("555-0102"));

    let m = &r.medications[0];
    assert_eq!(
        m.times,
        [
            DoseTime::Morning,
            DoseTime::At(record::ClockTime::new(20, 0))
        ]
    );
    assert_eq!(
        (m.every_hours, m.as_needed, m.food),
        (Some(12), false, Some(Food::WithFood))
    );
    assert_eq!(
        (m.kind, m.days_supply, m.status),
        (MedicineType::Prescription, Some(30), MedicineStatus::Active)
    );
    assert_eq!(m.taking.as_deref(), Some("misses some evening doses"));
    assert_eq!(
        m.last_fill.map(|d| d.to_string()).as_deref(),
        Some("2026-11-01")
    );
    assert_eq!(
        (m.name.as_str(), m.strength.as_deref(), m.form.as_deref()),
        ("Eliquis 2.5mg", Some("2.5 mg"), Some("tablet"))
    );
    assert_eq!(
        (m.sig.as_deref(), m.dose.as_deref()),
        (Some("1 tab po bid"), Some("1 tablet"))
    );
    assert_eq!(m.max_per_day.as_deref(), Some("2 tablets"));
    assert_eq!(
        (
            m.indication.as_deref(),
            m.prescriber.as_deref(),
            m.notes.as_deref()
        ),
        (
            Some("atrial fibrillation"),
            Some("chen"),
            Some("blister pack")
        )
    );
    assert_eq!(
        m.started.map(|d| d.to_string()).as_deref(),
        Some("2025-01-02")
    );
    assert_eq!(r.review.fax.as_deref(), Some("555-0103"));
    let stopped = &r.medications[1];
    assert_eq!(
        stopped.stopped.map(|d| d.to_string()).as_deref(),
        Some("2025-01-01")
    );
    assert_eq!(stopped.prescriber.as_deref(), Some("Dr. Free Text"));
    assert_eq!(stopped.kind, MedicineType::Otc);
    assert_eq!(
        (stopped.status, stopped.stop_reason.as_deref()),
        (MedicineStatus::Stopped, Some("switched"))
    );

    let t = r.transition.as_ref().expect("transition");
    assert_eq!(
        (t.before.len(), t.hospital.len(), t.discharge.len()),
        (1, 1, 1)
    );
    assert_eq!(
        t.discharge[0].change_reason.as_deref(),
        Some("easier monitoring")
    );
    assert_eq!(r.decisions[0].action, DecisionAction::Dismiss);
    assert_eq!(
        (t.from.as_deref(), t.to.as_deref()),
        (Some("Mercy Hospital"), Some("home"))
    );
    assert_eq!(
        (
            t.admitted.map(|d| d.to_string()),
            t.discharged.map(|d| d.to_string())
        ),
        (Some("2026-11-01".into()), Some("2026-11-05".into()))
    );
    assert_eq!(r.decisions[0].finding, "adherence/apixaban");
    assert_eq!(r.decisions[0].reason.as_deref(), Some("discussed"));
    assert_eq!(
        (
            r.actions[0].talked_about.as_deref(),
            r.actions[0].to_do.as_deref()
        ),
        (Some("Blood thinner"), Some("Ask about dose"))
    );
    assert_eq!(r.actions[0].audience, Audience::Prescriber("chen".into()));
}

#[test]
fn routine_defaults_apply_when_absent() {
    let r = record::parse(
        Path::new("a.toml"),
        "[patient]\nid = \"1\"\nname = \"A\"\nborn = 1950-01-01\n[review]\ndate = 2026-01-01\nreviewer = \"R\"\n",
    )
    .unwrap();
    let times: Vec<String> = [
        r.routine.wake,
        r.routine.breakfast,
        r.routine.lunch,
        r.routine.dinner,
        r.routine.bed,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(times, ["07:00", "08:00", "12:00", "18:00", "22:00"]);
}

#[test]
fn every_sample_record_loads() {
    for file in sample_records() {
        if let Err(e) = record::load(&file) {
            panic!("{e}");
        }
    }
}

/// Each broken sample gives one error with file, line, column and the quoted
/// line; the messages are pinned as snapshots and reviewed like code.
#[test]
fn every_kind_of_record_error_is_reported_with_its_place() {
    let invalid = invalid_records();
    assert!(invalid.len() >= 10);
    for file in invalid {
        let error = record::load(&file).expect_err("a broken record must not load");
        let relative = file.strip_prefix(root()).expect("inside the repository");
        assert_eq!(Path::new(&error.file), file.as_path());
        // Pin the message with a path that does not depend on the checkout.
        let shown = error
            .to_string()
            .replace(&file.display().to_string(), &relative.display().to_string());
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, shown);
    }
}

/// Every key of `record-format.md`, as `table.key` (arrays of tables
/// collapsed): the sample data together must use each one.
const RECORD_FORMAT_KEYS: &str = "
patient.id patient.name patient.born patient.sex patient.weight_kg patient.height_cm
patient.language patient.large_print patient.address patient.caregiver patient.representative
review.date review.kind review.reviewer review.organization review.program review.phone
review.hours review.tty review.fax review.sources review.follow_up review.questions
health.conditions health.symptoms health.alcohol_drinks_per_week health.smoker health.pregnant
labs.egfr labs.crcl labs.scr labs.potassium labs.sodium labs.inr labs.alt labs.ast labs.a1c
labs.heart_rate labs.systolic_bp
routine.wake routine.breakfast routine.lunch routine.dinner routine.bed
allergies.substance allergies.reaction allergies.kind
prescribers.id prescribers.name prescribers.specialty prescribers.phone prescribers.fax
prescribers.organization prescribers.address
medications.name medications.strength medications.form medications.sig medications.dose
medications.times medications.every_hours medications.as_needed medications.max_per_day
medications.food medications.indication medications.prescriber medications.type
medications.started medications.last_fill medications.days_supply medications.taking
medications.status medications.stopped medications.stop_reason medications.notes
transition.from transition.to transition.admitted transition.discharged transition.before
transition.hospital transition.discharge transition.discharge.change_reason
decisions.finding decisions.action decisions.reason
actions.talked_about actions.to_do actions.for
";

fn key_paths(prefix: &str, value: &toml::Value, out: &mut std::collections::BTreeSet<String>) {
    match value {
        toml::Value::Table(table) => {
            for (key, v) in table {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                key_paths(&path, v, out);
            }
        }
        toml::Value::Array(items) => {
            for item in items.iter().filter(|i| i.is_table()) {
                key_paths(prefix, item, out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_sample_data_uses_every_field_of_the_record_format() {
    let mut used = std::collections::BTreeSet::new();
    let mut values = std::collections::BTreeSet::new();
    for file in sample_records() {
        let text = std::fs::read_to_string(&file).unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap();
        key_paths("", &value, &mut used);
        for key in ["type", "food", "kind", "status"] {
            for m in value
                .get("medications")
                .and_then(|m| m.as_array())
                .into_iter()
                .flatten()
            {
                if let Some(v) = m.get(key).and_then(|v| v.as_str()) {
                    values.insert(format!("{key}={v}"));
                }
            }
        }
        // Both forms of a lab value.
        if let Some(labs) = value.get("labs").and_then(|l| l.as_table()) {
            for v in labs.values() {
                values.insert(if v.is_table() {
                    "lab=dated".into()
                } else {
                    "lab=plain".into()
                });
            }
        }
    }
    let missing: Vec<&str> = RECORD_FORMAT_KEYS
        .split_whitespace()
        .filter(|k| !used.contains(*k))
        .collect();
    assert!(missing.is_empty(), "no sample uses: {missing:?}");
    for v in [
        "type=prescription",
        "type=otc",
        "type=supplement",
        "type=herbal",
        "food=with food",
        "food=empty stomach",
        "food=any",
        "status=stopped",
        "lab=dated",
        "lab=plain",
    ] {
        assert!(values.contains(v), "no sample uses {v}");
    }
}

//! Synthetic review records for the benchmark and for trying medreview on a
//! realistic batch: deterministic for a seed, and varied the way a clinic
//! program is. Nothing here describes a real person.
//!
//! Each record has 1 to 25 medicines drawn from the knowledge base's
//! products (prescription, over the counter, supplements and herbs, with
//! directions written the way labels write them); most patients are older
//! adults, a third of those with reduced kidney function (eGFR and
//! creatinine); one in eight is reviewed after a hospital stay (with a
//! discharge list that differs from home); one in ten asks for large print,
//! one in ten has a long name; some have allergies, symptoms, conditions and
//! an alcohol history, and some of the medicines are not in the knowledge
//! base (a misspelt name), as in real exports.

use crate::knowledge::{Knowledge, ProductType};

/// A small, fast, deterministic generator (SplitMix64).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `p` percent.
    pub(crate) fn chance(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "Mary", "James", "Rosa", "Wei", "Fatima", "Olga", "John", "Aisha", "Carlos", "Linh", "Grace",
    "Samuel", "Ana", "Yusuf", "Helen", "Ravi", "Irene", "Tomasz", "Nkechi", "Hiroshi",
];
const LAST: &[&str] = &[
    "Smith",
    "Garcia",
    "Nguyen",
    "Kowalski",
    "Okafor",
    "Haddad",
    "Ivanova",
    "Chen",
    "Brown",
    "Patel",
    "Papadopoulou",
    "Johnson",
    "Rossi",
    "Kim",
    "Mensah",
    "Silva",
    "Müller",
    "Dubois",
];
const CONDITIONS: &[&str] = &[
    "hypertension",
    "type 2 diabetes",
    "heart failure",
    "atrial fibrillation",
    "CKD stage 3",
    "history of falls",
    "osteoarthritis",
    "COPD",
    "dementia",
    "depression",
    "insomnia",
    "GERD",
    "hypothyroidism",
    "BPH",
    "osteoporosis",
];
const SYMPTOMS: &[&str] = &[
    "dizzy when standing",
    "constipation",
    "tired all the time",
    "dry cough",
    "ankle swelling",
    "upset stomach",
    "trouble sleeping",
];
const ALLERGIES: &[(&str, &str)] = &[
    ("penicillin", "hives"),
    ("sulfa", "rash"),
    ("codeine", "nausea"),
    ("aspirin", "stomach bleeding"),
    ("latex", "itching"),
];
const SIGS: &[&str] = &[
    "1 tab po qd",
    "1 tab po bid",
    "1 tab po qam",
    "1 tab po qhs",
    "1 cap po qd",
    "1 cap po bid",
    "1 tab po tid with meals",
    "2 tabs po qd with food",
    "1 tab po qd on an empty stomach",
    "1/2 tab po qd",
    "take one tablet by mouth twice daily",
    "1 tablet every morning",
];
const PRN: &[&str] = &[
    "1 tab po q6h prn pain",
    "2 tabs po q4-6h prn pain or fever",
    "1 tab po qhs prn sleep",
    "2 caplets po q8h prn pain",
];
const OWN: &[&str] = &[
    "1 tablet daily",
    "1 capsule daily",
    "2 capsules daily with food",
];

/// `count` records, as file names and TOML texts, for `seed`. The same
/// seed and knowledge base give the same records.
pub fn records(kb: &Knowledge, seed: u64, count: usize) -> Vec<(String, String)> {
    let mut rng = Rng(seed);
    let prescription: Vec<&str> = names(kb, ProductType::Prescription);
    let otc: Vec<&str> = names(kb, ProductType::Otc);
    let other: Vec<&str> = kb
        .products()
        .iter()
        .filter(|p| matches!(p.kind, ProductType::Supplement | ProductType::Herbal))
        .map(|p| p.name.as_str())
        .collect();
    (0..count)
        .map(|i| {
            let text = record(&mut rng, i, &prescription, &otc, &other);
            (format!("patient-{i:06}.toml"), text)
        })
        .collect()
}

fn names(kb: &Knowledge, kind: ProductType) -> Vec<&str> {
    kb.products()
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| p.name.as_str())
        .collect()
}

/// A TOML string literal.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn record(rng: &mut Rng, i: usize, rx: &[&str], otc: &[&str], other: &[&str]) -> String {
    let older = rng.chance(70);
    let age = if older {
        65 + rng.below(30)
    } else {
        20 + rng.below(45)
    };
    let year = 2026 - age as i32;
    let mut name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
    if rng.chance(10) {
        name = format!(
            "{} {}-{} {}",
            rng.pick(FIRST),
            rng.pick(FIRST),
            rng.pick(LAST),
            "Vanderberg-Oyelaran-Papadimitriou"
        );
    }
    let sex = if rng.chance(55) { "female" } else { "male" };
    let mut t = String::new();
    t += &format!(
        "[patient]\nid = \"SYN-{i:06}\"\nname = {}\nborn = {year}-{:02}-{:02}\nsex = \"{sex}\"\nweight_kg = {}\n",
        quote(&name),
        1 + rng.below(12),
        1 + rng.below(28),
        50 + rng.below(60)
    );
    if rng.chance(10) {
        t += "large_print = true\n";
    }
    t += &format!(
        "address = [{}, \"{} Main Street\", \"Springfield, OR 97000\"]\n\n",
        quote(&name),
        1 + rng.below(999)
    );
    let transition = rng.chance(12);
    let day = 1 + rng.below(28);
    t += &format!(
        "[review]\ndate = 2026-10-{day:02}\nkind = \"{}\"\nreviewer = \"Synthetic Reviewer, PharmD\"\n\
         organization = \"Synthetic Program Pharmacy\"\nprogram = \"Synthetic MTM Program\"\n\
         phone = \"(555) 555-0100\"\nfax = \"(555) 555-0101\"\n\n",
        if transition { "transition" } else { "cmr" }
    );
    let mut conditions: Vec<&str> = Vec::new();
    for _ in 0..rng.below(if older { 5 } else { 2 }) {
        let c = *rng.pick(CONDITIONS);
        if !conditions.contains(&c) {
            conditions.push(c);
        }
    }
    let kidneys = older && rng.chance(33);
    t += "[health]\n";
    t += &format!(
        "conditions = [{}]\n",
        conditions
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if rng.chance(30) {
        let symptom = SYMPTOMS[rng.below(SYMPTOMS.len())];
        t += &format!("symptoms = [{}]\n", quote(symptom));
    }
    if rng.chance(50) {
        t += &format!("alcohol_drinks_per_week = {}\n", rng.below(20));
    }
    t += "\n[labs]\n";
    if kidneys {
        t += &format!(
            "egfr = {{ value = {}, date = 2026-09-15 }}\nscr = {:.1}\n",
            12 + rng.below(48),
            1.3 + rng.below(20) as f64 / 10.0
        );
    } else if rng.chance(60) {
        t += &format!("egfr = {}\n", 60 + rng.below(40));
    }
    if rng.chance(20) {
        t += &format!("potassium = {:.1}\n", 3.4 + rng.below(22) as f64 / 10.0);
    }
    t += "\n";
    if rng.chance(30) {
        let (substance, reaction) = rng.pick(ALLERGIES);
        t += &format!("[[allergies]]\nsubstance = \"{substance}\"\nreaction = \"{reaction}\"\n\n");
    }
    let prescribers = 1 + rng.below(4);
    for p in 0..prescribers {
        t += &format!(
            "[[prescribers]]\nid = \"p{p}\"\nname = \"Dr. {} {}\"\nfax = \"(555) 555-02{p:02}\"\n\n",
            rng.pick(FIRST),
            rng.pick(LAST)
        );
    }
    let count = 1 + rng.below(if older { 25 } else { 10 });
    let mut chosen: Vec<String> = Vec::new();
    let mut home = String::new();
    for m in 0..count {
        let roll = rng.below(100);
        let (name, kind, sig) = if roll < 70 {
            ((*rng.pick(rx)).to_owned(), "prescription", *rng.pick(SIGS))
        } else if roll < 85 {
            ((*rng.pick(otc)).to_owned(), "otc", *rng.pick(PRN))
        } else if roll < 97 && !other.is_empty() {
            ((*rng.pick(other)).to_owned(), "supplement", *rng.pick(OWN))
        } else {
            // An export with a misspelt or unknown name.
            (
                format!("Zorvatrex {}", 1 + rng.below(50)),
                "prescription",
                *rng.pick(SIGS),
            )
        };
        if chosen.contains(&name) {
            continue;
        }
        chosen.push(name.clone());
        home += &format!(
            "[[medications]]\nname = {}\nsig = \"{sig}\"\ntype = \"{kind}\"\n",
            quote(&name)
        );
        if kind == "prescription" {
            home += &format!("prescriber = \"p{}\"\n", rng.below(prescribers));
            home += &format!(
                "started = {}-{:02}-01\n",
                2015 + rng.below(11),
                1 + rng.below(12)
            );
        }
        if m % 7 == 3 && rng.chance(30) {
            home += "taking = \"skips the evening dose\"\n";
        }
        home += "\n";
    }
    t += &home;
    if transition {
        t += "[transition]\nfrom = \"General Hospital\"\nto = \"home\"\nadmitted = 2026-09-20\ndischarged = 2026-09-25\n\n";
        for (k, name) in chosen.iter().enumerate() {
            // The discharge list drops one medicine and starts one.
            if k == 0 {
                continue;
            }
            t += &format!(
                "[[transition.discharge]]\nname = {}\nsig = \"1 tab po qd\"\n\n",
                quote(name)
            );
        }
        t += &format!(
            "[[transition.discharge]]\nname = {}\nsig = \"1 tab po bid\"\nchange_reason = \"started in hospital\"\n\n",
            quote(rx[rng.below(rx.len())])
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_records_and_every_record_loads() {
        let kb = Knowledge::embedded();
        let a = records(kb, 7, 150);
        assert_eq!(a, records(kb, 7, 150));
        assert_ne!(a, records(kb, 8, 150));
        let mut meds = Vec::new();
        let (mut large, mut transitions, mut kidneys) = (0, 0, 0);
        for (name, text) in &a {
            let record = crate::record::parse(std::path::Path::new(name), text)
                .unwrap_or_else(|e| panic!("{name} does not load:\n{e}\n{text}"));
            meds.push(record.medications.len());
            large += usize::from(record.patient.large_print);
            transitions += usize::from(record.review.kind.as_str() == "transition");
            kidneys += usize::from(text.contains("scr = "));
        }
        assert_eq!(meds.iter().min(), Some(&1));
        assert!(meds.iter().max().is_some_and(|m| *m >= 20), "{meds:?}");
        assert!(
            large > 5 && transitions > 5 && kidneys > 10,
            "{large} {transitions} {kidneys}"
        );
    }
}

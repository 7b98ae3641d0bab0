//! Medical words a patient may not know, with the plain words for them.
//!
//! documents.md asks for "no unexplained medical terms ('blood thinner', not
//! 'anticoagulant')". What medreview writes for a patient never uses these
//! words (a test reads every sentence of the sample packets). The words of
//! the record (why a medicine is used, notes, allergy reactions, reasons for
//! a change after a hospital stay, the reviewer's own to-do items, the
//! follow-up plan and questions) are printed as typed, but a word of this
//! list in them gets its plain meaning added once in brackets:
//! "hypertension (high blood pressure)". Directions that could not be read
//! are quoted exactly as the label has them.
//!
//! The plain words are our own, chosen after the CDC's *Everyday Words for
//! Public Health Communication* (2016) and the US National Library of
//! Medicine's MedlinePlus consumer health pages; latin abbreviations and
//! "twice daily" follow USP General Chapter <17> (explicit directions).

/// A medical word (lowercase, as a whole word or phrase) and its plain
/// meaning. Longer phrases come before the words inside them.
pub const GLOSSARY: &[(&str, &str)] = &[
    (
        "orthostatic hypotension",
        "a drop in blood pressure when you stand up",
    ),
    ("atrial fibrillation", "an uneven heartbeat"),
    ("myocardial infarction", "heart attack"),
    ("cerebrovascular accident", "stroke"),
    ("benign prostatic hyperplasia", "a large prostate"),
    ("qt prolongation", "a change in the heart rhythm"),
    (
        "serotonin syndrome",
        "a serious reaction to too much of some mood medicines",
    ),
    ("twice daily", "2 times a day"),
    ("three times daily", "3 times a day"),
    ("once daily", "1 time a day"),
    ("after meals", "with a meal"),
    ("anticoagulant", "blood thinner"),
    ("anticoagulation", "blood thinner care"),
    ("antiplatelet", "medicine that keeps blood from clotting"),
    ("hypertension", "high blood pressure"),
    ("hypotension", "low blood pressure"),
    ("hyperlipidemia", "high cholesterol"),
    ("hypercholesterolemia", "high cholesterol"),
    ("dyslipidemia", "high cholesterol"),
    ("hyperkalemia", "too much potassium in the blood"),
    ("hypokalemia", "too little potassium in the blood"),
    ("hyponatremia", "too little salt in the blood"),
    ("hypoglycemia", "low blood sugar"),
    ("hyperglycemia", "high blood sugar"),
    ("arrhythmia", "an uneven heartbeat"),
    ("tachycardia", "a fast heartbeat"),
    ("bradycardia", "a slow heartbeat"),
    ("edema", "swelling"),
    ("renal", "kidney"),
    ("hepatic", "liver"),
    ("nephrotoxic", "harmful to the kidneys"),
    ("hepatotoxic", "harmful to the liver"),
    ("gastrointestinal", "stomach and gut"),
    ("gerd", "heartburn"),
    ("dyspepsia", "upset stomach"),
    ("nsaid", "pain pill like ibuprofen or naproxen"),
    ("nsaids", "pain pills like ibuprofen or naproxen"),
    ("analgesic", "pain reliever"),
    ("antipyretic", "fever reducer"),
    ("diuretic", "water pill"),
    (
        "anticholinergic",
        "can cause dry mouth, constipation and confusion",
    ),
    ("sedative", "makes you sleepy"),
    ("hypnotic", "sleep medicine"),
    ("contraindicated", "must not be used"),
    ("contraindication", "reason not to use it"),
    ("prophylaxis", "to prevent it"),
    ("neuropathy", "nerve pain or numbness"),
    ("insomnia", "trouble sleeping"),
    ("pruritus", "itching"),
    ("urticaria", "hives"),
    ("anaphylaxis", "a severe allergic reaction"),
    ("dyspnea", "shortness of breath"),
    ("syncope", "fainting"),
    ("vertigo", "a spinning feeling"),
    ("nocturia", "getting up at night to pass urine"),
    ("bph", "a large prostate"),
    ("osteoporosis", "weak bones"),
    ("osteoarthritis", "wear-and-tear joint pain"),
    ("copd", "a lung disease that makes it hard to breathe"),
    ("ckd", "kidney disease"),
    ("egfr", "a test of how well the kidneys work"),
    ("creatinine", "a blood test for the kidneys"),
    ("hypothyroidism", "an underactive thyroid"),
    ("hfref", "a weak heart pump"),
    ("a1c", "a blood test of your average sugar"),
    ("inr", "a blood test of how fast your blood clots"),
    ("hyperthyroidism", "an overactive thyroid"),
    ("bid", "2 times a day"),
    ("tid", "3 times a day"),
    ("qid", "4 times a day"),
    ("qhs", "at bedtime"),
    ("prn", "only when needed"),
];

/// The glossary words in `text` that it does not explain. A word is
/// explained when its plain meaning is in the same text, or when it stands
/// in brackets after plain words ("burning feet (neuropathy)"). A word inside
/// a longer glossary phrase counts only as that phrase.
pub fn jargon_in(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let mut masked = lower.clone();
    let mut found: Vec<&'static str> = Vec::new();
    for (word, plain) in GLOSSARY {
        let mut bracketed_only = true;
        let mut any = false;
        while let Some(at) = find_word(&masked, word) {
            any = true;
            if !masked[..at].trim_end().ends_with('(') {
                bracketed_only = false;
            }
            masked.replace_range(at..at + word.len(), &" ".repeat(word.len()));
        }
        if any && !bracketed_only && !lower.contains(plain) {
            found.push(word);
        }
    }
    found
}

/// The reviewer's own text with each unexplained glossary word followed by
/// its plain meaning in brackets, the first time it occurs.
pub fn explain(text: &str) -> String {
    let mut out = text.to_owned();
    for word in jargon_in(text) {
        let plain = GLOSSARY
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, p)| *p)
            .expect("from the glossary");
        if let Some(end) = find_word(&out.to_lowercase(), word).map(|at| at + word.len()) {
            out.insert_str(end, &format!(" ({plain})"));
        }
    }
    out
}

/// Where `word` (lowercase) occurs in `lower` as a whole word.
fn find_word(lower: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = lower[from..].find(word).map(|i| i + from) {
        let before = lower[..at].chars().next_back();
        let after = lower[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_whole_words_only_and_accepts_an_explanation() {
        assert_eq!(jargon_in("For hypertension."), vec!["hypertension"]);
        assert!(jargon_in("For hypertension (high blood pressure).").is_empty());
        assert!(jargon_in("Take it with a bidet").is_empty());
        assert_eq!(
            jargon_in("Atrial fibrillation"),
            vec!["atrial fibrillation"]
        );
        assert!(jargon_in("No medical words here.").is_empty());
    }

    #[test]
    fn explains_the_first_occurrence_once() {
        assert_eq!(
            explain("Hypertension; hypertension"),
            "Hypertension (high blood pressure); hypertension"
        );
        assert_eq!(
            explain("burning feet (neuropathy)"),
            "burning feet (neuropathy)"
        );
        assert_eq!(
            explain("orthostatic hypotension"),
            "orthostatic hypotension (a drop in blood pressure when you stand up)"
        );
        assert_eq!(explain("for sleep"), "for sleep");
    }
}

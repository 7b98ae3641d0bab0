//! `adherence`: the patient uses a medicine differently from its directions,
//! as recorded in the medication's `taking` field.
//!
//! The difference is named when it can be told: `taking` read as
//! directions ("2 tabs bid") is compared with the directions' daily amount
//! (more or less than directed, an as-needed medicine taken on a schedule);
//! otherwise common words say it ("skips", "forgets", "stopped", "double",
//! "extra", "every day"). What cannot be told is reported as a difference
//! without a kind, quoting the patient's words.

use super::{Check, CheckContext, CheckDoc, Finding, Severity, finding_id, prescribers_of};

pub struct Adherence;

static DOC: CheckDoc = CheckDoc {
    name: "adherence",
    summary: "A medicine the patient uses differently from the directions, as the reviewer \
              recorded it in `taking` (\"skips evening dose\", \"takes 2 instead of 1\").",
    why: "A prescriber who does not know how a medicine is really taken may raise a dose \
          that is not working because it is not taken, or miss a side effect that made the \
          patient stop. Cost, side effects and confusing directions are common reasons.",
    example: "[[medications]]\nname = \"metformin 500 mg\"\nsig = \"1 tab po bid\"\n\
              taking = \"skips the evening dose\"",
    references: &[
        "CMS Medicare Part D Medication Therapy Management: the comprehensive medication \
         review assesses how the beneficiary takes each medication (42 CFR 423.153(d))",
    ],
};

impl Check for Adherence {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        cx.regimen
            .active()
            .filter_map(|m| {
                let taking = m.medication.taking.as_deref()?.trim();
                if taking.is_empty() {
                    return None;
                }
                let name = &m.medication.name;
                let written = m
                    .medication
                    .sig
                    .clone()
                    .or_else(|| m.medication.dose.clone())
                    .unwrap_or_else(|| "no directions recorded".into());
                let usage = usage(m, taking);
                let mut subjects: Vec<String> = m.ingredient_names().map(str::to_owned).collect();
                if subjects.is_empty() {
                    subjects.push(crate::knowledge::resolve::name_key(name));
                }
                Some(Finding {
                    id: finding_id(DOC.name, subjects),
                    check: DOC.name,
                    severity: Severity::Moderate,
                    medicines: vec![name.clone()],
                    ingredients: m.ingredient_names().map(str::to_owned).collect(),
                    prescribers: prescribers_of([m]),
                    title: format!("{name}: {}", usage.title()),
                    patient_text: cx.say(
                        format!(
                            "You told us how you use {name}: \"{taking}\". That is not what the label \
                             says. Please talk with us or your doctor before you change how you use it."
                        ),
                        format!(
                            "Usted nos dijo cómo usa {name}: \"{taking}\". Eso no es lo que dice la \
                             etiqueta. Hable con nosotros o con su médico antes de cambiar cómo lo usa."
                        ),
                    ),
                    prescriber_text: format!(
                        "Directions \"{written}\"; patient reports: \"{taking}\". Effect and side \
                         effects may differ from what the prescribed regimen implies. Recommended: \
                         explore the reason (cost, side effects, understanding) and adjust the \
                         regimen or the directions."
                    ),
                    patient_action: true,
                    reviewer_follows_up: false,
                    evidence: vec![DOC.references[0].to_owned()],
                    context: vec![
                        format!("directions: {written}"),
                        format!("patient reports: {taking}"),
                        format!("read as: {}", usage.title()),
                    ],
                    decision: None,
                    concern: String::new(),
                    why: String::new(),
                    recommendation: String::new(),
                })
            })
            .collect()
    }
}

/// How the use differs from the directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// More per day than directed.
    More,
    /// Less per day than directed, or doses skipped.
    Less,
    /// Not taken at all.
    NotTaking,
    /// Directed as needed, taken every day.
    AsNeededDaily,
    /// Different in a way the words do not say.
    Different,
}

impl Usage {
    pub fn title(self) -> &'static str {
        match self {
            Usage::More => "taken more than directed",
            Usage::Less => "taken less than directed",
            Usage::NotTaking => "not taken",
            Usage::AsNeededDaily => "an as-needed medicine taken every day",
            Usage::Different => "used differently from the directions",
        }
    }
}

/// Tells how `taking` differs from the medicine's directions.
pub fn usage(med: &crate::regimen::MedicineUse, taking: &str) -> Usage {
    let directed = &med.schedule;
    let taken = crate::regimen::sig::read_sig(taking);
    if taken.understood() {
        if directed.as_needed && !taken.as_needed && taken.doses_per_day().is_some() {
            return Usage::AsNeededDaily;
        }
        if let (Some(a), Some(b)) = (directed.most_per_day(), taken.most_per_day())
            && a.unit == b.unit
        {
            if b.amount > a.amount + 1e-9 {
                return Usage::More;
            }
            if b.amount + 1e-9 < a.amount {
                return Usage::Less;
            }
        }
    }
    let text = format!(" {} ", crate::knowledge::resolve::normalise(taking));
    let has = |words: &[&str]| words.iter().any(|w| text.contains(&format!(" {w} ")));
    if has(&[
        "not taking",
        "doesnt take",
        "does not take",
        "stopped",
        "stopped taking",
        "never takes",
        "quit",
        "no longer takes",
        "ran out",
    ]) {
        Usage::NotTaking
    } else if has(&[
        "skips",
        "skip",
        "skipping",
        "misses",
        "missed",
        "forgets",
        "forgot",
        "half",
        "sometimes",
        "only when",
        "less",
    ]) {
        Usage::Less
    } else if has(&[
        "double",
        "doubles",
        "extra",
        "more",
        "twice the",
        "instead of 1",
        "instead of one",
    ]) {
        Usage::More
    } else if directed.as_needed && has(&["every day", "daily", "every night", "each day"]) {
        Usage::AsNeededDaily
    } else {
        Usage::Different
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings, regimen};

    #[test]
    fn fires_when_taking_differs() {
        let r = regimen(
            "[[medications]]\nname = \"metformin 500 mg\"\nsig = \"1 tab po bid\"\ntaking = \"skips evening dose\"\n",
        );
        let found = findings(&Adherence, &r);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "adherence/metformin");
        assert!(found[0].prescriber_text.contains("skips evening dose"));
    }

    #[test]
    fn stays_quiet_without_taking_or_when_stopped() {
        let r = regimen(
            "[[medications]]\nname = \"metformin 500 mg\"\nsig = \"1 tab po bid\"\n\
             [[medications]]\nname = \"Advil\"\ntaking = \"  \"\n\
             [[medications]]\nname = \"Aleve\"\nstatus = \"stopped\"\ntaking = \"took more\"\n",
        );
        assert!(findings(&Adherence, &r).is_empty());
    }

    #[test]
    fn names_the_kind_of_difference() {
        let r = regimen(
            "[[medications]]\nname = \"metformin 500 mg\"\nsig = \"1 tab po bid\"\n\
             [[medications]]\nname = \"lisinopril 10 mg\"\nsig = \"1 tab daily\"\n\
             [[medications]]\nname = \"Tylenol\"\nsig = \"2 tabs q6h prn pain\"\n\
             [[medications]]\nname = \"atorvastatin 20 mg\"\nsig = \"1 tab qhs\"\n\
             [[medications]]\nname = \"amlodipine 5 mg\"\nsig = \"1 tab daily\"\n",
        );
        let m = &r.medicines;
        assert_eq!(usage(&m[0], "skips the evening dose"), Usage::Less);
        assert_eq!(usage(&m[0], "1 tab daily"), Usage::Less);
        assert_eq!(usage(&m[1], "2 tabs daily"), Usage::More);
        assert_eq!(usage(&m[1], "takes 2 instead of 1"), Usage::More);
        assert_eq!(usage(&m[2], "2 tabs tid"), Usage::AsNeededDaily);
        assert_eq!(
            usage(&m[2], "takes it every day for her knees"),
            Usage::AsNeededDaily
        );
        assert_eq!(usage(&m[3], "stopped it in October"), Usage::NotTaking);
        // The same amount at another time is a difference without a kind.
        assert_eq!(usage(&m[4], "takes it with dinner"), Usage::Different);
    }
}

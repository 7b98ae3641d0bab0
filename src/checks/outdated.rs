//! `outdated`: a medicine still on the list past its time.
//!
//! - A `[[duration]]` rule of the knowledge base: on the list longer than
//!   the rule's days since it was started (a PPI beyond 8 weeks without a
//!   lasting reason, an opioid kept as needed "just in case").
//! - An ingredient's usual short course (`short_term_days`, mostly the
//!   self-care limits of Drug Facts labels) when no rule covers it, for
//!   medicines bought without a prescription (`type` other than
//!   prescription, or no prescriber): a prescriber may mean a longer
//!   course, and the curated rules cover the prescription cases.
//! - A course written in the directions ("x 10 days", a taper) that ended
//!   before the review date.
//! - A prescription not filled for far longer than its supply: more than
//!   twice the days' supply and at least 30 days past its end (not for
//!   as-needed medicines, which may last longer, nor for a course, which is
//!   not meant to be refilled).
//! - A medicine the knowledge base does not know and whose record gives no
//!   reason for use: nobody can say why it is taken.
//!
//! A medicine with no start date is judged from its last fill, the
//! earliest date known; with neither, the time rules cannot be weighed and
//! stay silent (the appendix lists every medicine with its dates).

use super::{Check, CheckContext, CheckDoc, Finding, Severity, finding_id, prescribers_of};
use crate::regimen::MedicineUse;

pub struct Outdated;

/// A refill is overdue when this many days have passed beyond the supply,
/// and the supply has been exceeded twice over.
const REFILL_GRACE_DAYS: i64 = 30;

static DOC: CheckDoc = CheckDoc {
    name: "outdated",
    summary: "A medicine still on the list past its time: a short-term medicine past its \
              usual course (antibiotics, opioids after surgery, sleep aids, PPIs beyond 8 \
              weeks without a lasting reason), a course in the directions that has ended, a \
              prescription not filled for far longer than its supply, or a medicine nobody \
              can say the reason for.",
    why: "Medicines started for a short problem are often continued by default. Each one \
          kept adds side effects, interactions and cost; leftovers kept \"just in case\" get \
          taken without advice.",
    example: "[[medications]]\nname = \"omeprazole 20 mg\"\nsig = \"1 cap qam\"\n\
              started = 2025-01-10",
    references: &[
        "AGS Beers Criteria 2023, Table 2 (proton pump inhibitors beyond 8 weeks)",
        "Farrell B et al. Deprescribing proton pump inhibitors: evidence-based clinical \
         practice guideline. Can Fam Physician 2017;63:354-364",
        "Each rule cites the label or guideline for its usual duration",
    ],
};

impl Check for Outdated {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        let mut found = Vec::new();
        for med in cx.regimen.active() {
            // One finding on time per medicine: a finished course says the
            // most, then a rule, then the usual course.
            let findings = [
                course_ended(cx, med)
                    .or_else(|| duration_rule(cx, med))
                    .or_else(|| short_course(cx, med)),
                refill_overdue(cx, med),
                no_reason(cx, med),
            ];
            found.extend(findings.into_iter().flatten());
        }
        found
    }
}

/// Days from the earliest known date (started, else last fill) to the
/// review, with the date's name for the context.
fn days_on_list(cx: &CheckContext, med: &MedicineUse) -> Option<(i64, String)> {
    let review = cx.regimen.record.review.date;
    let m = &med.medication;
    let (date, what) = match (m.started, m.last_fill) {
        (Some(d), _) => (d, "started"),
        (None, Some(d)) => (d, "last filled"),
        (None, None) => return None,
    };
    let days = review.days_since_epoch() - date.days_since_epoch();
    Some((
        days,
        format!("{what} {date}, {days} days before the review"),
    ))
}

fn subjects(med: &MedicineUse) -> Vec<String> {
    let mut s: Vec<String> = med.ingredient_names().map(str::to_owned).collect();
    if s.is_empty() {
        s.push(crate::knowledge::resolve::name_key(&med.medication.name));
    }
    s
}

/// Whether the patient takes a medicine holding one of `subjects`
/// (ingredients or `class:<id>`).
fn taking_any(cx: &CheckContext, subjects: &[String]) -> bool {
    !subjects.is_empty()
        && cx.regimen.active().any(|m| {
            m.ingredient_names()
                .any(|i| subjects.iter().any(|s| cx.kb.matches(s, &[], i)))
        })
}

fn duration_rule(cx: &CheckContext, med: &MedicineUse) -> Option<Finding> {
    let (days, since) = days_on_list(cx, med)?;
    let conditions = cx
        .kb
        .record_conditions(&cx.regimen.record.health.conditions);
    let rule = cx.kb.duration_rules().iter().find(|r| {
        med.ingredient_names()
            .any(|i| cx.kb.matches(&r.subject, &r.except, i))
            && days > i64::from(r.max_days)
            && (!r.as_needed_only || med.schedule.as_needed)
            && !r.unless.iter().any(|c| conditions.contains(&c.as_str()))
            && !taking_any(cx, &r.unless_taking)
    })?;
    let name = &med.medication.name;
    let patient = cx.say(rule.patient.clone(), rule.patient_es.clone());
    Some(Finding {
        id: finding_id(DOC.name, subjects(med)),
        check: DOC.name,
        severity: rule.severity,
        medicines: vec![name.clone()],
        ingredients: med.ingredient_names().map(str::to_owned).collect(),
        prescribers: prescribers_of([med]),
        title: rule.title.clone(),
        patient_text: patient.replace("{medicine}", name),
        prescriber_text: format!("{} Recommended: {}", rule.consequence, rule.action),
        patient_action: rule.severity >= Severity::Moderate,
        reviewer_follows_up: false,
        evidence: rule.sources.clone(),
        context: vec![since, format!("usual longest use: {} days", rule.max_days)],
        decision: None,
        concern: String::new(),
        why: rule.consequence.clone(),
        recommendation: rule.action.clone(),
    })
}

/// An ingredient's usual short course, exceeded.
fn short_course(cx: &CheckContext, med: &MedicineUse) -> Option<Finding> {
    let self_care = med.medication.kind != crate::record::MedicineType::Prescription
        || med.prescriber().is_none();
    if !self_care {
        return None;
    }
    let (days, since) = days_on_list(cx, med)?;
    let (ingredient, limit) = med.ingredient_names().find_map(|i| {
        let ing = cx.kb.ingredient(i)?;
        let limit = ing.short_term_days?;
        (days > i64::from(limit)).then_some((ing, limit))
    })?;
    let name = &med.medication.name;
    Some(Finding {
        id: finding_id(DOC.name, subjects(med)),
        check: DOC.name,
        severity: Severity::Minor,
        medicines: vec![name.clone()],
        ingredients: med.ingredient_names().map(str::to_owned).collect(),
        prescribers: prescribers_of([med]),
        title: format!("{} beyond its usual course", ingredient.name),
        patient_text: cx.say(
            format!(
                "{name} is most often used for a short time. You have had it longer than \
                 that. Ask us if you still need it."
            ),
            format!(
                "{name} se usa casi siempre por poco tiempo. Usted la tiene desde hace más. \
                 Pregúntenos si todavía la necesita."
            ),
        ),
        prescriber_text: format!(
            "{} is usually a short-term medicine (up to about {limit} days) and has been on \
             the list longer. Recommended: confirm an ongoing indication or stop it.",
            ingredient.name
        ),
        patient_action: false,
        reviewer_follows_up: false,
        evidence: ingredient.sources.clone(),
        context: vec![since, format!("usual course: up to {limit} days")],
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    })
}

/// A course in the directions that ended before the review.
fn course_ended(cx: &CheckContext, med: &MedicineUse) -> Option<Finding> {
    let started = med.medication.started?;
    let schedule = &med.schedule;
    let course_days = schedule
        .course
        .map(|c| c.days())
        .or_else(|| schedule.taper_days())?;
    let review = cx.regimen.record.review.date;
    let elapsed = review.days_since_epoch() - started.days_since_epoch();
    if elapsed <= i64::from(course_days) {
        return None;
    }
    let name = &med.medication.name;
    Some(Finding {
        id: finding_id(
            "outdated",
            subjects(med).into_iter().chain(["course-ended".to_owned()]),
        ),
        check: DOC.name,
        severity: Severity::Moderate,
        medicines: vec![name.clone()],
        ingredients: med.ingredient_names().map(str::to_owned).collect(),
        prescribers: prescribers_of([med]),
        title: format!("{name}: the course in the directions has ended"),
        patient_text: cx.say(
            format!(
                "The label says to take {name} for {course_days} days. That time is over. \
                 Do not keep it to use later. Ask us what to do with what is left."
            ),
            format!(
                "La etiqueta dice que tome {name} por {course_days} días. Ese tiempo ya pasó. \
                 No la guarde para usarla después. Pregúntenos qué hacer con lo que sobra."
            ),
        ),
        prescriber_text: format!(
            "Directions give a {course_days}-day course starting {started}; the medicine is \
             still on the active list {elapsed} days later. Leftovers of short courses are \
             often self-administered later. Recommended: confirm it is finished and remove it, \
             or re-prescribe with an indication."
        ),
        patient_action: true,
        reviewer_follows_up: false,
        evidence: vec![DOC.references[2].to_owned()],
        context: vec![
            format!("started {started}"),
            format!("course of {course_days} days ended; {elapsed} days since the start"),
        ],
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    })
}

/// A scheduled prescription not filled for far longer than its supply.
fn refill_overdue(cx: &CheckContext, med: &MedicineUse) -> Option<Finding> {
    let m = &med.medication;
    let (last, supply) = (m.last_fill?, i64::from(m.days_supply?));
    // A finished course is not meant to be refilled.
    let course = med.schedule.course.is_some() || !med.schedule.steps.is_empty();
    if med.schedule.as_needed || course || supply == 0 {
        return None;
    }
    let review = cx.regimen.record.review.date;
    let since = review.days_since_epoch() - last.days_since_epoch();
    if since <= 2 * supply || since - supply < REFILL_GRACE_DAYS {
        return None;
    }
    let name = &m.name;
    Some(Finding {
        id: finding_id(
            "outdated",
            subjects(med).into_iter().chain(["refill".to_owned()]),
        ),
        check: DOC.name,
        severity: Severity::Moderate,
        medicines: vec![name.clone()],
        ingredients: med.ingredient_names().map(str::to_owned).collect(),
        prescribers: prescribers_of([med]),
        title: format!("{name} not refilled for far longer than its supply"),
        patient_text: cx.say(
            format!(
                "{name} was last filled a long time ago. Tell us if you still take it, and \
                 how often."
            ),
            format!(
                "{name} se surtió por última vez hace mucho tiempo. Díganos si todavía la toma \
                 y cada cuánto."
            ),
        ),
        prescriber_text: format!(
            "Last filled {last} for {supply} days; {since} days have passed. Either it is no \
             longer taken, is taken far less than prescribed, or is filled elsewhere. \
             Recommended: confirm how it is used and update the list or address the gap."
        ),
        patient_action: true,
        reviewer_follows_up: false,
        evidence: vec![
            "Pharmacy Quality Alliance, Proportion of Days Covered adherence measure \
             (refill-based adherence)"
                .into(),
        ],
        context: vec![
            format!("last fill {last}, {supply} days' supply"),
            format!("{since} days since the last fill"),
        ],
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    })
}

/// An unknown medicine with no reason for use recorded.
fn no_reason(cx: &CheckContext, med: &MedicineUse) -> Option<Finding> {
    let m = &med.medication;
    let recorded = m
        .indication
        .as_deref()
        .is_some_and(|i| !i.trim().is_empty());
    if recorded || !med.resolved.is_unknown() {
        return None;
    }
    let name = &m.name;
    Some(Finding {
        id: finding_id(
            "outdated",
            subjects(med)
                .into_iter()
                .chain(["no-indication".to_owned()]),
        ),
        check: DOC.name,
        severity: Severity::Minor,
        medicines: vec![name.clone()],
        ingredients: vec![],
        prescribers: prescribers_of([med]),
        title: format!("{name}: no reason for use known"),
        patient_text: cx.say(
            format!("We do not know what {name} is for. Ask the person who gave it to you."),
            format!("No sabemos para qué es {name}. Pregúntele a quien se la dio."),
        ),
        prescriber_text: "No indication is recorded and the medicine is not in the \
                          knowledge base, so its purpose is unknown. Recommended: confirm \
                          the indication or stop it."
            .into(),
        patient_action: false,
        reviewer_follows_up: false,
        evidence: vec![
            "CMS Medicare Part D Medication Therapy Management: the comprehensive medication \
             review identifies each medication's indication (42 CFR 423.153(d))"
                .into(),
        ],
        context: vec!["no indication recorded; not in the knowledge base".into()],
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings, findings_with, regimen, regimen_with, small_kb};

    const RULE: &str = "[[condition]]\nid = \"barretts\"\nname = \"Barrett's\"\n\
                        names = [\"barrett's esophagus\"]\n\
                        [[duration]]\nid = \"d1\"\nsubject = \"alpha\"\nmax_days = 56\n\
                        unless = [\"barretts\"]\nseverity = \"moderate\"\ntitle = \"T\"\n\
                        consequence = \"C.\"\naction = \"A.\"\npatient = \"{medicine} is old.\"\n\
                        patient_es = \"{medicine}.\"\nsources = [\"S\"]\n\
                        [[duration]]\nid = \"d2\"\nsubject = \"beta\"\nmax_days = 30\n\
                        as_needed_only = true\nseverity = \"moderate\"\ntitle = \"T2\"\n\
                        consequence = \"C.\"\naction = \"A.\"\npatient = \"{medicine}.\"\n\
                        patient_es = \"{medicine}.\"\nsources = [\"S\"]\n";

    fn med(name: &str, extra: &str) -> String {
        format!("[[medications]]\nname = \"{name}\"\n{extra}\n")
    }

    #[test]
    fn a_duration_rule_fires_after_its_days_unless_a_lasting_reason() {
        let kb = small_kb(&["alpha", "beta"], RULE);
        let run = |text: &str| findings_with(&Outdated, &kb, &regimen_with(&kb, text));
        // The review is on 2026-11-20: 57 and 56 days after these starts.
        let f = run(&med("alpha", "started = 2026-09-24"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].patient_text, "alpha is old.");
        assert!(run(&med("alpha", "started = 2026-09-25")).is_empty());
        assert!(
            run(&format!(
                "[health]\nconditions = [\"Barrett's esophagus\"]\n{}",
                med("alpha", "started = 2026-01-01")
            ))
            .is_empty()
        );
        // No date known: it cannot be weighed.
        assert!(run(&med("alpha", "")).is_empty());
        // As-needed only: a scheduled medicine is not "kept just in case".
        assert!(run(&med("beta", "started = 2026-01-01\nsig = \"1 tab daily\"")).is_empty());
        assert_eq!(
            run(&med(
                "beta",
                "started = 2026-01-01\nsig = \"1 tab q6h prn pain\""
            ))
            .len(),
            1
        );
    }

    #[test]
    fn a_finished_course_and_an_overdue_refill_are_reported() {
        let r = regimen(&med(
            "amoxicillin 500 mg",
            "sig = \"1 cap tid x 10 days\"\nstarted = 2026-11-01\nprescriber = \"dr\"",
        ));
        let ids: Vec<String> = findings(&Outdated, &r).into_iter().map(|f| f.id).collect();
        assert_eq!(ids, ["outdated/amoxicillin+course-ended"]);
        let r = regimen(&med(
            "amoxicillin 500 mg",
            "sig = \"1 cap tid x 10 days\"\nstarted = 2026-11-15\nprescriber = \"dr\"",
        ));
        assert!(findings(&Outdated, &r).is_empty());
        // 90 days' supply filled 130 days ago: 40 days past it, but not
        // twice over; 200 days ago: overdue.
        let refill = |last: &str| {
            regimen(&med(
                "lisinopril 10 mg",
                &format!(
                    "sig = \"1 tab daily\"\nlast_fill = {last}\ndays_supply = 90\nprescriber = \"dr\""
                ),
            ))
        };
        assert!(findings(&Outdated, &refill("2026-07-13")).is_empty());
        let f = findings(&Outdated, &refill("2026-05-04"));
        assert_eq!(f[0].id, "outdated/lisinopril+refill");
    }

    #[test]
    fn self_care_limits_apply_to_medicines_bought_without_a_prescription() {
        let otc = regimen(&med("Advil", "type = \"otc\"\nstarted = 2026-09-01"));
        let f = findings(&Outdated, &otc);
        assert_eq!(f[0].id, "outdated/ibuprofen");
        let prescribed = regimen(&med(
            "ibuprofen 600 mg",
            "started = 2026-09-01\nprescriber = \"dr\"",
        ));
        assert!(findings(&Outdated, &prescribed).is_empty());
    }

    #[test]
    fn an_unknown_medicine_without_a_reason_is_reported() {
        let f = findings(&Outdated, &regimen(&med("Zentravix", "")));
        assert_eq!(f[0].id, "outdated/no-indication+zentravix");
        let given = regimen(&med("Zentravix", "indication = \"joint pain\""));
        assert!(findings(&Outdated, &given).is_empty());
    }
}

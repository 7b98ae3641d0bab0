//! `complexity`: a schedule that is hard to follow.
//!
//! Two measures:
//! - **Dose times**: the distinct moments of the day the patient must take
//!   something, read against their `[routine]` (with breakfast, at 10:00,
//!   30 minutes before breakfast, every 8 hours from waking). Five or more
//!   fire the check at `moderate`.
//! - **The Medication Regimen Complexity Index** (George et al. 2004),
//!   computed from the published weights: section A, each dosage form used
//!   (tablets 1 … nebuliser 5), once per form; section B, each medicine's
//!   dosing frequency (once daily 1, twice daily 2, every 8 hours 3.5, as
//!   needed halves…); section C, each medicine's extra directions (a
//!   fraction of a tablet, several units at once, a named time, food, a
//!   taper, "as directed"). An index of [`HIGH_MRCI`] or more fires the check
//!   at `minor`. Medicines whose directions could not be read are left out
//!   of section B and C and named in the finding's context.
//!
//! The finding carries a simpler schedule when one fits: doses whose times
//! come only from a count ("bid") or a clock time move to the patient's
//! meals and bedtime; what must stay keeps its place (empty-stomach
//! medicines such as levothyroxine and bisphosphonates at waking, a dose
//! before a meal, bedtime medicines, every-N-hours doses), doses with food
//! stay at meals, and spacing rules of the knowledge base (calcium or iron
//! away from levothyroxine…) are kept by moving the later dose to a meal
//! far enough away. The index and the dose times before and after are in
//! the context.

use std::collections::BTreeMap;

use super::{Check, CheckContext, CheckDoc, Finding, Severity};
use crate::knowledge::Knowledge;
use crate::record::{ClockTime, DoseTime, Food, Routine};
use crate::regimen::sig::Site;
use crate::regimen::{DoseUnit, MedicineUse, Regimen, Schedule};

pub struct Complexity;

/// Dose times a day from which the check fires.
pub const MANY_DOSE_TIMES: usize = 5;

/// An MRCI from which the check fires: one standard deviation above the
/// mean of 16.1 (SD 9.0) in 89,645 home-care patients (McDonald et al.,
/// JAMIA 2013;20:499), rounded.
pub const HIGH_MRCI: f64 = 25.0;

static DOC: CheckDoc = CheckDoc {
    name: "complexity",
    summary: "A schedule that is hard to follow: five or more dose times a day, or a high \
              Medication Regimen Complexity Index. The finding proposes a simpler schedule \
              that fits the patient's routine and keeps the food and spacing rules, with the \
              index and the dose times before and after.",
    why: "Each extra dose time and special direction lowers adherence. Many schedules can be \
          aligned with meals and bedtime without changing a single medicine.",
    example: "[[medications]]\nname = \"levothyroxine 50 mcg\"\nsig = \"1 tab 30 min before \
              breakfast\"\n\n[[medications]]\nname = \"calcium carbonate 600 mg\"\n\
              sig = \"1 tab at 10:00\"",
    references: &[
        "George J, Phun YT, Bailey MJ, Kong DC, Stewart K. Development and validation of the \
         medication regimen complexity index. Ann Pharmacother 2004;38:1369-1376",
        "McDonald MV et al. Automating the medication regimen complexity index. J Am Med \
         Inform Assoc 2013;20:499-505",
        "FDA label, Synthroid (levothyroxine) tablets, Dosage and Administration 2.1 and \
         Drug Interactions 7 (2024): empty stomach; 4 hours from calcium and iron",
    ],
};

impl Check for Complexity {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        finding(cx).into_iter().collect()
    }
}

/// The three sections of the index and the medicines it could not score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mrci {
    pub forms: f64,
    pub frequency: f64,
    pub directions: f64,
    /// Medicines whose directions were not read: not in B and C.
    pub unscored: Vec<String>,
}

impl Mrci {
    pub fn total(&self) -> f64 {
        self.forms + self.frequency + self.directions
    }
}

/// The MRCI of the active medicines of a regimen.
pub fn mrci(regimen: &Regimen) -> Mrci {
    let mut forms: BTreeMap<&'static str, f64> = BTreeMap::new();
    let mut index = Mrci::default();
    for med in regimen.active() {
        let (form, weight) = dosage_form(med);
        forms.insert(form, weight);
        match frequency_weight(&med.schedule) {
            Some(w) => {
                index.frequency += w;
                index.directions += directions_weight(med);
            }
            None => index.unscored.push(med.medication.name.clone()),
        }
    }
    index.forms = forms.values().sum();
    index
}

/// Section A: the dosage form and its weight.
pub fn dosage_form(med: &MedicineUse) -> (&'static str, f64) {
    let form = med
        .medication
        .form
        .as_deref()
        .unwrap_or_default()
        .to_lowercase();
    let name = med.medication.name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| form.contains(w) || name.contains(w));
    let unit = med
        .schedule
        .quantity
        .or_else(|| med.schedule.steps.first().and_then(|s| s.quantity))
        .map(|q| q.unit);
    let site = med.schedule.site;
    if has(&["nebul"]) {
        return ("nebuliser", 5.0);
    }
    if has(&[
        "diskus",
        "ellipta",
        "handihaler",
        "turbuhaler",
        "flexhaler",
        "twisthaler",
        "pressair",
        "dry powder",
        "dpi",
        "aerolizer",
        "accuhaler",
    ]) {
        return ("dry-powder inhaler", 3.0);
    }
    if has(&["inhaler", "hfa", "mdi", "respimat"]) || unit == Some(DoseUnit::Puff) {
        return ("metered-dose inhaler", 4.0);
    }
    if has(&["eye", "ophth"])
        || matches!(site, Some(Site::RightEye | Site::LeftEye | Site::BothEyes))
    {
        return ("eye drops or ointment", 3.0);
    }
    if has(&["ear", "otic"]) {
        return ("ear drops", 3.0);
    }
    if has(&["nasal"]) || site == Some(Site::EachNostril) {
        return ("nasal spray", 2.0);
    }
    if has(&["vial", "ampoule", "ampule"]) {
        return ("injection from a vial", 4.0);
    }
    if has(&["injection", "pen", "syringe", "injector"]) || unit == Some(DoseUnit::Unit) {
        return ("prefilled injector", 3.0);
    }
    if has(&["patch", "transdermal"]) || unit == Some(DoseUnit::Patch) {
        return ("patch", 2.0);
    }
    if has(&["cream", "ointment", "gel", "lotion"]) || unit == Some(DoseUnit::Application) {
        return ("cream, gel or ointment", 2.0);
    }
    if has(&["sublingual"]) {
        return ("sublingual tablet or spray", 2.0);
    }
    if has(&["lozenge", "troche", "gum"]) {
        return ("lozenge or gum", 2.0);
    }
    if has(&["suppositor", "enema"]) {
        return ("suppository or enema", 2.0);
    }
    if has(&[
        "liquid",
        "solution",
        "suspension",
        "syrup",
        "elixir",
        "mouthwash",
    ]) || unit == Some(DoseUnit::Ml)
    {
        return ("oral liquid", 2.0);
    }
    if has(&["powder", "granule", "packet"]) || unit == Some(DoseUnit::Dose) {
        return ("oral powder", 2.0);
    }
    if unit == Some(DoseUnit::Spray) {
        return ("topical spray", 1.0);
    }
    ("tablets or capsules", 1.0)
}

/// Section B: the dosing frequency weight; `None` when the directions were
/// not read.
pub fn frequency_weight(s: &Schedule) -> Option<f64> {
    if !s.understood() {
        return None;
    }
    if let Some(first) = s.steps.first() {
        return Some(daily(first.times.len().max(1) as u32, false));
    }
    if s.weekly {
        // "Alternate days or less frequently".
        return Some(2.0);
    }
    if let Some((hours, _)) = s.every_hours {
        let (regular, prn) = match hours {
            24 => (1.0, 0.5),
            12 => (2.5, 1.5),
            8 => (3.5, 2.0),
            6 => (4.5, 2.5),
            4 => (6.5, 3.5),
            2 => (12.5, 6.5),
            // Other intervals: the weight of the nearest shorter one.
            h if h > 12 => (2.5, 1.5),
            h if h > 8 => (3.5, 2.0),
            h if h > 6 => (4.5, 2.5),
            h if h > 4 => (6.5, 3.5),
            _ => (12.5, 6.5),
        };
        return Some(if s.as_needed { prn } else { regular });
    }
    if s.as_needed && s.times.is_empty() {
        return Some(0.5);
    }
    Some(daily(s.times.len() as u32, s.as_needed))
}

/// Once … four times daily (halved as needed); more than four: one a time.
fn daily(times: u32, as_needed: bool) -> f64 {
    let w = f64::from(times.max(1));
    if as_needed { w / 2.0 } else { w }
}

/// Section C: the extra directions of one medicine.
pub fn directions_weight(med: &MedicineUse) -> f64 {
    let s = &med.schedule;
    let quantity = s
        .quantity
        .or_else(|| s.steps.first().and_then(|st| st.quantity));
    let mut w = 0.0;
    if let Some(q) = quantity {
        if q.amount.fract() != 0.0 && matches!(q.unit, DoseUnit::Tablet) {
            w += 1.0; // break a tablet
        }
        if q.amount > 1.0 && !matches!(q.unit, DoseUnit::Ml | DoseUnit::Unit) {
            w += 1.0; // several units at one time
        }
    }
    if s.times_named && !s.as_needed {
        w += 1.0; // at a specified time
    }
    if s.food.is_some_and(|f| f != Food::Any) || s.before_meal.is_some() {
        w += 1.0; // in relation to food
    }
    if !s.steps.is_empty() {
        w += 2.0; // tapering or increasing
    }
    w
}

/// A moment of the day, in minutes after midnight.
type Minute = u16;

/// Where a dose sits in a proposed schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Breakfast,
    Lunch,
    Dinner,
    Bed,
}

fn slot_minute(slot: Slot, r: &Routine) -> Minute {
    match slot {
        Slot::Breakfast => r.breakfast.minutes(),
        Slot::Lunch => r.lunch.minutes(),
        Slot::Dinner => r.dinner.minutes(),
        Slot::Bed => r.bed.minutes(),
    }
}

/// The moments a medicine is taken, as the directions stand.
fn moments(s: &Schedule, r: &Routine) -> Vec<Minute> {
    if !s.understood() || s.as_needed || s.weekly {
        return vec![];
    }
    let times = s
        .steps
        .first()
        .map_or(s.times.as_slice(), |st| st.times.as_slice());
    if times.is_empty() {
        if let Some((h, _)) = s.every_hours.filter(|(h, _)| *h > 0 && 24 % h == 0) {
            return (0..24 / h)
                .map(|k| ((u32::from(r.wake.minutes()) + k * h * 60) % (24 * 60)) as Minute)
                .collect();
        }
        return vec![];
    }
    times
        .iter()
        .map(|t| {
            let at = match t {
                DoseTime::Morning => r.breakfast.minutes(),
                DoseTime::Noon => r.lunch.minutes(),
                DoseTime::Evening => r.dinner.minutes(),
                DoseTime::Bedtime => r.bed.minutes(),
                DoseTime::At(c) => c.minutes(),
            };
            match (s.before_meal, t) {
                (Some(b), DoseTime::Morning | DoseTime::Noon | DoseTime::Evening) => {
                    at.saturating_sub(b.minutes.unwrap_or(30) as Minute)
                }
                _ if s.food == Some(Food::EmptyStomach) && *t == DoseTime::Morning => {
                    r.wake.minutes()
                }
                _ => at,
            }
        })
        .collect()
}

/// A proposed place for each dose of a medicine.
struct Placed<'a> {
    med: &'a MedicineUse,
    /// Fixed moments (kept as written) or slots (movable).
    fixed: Vec<Minute>,
    slots: Vec<Slot>,
    movable: bool,
}

/// The simpler schedule: medicine index → the moments of its doses.
fn propose<'a>(regimen: &'a Regimen, kb: &Knowledge) -> Vec<Placed<'a>> {
    let r = &regimen.record.routine;
    let mut placed: Vec<Placed> = Vec::new();
    for med in regimen.active() {
        let s = &med.schedule;
        let now = moments(s, r);
        if now.is_empty() {
            continue;
        }
        let count_only = !s.times_named;
        let clock_only = s.times.iter().all(|t| matches!(t, DoseTime::At(_)));
        let movable = s.steps.is_empty()
            && s.every_hours.is_none()
            && s.before_meal.is_none()
            && s.food != Some(Food::EmptyStomach)
            && (count_only || clock_only)
            && (1..=4).contains(&s.times.len());
        let slots = if movable {
            let with_food = s.food == Some(Food::WithFood);
            match (s.times.len(), with_food) {
                (1, _) => vec![Slot::Breakfast],
                (2, _) => vec![Slot::Breakfast, Slot::Dinner],
                (3, _) => vec![Slot::Breakfast, Slot::Lunch, Slot::Dinner],
                (_, true) => vec![Slot::Breakfast, Slot::Lunch, Slot::Dinner],
                _ => vec![Slot::Breakfast, Slot::Lunch, Slot::Dinner, Slot::Bed],
            }
        } else {
            vec![]
        };
        placed.push(Placed {
            med,
            fixed: if movable { vec![] } else { now },
            slots,
            movable,
        });
    }
    // Spacing: a movable once-daily dose too close to a medicine it must be
    // kept apart from moves to the first meal far enough from it.
    let candidates = [Slot::Breakfast, Slot::Lunch, Slot::Dinner, Slot::Bed];
    for i in 0..placed.len() {
        if !placed[i].movable || placed[i].slots.len() != 1 {
            continue;
        }
        let apart: Vec<(Vec<Minute>, u32)> = placed
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .filter_map(|(_, other)| {
                let hours = spacing(kb, placed[i].med, other.med)?;
                Some((at(other, r), hours))
            })
            .collect();
        if apart.is_empty() {
            continue;
        }
        let with_food = placed[i].med.schedule.food == Some(Food::WithFood);
        let fits = |slot: Slot| {
            let m = slot_minute(slot, r);
            !(with_food && slot == Slot::Bed)
                && apart.iter().all(|(times, hours)| {
                    times
                        .iter()
                        .all(|t| u32::from(m.abs_diff(*t)) >= hours * 60)
                })
        };
        if let Some(slot) = candidates.iter().copied().find(|s| fits(*s)) {
            placed[i].slots = vec![slot];
        } else {
            // No meal fits: keep it where it was written.
            placed[i].fixed = moments(&placed[i].med.schedule, r);
            placed[i].slots.clear();
            placed[i].movable = false;
        }
    }
    placed
}

/// The moments of a placed medicine.
fn at(p: &Placed, r: &Routine) -> Vec<Minute> {
    if p.movable {
        p.slots.iter().map(|s| slot_minute(*s, r)).collect()
    } else {
        p.fixed.clone()
    }
}

/// Hours two medicines must be kept apart, from the spacing rules.
fn spacing(kb: &Knowledge, a: &MedicineUse, b: &MedicineUse) -> Option<u32> {
    kb.interactions()
        .iter()
        .filter_map(|rule| {
            let hours = rule.separate_hours?;
            let [x, y] = &rule.between;
            let hit = |p: &MedicineUse, q: &MedicineUse| {
                p.ingredient_names().any(|i| kb.matches(x, &rule.except, i))
                    && q.ingredient_names().any(|i| kb.matches(y, &rule.except, i))
            };
            (hit(a, b) || hit(b, a)).then_some(hours)
        })
        .max()
}

fn clock(m: Minute) -> String {
    ClockTime {
        hour: (m / 60) as u8,
        minute: (m % 60) as u8,
    }
    .to_string()
}

fn finding(cx: &CheckContext) -> Option<Finding> {
    let regimen = cx.regimen;
    let r = &regimen.record.routine;
    let mut before: Vec<Minute> = regimen
        .active()
        .flat_map(|m| moments(&m.schedule, r))
        .collect();
    before.sort_unstable();
    before.dedup();
    let index = mrci(regimen);
    let total = index.total();
    if before.len() < MANY_DOSE_TIMES && total < HIGH_MRCI {
        return None;
    }
    let placed = propose(regimen, cx.kb);
    let mut by_time: BTreeMap<Minute, Vec<String>> = BTreeMap::new();
    for p in &placed {
        for m in at(p, r) {
            let names = by_time.entry(m).or_default();
            if !names.contains(&p.med.medication.name) {
                names.push(p.med.medication.name.clone());
            }
        }
    }
    let after = by_time.len();
    let moved: Vec<&Placed> = placed
        .iter()
        .filter(|p| p.movable && p.med.schedule.times_named)
        .collect();
    // Moving a clock-time dose to a meal drops its "specified time" weight.
    let total_after = total - moved.len() as f64;
    let times_text = |times: &[Minute]| {
        times
            .iter()
            .map(|m| clock(*m))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let after_times: Vec<Minute> = by_time.keys().copied().collect();
    let simpler = after < before.len();
    let plan: Vec<String> = by_time
        .iter()
        .map(|(m, names)| format!("{}: {}", clock(*m), names.join(", ")))
        .collect();
    let severity = if before.len() >= MANY_DOSE_TIMES {
        Severity::Moderate
    } else {
        Severity::Minor
    };
    let mut context = vec![
        format!("{} dose times a day: {}", before.len(), times_text(&before)),
        format!(
            "MRCI {} (dosage forms {}, frequency {}, directions {})",
            number(total),
            number(index.forms),
            number(index.frequency),
            number(index.directions)
        ),
    ];
    if !index.unscored.is_empty() {
        context.push(format!(
            "directions not read, left out of the index: {}",
            index.unscored.join(", ")
        ));
    }
    if simpler {
        context.push(format!(
            "proposed: {after} dose times ({}), MRCI {}",
            times_text(&after_times),
            number(total_after)
        ));
    }
    let (patient_text, prescriber_text) = if simpler {
        (
            cx.say(
                format!(
                    "You take medicines at {} different times each day. That is hard to keep \
                     up with. We will ask your doctors if some can be taken together, so you \
                     need only {after} times.",
                    before.len()
                ),
                format!(
                    "Usted toma medicinas a {} horas distintas cada día. Eso es difícil de \
                     seguir. Preguntaremos a sus médicos si algunas se pueden tomar juntas, \
                     para que solo sean {after} veces.",
                    before.len()
                ),
            ),
            format!(
                "The regimen needs {} dose times a day (MRCI {}). A schedule aligned with the \
                 patient's meals and bedtime keeps every medicine, the food directions and \
                 the spacing rules, and needs {after}: {}. Recommended: approve the simpler \
                 schedule, and consider once-daily forms where they exist.",
                before.len(),
                number(total),
                plan.join("; ")
            ),
        )
    } else {
        (
            cx.say(
                "Your medicine schedule has many steps. We will look at ways to make it \
                 simpler with your doctors."
                    .into(),
                "Su horario de medicinas tiene muchos pasos. Buscaremos con sus médicos cómo \
                 hacerlo más sencillo."
                    .into(),
            ),
            format!(
                "The regimen is complex (MRCI {}, {} dose times a day); no simpler schedule \
                 keeps the directions as written. Recommended: review whether each medicine \
                 is still needed and whether once-daily forms exist.",
                number(total),
                before.len()
            ),
        )
    };
    Some(Finding {
        id: "complexity/regimen".into(),
        check: DOC.name,
        severity,
        medicines: regimen
            .active()
            .map(|m| m.medication.name.clone())
            .collect(),
        ingredients: vec![],
        prescribers: super::prescribers_of(regimen.active()),
        title: if simpler {
            format!("{} dose times a day; {after} would do", before.len())
        } else {
            format!("Complex regimen (MRCI {})", number(total))
        },
        patient_text,
        prescriber_text,
        patient_action: false,
        reviewer_follows_up: false,
        evidence: DOC.references.iter().map(|s| (*s).to_owned()).collect(),
        context,
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    })
}

fn number(v: f64) -> String {
    super::daily::number(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings, regimen};

    fn med(name: &str, sig: &str) -> String {
        format!("[[medications]]\nname = \"{name}\"\nsig = \"{sig}\"\n")
    }

    /// Worked by hand from the published weights (George et al. 2004).
    #[test]
    fn the_index_follows_the_published_weights() {
        let r = regimen(
            &[
                // A tablets 1; B twice daily 2; C with food 1.
                med("metformin 500 mg", "1 tab bid with meals"),
                // A metered-dose inhaler 4; B every 4 hours as needed 3.5;
                // C two units at once 1.
                med("ProAir HFA", "2 puffs q4-6h prn wheeze"),
                // A tablets (already counted); B once daily 1; C a named
                // time 1 and before a meal 1.
                med("levothyroxine 50 mcg", "1 tab 30 min before breakfast"),
                // A eye drops 3; B twice daily 2.
                med("timolol 0.5% eye drops", "1 gtt ou bid"),
            ]
            .concat(),
        );
        let index = mrci(&r);
        assert_eq!(
            (index.forms, index.frequency, index.directions),
            (8.0, 8.5, 4.0),
            "{index:?}"
        );
        assert_eq!(index.total(), 20.5);
    }

    #[test]
    fn tapers_weekly_doses_and_unread_directions() {
        let r = regimen(
            &[
                // A tablets 1; B once daily 1; C several units 1, taper 2.
                med(
                    "prednisone 10 mg",
                    "4 tabs daily x 3 days, then 2 tabs daily x 3 days",
                ),
                // B alternate days or less often 2.
                med("alendronate 70 mg", "70 mg tab once weekly"),
                // Not read: left out of B and C, named.
                med("lisinopril 10 mg", "as directed"),
            ]
            .concat(),
        );
        let index = mrci(&r);
        assert_eq!(
            (index.forms, index.frequency, index.directions),
            (1.0, 3.0, 3.0)
        );
        assert_eq!(index.unscored, ["lisinopril 10 mg"]);
    }

    #[test]
    fn frequency_weights_for_intervals_and_as_needed() {
        let w = |sig: &str| frequency_weight(&crate::regimen::sig::read_sig(sig));
        assert_eq!(w("1 tab q12h"), Some(2.5));
        assert_eq!(w("1 tab q8h"), Some(3.5));
        assert_eq!(w("1 tab q6h"), Some(4.5));
        assert_eq!(w("1 tab q6h prn pain"), Some(2.5));
        assert_eq!(w("1 tab qid"), Some(4.0));
        assert_eq!(w("1 tab bid prn"), Some(1.0));
        assert_eq!(w("1 tab prn"), Some(0.5));
        assert_eq!(w("per sliding scale"), None);
    }

    #[test]
    fn many_dose_times_get_a_simpler_schedule_that_keeps_the_spacing() {
        let r = regimen(
            &[
                med("levothyroxine 50 mcg", "1 tab 30 min before breakfast"),
                med("metformin 500 mg", "1 tab bid with meals"),
                med("lisinopril 10 mg", "1 tab at 09:00"),
                med("calcium carbonate 600 mg", "1 tab at 10:00"),
                med("vitamin D3 1000 IU", "1 cap at 14:00"),
                med("atorvastatin 20 mg", "1 tab qhs"),
            ]
            .concat(),
        );
        let found = findings(&Complexity, &r);
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.severity, Severity::Moderate);
        assert_eq!(
            f.context[0],
            "7 dose times a day: 07:30, 08:00, 09:00, 10:00, 14:00, 18:00, 22:00"
        );
        // Lisinopril and vitamin D move to breakfast; calcium goes to lunch,
        // 4 hours from levothyroxine, not to breakfast.
        assert!(
            f.context.iter().any(
                |c| c.starts_with("proposed: 5 dose times (07:30, 08:00, 12:00, 18:00, 22:00)")
            ),
            "{:?}",
            f.context
        );
        assert!(
            f.prescriber_text
                .contains("12:00: calcium carbonate 600 mg")
        );
        assert!(
            f.prescriber_text
                .contains("08:00: metformin 500 mg, lisinopril 10 mg")
        );
    }

    #[test]
    fn a_simple_regimen_is_not_reported() {
        let r = regimen(
            &[
                med("metformin 500 mg", "1 tab bid with meals"),
                med("lisinopril 10 mg", "1 tab daily"),
                med("atorvastatin 20 mg", "1 tab qhs"),
            ]
            .concat(),
        );
        assert!(findings(&Complexity, &r).is_empty());
    }
}

//! Reading directions as prescribers write them ("1 tab po bid",
//! "2 puffs q4-6h prn wheeze", "1 cap qhs") into a [`Schedule`].
//!
//! The reader knows the common Latin abbreviations and their English
//! spellings. What it cannot read it keeps as `unread` words: the schedule is
//! then marked not understood, documents print the directions as written,
//! and the reviewer's appendix says so. Nothing is guessed.

use serde::Serialize;

use crate::record::{ClockTime, DoseTime, Food, Medication};

/// How much is taken at one time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantity {
    pub amount: f64,
    pub unit: DoseUnit,
}

/// The unit a dose is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DoseUnit {
    Tablet,
    Capsule,
    Puff,
    Ml,
    Drop,
    Spray,
    Patch,
    Unit,
    Application,
    Dose,
}

impl DoseUnit {
    fn parse(word: &str) -> Option<DoseUnit> {
        Some(match word {
            "tab" | "tabs" | "tablet" | "tablets" | "caplet" | "caplets" | "pill" | "pills" => {
                DoseUnit::Tablet
            }
            "cap" | "caps" | "capsule" | "capsules" | "softgel" | "softgels" | "gelcap"
            | "gelcaps" => DoseUnit::Capsule,
            "puff" | "puffs" | "inhalation" | "inhalations" => DoseUnit::Puff,
            "ml" | "cc" => DoseUnit::Ml,
            "drop" | "drops" | "gtt" | "gtts" => DoseUnit::Drop,
            "spray" | "sprays" => DoseUnit::Spray,
            "patch" | "patches" => DoseUnit::Patch,
            "unit" | "units" | "u" | "iu" => DoseUnit::Unit,
            "application" | "applications" | "apply" => DoseUnit::Application,
            "dose" | "doses" | "scoop" | "scoops" | "capful" | "capfuls" | "packet" | "packets" => {
                DoseUnit::Dose
            }
            _ => return None,
        })
    }

    /// The unit in English, singular or plural as `amount` needs.
    pub fn english(self, amount: f64) -> &'static str {
        let one = amount <= 1.0;
        match (self, one) {
            (DoseUnit::Tablet, true) => "tablet",
            (DoseUnit::Tablet, false) => "tablets",
            (DoseUnit::Capsule, true) => "capsule",
            (DoseUnit::Capsule, false) => "capsules",
            (DoseUnit::Puff, true) => "puff",
            (DoseUnit::Puff, false) => "puffs",
            (DoseUnit::Ml, _) => "mL",
            (DoseUnit::Drop, true) => "drop",
            (DoseUnit::Drop, false) => "drops",
            (DoseUnit::Spray, true) => "spray",
            (DoseUnit::Spray, false) => "sprays",
            (DoseUnit::Patch, true) => "patch",
            (DoseUnit::Patch, false) => "patches",
            (DoseUnit::Unit, true) => "unit",
            (DoseUnit::Unit, false) => "units",
            (DoseUnit::Application, _) => "thin layer",
            (DoseUnit::Dose, true) => "dose",
            (DoseUnit::Dose, false) => "doses",
        }
    }

    /// The unit in Spanish.
    pub fn spanish(self, amount: f64) -> &'static str {
        let one = amount <= 1.0;
        match (self, one) {
            (DoseUnit::Tablet, true) => "tableta",
            (DoseUnit::Tablet, false) => "tabletas",
            (DoseUnit::Capsule, true) => "cápsula",
            (DoseUnit::Capsule, false) => "cápsulas",
            (DoseUnit::Puff, true) => "inhalación",
            (DoseUnit::Puff, false) => "inhalaciones",
            (DoseUnit::Ml, _) => "mL",
            (DoseUnit::Drop, true) => "gota",
            (DoseUnit::Drop, false) => "gotas",
            (DoseUnit::Spray, true) => "atomización",
            (DoseUnit::Spray, false) => "atomizaciones",
            (DoseUnit::Patch, true) => "parche",
            (DoseUnit::Patch, false) => "parches",
            (DoseUnit::Unit, true) => "unidad",
            (DoseUnit::Unit, false) => "unidades",
            (DoseUnit::Application, _) => "capa fina",
            (DoseUnit::Dose, true) => "dosis",
            (DoseUnit::Dose, false) => "dosis",
        }
    }
}

/// When and how a medicine is taken, read from `sig` or the structured
/// fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    pub quantity: Option<Quantity>,
    /// Fixed times of day, in the order of the day.
    pub times: Vec<DoseTime>,
    /// "every N hours" (N, or N to M for "q4-6h").
    pub every_hours: Option<(u32, Option<u32>)>,
    /// Taken once a week rather than daily.
    pub weekly: bool,
    pub as_needed: bool,
    /// "prn wheeze" → "wheeze".
    pub as_needed_for: Option<String>,
    pub food: Option<Food>,
    /// "max 8/day" or `max_per_day`.
    pub max_per_day: Option<String>,
    /// Words of the directions that could not be read.
    pub unread: Vec<String>,
}

impl Schedule {
    /// Whether the directions were read completely, so they can be restated.
    pub fn understood(&self) -> bool {
        self.unread.is_empty()
            && (self.as_needed
                || self.weekly
                || !self.times.is_empty()
                || self.every_hours.is_some())
    }

    /// Scheduled doses in a day (as-needed doses not counted).
    pub fn doses_per_day(&self) -> Option<u32> {
        if self.as_needed || self.weekly {
            return None;
        }
        if !self.times.is_empty() {
            return Some(self.times.len() as u32);
        }
        self.every_hours.map(|(h, _)| 24 / h.max(1))
    }

    /// The most doses in a day, for daily totals: scheduled, or for as-needed
    /// use the shortest interval.
    pub fn most_doses_per_day(&self) -> Option<u32> {
        if self.weekly {
            return None;
        }
        if self.as_needed && !self.times.is_empty() {
            // "1 at bedtime if needed": at most the times named.
            return Some(self.times.len() as u32);
        }
        self.doses_per_day().or_else(|| {
            self.as_needed
                .then_some(self.every_hours.map(|(h, _)| 24 / h.max(1)))
                .flatten()
        })
    }
}

/// Builds the schedule of a medication: structured fields win over `sig`,
/// and fill what `sig` leaves out.
pub fn schedule_of(med: &Medication) -> Schedule {
    let mut schedule = med
        .sig
        .as_deref()
        .map(read_sig)
        .unwrap_or_else(|| Schedule {
            quantity: None,
            times: vec![],
            every_hours: None,
            weekly: false,
            as_needed: false,
            as_needed_for: None,
            food: None,
            max_per_day: None,
            unread: vec![],
        });
    if let Some(dose) = med.dose.as_deref() {
        let read = read_sig(dose);
        if read.quantity.is_some() {
            schedule.quantity = read.quantity;
        }
    }
    if !med.times.is_empty() {
        schedule.times = med.times.clone();
        sort_times(&mut schedule.times);
    }
    if let Some(h) = med.every_hours {
        schedule.every_hours = Some((h, None));
    }
    schedule.as_needed |= med.as_needed;
    if med.food.is_some() {
        schedule.food = med.food;
    }
    if med.max_per_day.is_some() {
        schedule.max_per_day = med.max_per_day.clone();
    }
    schedule
}

/// Reads one directions string.
pub fn read_sig(sig: &str) -> Schedule {
    let lower = sig.to_lowercase().replace(['(', ')', ',', ';'], " ");
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut s = Schedule {
        quantity: None,
        times: vec![],
        every_hours: None,
        weekly: false,
        as_needed: false,
        as_needed_for: None,
        food: None,
        max_per_day: None,
        unread: vec![],
    };
    let mut i = 0;
    while i < words.len() {
        let rest = &words[i..];
        let used = read_phrase(rest, &mut s);
        if used == 0 {
            s.unread.push(words[i].to_owned());
            i += 1;
        } else {
            i += used;
        }
    }
    sort_times(&mut s.times);
    s.times.dedup();
    s
}

/// Reads the phrase at the start of `w` into `s`; returns how many words it
/// used (0: not understood).
fn read_phrase(w: &[&str], s: &mut Schedule) -> usize {
    let first = w[0].trim_end_matches('.');
    let next = w.get(1).map(|x| x.trim_end_matches('.'));
    // A number, with the unit glued on ("2puffs") or as the next word.
    if let Some(amount) = number(first) {
        if let Some(unit) = next.and_then(DoseUnit::parse) {
            s.quantity = Some(Quantity { amount, unit });
            return 2;
        }
        let digits = first.trim_end_matches(|c: char| c.is_alphabetic());
        if let Some(unit) = DoseUnit::parse(&first[digits.len()..]) {
            s.quantity = Some(Quantity {
                amount: number(digits).unwrap_or(amount),
                unit,
            });
            return 1;
        }
        // A strength inside directions ("70 mg once weekly") is not a count.
        if matches!(next, Some("mg" | "mcg" | "g" | "gram" | "grams")) {
            return 2;
        }
        if matches!(&first[digits.len()..], "mg" | "mcg" | "g") {
            return 1;
        }
        // "30 min before breakfast": the interval is the label's business.
        if matches!(
            next,
            Some("min" | "mins" | "minutes" | "minute" | "hour" | "hours" | "hr")
        ) && w.get(2) == Some(&"before")
        {
            return 1;
        }
        // "2 times a day", "3 times daily"
        if next == Some("times") || next == Some("x") {
            let per = w.get(2).map(|x| x.trim_end_matches('.'));
            let used = match (per, w.get(3).map(|x| x.trim_end_matches('.'))) {
                (Some("a" | "per"), Some("day")) => 4,
                (Some("daily"), _) => 3,
                _ => return 0,
            };
            s.times = times_for_count(amount as u32);
            return used;
        }
        return 0;
    }
    if let Some(words) = phrase_times(w, s) {
        return words;
    }
    match first {
        "po" | "orally" | "sl" | "sublingually" | "inh" | "inhaled" | "top" | "topically"
        | "subq" | "sc" | "sq" | "im" | "pr" | "ou" | "od" | "os" | "ea" | "each" | "nostril"
        | "eye" | "eyes" | "take" | "use" | "inhale" | "instill" | "apply" | "chew" | "give"
        | "and" | "then" | "to" | "skin" | "affected" | "area" | "in" | "the" => 1,
        "by" if next == Some("mouth") => 2,
        "prn" | "p.r.n." => {
            s.as_needed = true;
            1 + as_needed_reason(&w[1..], s)
        }
        "as" if next == Some("needed") => {
            s.as_needed = true;
            2 + as_needed_reason(&w[2..], s)
        }
        "if" if next == Some("needed") => {
            s.as_needed = true;
            2 + as_needed_reason(&w[2..], s)
        }
        "with" => with_meal(&w[1..], s).map_or(0, |n| n + 1),
        "wc" | "pc" => {
            s.food = Some(Food::WithFood);
            1
        }
        "ac" => {
            s.food = Some(Food::EmptyStomach);
            1
        }
        "on" if next == Some("an") && w.get(2) == Some(&"empty") => {
            s.food = Some(Food::EmptyStomach);
            if w.get(3).is_some_and(|x| x.starts_with("stomach")) {
                4
            } else {
                3
            }
        }
        "before" => before_meal(&w[1..], s).map_or(0, |n| n + 1),
        "min" | "mins" | "minutes" | "minute" | "hour" | "hours" | "hr" | "hrs"
            if w.get(1) == Some(&"before") =>
        {
            before_meal(&w[2..], s).map_or(0, |n| n + 2)
        }
        "max" | "maximum" | "not" | "do" => max_phrase(w, s),
        _ => 0,
    }
}

/// Frequencies and times of day.
fn phrase_times(w: &[&str], s: &mut Schedule) -> Option<usize> {
    use DoseTime::*;
    let first = w[0].trim_end_matches('.');
    let next = w.get(1).map(|x| x.trim_end_matches('.'));
    let set = |s: &mut Schedule, t: &[DoseTime]| s.times.extend_from_slice(t);
    let used = match (first, next) {
        ("qd" | "daily" | "qday" | "od", _) => {
            set(s, &[Morning]);
            1
        }
        ("once", Some("a")) if w.get(2) == Some(&"week") => {
            s.weekly = true;
            3
        }
        ("once", Some("daily" | "a")) | ("every", Some("day")) => {
            set(s, &[Morning]);
            if next == Some("a") { 3 } else { 2 }
        }
        ("qam" | "qm", _) => {
            set(s, &[Morning]);
            1
        }
        ("every" | "in" | "each", Some("morning")) | ("in", Some("am")) => {
            set(s, &[Morning]);
            2
        }
        ("qpm", _) => {
            set(s, &[Evening]);
            1
        }
        ("every" | "in" | "each", Some("evening")) | ("in", Some("pm")) => {
            set(s, &[Evening]);
            2
        }
        ("qhs" | "hs", _) => {
            set(s, &[Bedtime]);
            1
        }
        ("at", Some("bedtime" | "night")) | ("every", Some("night")) => {
            set(s, &[Bedtime]);
            2
        }
        ("at", Some("noon")) => {
            set(s, &[Noon]);
            2
        }
        ("bid" | "b.i.d.", _) | ("twice", Some("daily")) => {
            set(s, &[Morning, Evening]);
            if first == "twice" { 2 } else { 1 }
        }
        ("twice", Some("a")) => {
            set(s, &[Morning, Evening]);
            3
        }
        ("tid" | "t.i.d.", _) => {
            set(s, &[Morning, Noon, Evening]);
            1
        }
        ("qid" | "q.i.d.", _) => {
            set(s, &[Morning, Noon, Evening, Bedtime]);
            1
        }
        ("weekly" | "qwk" | "qweek", _) => {
            s.weekly = true;
            1
        }
        ("once", Some("weekly")) | ("every", Some("week")) => {
            s.weekly = true;
            2
        }
        ("every", Some(n))
            if number(n).is_some() && w.get(2).is_some_and(|h| h.starts_with("hour")) =>
        {
            s.every_hours = Some((number(n)? as u32, None));
            3
        }
        ("every", Some(range))
            if range.contains('-') && w.get(2).is_some_and(|h| h.starts_with("hour")) =>
        {
            s.every_hours = Some(hour_range(range)?);
            3
        }
        (q, _) if q.starts_with('q') && q.ends_with('h') && q.len() > 2 => {
            let inner = &q[1..q.len() - 1];
            s.every_hours = Some(hour_range(inner)?);
            1
        }
        _ => return None,
    };
    Some(used)
}

/// The meal a dose goes with, and the time of day it sets: "breakfast",
/// "evening meal", "meals". Returns the words used and the time, if any.
fn meal(w: &[&str]) -> Option<(usize, Option<DoseTime>)> {
    let first = w.first()?.trim_end_matches('.');
    let second = w.get(1).map(|x| x.trim_end_matches('.'));
    Some(match (first, second) {
        ("breakfast", _) => (1, Some(DoseTime::Morning)),
        ("lunch", _) => (1, Some(DoseTime::Noon)),
        ("dinner" | "supper", _) => (1, Some(DoseTime::Evening)),
        ("evening" | "night", Some("meal")) => (2, Some(DoseTime::Evening)),
        ("morning", Some("meal")) => (2, Some(DoseTime::Morning)),
        ("a" | "the", Some("meal")) => (2, None),
        ("meals" | "meal" | "food", _) => (1, None),
        _ => return None,
    })
}

/// After "with": a meal, meaning with food (and at that meal's time).
fn with_meal(w: &[&str], s: &mut Schedule) -> Option<usize> {
    let (used, time) = meal(w)?;
    s.food = Some(Food::WithFood);
    if let Some(t) = time
        && !s.times.contains(&t)
        && s.times.len() <= 1
    {
        s.times = vec![t];
    }
    Some(used)
}

/// After "before" (or "30 min before"): a meal, meaning an empty stomach.
fn before_meal(w: &[&str], s: &mut Schedule) -> Option<usize> {
    let (used, time) = meal(w)?;
    s.food = Some(Food::EmptyStomach);
    if let (Some(t), true) = (time, s.times.is_empty()) {
        s.times = vec![t];
    }
    Some(used)
}

/// "4" or "4-6" → (4, None) or (4, Some(6)).
fn hour_range(text: &str) -> Option<(u32, Option<u32>)> {
    match text.split_once('-') {
        Some((a, b)) => Some((a.parse().ok()?, Some(b.parse().ok()?))),
        None => Some((text.parse().ok().filter(|h| *h > 0)?, None)),
    }
}

/// After "prn": the reason, up to a word that starts another phrase.
fn as_needed_reason(w: &[&str], s: &mut Schedule) -> usize {
    let mut w = w;
    let mut used = 0;
    if w.first() == Some(&"for") {
        w = &w[1..];
        used += 1;
    }
    let stops = [
        "max", "maximum", "not", "do", "with", "wc", "pc", "ac", "qhs", "at", "every",
    ];
    let reason: Vec<&str> = w
        .iter()
        .take_while(|x| !stops.contains(x) && number(x).is_none())
        .map(|x| x.trim_end_matches('.'))
        .collect();
    if reason.is_empty() {
        return 0;
    }
    s.as_needed_for = Some(reason.join(" "));
    used + reason.len()
}

/// "max 8/day", "max 8 tabs per day", "not to exceed 4 doses in 24 hours".
fn max_phrase(w: &[&str], s: &mut Schedule) -> usize {
    let end = w
        .iter()
        .position(|x| x.contains("day") || x.starts_with("24"))
        .map(|p| if w[p].starts_with("24") { p + 2 } else { p + 1 })
        .unwrap_or(0)
        .min(w.len());
    if end == 0 || end > 8 {
        return 0;
    }
    s.max_per_day = Some(w[..end].join(" "));
    end
}

fn number(word: &str) -> Option<f64> {
    let word = word.trim_end_matches('.');
    match word {
        "one" | "i" => return Some(1.0),
        "two" | "ii" => return Some(2.0),
        "three" | "iii" => return Some(3.0),
        "half" | "½" => return Some(0.5),
        _ => {}
    }
    if let Some((a, b)) = word.split_once('/') {
        let (a, b): (f64, f64) = (a.parse().ok()?, b.parse().ok()?);
        return (b != 0.0).then_some(a / b);
    }
    let digits = word.trim_end_matches(|c: char| c.is_alphabetic());
    digits.parse().ok().filter(|n: &f64| *n > 0.0)
}

fn times_for_count(n: u32) -> Vec<DoseTime> {
    use DoseTime::*;
    match n {
        1 => vec![Morning],
        2 => vec![Morning, Evening],
        3 => vec![Morning, Noon, Evening],
        _ => vec![Morning, Noon, Evening, Bedtime],
    }
}

/// Orders dose times through the day; clock times sit by their hour.
pub fn sort_times(times: &mut [DoseTime]) {
    times.sort_by_key(|t| match t {
        DoseTime::Morning => 8 * 60,
        DoseTime::Noon => 12 * 60,
        DoseTime::Evening => 18 * 60,
        DoseTime::Bedtime => 22 * 60,
        DoseTime::At(ClockTime { hour, minute }) => u32::from(*hour) * 60 + u32::from(*minute),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use DoseTime::*;

    fn q(amount: f64, unit: DoseUnit) -> Option<Quantity> {
        Some(Quantity { amount, unit })
    }

    #[test]
    fn reads_common_abbreviations() {
        let s = read_sig("1 tab po bid");
        assert_eq!(s.quantity, q(1.0, DoseUnit::Tablet));
        assert_eq!(s.times, vec![Morning, Evening]);
        assert!(s.understood());

        let s = read_sig("1 cap qhs");
        assert_eq!(s.times, vec![Bedtime]);

        let s = read_sig("1 tab po tid with meals");
        assert_eq!(s.times, vec![Morning, Noon, Evening]);
        assert_eq!(s.food, Some(Food::WithFood));
        assert_eq!(s.doses_per_day(), Some(3));
    }

    #[test]
    fn reads_as_needed_with_interval_and_reason() {
        let s = read_sig("2 puffs q4-6h prn wheeze");
        assert_eq!(s.quantity, q(2.0, DoseUnit::Puff));
        assert_eq!(s.every_hours, Some((4, Some(6))));
        assert!(s.as_needed);
        assert_eq!(s.as_needed_for.as_deref(), Some("wheeze"));
        assert_eq!(s.doses_per_day(), None);
        assert_eq!(s.most_doses_per_day(), Some(6));
        assert_eq!(
            read_sig("30 mL po qhs prn cold symptoms").most_doses_per_day(),
            Some(1)
        );
    }

    #[test]
    fn reads_liquids_and_limits() {
        let s = read_sig("30 mL q6h prn max 4 doses/day");
        assert_eq!(s.quantity, q(30.0, DoseUnit::Ml));
        assert_eq!(s.every_hours, Some((6, None)));
        assert_eq!(s.max_per_day.as_deref(), Some("max 4 doses/day"));
    }

    #[test]
    fn reads_meals_as_food_and_time() {
        let s = read_sig("2 tabs po qd with evening meal");
        assert_eq!(s.times, vec![Evening]);
        assert_eq!(s.food, Some(Food::WithFood));
        assert!(s.understood());
        let s = read_sig("1 cap po qam 30 min before breakfast");
        assert_eq!(s.times, vec![Morning]);
        assert_eq!(s.food, Some(Food::EmptyStomach));
        assert!(s.understood(), "{:?}", s.unread);
        let s = read_sig("1 tab bid with meals");
        assert_eq!(s.times, vec![Morning, Evening]);
    }

    #[test]
    fn keeps_what_it_cannot_read() {
        let s = read_sig("1 tab po per sliding scale");
        assert!(!s.understood());
        assert!(s.unread.contains(&"sliding".to_owned()));
    }

    #[test]
    fn weekly_doses_are_not_daily() {
        let s = read_sig("70 mg tab once weekly");
        assert!(s.weekly);
        assert_eq!(s.doses_per_day(), None);
    }
}

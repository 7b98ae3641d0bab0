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
    pub fn parse(word: &str) -> Option<DoseUnit> {
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

/// How long a course lasts, as written: "x 10 days", "for 2 weeks".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Course {
    pub count: u32,
    pub weeks: bool,
}

impl Course {
    /// The course in days.
    pub fn days(self) -> u32 {
        if self.weeks {
            self.count * 7
        } else {
            self.count
        }
    }
}

/// Where drops or sprays go, when the directions say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Site {
    RightEye,
    LeftEye,
    BothEyes,
    EachNostril,
}

/// "ac", "before meals", "30 min before breakfast": taken before a meal,
/// restated with the timing as written (never an invented interval).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BeforeMeal {
    pub minutes: Option<u32>,
    /// Breakfast (morning), lunch (noon) or dinner (evening); `None` for
    /// any meal.
    pub meal: Option<DoseTime>,
}

/// One step of a taper or a loading dose: "4 tabs daily x 3 days", "2 tabs
/// on day 1".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The first day of the step, counting the first day of the course as 1.
    pub first_day: u32,
    /// How many days it lasts; `None` for a last step that goes on.
    pub days: Option<u32>,
    pub quantity: Option<Quantity>,
    /// "40 mg" when the step gives an amount by weight and no count.
    pub mass: Option<Mass>,
    /// Fixed times of day; empty for a single dose on a one-day step.
    pub times: Vec<DoseTime>,
}

/// An amount by weight written in directions: "40 mg".
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Mass {
    pub amount: f64,
    /// "mg", "mcg" or "g".
    pub unit: &'static str,
}

/// When and how a medicine is taken, read from `sig` or the structured
/// fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Schedule {
    pub quantity: Option<Quantity>,
    /// Fixed times of day, in the order of the day.
    pub times: Vec<DoseTime>,
    /// Whether the directions name the times ("qam", "at bedtime", "with
    /// breakfast", `times`) rather than only a count ("bid"), whose times
    /// here are the usual ones.
    pub times_named: bool,
    /// "every N hours" (N, or N to M for "q4-6h").
    pub every_hours: Option<(u32, Option<u32>)>,
    /// Taken once a week rather than daily.
    pub weekly: bool,
    /// The day of a weekly dose, 0 = Monday.
    pub weekday: Option<u8>,
    /// "x 10 days", "for 2 weeks": how long to take it.
    pub course: Option<Course>,
    pub as_needed: bool,
    /// "prn wheeze" → "wheeze".
    pub as_needed_for: Option<String>,
    pub food: Option<Food>,
    pub before_meal: Option<BeforeMeal>,
    pub site: Option<Site>,
    /// "max 8/day" or `max_per_day`.
    pub max_per_day: Option<String>,
    /// A taper or loading dose, step by step ("4 tabs daily x 3 days, then
    /// 3 tabs daily x 3 days"); empty for a single schedule. When it is not
    /// empty, `quantity`, `times` and `course` are not set: each step has its
    /// own.
    pub steps: Vec<Step>,
    /// Words of the directions that could not be read.
    pub unread: Vec<String>,
}

impl Schedule {
    /// Whether the directions were read completely, so they can be restated.
    pub fn understood(&self) -> bool {
        self.unread.is_empty()
            && (!self.steps.is_empty()
                || self.as_needed
                || self.weekly
                || !self.times.is_empty()
                || self.every_hours.is_some())
    }

    /// Scheduled doses in a day (as-needed doses not counted).
    pub fn doses_per_day(&self) -> Option<u32> {
        if self.as_needed || self.weekly || !self.steps.is_empty() {
            return None;
        }
        if !self.times.is_empty() {
            return Some(self.times.len() as u32);
        }
        // "every 8 hours" is 3 doses; "every 5 hours" or "every 48 hours"
        // does not fit a daily count.
        self.every_hours
            .and_then(|(h, _)| (h <= 24 && 24 % h == 0).then_some(24 / h))
    }

    /// The amount taken in a day as scheduled ("2 tablets" at 3 times: 6
    /// tablets), when both are known.
    pub fn amount_per_day(&self) -> Option<Quantity> {
        let q = self.quantity?;
        let doses = self.doses_per_day()?;
        Some(Quantity {
            amount: q.amount * f64::from(doses),
            unit: q.unit,
        })
    }

    /// The most doses in a day, for daily totals: scheduled, or for as-needed
    /// use the shortest interval.
    pub fn most_doses_per_day(&self) -> Option<u32> {
        if self.weekly {
            return None;
        }
        if !self.steps.is_empty() {
            return self.steps.iter().map(|s| s.times.len().max(1) as u32).max();
        }
        if self.as_needed && !self.times.is_empty() {
            // "1 at bedtime if needed": at most the times named.
            return Some(self.times.len() as u32);
        }
        self.doses_per_day().or_else(|| {
            self.as_needed
                .then_some(self.every_hours.map(|(h, _)| 24 / h.clamp(1, 24)))
                .flatten()
        })
    }
}

impl Schedule {
    /// The most taken in one day, in dose units: scheduled doses times the
    /// amount, the highest step of a taper, or for as-needed use the most
    /// the interval allows.
    pub fn most_per_day(&self) -> Option<Quantity> {
        if self.steps.is_empty() {
            let q = self.quantity?;
            let doses = self.most_doses_per_day()?;
            return Some(Quantity {
                amount: q.amount * f64::from(doses),
                unit: q.unit,
            });
        }
        let unit = self.steps.first()?.quantity?.unit;
        self.steps
            .iter()
            .map(|s| {
                let q = s.quantity.filter(|q| q.unit == unit)?;
                Some(q.amount * s.times.len().max(1) as f64)
            })
            .try_fold(0.0_f64, |most, day| Some(most.max(day?)))
            .map(|amount| Quantity { amount, unit })
    }

    /// How many days the whole taper lasts, when its last step ends.
    pub fn taper_days(&self) -> Option<u32> {
        let last = self.steps.last()?;
        Some(last.first_day + last.days? - 1)
    }
}

/// Builds the schedule of a medication: structured fields win over `sig`,
/// and fill what `sig` leaves out.
pub fn schedule_of(med: &Medication) -> Schedule {
    let mut schedule = med.sig.as_deref().map(read_sig).unwrap_or_default();
    if let Some(dose) = med.dose.as_deref() {
        let read = read_sig(dose);
        if read.quantity.is_some() {
            schedule.quantity = read.quantity;
        }
    }
    if !med.times.is_empty() {
        schedule.times = med.times.clone();
        schedule.times_named = true;
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
    let undotted = words_of(sig);
    let words: Vec<&str> = undotted.iter().map(String::as_str).collect();
    if words.contains(&"then") {
        return read_steps(&words).unwrap_or_else(|| {
            let mut schedule = read_words(&words);
            schedule
                .unread
                .push("(steps that could not all be read)".into());
            schedule
        });
    }
    let schedule = read_words(&words);
    if !schedule.understood() && sig.contains(',') {
        // "6 tabs day 1, 5 tabs day 2, …": steps between commas.
        let separated = words_of(&sig.replace(',', " then "));
        let separated: Vec<&str> = separated.iter().map(String::as_str).collect();
        if let Some(steps) = read_steps(&separated) {
            return steps;
        }
    }
    schedule
}

/// Lowercase words without punctuation; "t.i.d." is "tid".
fn words_of(sig: &str) -> Vec<String> {
    let lower = sig.to_lowercase().replace(['(', ')', ',', ';'], " ");
    lower
        .split_whitespace()
        .map(|w| {
            let w = w.trim_end_matches('.');
            let dotted = w.len() > 2
                && w.split('.')
                    .all(|p| p.len() == 1 && p.chars().all(char::is_alphabetic));
            if dotted {
                w.replace('.', "")
            } else {
                w.to_owned()
            }
        })
        .collect()
}

/// Reads directions without steps.
fn read_words(words: &[&str]) -> Schedule {
    let mut reading = Reading::default();
    let mut i = 0;
    while i < words.len() {
        match reading.phrase(&words[i..]) {
            0 => {
                reading.unread.push(words[i].to_owned());
                i += 1;
            }
            used => i += used,
        }
    }
    reading.finish()
}

/// Reads a taper or loading dose: steps joined by "then", each with its
/// own amount, frequency and length ("x 3 days", "on day 1", "on days
/// 2-5"), optionally ending in "stop". Every step but an ongoing last one
/// must say how long it lasts, and stated day numbers must follow on; any
/// doubt and the whole directions are left not understood.
fn read_steps(words: &[&str]) -> Option<Schedule> {
    let mut parts: Vec<&[&str]> = words.split(|w| *w == "then").collect();
    let stop = |p: &[&str]| {
        p.iter()
            .all(|w| matches!(*w, "stop" | "discontinue" | "off" | "and" | "taking"))
            && !p.is_empty()
    };
    let stops = parts.last().is_some_and(|p| stop(p));
    if stops {
        parts.pop();
    }
    if let [only] = parts[..]
        && stops
    {
        // "1/2 tab qhs x 1 week then stop": one course, not a taper.
        let schedule = read_words(only);
        return schedule.course.is_some().then_some(schedule);
    }
    if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut steps: Vec<Step> = Vec::new();
    let mut food = None;
    let mut before_meal = None;
    let mut site = None;
    let count = parts.len();
    for (i, part) in parts.into_iter().enumerate() {
        let mut reading = Reading::default();
        let mut at = 0;
        while at < part.len() {
            match reading.phrase(&part[at..]) {
                0 => return None,
                used => at += used,
            }
        }
        let mass = reading.mass;
        let days_named = reading.days.take();
        let step = reading.finish();
        let previous = steps.last();
        let first_day = previous.map_or(1, |p| p.first_day + p.days.unwrap_or(0));
        let days = match (step.course, days_named) {
            (Some(_), Some(_)) => return None,
            (Some(course), None) => Some(course.days()),
            (None, Some((from, to))) if from == first_day => Some(to - from + 1),
            (None, Some(_)) => return None,
            (None, None) if i + 1 == count && !stops => None,
            (None, None) => return None,
        };
        let (quantity, mass) = match (step.quantity, mass, previous) {
            (None, None, Some(p)) => (p.quantity, p.mass),
            (q, m, _) => (q, if q.is_some() { None } else { m }),
        };
        let plain = !step.as_needed && !step.weekly && step.every_hours.is_none();
        let once = step.times.is_empty() && days == Some(1);
        if !step.unread.is_empty()
            || !plain
            || (quantity.is_none() && mass.is_none())
            || (step.times.is_empty() && !once)
        {
            return None;
        }
        match (food, step.food) {
            (Some(a), Some(b)) if a != b => return None,
            (_, Some(b)) => food = Some(b),
            _ => {}
        }
        if step.before_meal.is_some() {
            before_meal = step.before_meal;
        }
        if step.site.is_some() {
            site = step.site;
        }
        steps.push(Step {
            first_day,
            days,
            quantity,
            mass,
            times: step.times,
        });
    }
    Some(Schedule {
        food,
        before_meal,
        site,
        steps,
        ..Schedule::default()
    })
}

/// What the reader has gathered from a directions string so far.
#[derive(Default)]
struct Reading {
    quantity: Option<Quantity>,
    /// Two different amounts ("1 tab qam and 2 tabs qhs"): not restated.
    quantities_differ: bool,
    /// "daily", "bid", "3 times a day": how many doses, times not named.
    count: Option<u32>,
    /// Times named: "at bedtime", "qam", "with breakfast".
    named: Vec<DoseTime>,
    every_hours: Option<(u32, Option<u32>)>,
    weekly: bool,
    weekday: Option<u8>,
    course: Option<Course>,
    as_needed: bool,
    as_needed_for: Option<String>,
    food: Option<Food>,
    before_meal: Option<BeforeMeal>,
    /// "30 min" read just before "before".
    minutes_before: Option<u32>,
    site: Option<Site>,
    max_per_day: Option<String>,
    /// "40 mg": the last amount by weight, for the steps of a taper.
    mass: Option<Mass>,
    /// "on day 1", "days 2-5": the days of a step, first and last.
    days: Option<(u32, u32)>,
    unread: Vec<String>,
}

impl Reading {
    /// Settles the times: named times win over a bare count ("daily at
    /// bedtime" is once, at bedtime); a count that disagrees with the times
    /// named leaves the directions not understood.
    fn finish(mut self) -> Schedule {
        let times_named = !self.named.is_empty();
        let mut times = match (self.count, self.named.len()) {
            (None, _) => self.named,
            (Some(n), 0) => times_for_count(n),
            (Some(n), k) if n as usize == k => self.named,
            (Some(n), k) => {
                self.unread
                    .push(format!("({n} doses a day, but {k} times of day named)"));
                self.named
            }
        };
        sort_times(&mut times);
        times.dedup();
        if let Some((from, to)) = self.days {
            // "days 1-21" outside a taper: a cycle the schedule cannot hold.
            self.unread.push(format!("(days {from} to {to})"));
        }
        if self.quantities_differ {
            self.unread
                .push("(different amounts at different times)".into());
        }
        Schedule {
            quantity: self.quantity,
            times,
            times_named,
            every_hours: self.every_hours,
            weekly: self.weekly,
            weekday: self.weekday,
            course: self.course,
            as_needed: self.as_needed,
            as_needed_for: self.as_needed_for,
            food: self.food,
            before_meal: self.before_meal,
            site: self.site,
            max_per_day: self.max_per_day,
            steps: Vec::new(),
            unread: self.unread,
        }
    }

    fn set_quantity(&mut self, q: Quantity) {
        match self.quantity {
            Some(old) if old != q => self.quantities_differ = true,
            _ => self.quantity = Some(q),
        }
    }

    fn set_count(&mut self, n: u32) {
        match self.count {
            Some(old) if old != n => self.unread.push(format!("({old} or {n} doses a day?)")),
            _ => self.count = Some(n),
        }
    }

    fn name_time(&mut self, t: DoseTime) {
        self.named.push(t);
    }

    /// Reads the phrase at the start of `w`; returns how many words it used
    /// (0: not understood).
    fn phrase(&mut self, w: &[&str]) -> usize {
        let first = w[0];
        let next = w.get(1).copied();
        if let Some(amount) = number(first) {
            return self.after_number(amount, w);
        }
        if let Some(used) = self.frequency(w) {
            return used;
        }
        if let Some(used) = self.duration(w) {
            return used;
        }
        if let Some(used) = self.weekday(w) {
            return used;
        }
        if let Some(used) = self.day_numbers(w) {
            return used;
        }
        match first {
            "od" | "os" | "ou" => {
                self.site = Some(match first {
                    "od" => Site::RightEye,
                    "os" => Site::LeftEye,
                    _ => Site::BothEyes,
                });
                1
            }
            "each" | "both" | "in" | "into"
                if matches!(
                    w.get(1).copied(),
                    Some("eye" | "eyes" | "nostril" | "nostrils")
                ) || (matches!(w.get(1).copied(), Some("each" | "both"))
                    && matches!(
                        w.get(2).copied(),
                        Some("eye" | "eyes" | "nostril" | "nostrils")
                    )) =>
            {
                let (used, place) = if matches!(next, Some("each" | "both")) {
                    (3, w[2])
                } else {
                    (2, w[1])
                };
                self.site = Some(if place.starts_with("nostril") {
                    Site::EachNostril
                } else {
                    Site::BothEyes
                });
                used
            }
            "po" | "orally" | "sl" | "sublingually" | "inh" | "inhaled" | "top" | "topically"
            | "subq" | "sc" | "sq" | "im" | "pr" | "take" | "use" | "inhale" | "instill"
            | "apply" | "chew" | "give" | "and" | "to" | "skin" | "affected" | "area" | "the" => 1,
            "by" if next == Some("mouth") => 2,
            // "70 mg tab once weekly": a bare unit is one of it.
            word if self.quantity.is_none() && DoseUnit::parse(word).is_some() => {
                if let Some(unit) = DoseUnit::parse(word) {
                    self.set_quantity(Quantity { amount: 1.0, unit });
                }
                1
            }
            "prn" => {
                self.as_needed = true;
                1 + self.reason(&w[1..])
            }
            "as" | "if" if next == Some("needed") => {
                self.as_needed = true;
                2 + self.reason(&w[2..])
            }
            "with" => self.with_meal(&w[1..]).map_or(0, |n| n + 1),
            "wc" | "pc" => {
                self.food = Some(Food::WithFood);
                1
            }
            "ac" => {
                self.before_meal = Some(BeforeMeal {
                    minutes: None,
                    meal: None,
                });
                1
            }
            "on" if next == Some("an") && w.get(2) == Some(&"empty") => {
                self.food = Some(Food::EmptyStomach);
                if w.get(3).is_some_and(|x| x.starts_with("stomach")) {
                    4
                } else {
                    3
                }
            }
            "before" => self.before_meal(&w[1..]).map_or(0, |n| n + 1),
            "max" | "maximum" | "not" | "do" => self.max_phrase(w),
            _ => 0,
        }
    }

    /// "2 tabs", "2puffs", "70 mg" (a strength, not a count), "30 min
    /// before", "3 times a day".
    fn after_number(&mut self, amount: f64, w: &[&str]) -> usize {
        let first = w[0];
        let next = w.get(1).copied();
        if let Some(unit) = next.and_then(DoseUnit::parse) {
            self.set_quantity(Quantity { amount, unit });
            return 2;
        }
        let digits = first.trim_end_matches(|c: char| c.is_alphabetic());
        let glued = &first[digits.len()..];
        if let Some(unit) = DoseUnit::parse(glued) {
            self.set_quantity(Quantity { amount, unit });
            return 1;
        }
        let mass_unit = |word: &str| match word {
            "mg" => Some("mg"),
            "mcg" => Some("mcg"),
            "g" | "gram" | "grams" => Some("g"),
            _ => None,
        };
        if let Some(unit) = next.and_then(mass_unit) {
            self.mass = Some(Mass { amount, unit });
            return 2;
        }
        if let Some(unit) = mass_unit(glued) {
            self.mass = Some(Mass { amount, unit });
            return 1;
        }
        if let Some(per) = match next {
            Some("min" | "mins" | "minutes" | "minute") => Some(1.0),
            Some("hour" | "hours" | "hr" | "hrs") => Some(60.0),
            _ => None,
        } && w.get(2) == Some(&"before")
        {
            self.minutes_before = Some((amount * per) as u32);
            return 2;
        }
        if matches!(next, Some("times" | "x")) {
            let used = match (w.get(2).copied(), w.get(3).copied()) {
                (Some("a" | "per"), Some("day")) => 4,
                (Some("daily"), _) => 3,
                _ => return 0,
            };
            // More than 4 times a day does not fit the four times of day.
            if amount.fract() != 0.0 || !(1.0..=4.0).contains(&amount) {
                return 0;
            }
            self.set_count(amount as u32);
            return used;
        }
        0
    }

    /// Frequencies and times of day; `None` when `w` starts with neither.
    fn frequency(&mut self, w: &[&str]) -> Option<usize> {
        use DoseTime::*;
        let first = w[0];
        let next = w.get(1).copied();
        let third = w.get(2).copied();
        let used = match (first, next) {
            ("qd" | "daily" | "qday", _) => {
                self.set_count(1);
                1
            }
            ("once", Some("daily")) | ("every", Some("day")) => {
                self.set_count(1);
                2
            }
            ("once", Some("a")) if third == Some("day") => {
                self.set_count(1);
                3
            }
            ("bid", _) => {
                self.set_count(2);
                1
            }
            ("twice", Some("daily")) => {
                self.set_count(2);
                2
            }
            ("twice", Some("a")) if third == Some("day") => {
                self.set_count(2);
                3
            }
            ("tid", _) => {
                self.set_count(3);
                1
            }
            ("qid", _) => {
                self.set_count(4);
                1
            }
            ("qam" | "qm", _) => {
                self.name_time(Morning);
                1
            }
            ("in", Some("the")) if matches!(third, Some("morning" | "evening" | "afternoon")) => {
                self.name_time(if third == Some("morning") {
                    Morning
                } else {
                    Evening
                });
                3
            }
            ("every" | "in" | "each", Some("morning")) | ("in", Some("am")) => {
                self.name_time(Morning);
                2
            }
            ("at", Some("noon")) => {
                self.name_time(Noon);
                2
            }
            ("qpm", _) => {
                self.name_time(Evening);
                1
            }
            ("every" | "in" | "each", Some("evening")) | ("in", Some("pm")) => {
                self.name_time(Evening);
                2
            }
            ("qhs" | "hs", _) => {
                self.name_time(Bedtime);
                1
            }
            ("at", Some("bedtime" | "night")) | ("every", Some("night")) => {
                self.name_time(Bedtime);
                2
            }
            ("at", Some(clock)) if ClockTime::parse(clock).is_some() => {
                self.name_time(At(ClockTime::parse(clock)?));
                2
            }
            (clock, _) if clock.contains(':') && ClockTime::parse(clock).is_some() => {
                self.name_time(At(ClockTime::parse(clock)?));
                1
            }
            ("weekly" | "qwk" | "qweek", _) => {
                self.weekly = true;
                1
            }
            ("once", Some("weekly")) | ("every", Some("week")) => {
                self.weekly = true;
                2
            }
            ("once", Some("a")) if third == Some("week") => {
                self.weekly = true;
                3
            }
            ("every", Some(n)) if third.is_some_and(|h| h.starts_with("hour")) => {
                self.every_hours = Some(hour_range(n)?);
                3
            }
            (q, _) if q.len() > 2 && q.starts_with('q') && q.ends_with('h') => {
                self.every_hours = Some(hour_range(&q[1..q.len() - 1])?);
                1
            }
            _ => return None,
        };
        Some(used)
    }

    /// "x 10 days", "x10d", "for 2 weeks", "x 1 week".
    fn duration(&mut self, w: &[&str]) -> Option<usize> {
        // "x 10 days" / "for 10 days": the count is the next word;
        // "x10d" / "x10 days": glued to the x.
        let (word, mut used) = match w[0] {
            "x" | "for" => (*w.get(1)?, 2),
            x if x.len() > 1 && x.starts_with('x') => (&x[1..], 1),
            _ => return None,
        };
        let digits = &word[..word
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(word.len())];
        let n: u32 = digits.parse().ok().filter(|n| *n > 0)?;
        let unit = match &word[digits.len()..] {
            "" => {
                used += 1;
                *w.get(used - 1)?
            }
            glued => glued,
        };
        self.course = Some(match unit {
            "d" | "day" | "days" => Course {
                count: n,
                weeks: false,
            },
            "wk" | "wks" | "week" | "weeks" => Course {
                count: n,
                weeks: true,
            },
            _ => return None,
        });
        Some(used)
    }

    /// "on Monday", "every Monday", "mondays": the day of a weekly dose.
    fn weekday(&mut self, w: &[&str]) -> Option<usize> {
        const DAYS: [&str; 7] = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        let (word, used) = match w[0] {
            "on" | "every" => (*w.get(1)?, 2),
            other => (other, 1),
        };
        let day = DAYS.iter().position(|d| word.trim_end_matches('s') == *d)?;
        self.weekday = Some(day as u8);
        self.weekly = true;
        Some(used)
    }

    /// "on day 1", "day 1", "on days 2-5", "days 2 to 5": the days of one
    /// step of a course.
    fn day_numbers(&mut self, w: &[&str]) -> Option<usize> {
        let skip = usize::from(w[0] == "on");
        let day = *w.get(skip)?;
        let value = |s: &str| s.parse::<u32>().ok().filter(|n| *n > 0);
        let (range, used) = match day {
            "day" => ((value(w.get(skip + 1)?)?, None), skip + 2),
            "days" => match (w.get(skip + 1)?.split_once('-'), w.get(skip + 2)) {
                (Some((a, b)), _) => ((value(a)?, Some(value(b)?)), skip + 2),
                (None, Some(&"to" | &"through")) => (
                    (value(w[skip + 1])?, Some(value(w.get(skip + 3)?)?)),
                    skip + 4,
                ),
                _ => return None,
            },
            _ => return None,
        };
        let (from, to) = (range.0, range.1.unwrap_or(range.0));
        if to < from {
            return None;
        }
        self.days = Some((from, to));
        Some(used)
    }

    /// After "prn": the reason, up to a word that starts another phrase.
    fn reason(&mut self, w: &[&str]) -> usize {
        let (skip, w) = match w.first() {
            Some(&"for") => (1, &w[1..]),
            _ => (0, w),
        };
        let stops = [
            "max", "maximum", "not", "do", "with", "wc", "pc", "ac", "before", "and", "x", "for",
        ];
        let len = (0..w.len())
            .find(|&i| {
                stops.contains(&w[i])
                    || number(w[i]).is_some()
                    || Reading::default().frequency(&w[i..]).is_some()
            })
            .unwrap_or(w.len());
        if len == 0 {
            return 0;
        }
        self.as_needed_for = Some(w[..len].join(" "));
        skip + len
    }

    /// After "with": a meal, meaning with food (and at that meal's time).
    fn with_meal(&mut self, w: &[&str]) -> Option<usize> {
        let (mut used, time) = meal(w)?;
        self.food = Some(Food::WithFood);
        if let Some(t) = time {
            self.name_time(t);
        }
        // "with breakfast and dinner"
        while w.get(used) == Some(&"and") {
            let Some((more, Some(t))) = meal(&w[used + 1..]) else {
                break;
            };
            self.name_time(t);
            used += 1 + more;
        }
        Some(used)
    }

    /// After "before" (or "30 min before"): a meal, meaning an empty
    /// stomach.
    fn before_meal(&mut self, w: &[&str]) -> Option<usize> {
        let (used, time) = meal(w)?;
        self.before_meal = Some(BeforeMeal {
            minutes: self.minutes_before.take(),
            meal: time,
        });
        if let Some(t) = time {
            self.name_time(t);
        }
        Some(used)
    }

    /// "max 8/day", "max 8 tabs per day", "not to exceed 4 doses in 24 hours".
    fn max_phrase(&mut self, w: &[&str]) -> usize {
        let end = w
            .iter()
            .position(|x| x.contains("day") || x.starts_with("24"))
            .map(|p| if w[p].starts_with("24") { p + 2 } else { p + 1 })
            .unwrap_or(0)
            .min(w.len());
        if end == 0 || end > 8 {
            return 0;
        }
        self.max_per_day = Some(w[..end].join(" "));
        end
    }
}

/// The meal a dose goes with, and the time of day it sets: "breakfast",
/// "evening meal", "meals". Returns the words used and the time, if any.
fn meal(w: &[&str]) -> Option<(usize, Option<DoseTime>)> {
    Some(match (*w.first()?, w.get(1).copied()) {
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

/// "4" or "4-6" → (4, None) or (4, Some(6)).
fn hour_range(text: &str) -> Option<(u32, Option<u32>)> {
    let positive = |s: &str| s.parse::<u32>().ok().filter(|h| *h > 0);
    match text.split_once('-') {
        Some((a, b)) => Some((positive(a)?, Some(positive(b)?))),
        None => Some((positive(text)?, None)),
    }
}

fn number(word: &str) -> Option<f64> {
    match word {
        "one" | "i" => return Some(1.0),
        "two" | "ii" => return Some(2.0),
        "three" | "iii" => return Some(3.0),
        "half" | "½" => return Some(0.5),
        _ => {}
    }
    if let Some((a, b)) = word.split_once('/') {
        let (a, b): (f64, f64) = (a.parse().ok()?, b.parse().ok()?);
        return (b != 0.0 && a > 0.0).then_some(a / b);
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
        // The timing is kept as written, never turned into another.
        assert_eq!(
            s.before_meal,
            Some(BeforeMeal {
                minutes: Some(30),
                meal: Some(Morning)
            })
        );
        assert_eq!(s.food, None);
        assert!(s.understood(), "{:?}", s.unread);
        let s = read_sig("1 tab bid with meals");
        assert_eq!(s.times, vec![Morning, Evening]);
    }

    #[test]
    fn a_named_time_replaces_a_bare_count() {
        // Once a day at bedtime is one dose, not morning and bedtime.
        assert_eq!(read_sig("1 tab daily at bedtime").times, vec![Bedtime]);
        assert_eq!(
            read_sig("1 tab once daily before dinner").times,
            vec![Evening]
        );
        let s = read_sig("1 tab with breakfast and 1 tab with dinner");
        assert_eq!(s.times, vec![Morning, Evening]);
        assert!(s.understood());
        // A count that disagrees with the times named is not restated.
        assert!(!read_sig("1 tab bid at bedtime").understood());
    }

    #[test]
    fn never_reads_other_intervals_as_daily() {
        for sig in [
            "1 tab once a month",
            "1 tab twice a week",
            "1 tab 5 times a day",
        ] {
            let s = read_sig(sig);
            assert!(!s.understood(), "{sig} → {s:?}");
        }
        assert!(read_sig("1 tab twice a day").understood());
        // "od" is the right eye, not "once daily".
        assert_eq!(read_sig("1 gtt od qhs").times, vec![Bedtime]);
        assert_eq!(read_sig("1 tab q5h").doses_per_day(), None);
        assert_eq!(read_sig("1 tab q72h").doses_per_day(), None);
        assert_eq!(read_sig("1 tab q8h").doses_per_day(), Some(3));
    }

    #[test]
    fn different_amounts_at_different_times_are_not_restated() {
        let s = read_sig("1 tab qam and 2 tabs qhs");
        assert!(!s.understood());
    }

    #[test]
    fn the_as_needed_reason_stops_at_the_next_phrase() {
        let s = read_sig("1 tab prn nausea q6h");
        assert_eq!(s.as_needed_for.as_deref(), Some("nausea"));
        assert_eq!(s.every_hours, Some((6, None)));
        assert!(s.understood());
        let s = read_sig("1 tab po qhs prn sleep");
        assert_eq!(s.times, vec![Bedtime]);
        assert_eq!(s.as_needed_for.as_deref(), Some("sleep"));
    }

    #[test]
    fn amount_per_day_multiplies_dose_by_times() {
        let day = read_sig("2 tabs po tid").amount_per_day();
        assert_eq!(day, q(6.0, DoseUnit::Tablet));
        assert_eq!(read_sig("2 tabs q6h prn pain").amount_per_day(), None);
    }

    #[test]
    fn reads_durations_and_weekdays() {
        let s = read_sig("1 tab po bid x 10 days");
        assert_eq!((s.course.map(Course::days), s.times.len()), (Some(10), 2));
        assert!(s.understood());
        assert_eq!(read_sig("1 cap tid x7d").course.map(Course::days), Some(7));
        assert_eq!(
            read_sig("1 tab qd for 2 weeks").course.map(Course::days),
            Some(14)
        );
        let s = read_sig("70 mg tab once weekly on Monday");
        assert!(s.weekly && s.understood());
        assert_eq!(s.weekday, Some(0));
    }

    #[test]
    fn reads_tapers_step_by_step() {
        let s = read_sig("4 tabs daily x 3 days, then 3 tabs daily x 3 days, then stop");
        assert!(s.understood(), "{:?}", s.unread);
        let days: Vec<_> = s.steps.iter().map(|s| (s.first_day, s.days)).collect();
        assert_eq!(days, vec![(1, Some(3)), (4, Some(3))]);
        assert_eq!(s.steps[0].quantity, q(4.0, DoseUnit::Tablet));
        assert_eq!(s.taper_days(), Some(6));
        // The highest step counts for daily totals.
        assert_eq!(s.most_per_day(), q(4.0, DoseUnit::Tablet));
        assert_eq!(s.doses_per_day(), None);

        // A last step without a length goes on.
        let s = read_sig("1 tab bid x 7 days then 1 tab daily");
        assert_eq!(s.steps[1].days, None);
        assert_eq!(s.taper_days(), None);
        assert_eq!(s.most_per_day(), q(2.0, DoseUnit::Tablet));

        // Day numbers must follow on from the step before.
        assert!(read_sig("2 tabs on day 1 then 1 tab daily on days 2-5").understood());
        assert!(!read_sig("2 tabs on day 1 then 1 tab daily on days 3-5").understood());
        // Every step but the last needs a length; each needs its times.
        assert!(!read_sig("1 tab daily then 2 tabs daily").understood());
        assert!(!read_sig("1 tab daily x 3 days then 2 tabs").understood());
        assert!(!read_sig("1 tab q6h x 2 days then 1 tab prn").understood());
        // Day numbers outside a taper are a cycle, not a schedule.
        assert!(!read_sig("1 tab daily days 1-21").understood());
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

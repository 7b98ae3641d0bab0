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
    /// The top of a range ("1-2 tabs", "1 or 2 tablets"): `amount` to this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub up_to: Option<f64>,
}

impl Quantity {
    /// A single amount, not a range.
    pub fn of(amount: f64, unit: DoseUnit) -> Quantity {
        Quantity {
            amount,
            unit,
            up_to: None,
        }
    }

    /// The most taken at one time: the top of a range.
    pub fn most(self) -> f64 {
        self.up_to.unwrap_or(self.amount)
    }
}

/// What the directions are for, as far as the record and the knowledge
/// base say: the unit a bare count is counted in ("1 daily" of a tablet)
/// and the strength of one unit, to count "650 mg" as 2 tablets of 325 mg.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Product {
    pub unit: Option<DoseUnit>,
    pub strength: Option<Mass>,
    /// The words of the medicine's own name ("albuterol", "hfa"), which
    /// directions sometimes repeat ("albuterol MDI 100 mcg 2 puffs").
    pub name: Vec<String>,
}

impl Product {
    /// The unit a product form counts in: "tablet", "caplet", "capsule",
    /// "inhaler" (puffs), "drops", "spray", "patch". Liquids, creams and
    /// injections have none: their directions must give the unit.
    pub fn unit_of_form(form: &str) -> Option<DoseUnit> {
        let form = form.trim().to_lowercase();
        let first = form.split_whitespace().next()?;
        match first {
            "inhaler" | "mdi" | "hfa" | "aerosol" => Some(DoseUnit::Puff),
            "solution" | "liquid" | "syrup" | "suspension" | "elixir" | "cream" | "ointment"
            | "gel" | "lotion" | "injection" | "pen" | "vial" => None,
            other => DoseUnit::parse(other).filter(|u| {
                matches!(
                    u,
                    DoseUnit::Tablet
                        | DoseUnit::Capsule
                        | DoseUnit::Drop
                        | DoseUnit::Spray
                        | DoseUnit::Patch
                )
            }),
        }
    }
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
            "application" | "applications" | "apply" | "layer" | "layers" => DoseUnit::Application,
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
    RightEar,
    LeftEar,
    BothEars,
}

/// How a medicine goes in, when the directions say so in a way that
/// changes what the patient is told to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// "po", "by mouth", "orally".
    Mouth,
    /// "chew": the tablet is chewed.
    Chew,
    /// "inhale", "via inhaler".
    Inhaled,
    /// "subq", "sc", "im", "inject".
    Injected,
    /// "apply", "topically", "to affected area".
    Skin,
}

/// What a daily maximum of the directions counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyCap {
    /// Doses ("max 4 doses a day", "4/day").
    Doses,
    /// Dose units ("8 tablets", "max 8/day" of tablets).
    Unit(DoseUnit),
    /// A weight ("3000 mg").
    Mass(&'static str),
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

impl Mass {
    /// The amount in micrograms, to compare masses written in other units.
    pub fn micrograms(self) -> f64 {
        use crate::knowledge::Unit;
        Unit::parse(self.unit)
            .and_then(|u| u.convert(self.amount, Unit::Mcg))
            .unwrap_or(self.amount)
    }

    /// "mg", "mcg" or "g" as written ("MG", "gram").
    pub fn unit_of(word: &str) -> Option<&'static str> {
        match word {
            "mg" | "mgs" | "milligram" | "milligrams" => Some("mg"),
            // "µg" and "ug" are on ISMP's list of error-prone forms (read
            // as mg): not read.
            "mcg" | "mcgs" | "microgram" | "micrograms" => Some("mcg"),
            "g" | "gm" | "gram" | "grams" => Some("g"),
            _ => None,
        }
    }

    /// Parses "325 mg", "0.125mg".
    pub fn parse(text: &str) -> Option<Mass> {
        let text = text.trim().to_lowercase();
        let digits = text
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(text.len());
        let amount: f64 = text[..digits].parse().ok().filter(|a: &f64| *a > 0.0)?;
        let unit = Mass::unit_of(text[digits..].trim())?;
        Some(Mass { amount, unit })
    }
}

/// When and how a medicine is taken, read from `sig` or the structured
/// fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Schedule {
    pub quantity: Option<Quantity>,
    /// The amount of one dose by weight, when the directions give it ("650
    /// MG EVERY 6 HOURS", "1 tablet (20 mg total)").
    pub mass: Option<Mass>,
    /// The count was worked out from `mass` and the product's strength
    /// (650 mg of 325 mg tablets is 2 tablets), not written.
    pub counted_from_mass: bool,
    /// Fixed times of day, in the order of the day.
    pub times: Vec<DoseTime>,
    /// Whether the directions name the times ("qam", "at bedtime", "with
    /// breakfast", `times`) rather than only a count ("bid"), whose times
    /// here are the usual ones.
    pub times_named: bool,
    /// "every N hours" (N, or N to M for "q4-6h").
    pub every_hours: Option<(u32, Option<u32>)>,
    /// Taken on some days of the week rather than daily: once a week, or
    /// on the days in `weekdays`.
    pub weekly: bool,
    /// The days of the week it is taken, 0 = Monday, in week order; empty
    /// for "once a week" on a day not named.
    pub weekdays: Vec<u8>,
    /// "twice weekly", "3 times a week": how many days a week, when the
    /// days are not named.
    pub per_week: Option<u32>,
    /// "every other day", "qod".
    pub every_other_day: bool,
    /// How it goes in, when that changes the verb ("chew", "inject").
    pub route: Option<Route>,
    /// "for pain" without "as needed": what it is for, as written.
    pub reason: Option<String>,
    /// A patch taken off after so many hours ("remove after 12 hours").
    pub remove_after_hours: Option<u32>,
    /// The unit the product is counted in, when known: the verb for a dose
    /// by weight ("Put on 1.5 mg" of a patch).
    pub product_unit: Option<DoseUnit>,
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
                || self.every_other_day
                || !self.times.is_empty()
                || self.every_hours.is_some())
    }

    /// Scheduled doses in a day (as-needed doses not counted).
    pub fn doses_per_day(&self) -> Option<u32> {
        if self.as_needed || self.weekly || self.every_other_day || !self.steps.is_empty() {
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
        Some(Quantity::of(q.most() * f64::from(doses), q.unit))
    }

    /// The most doses in a day, for daily totals: scheduled, or for as-needed
    /// use the shortest interval.
    pub fn most_doses_per_day(&self) -> Option<u32> {
        if self.weekly {
            return None;
        }
        if self.every_other_day {
            // A day it is taken: once, or at the times named.
            return Some(self.times.len().max(1) as u32);
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
    /// The daily maximum the directions set ("max 8/day", `max_per_day =
    /// "8 tablets"`), as a count and what it counts. The limit keeps its own
    /// unit: "max 4 doses/day" is 4 doses, never 4 tablets when a dose is 2
    /// tablets; "4000 mg" stays 4000 mg; "max 8/day" counts the units a dose
    /// is made of (tablets, puffs), the smaller reading and the usual one on
    /// a label, and doses when a dose is measured (mL, units).
    pub fn daily_cap(&self) -> Option<(f64, DailyCap)> {
        // The first number, as digits or a word ("EIGHT in 24 hours"), and
        // the word after it ("8 tablets", "4000 mg", "8/day").
        let lower = self
            .max_per_day
            .as_deref()?
            .to_lowercase()
            .replace('/', " / ");
        let words: Vec<&str> = lower
            .split(|c: char| c.is_whitespace() || ",;()".contains(c))
            .filter(|w| !w.is_empty())
            .collect();
        let (at, count) = words
            .iter()
            .enumerate()
            .find_map(|(i, w)| number(w).map(|n| (i, n)))?;
        let glued = words[at].trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        let word = if glued.is_empty() {
            words.get(at + 1).copied().unwrap_or("")
        } else {
            glued
        };
        let cap = if let Some(unit) = DoseUnit::parse(word).filter(|u| *u != DoseUnit::Dose) {
            DailyCap::Unit(unit)
        } else if let Some(mass) = ["mg", "mcg", "g"].into_iter().find(|m| *m == word) {
            DailyCap::Mass(mass)
        } else if let Some(unit) = self
            .quantity
            .map(|q| q.unit)
            .filter(|u| {
                !matches!(
                    u,
                    DoseUnit::Ml | DoseUnit::Unit | DoseUnit::Dose | DoseUnit::Application
                )
            })
            .filter(|_| !matches!(word, "dose" | "doses"))
        {
            DailyCap::Unit(unit)
        } else {
            DailyCap::Doses
        };
        Some((count, cap))
    }

    /// The most taken in one day, in dose units: scheduled doses times the
    /// amount, the highest step of a taper, or for as-needed use the most
    /// the interval allows; never more than the directions' daily maximum.
    pub fn most_per_day(&self) -> Option<Quantity> {
        if self.steps.is_empty() {
            let q = self.quantity?;
            let mut doses = f64::from(self.most_doses_per_day()?);
            let mut amount = q.most() * doses;
            match self.daily_cap() {
                Some((n, DailyCap::Doses)) => {
                    doses = doses.min(n);
                    amount = q.most() * doses;
                }
                Some((n, DailyCap::Unit(u))) if u == q.unit => amount = amount.min(n),
                _ => {}
            }
            return Some(Quantity::of(amount, q.unit));
        }
        self.most_step_day(|s| s.quantity.map(|q| (q.amount, q.unit)))
            .map(|(amount, unit)| Quantity::of(amount, unit))
    }

    /// The most taken in one day by weight, when the directions give the
    /// dose by weight ("650 mg every 6 hours" is 2600 mg), or the highest
    /// step of a taper written in mg.
    pub fn most_mass_per_day(&self) -> Option<Mass> {
        if self.steps.is_empty() {
            let mass = self.mass?;
            let doses = f64::from(self.most_doses_per_day()?);
            let amount = match self.daily_cap() {
                Some((n, DailyCap::Doses)) => mass.amount * doses.min(n),
                Some((n, DailyCap::Mass(unit))) if unit == mass.unit => {
                    (mass.amount * doses).min(n)
                }
                _ => mass.amount * doses,
            };
            return Some(Mass {
                amount,
                unit: mass.unit,
            });
        }
        self.most_step_day(|s| s.mass.map(|m| (m.amount, m.unit)))
            .map(|(amount, unit)| Mass { amount, unit })
    }

    /// The largest day of a taper: each step's amount at a time times its
    /// doses, when every step gives the amount in the first step's unit.
    fn most_step_day<U: PartialEq + Copy>(
        &self,
        amount: impl Fn(&Step) -> Option<(f64, U)>,
    ) -> Option<(f64, U)> {
        let unit = amount(self.steps.first()?)?.1;
        self.steps
            .iter()
            .map(|s| {
                let (at_once, _) = amount(s).filter(|(_, u)| *u == unit)?;
                Some(at_once * s.times.len().max(1) as f64)
            })
            .try_fold(0.0_f64, |most, day| Some(most.max(day?)))
            .map(|most| (most, unit))
    }

    /// How many days the whole taper lasts, when its last step ends.
    pub fn taper_days(&self) -> Option<u32> {
        let last = self.steps.last()?;
        Some(last.first_day + last.days? - 1)
    }
}

/// Builds the schedule of a medication: structured fields win over `sig`,
/// and fill what `sig` leaves out. `product` gives the unit a bare count is
/// counted in and the strength of one unit.
pub fn schedule_of(med: &Medication, product: &Product) -> Schedule {
    let mut schedule = med
        .sig
        .as_deref()
        .map(|sig| read_sig_for(sig, product))
        .unwrap_or_default();
    if let Some(dose) = med.dose.as_deref() {
        let read = read_sig_for(dose, product);
        if read.quantity.is_some() || read.mass.is_some() {
            schedule.quantity = read.quantity;
            schedule.mass = read.mass;
            schedule.counted_from_mass = read.counted_from_mass;
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

/// Reads one directions string, knowing nothing of the product.
pub fn read_sig(sig: &str) -> Schedule {
    read_sig_for(sig, &Product::default())
}

/// Reads one directions string for `product`.
pub fn read_sig_for(sig: &str, product: &Product) -> Schedule {
    let undotted = course_sentences(words_of(sig));
    let words: Vec<&str> = undotted.iter().map(String::as_str).collect();
    if words.contains(&"then") {
        return read_steps(&words, product).unwrap_or_else(|| {
            let mut schedule = read_words(&words, product);
            schedule
                .unread
                .push("(steps that could not all be read)".into());
            schedule
        });
    }
    let schedule = read_words(&words, product);
    if !schedule.understood() && sig.contains(',') && words.iter().any(|w| w.starts_with("day")) {
        // "6 tabs day 1, 5 tabs day 2, …": steps between commas.
        let separated = words_of(&sig.replace(',', " then "));
        let separated: Vec<&str> = separated.iter().map(String::as_str).collect();
        if let Some(steps) = read_steps(&separated, product) {
            return steps;
        }
    }
    schedule
}

/// Lowercase words without punctuation, with the spellings of one thing
/// made one: "t.i.d." is "tid", "q 6 h" and "q6hrs" are "q6h", "3 hrly" is
/// "q3h", "at 5 pm" is "at 17:00", "times/day" is "times per day", and
/// run-together export words are split ("bidx10" is "bid x10", "tidprn" is
/// "tid prn").
fn words_of(sig: &str) -> Vec<String> {
    let lower = thousands(&sig.to_lowercase())
        .replace(['(', ')', ';'], " ")
        .replace(',', " , ")
        .replace("/day", " per day")
        .replace("/24", " per 24");
    // A full stop ends a sentence ("... for pain. Take it with a meal."):
    // it is a word of its own, except in "t.i.d.", "a.m." and decimals.
    let raw: Vec<String> = lower
        .split_whitespace()
        .flat_map(|w| {
            let undotted = undot(w);
            let stop = w.len() > 1 && w.ends_with('.') && !w[..w.len() - 1].contains('.');
            std::iter::once(undotted).chain(stop.then(|| ".".to_owned()))
        })
        .collect();
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let w = raw[i].as_str();
        let next = raw.get(i + 1).map(String::as_str);
        let third = raw.get(i + 2).map(String::as_str);
        // "q am", "q hs", "q day", "q 6h", "q 6 h", "q 4-6 hr"
        if w == "q" {
            match next {
                Some(n @ ("am" | "pm" | "hs" | "day" | "d" | "wk" | "week" | "od")) => {
                    out.push(format!("q{n}"));
                    i += 2;
                    continue;
                }
                Some(n) if hours_of(n).is_some() => {
                    out.push(format!("q{}h", hours_of(n).unwrap_or_default()));
                    i += 2;
                    continue;
                }
                Some(n) if hour_range(n).is_some() && third.is_some_and(is_hour_word) => {
                    out.push(format!("q{n}h"));
                    i += 3;
                    continue;
                }
                _ => {}
            }
        }
        // "q6hr", "q6hrs", "q4-6hours"
        if let Some(rest) = w.strip_prefix('q')
            && let Some(n) = hours_of(rest)
        {
            out.push(format!("q{n}h"));
            i += 1;
            continue;
        }
        // "3 hrly", "4 hourly", "4-hourly"
        if let Some(n) = w
            .strip_suffix("-hourly")
            .or_else(|| w.strip_suffix("hrly").filter(|n| !n.is_empty()))
            .filter(|n| hour_range(n).is_some())
        {
            out.push(format!("q{n}h"));
            i += 1;
            continue;
        }
        if hour_range(w).is_some() && matches!(next, Some("hrly" | "hourly")) {
            out.push(format!("q{w}h"));
            i += 2;
            continue;
        }
        // "at 5 pm", "at 5pm", "at 8:30 am", and the next of a list of
        // them ("at 8am and 8pm"); never "1 pm" alone, which may be 1
        // tablet in the evening.
        let in_clock_list = out.len() >= 2
            && matches!(out[out.len() - 1].as_str(), "and" | ",")
            && out[out.len() - 2].contains(':');
        if out.last().is_some_and(|l| l == "at") || in_clock_list {
            let (time, half, used) = match next {
                Some(h @ ("am" | "pm")) => (w, h, 2),
                _ if w.ends_with("am") || w.ends_with("pm") => {
                    (&w[..w.len() - 2], &w[w.len() - 2..], 1)
                }
                _ => ("", "", 0),
            };
            if used > 0
                && let Some(clock) = clock_24h(time, half)
            {
                out.push(clock);
                i += used;
                continue;
            }
        }
        // EHR exports repeat a number in words: "2 (two) times daily",
        // "every 4 (four) hours". The same number twice is said once.
        if let Some(last) = out.last()
            && last.parse::<f64>().is_ok()
            && number(w).is_some()
            && w.chars().all(char::is_alphabetic)
            && last.parse::<f64>().ok() == number(w)
        {
            i += 1;
            continue;
        }
        // "a thin layer": the layer is the unit.
        if w == "thin" && matches!(next, Some("layer" | "layers")) {
            i += 1;
            continue;
        }
        // "3x daily", "2x per day"
        if let Some(n) = w.strip_suffix('x')
            && n.parse::<u32>().is_ok()
        {
            out.push(n.to_owned());
            out.push("x".into());
            i += 1;
            continue;
        }
        // "bidx10", "tidprn", "qdx7d"
        if let Some((head, tail)) = run_together(w) {
            out.push(head.to_owned());
            out.push(tail.to_owned());
            i += 1;
            continue;
        }
        out.push(w.to_owned());
        i += 1;
    }
    out
}

/// The summary's own course sentences, "do this for 10 days, then stop"
/// and "do this for 1 day only", read as the course they state ("x 10
/// days"), not as a taper's steps.
fn course_sentences(words: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let at = |k: usize| words.get(k).map(String::as_str);
        let course = at(i) == Some("do")
            && at(i + 1) == Some("this")
            && at(i + 2) == Some("for")
            && at(i + 3).is_some_and(|n| n.parse::<u32>().is_ok())
            && matches!(at(i + 4), Some("day" | "days" | "week" | "weeks"));
        if course {
            out.extend(["x".to_owned(), words[i + 3].clone(), words[i + 4].clone()]);
            i += 5;
            if at(i) == Some(",") && at(i + 1) == Some("then") {
                i += 1;
            }
            if at(i) == Some("then") && at(i + 1) == Some("stop") {
                i += 2;
            } else if at(i) == Some("only") {
                i += 1;
            }
            continue;
        }
        out.push(words[i].clone());
        i += 1;
    }
    out
}

/// "1,000 units" → "1000 units": a comma between thousands is not a
/// pause.
fn thousands(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        let digit = |j: usize| chars.get(j).is_some_and(char::is_ascii_digit);
        let grouped = *c == ','
            && i > 0
            && digit(i - 1)
            && digit(i + 1)
            && digit(i + 2)
            && digit(i + 3)
            && !digit(i + 4);
        if !grouped {
            out.push(*c);
        }
    }
    out
}

/// "t.i.d." → "tid", "p.o." → "po"; a trailing period goes.
fn undot(word: &str) -> String {
    if word == "." {
        return ".".into();
    }
    let w = word.trim_end_matches('.');
    let dotted = w.len() > 2
        && w.split('.')
            .all(|p| p.len() == 1 && p.chars().all(char::is_alphabetic));
    if dotted {
        w.replace('.', "")
    } else {
        w.to_owned()
    }
}

/// "6h", "6hr", "6hrs", "6hours", "4-6h" → "6" or "4-6".
fn hours_of(word: &str) -> Option<&str> {
    let n = ["hours", "hour", "hrs", "hr", "h"]
        .iter()
        .find_map(|u| word.strip_suffix(u))?;
    hour_range(n).map(|_| n)
}

fn is_hour_word(word: &str) -> bool {
    matches!(word, "h" | "hr" | "hrs" | "hour" | "hours")
}

/// "5", "pm" → "17:00"; "8:30", "am" → "8:30".
fn clock_24h(time: &str, half: &str) -> Option<String> {
    let (h, m) = match time.split_once(':') {
        Some((h, m)) if m.len() == 2 => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        Some(_) => return None,
        None => (time.parse::<u32>().ok()?, 0),
    };
    // "12 am" and "12 pm" are read both ways (ISMP): not read.
    if !(1..=11).contains(&h) || m > 59 {
        return None;
    }
    let h = match (half, h) {
        ("am", 12) => 0,
        ("am", h) => h,
        ("pm", 12) => 12,
        ("pm", h) => h + 12,
        _ => return None,
    };
    Some(format!("{h}:{m:02}"))
}

/// An export's run-together frequency and what follows it: "bidx10" →
/// ("bid", "x10"), "tidprn" → ("tid", "prn").
fn run_together(word: &str) -> Option<(&str, &str)> {
    // "q6hprn", "q4-6hprn"
    if let Some(head) = word.strip_suffix("prn")
        && head.starts_with('q')
        && hours_of(&head[1..]).is_some()
    {
        return Some((head, "prn"));
    }
    const HEADS: [&str; 10] = [
        "daily", "qhs", "bid", "tid", "qid", "qam", "qpm", "qd", "bd", "tds",
    ];
    let head = HEADS.iter().find(|h| word.starts_with(**h))?;
    let tail = &word[head.len()..];
    let digit_after_x = tail
        .strip_prefix('x')
        .is_some_and(|t| t.starts_with(|c: char| c.is_ascii_digit()));
    (digit_after_x || tail == "prn").then_some((&word[..head.len()], tail))
}

/// Reads directions without steps.
fn read_words(words: &[&str], product: &Product) -> Schedule {
    let mut reading = Reading {
        product: product.clone(),
        ..Reading::default()
    };
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
fn read_steps(words: &[&str], product: &Product) -> Option<Schedule> {
    let mut parts: Vec<&[&str]> = words.split(|w| *w == "then").collect();
    let stop = |p: &[&str]| {
        p.iter().all(|w| {
            matches!(
                *w,
                "stop" | "discontinue" | "off" | "and" | "taking" | "," | "."
            )
        }) && !p.is_empty()
    };
    let stops = parts.last().is_some_and(|p| stop(p));
    if stops {
        parts.pop();
    }
    if let [only] = parts[..]
        && stops
    {
        // "1/2 tab qhs x 1 week then stop": one course, not a taper.
        let schedule = read_words(only, product);
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
        let mut reading = Reading {
            product: product.clone(),
            ..Reading::default()
        };
        let mut at = 0;
        while at < part.len() {
            match reading.phrase(&part[at..]) {
                0 => return None,
                used => at += used,
            }
        }
        let days_named = reading.days.take();
        let step = reading.finish();
        let mass = step.mass;
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
        if step.quantity.is_some() && mass.is_some() && !step.counted_from_mass {
            // "2 tablets (500 mg total) on day 1": not restated a step at a time.
            return None;
        }
        let (quantity, mass) = match (step.quantity, mass, previous) {
            (None, None, Some(p)) => (p.quantity, p.mass),
            (q, m, _) => (
                q,
                if q.is_some() && !step.counted_from_mass {
                    None
                } else {
                    m
                },
            ),
        };
        let plain = !step.as_needed
            && !step.weekly
            && !step.every_other_day
            && step.every_hours.is_none()
            && step.reason.is_none()
            && step.route.is_none_or(|r| r == Route::Mouth)
            && quantity.is_none_or(|q| q.up_to.is_none());
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

/// The words of a medicine's name that directions may repeat: words of
/// letters, three or more long, that mean nothing else in directions
/// ("Tylenol PM" gives "tylenol"; "pm" is a time of day).
pub fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphabetic))
        .filter(|w| {
            // Where it goes is never only a name: "1 drop eye" keeps "eye".
            const PLACES: [&str; 16] = [
                "eye",
                "eyes",
                "ear",
                "ears",
                "nose",
                "nostril",
                "nostrils",
                "skin",
                "mouth",
                "rectal",
                "vaginal",
                "oral",
                "topical",
                "nasal",
                "ophthalmic",
                "otic",
            ];
            !PLACES.contains(w)
                && DoseUnit::parse(w).is_none()
                && Mass::unit_of(w).is_none()
                && Reading::default().one_phrase(&[w]) == 0
        })
        .map(str::to_owned)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Bare counts of a supply ("once a day 90 days"): the days a fill lasts,
/// not a course.
const SUPPLY_DAYS: [u32; 7] = [28, 30, 56, 60, 84, 90, 100];

/// What the reader has gathered from a directions string so far. Every
/// setter that meets a value already set to something else records the
/// disagreement as unread, so the directions are quoted: two readings are
/// never resolved by choosing one.
#[derive(Default)]
struct Reading {
    product: Product,
    quantity: Option<Quantity>,
    /// Two different amounts ("1 tab qam and 2 tabs qhs"): not restated.
    quantities_differ: bool,
    /// "daily", "bid", "3 times a day": how many doses, times not named.
    count: Option<u32>,
    /// Times named: "at bedtime", "qam", "with breakfast".
    named: Vec<DoseTime>,
    /// The times named by time-of-day phrases and by meals.
    plain_times: Vec<DoseTime>,
    meal_times: Vec<DoseTime>,
    /// A joining word ("and", a comma, a full stop, "or", a verb that
    /// starts the next sentence) came since the last time of day named:
    /// two times of day must be joined.
    joined: bool,
    every_hours: Option<(u32, Option<u32>)>,
    weekly: bool,
    weekdays: Vec<u8>,
    every_other_day: bool,
    course: Option<Course>,
    as_needed: bool,
    as_needed_for: Option<String>,
    /// "and prn" after a regular dose: both a schedule and extra doses.
    also_as_needed: bool,
    food: Option<Food>,
    before_meal: Option<BeforeMeal>,
    /// "30 min" read just before "before".
    minutes_before: Option<u32>,
    site: Option<Site>,
    route: Option<Route>,
    max_per_day: Option<String>,
    /// "40 mg": the amount of a dose by weight.
    mass: Option<Mass>,
    /// "(20 mg total)": the weight is the whole dose, not one unit's.
    mass_total: bool,
    /// The weight was written before the count ("650 mg (2 tablets)").
    mass_first: bool,
    /// "or" between times or amounts: only an as-needed dose may be taken
    /// at one time or another.
    or_seen: bool,
    /// "take": units or drops taken are taken by mouth.
    take_said: bool,
    /// The phrase just read was the medicine's own name (or its device,
    /// "MDI"): a weight right after it is its strength, not a dose.
    after_name: bool,
    name_before: bool,
    /// "twice weekly", "3 times a week": doses a week, days not named.
    per_week: Option<u32>,
    reason: Option<String>,
    remove_after_hours: Option<u32>,
    /// "on day 1", "days 2-5": the days of a step, first and last.
    days: Option<(u32, u32)>,
    unread: Vec<String>,
}

impl Reading {
    /// Records that two readings disagree or a word cannot be placed.
    fn doubt(&mut self, why: &str) {
        self.unread.push(format!("({why})"));
    }

    /// Settles the times, and checks that everything read fits together:
    /// named times win over a bare count ("daily at bedtime" is once, at
    /// bedtime), but a count that disagrees with the times named, an
    /// interval beside a count, a regular dose "and prn", a route that does
    /// not fit the unit or a weight that does not fit the strength leave
    /// the directions not understood.
    fn finish(mut self) -> Schedule {
        let times_named = !self.named.is_empty();
        let mut times = match (self.count, self.named.len()) {
            (None, _) => self.named.clone(),
            (Some(n), 0) => times_for_count(n),
            (Some(n), k) if n as usize == k => self.named.clone(),
            (Some(n), k) => {
                self.doubt(&format!("{n} doses a day, but {k} times of day named"));
                self.named.clone()
            }
        };
        sort_times(&mut times);
        times.dedup();
        if let Some((h, _)) = self.every_hours
            && (self.count.is_some() || times_named)
        {
            self.doubt(&format!("every {h} hours, and a count or times of day"));
        }
        if let Some(n) = self.per_week
            && !self.weekdays.is_empty()
            && self.weekdays.len() != n as usize
        {
            self.doubt(&format!(
                "{n} times a week, but {} days named",
                self.weekdays.len()
            ));
        }
        let some_days = self.weekly || self.every_other_day;
        if some_days && self.count.is_some() {
            self.doubt("a daily count on some days only");
        }
        if (self.weekly && !self.plain_times.is_empty())
            || (some_days && self.every_hours.is_some())
        {
            self.doubt("a time of day on some days only");
        }
        if self.weekly && self.every_other_day {
            self.doubt("weekly and every other day");
        }
        if self.also_as_needed
            && (self.count.is_some() || times_named || self.every_hours.is_some() || some_days)
        {
            self.doubt("a regular dose and extra doses if needed");
        }
        if self.also_as_needed {
            self.as_needed = true;
        }
        if self.as_needed && some_days {
            self.doubt("if needed, on some days only");
        }
        if self.or_seen && !self.as_needed {
            self.doubt("one time or another");
        }
        if self.before_meal.is_some()
            && times
                .iter()
                .any(|t| !matches!(t, DoseTime::Morning | DoseTime::Noon | DoseTime::Evening))
        {
            self.doubt("before a meal, at a time that is not a meal");
        }
        if self.route.is_none()
            && self.take_said
            && matches!(
                self.quantity.map(|q| q.unit),
                Some(DoseUnit::Unit | DoseUnit::Drop)
            )
            && self.site.is_none()
        {
            self.route = Some(Route::Mouth);
        }
        if !self.plain_times.is_empty()
            && let Some(t) = self
                .meal_times
                .iter()
                .find(|t| !self.plain_times.contains(t))
        {
            // "qpm with breakfast"
            let t = *t;
            self.doubt(&format!("a meal at another time ({t:?})"));
        }
        self.check_route();
        self.check_site();
        self.check_mass();
        if self.quantity.is_none()
            && self.mass.is_some()
            && let Some(max) = &self.max_per_day
            && !max.split_whitespace().any(|x| {
                Mass::unit_of(x).is_some()
                    || DoseUnit::parse(x).is_some_and(|u| u != DoseUnit::Application)
            })
        {
            // "650 mg q6h prn max 4/day": 4 tablets or 4 doses?
            self.doubt("a daily maximum with no unit, beside a dose by weight");
        }
        if let Some((from, to)) = self.days {
            // "days 1-21" outside a taper: a cycle the schedule cannot hold.
            self.doubt(&format!("days {from} to {to}"));
        }
        if self.quantities_differ {
            self.doubt("different amounts at different times");
        }
        let counted_from_mass = (self.quantity.is_none() || self.mass_first) && self.mass.is_some();
        let quantity = self.quantity.or_else(|| self.counted());
        let mut weekdays = self.weekdays;
        weekdays.sort_unstable();
        weekdays.dedup();
        Schedule {
            quantity,
            mass: self.mass,
            counted_from_mass: counted_from_mass && quantity.is_some(),
            times,
            times_named,
            every_hours: self.every_hours,
            weekly: self.weekly,
            per_week: self.per_week.filter(|n| *n > 1 && weekdays.is_empty()),
            weekdays,
            every_other_day: self.every_other_day,
            route: self.route,
            reason: self.reason,
            remove_after_hours: self.remove_after_hours,
            product_unit: self.product.unit,
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

    /// A route that does not fit the unit: an inhaled capsule, an injected
    /// tablet, a cream by mouth.
    fn check_route(&mut self) {
        let unit = self.quantity.map(|q| q.unit).or(self.product.unit);
        let fits = match (self.route, unit) {
            (Some(Route::Mouth), Some(DoseUnit::Puff | DoseUnit::Patch)) => false,
            (None | Some(Route::Mouth), _) => true,
            (Some(Route::Chew), u) => matches!(u, None | Some(DoseUnit::Tablet)),
            (Some(Route::Inhaled), u) => matches!(u, None | Some(DoseUnit::Puff)),
            (Some(Route::Injected), u) => matches!(u, None | Some(DoseUnit::Unit | DoseUnit::Ml)),
            (Some(Route::Skin), u) => matches!(
                u,
                None | Some(DoseUnit::Patch | DoseUnit::Application | DoseUnit::Spray)
            ),
        };
        if !fits {
            self.doubt("a route that does not fit the amount");
        }
    }

    /// Eyes, ears and noses take drops and sprays, not tablets.
    fn check_site(&mut self) {
        let unit = self.quantity.map(|q| q.unit).or(self.product.unit);
        if self.site.is_some()
            && (!matches!(
                unit,
                None | Some(DoseUnit::Drop | DoseUnit::Spray | DoseUnit::Application)
            ) || self.route.is_some_and(|r| r != Route::Skin))
        {
            self.doubt("a place on the body for an amount that does not go there");
        }
    }

    /// A weight beside a count must agree with the product's strength (1
    /// tablet of 10 mg is not "20 mg total"); a weight beside a count of
    /// more than one, with no strength known, could be either a unit's or
    /// the dose's, unless "total" says so; a weight alone must be a whole
    /// or half number of units when the strength is known, even when the
    /// unit is not ("2 mg" of "warfarin 5 mg").
    fn check_mass(&mut self) {
        let Some(mass) = self.mass else { return };
        let strength = self.product.strength;
        match (self.quantity, strength) {
            (Some(q), _) if q.up_to.is_some() => self.doubt("a range of units and a weight"),
            (Some(q), Some(s)) => {
                if (q.amount * s.micrograms() - mass.micrograms()).abs() > 0.001 * mass.micrograms()
                {
                    self.doubt("the count and the weight do not agree with the strength");
                }
            }
            (Some(q), None) => {
                if q.amount != 1.0 && !self.mass_total {
                    self.doubt("a weight per unit or per dose?");
                }
            }
            (None, Some(s)) => {
                // "2 mg" of 5 mg tablets cannot be measured out, whether or
                // not the unit is known.
                let halves = mass.micrograms() / s.micrograms() * 2.0;
                if (halves - halves.round()).abs() > 1e-6 || halves < 0.5 {
                    self.doubt("a weight that is not a whole or half unit");
                }
            }
            (None, None) => {}
        }
    }

    /// The count of units a weight alone makes with the product's strength:
    /// 650 mg of 325 mg tablets is 2 tablets; only whole and half units.
    fn counted(&self) -> Option<Quantity> {
        let (mass, strength, unit) = (self.mass?, self.product.strength?, self.product.unit?);
        let n = mass.micrograms() / strength.micrograms();
        let halves = n * 2.0;
        ((halves - halves.round()).abs() < 1e-6 && n > 0.0)
            .then(|| Quantity::of(halves.round() / 2.0, unit))
    }

    fn set_quantity(&mut self, q: Quantity) {
        match self.quantity {
            Some(old) if old != q => self.quantities_differ = true,
            _ => self.quantity = Some(q),
        }
    }

    fn set_count(&mut self, n: u32) {
        match self.count {
            Some(old) if old != n => self.doubt(&format!("{old} or {n} doses a day?")),
            _ => self.count = Some(n),
        }
    }

    fn set_per_week(&mut self, n: u32) {
        match self.per_week {
            Some(old) if old != n => self.doubt("two counts a week"),
            _ => self.per_week = Some(n),
        }
        self.weekly = true;
    }

    fn set_every_hours(&mut self, hours: (u32, Option<u32>)) {
        match self.every_hours {
            Some(old) if old != hours => self.doubt("two intervals"),
            _ => self.every_hours = Some(hours),
        }
    }

    fn set_site(&mut self, site: Site) {
        match self.site {
            Some(old) if old != site => self.doubt("two places"),
            _ => self.site = Some(site),
        }
    }

    fn set_route(&mut self, route: Route) {
        self.route = match (self.route, route) {
            (None, r) | (Some(Route::Mouth), r @ Route::Chew) => Some(r),
            (Some(Route::Chew), Route::Mouth) => Some(Route::Chew),
            (Some(old), r) if old == r => Some(r),
            (Some(old), _) => {
                self.doubt("two routes");
                Some(old)
            }
        };
    }

    fn set_mass(&mut self, mass: Mass) {
        if self.quantity.is_none() {
            self.mass_first = true;
        }
        match self.mass {
            Some(old) if old != mass => self.doubt("two weights"),
            _ => self.mass = Some(mass),
        }
    }

    /// A time of day named by a time phrase ("qam", "at bedtime"). A
    /// second one must be joined to the first ("qam and qhs", "in the
    /// morning, at noon"): "qam at bedtime" is two readings.
    fn name_time(&mut self, t: DoseTime) {
        if !self.plain_times.is_empty() && !self.joined && !self.plain_times.contains(&t) {
            // "every night at bedtime" names one time twice, and is fine.
            self.doubt("two times of day not joined");
        }
        self.joined = false;
        self.named.push(t);
        self.plain_times.push(t);
    }

    /// A time of day a meal sets ("with breakfast").
    fn meal_time(&mut self, t: DoseTime) {
        self.named.push(t);
        self.meal_times.push(t);
    }

    /// Reads the phrase at the start of `w`; returns how many words it used
    /// (0: not understood).
    fn phrase(&mut self, w: &[&str]) -> usize {
        self.name_before = std::mem::take(&mut self.after_name);
        let used = self.one_phrase(w);
        const JOINERS: [&str; 13] = [
            "and", ",", ".", "or", "take", "use", "inhale", "inject", "chew", "apply", "put",
            "give", "place",
        ];
        if used > 0 && JOINERS.contains(&w[0]) {
            self.joined = true;
        }
        used
    }

    fn one_phrase(&mut self, w: &[&str]) -> usize {
        let first = w[0];
        let next = w.get(1).copied();
        let third = w.get(2).copied();
        if let Some(used) = self.range(w) {
            return used;
        }
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
        if let Some(used) = self.place(w) {
            return used;
        }
        if let Some(used) = self.route_words(w) {
            return used;
        }
        match first {
            "od" | "os" | "ou" => {
                self.set_site(match first {
                    "od" => Site::RightEye,
                    "os" => Site::LeftEye,
                    _ => Site::BothEyes,
                });
                1
            }
            "remove" | "take"
                if matches!(next, Some("after" | "off"))
                    || (next == Some("it") && third == Some("off")) =>
            {
                self.remove_after(w)
            }
            "it" if next == Some("is") && third == Some("for") => 2,
            "take" => {
                // "take 10 units": the amount is taken by mouth; "take it
                // with a meal" says nothing of the route.
                self.take_said |= next.is_some_and(|n| number(n).is_some() || n.contains('-'));
                1
            }
            "use" | "instill" | "give" | "place" | "the" | "it" | "them" => 1,
            "put" if next == Some("on") => 2,
            "only" if next == Some("if") => 1,
            "or" => {
                self.or_seen = true;
                1
            }
            // "once a week, on the same day each week"
            "on" if w.get(1..6) == Some(&["the", "same", "day", "each", "week"]) => {
                self.weekly = true;
                6
            }
            "on" if w.get(1..6) == Some(&["the", "same", "days", "each", "week"])
                && self.per_week.is_some() =>
            {
                6
            }
            "to" if next == Some("be") && matches!(third, Some("taken" | "used" | "given")) => 3,
            "to" if next == Some("be") && third == Some("inhaled") => {
                self.set_route(Route::Inhaled);
                3
            }
            "and"
                if matches!(next, Some("prn"))
                    || (matches!(next, Some("as" | "if" | "when"))
                        && matches!(third, Some("needed" | "required"))) =>
            {
                self.also_as_needed = true;
                1
            }
            "and" | "," | "." => 1,
            // "70 mg tab once weekly": a bare unit is one of it.
            word if self.quantity.is_none() && DoseUnit::parse(word).is_some() => {
                if let Some(unit) = DoseUnit::parse(word) {
                    if unit == DoseUnit::Application {
                        // "apply": the verb, with no amount.
                        self.set_route(Route::Skin);
                    } else {
                        // "70 mg tab": a tablet of 70 mg, not 70 mg
                        // counted as tablets.
                        self.mass_first = false;
                        self.set_quantity(Quantity::of(1.0, unit));
                    }
                }
                1
            }
            "apply" => {
                self.set_route(Route::Skin);
                1
            }
            "prn" => 1 + self.as_needed_phrase(&w[1..]),
            "as" | "if" | "when" if matches!(next, Some("needed" | "required")) => {
                2 + self.as_needed_phrase(&w[2..])
            }
            // "every day for pain": what it is for (what an as-needed dose
            // is for, when none was said yet).
            "for" => match Reading::reason(&w[1..]) {
                (0, _) | (_, None) => 0,
                (used, Some(text)) => {
                    if self.as_needed && self.as_needed_for.is_none() {
                        self.as_needed_for = Some(text);
                    } else if self.reason.is_some() {
                        self.doubt("two reasons");
                    } else {
                        self.reason = Some(text);
                    }
                    1 + used
                }
            },
            "with" => self.with_meal(&w[1..]).map_or(0, |n| n + 1),
            "after" => self.with_meal(&w[1..]).map_or(0, |n| n + 1),
            "wc" | "pc" => {
                self.food = Some(Food::WithFood);
                1
            }
            "ac" => {
                self.set_before_meal(BeforeMeal {
                    minutes: None,
                    meal: None,
                });
                1
            }
            "on" if next == Some("an") && third == Some("empty") => {
                self.food = Some(Food::EmptyStomach);
                let used = if w.get(3).is_some_and(|x| x.starts_with("stomach")) {
                    4
                } else {
                    3
                };
                // "on an empty stomach, 1 hour before a meal": what an
                // empty stomach means, as the summary says it.
                let comma = usize::from(w.get(used) == Some(&","));
                if w.get(used + comma..used + comma + 5)
                    == Some(&["1", "hour", "before", "a", "meal"])
                {
                    used + comma + 5
                } else {
                    used
                }
            }
            "before" => self.before_meal(&w[1..]).map_or(0, |n| n + 1),
            "total" if self.mass.is_some() => {
                self.mass_total = true;
                1
            }
            "disp" | "dispense" | "qty" | "quantity"
                if next
                    .and_then(|n| n.trim_start_matches('#').parse::<u32>().ok())
                    .is_some() =>
            {
                // The quantity dispensed: not part of the directions.
                2 + usize::from(third.and_then(DoseUnit::parse).is_some())
            }
            supply if supply.starts_with('#') && supply[1..].parse::<u32>().is_ok() => 1,
            "max" | "maximum" | "not" | "do" | "no" | "mdd" => self.max_phrase(w),
            // The medicine's own name, and its device after it.
            word if self.product.name.iter().any(|n| n == word) => {
                self.after_name = true;
                1
            }
            "mdi" | "hfa" | "inhaler" if self.name_before => {
                self.set_route(Route::Inhaled);
                self.after_name = true;
                1
            }
            _ => 0,
        }
    }

    /// "1-2 tabs", "1 to 2 tabs", "1 or 2 tablets", "one or two capsules":
    /// a range of units.
    fn range(&mut self, w: &[&str]) -> Option<usize> {
        let (from, to, used) = match w[0].split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?, 1),
            None => {
                let from = number(w[0])?;
                if !matches!(w.get(1).copied(), Some("to" | "or")) {
                    return None;
                }
                (from, number(w.get(2)?)?, 3)
            }
        };
        if to <= from {
            return None;
        }
        let unit = match w.get(used).copied().and_then(DoseUnit::parse) {
            Some(unit) => Some((unit, used + 1)),
            None if self.bare_count_follows(&w[used..]) => self.product.unit.map(|u| (u, used)),
            None => None,
        };
        let (unit, used) = unit?;
        self.set_quantity(Quantity {
            amount: from,
            unit,
            up_to: Some(to),
        });
        Some(used)
    }

    /// Whether what follows a number makes it a bare count ("1 daily", "2
    /// qhs", "1" at the end): the next words start a phrase of their own.
    fn bare_count_follows(&self, rest: &[&str]) -> bool {
        match rest.first() {
            None => true,
            Some(word) if number(word).is_some() => false,
            Some(_) => Reading::default().phrase(rest) > 0,
        }
    }

    /// "2 tabs", "2puffs", "70 mg" (a weight), "30 min before", "3 times a
    /// day", "90 days" (a supply), "1 daily" (a bare count, in the
    /// product's unit).
    fn after_number(&mut self, amount: f64, w: &[&str]) -> usize {
        let first = w[0];
        let next = w.get(1).copied();
        let third = w.get(2).copied();
        // "1 1/2 tablets"
        if amount.fract() == 0.0
            && let Some(fraction) = next.filter(|n| n.contains('/')).and_then(number)
            && fraction < 1.0
        {
            return match self.after_number(amount + fraction, &w[1..]) {
                0 => 0,
                used => used + 1,
            };
        }
        if let Some(unit) = next.and_then(DoseUnit::parse) {
            self.set_quantity(Quantity::of(amount, unit));
            return 2;
        }
        // "2puffs", "650mg": a unit glued to the digits; "one" has none.
        let digits = first.trim_end_matches(|c: char| c.is_alphabetic());
        let glued = if digits.is_empty() {
            ""
        } else {
            &first[digits.len()..]
        };
        if let Some(unit) = DoseUnit::parse(glued) {
            self.set_quantity(Quantity::of(amount, unit));
            return 1;
        }
        let mass_unit = next
            .and_then(Mass::unit_of)
            .map(|u| (u, 2))
            .or_else(|| Mass::unit_of(glued).map(|u| (u, 1)));
        if let Some((unit, used)) = mass_unit {
            let mass = Mass { amount, unit };
            if self.name_before {
                // "albuterol MDI 100 mcg 2 puffs": the strength, named;
                // it must be the product's.
                if self
                    .product
                    .strength
                    .is_some_and(|s| (s.micrograms() - mass.micrograms()).abs() > 1e-6)
                {
                    self.doubt("a strength that is not the product's");
                }
                return used;
            }
            self.set_mass(mass);
            return used;
        }
        if !glued.is_empty() {
            return 0;
        }
        if let Some(per) = match next {
            Some("min" | "mins" | "minutes" | "minute") => Some(1.0),
            Some("hour" | "hours" | "hr" | "hrs") => Some(60.0),
            _ => None,
        } && third == Some("before")
        {
            self.minutes_before = Some((amount * per) as u32);
            return 2;
        }
        if matches!(next, Some("times" | "x")) {
            let week = match (third, w.get(3).copied()) {
                (Some("a" | "per" | "each" | "every"), Some("week")) => Some(4),
                (Some("weekly" | "week"), _) => Some(3),
                _ => None,
            };
            if let Some(used) = week {
                if amount.fract() != 0.0 || !(1.0..=7.0).contains(&amount) {
                    return 0;
                }
                self.set_per_week(amount as u32);
                return used;
            }
        }
        if matches!(next, Some("times" | "time" | "x")) {
            let used = match (third, w.get(3).copied()) {
                (Some("a" | "per" | "each" | "every"), Some("day")) => 4,
                (Some("daily" | "day"), _) => 3,
                _ => return 0,
            };
            // More than 4 times a day does not fit the four times of day.
            if amount.fract() != 0.0 || !(1.0..=4.0).contains(&amount) {
                return 0;
            }
            if next == Some("time") && amount != 1.0 {
                return 0;
            }
            self.set_count(amount as u32);
            return used;
        }
        // "30 day supply", "90 days supply", "once a day 90 days".
        if matches!(next, Some("day" | "days")) {
            if matches!(third, Some("supply")) {
                return 3;
            }
            if next == Some("days")
                && amount.fract() == 0.0
                && SUPPLY_DAYS.contains(&(amount as u32))
            {
                return 2;
            }
            return 0;
        }
        if self.bare_count_follows(&w[1..]) {
            match self.product.unit {
                Some(unit) => self.set_quantity(Quantity::of(amount, unit)),
                None => self.doubt("an amount with no unit"),
            }
            return 1;
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
            ("qd" | "daily" | "qday" | "everyday", _) => {
                self.set_count(1);
                1
            }
            ("once" | "twice" | "thrice", Some("daily" | "day"))
            | ("every" | "each", Some("day"))
            | ("a", Some("day")) => {
                self.set_count(match first {
                    "twice" => 2,
                    "thrice" => 3,
                    _ => 1,
                });
                2
            }
            ("once" | "twice" | "thrice", Some("a" | "per")) if third == Some("day") => {
                self.set_count(match first {
                    "twice" => 2,
                    "thrice" => 3,
                    _ => 1,
                });
                3
            }
            ("bid" | "bd", _) => {
                self.set_count(2);
                1
            }
            ("tid" | "tds", _) => {
                self.set_count(3);
                1
            }
            ("qid" | "qds", _) => {
                self.set_count(4);
                1
            }
            ("qam" | "qm" | "mane" | "morning" | "am", _) => {
                self.name_time(Morning);
                1
            }
            ("in", Some("the")) if matches!(third, Some("morning" | "evening")) => {
                self.name_time(if third == Some("morning") {
                    Morning
                } else {
                    Evening
                });
                3
            }
            ("every" | "in" | "each", Some("morning" | "am")) => {
                self.name_time(Morning);
                2
            }
            ("at", Some("noon")) | ("at", Some("lunchtime")) => {
                self.name_time(Noon);
                2
            }
            ("noon", _) => {
                self.name_time(Noon);
                1
            }
            ("qpm" | "evening" | "pm", _) => {
                self.name_time(Evening);
                1
            }
            ("every" | "in" | "each", Some("evening" | "pm")) => {
                self.name_time(Evening);
                2
            }
            ("qhs" | "hs" | "nocte" | "nightly" | "bedtime", _) => {
                self.name_time(Bedtime);
                1
            }
            ("at", Some("bedtime" | "night" | "hs")) | ("every" | "each", Some("night")) => {
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
            ("twice" | "thrice", Some("weekly")) => {
                self.set_per_week(if first == "twice" { 2 } else { 3 });
                2
            }
            ("twice" | "thrice", Some("a" | "per")) if third == Some("week") => {
                self.set_per_week(if first == "twice" { 2 } else { 3 });
                3
            }
            ("once", Some("weekly")) | ("every", Some("week")) => {
                self.weekly = true;
                2
            }
            ("once", Some("a" | "per")) if third == Some("week") => {
                self.weekly = true;
                3
            }
            ("qod", _) => {
                self.every_other_day = true;
                1
            }
            ("every", Some("other" | "second")) if third == Some("day") => {
                self.every_other_day = true;
                3
            }
            ("every", Some("2")) if third == Some("days") => {
                self.every_other_day = true;
                3
            }
            ("alternate", Some("days")) => {
                self.every_other_day = true;
                2
            }
            ("on", Some("alternate")) if third == Some("days") => {
                self.every_other_day = true;
                3
            }
            ("every", Some(n))
                if third == Some("to")
                    && w.get(4).copied().is_some_and(is_hour_word)
                    && hour_range(&format!("{n}-{}", w.get(3)?)).is_some() =>
            {
                self.set_every_hours(hour_range(&format!("{n}-{}", w[3]))?);
                5
            }
            ("every", Some(n)) if third.is_some_and(is_hour_word) => {
                let hours = hour_range(n).or_else(|| {
                    // "every FOUR hours"
                    number(n)
                        .filter(|h| h.fract() == 0.0 && *h >= 1.0)
                        .map(|h| (h as u32, None))
                })?;
                self.set_every_hours(hours);
                3
            }
            (q, _) if q.len() > 2 && q.starts_with('q') && q.ends_with('h') => {
                self.set_every_hours(hour_range(&q[1..q.len() - 1])?);
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
        let (n, digits): (u32, &str) = match digits.parse().ok().filter(|n| *n > 0) {
            Some(n) => (n, digits),
            // "for ten days"
            None => (number(word).filter(|n| n.fract() == 0.0)? as u32, word),
        };
        let unit = match &word[digits.len()..] {
            "" => {
                used += 1;
                *w.get(used - 1)?
            }
            glued => glued,
        };
        let course = match unit {
            "d" | "day" | "days" => Course {
                count: n,
                weeks: false,
            },
            "wk" | "wks" | "week" | "weeks" => Course {
                count: n,
                weeks: true,
            },
            _ => return None,
        };
        if self.course.is_some_and(|c| c != course) {
            self.doubt("two courses");
        }
        self.course = Some(course);
        Some(used)
    }

    /// "on Monday", "every Monday", "mondays", "Mon Wed Fri": the days of
    /// the week a dose is taken.
    fn weekday(&mut self, w: &[&str]) -> Option<usize> {
        let (word, used) = match w[0] {
            "on" | "every" | "each" => (*w.get(1)?, 2),
            other => (other, 1),
        };
        let day = weekday_of(word)?;
        self.weekdays.push(day);
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

    /// Where drops and sprays go: "in each eye", "into both eyes", "in the
    /// right eye", "left ear", "per nostril", "each nostril".
    fn place(&mut self, w: &[&str]) -> Option<usize> {
        let mut at = usize::from(matches!(w[0], "in" | "into" | "per" | "to"));
        if w.get(at) == Some(&"the") {
            at += 1;
        }
        let side = match *w.get(at)? {
            s @ ("each" | "both" | "right" | "left" | "affected") => {
                at += 1;
                Some(s)
            }
            _ => None,
        };
        let part = *w.get(at)?;
        let site = match (side, part) {
            (Some("affected"), _) => return None,
            (_, "nostril" | "nostrils") if side.is_some() || w[0] == "per" => Site::EachNostril,
            (Some("right"), "eye") => Site::RightEye,
            (Some("left"), "eye") => Site::LeftEye,
            (Some("each" | "both"), "eye" | "eyes") => Site::BothEyes,
            (Some("right"), "ear") => Site::RightEar,
            (Some("left"), "ear") => Site::LeftEar,
            (Some("each" | "both"), "ear" | "ears") => Site::BothEars,
            _ => return None,
        };
        self.set_site(site);
        Some(at + 1)
    }

    /// Words that say how it goes in.
    fn route_words(&mut self, w: &[&str]) -> Option<usize> {
        let next = w.get(1).copied();
        let (route, used) = match (w[0], next) {
            ("po" | "oral" | "orally", _) => (Route::Mouth, 1),
            ("by", Some("mouth")) => (Route::Mouth, 2),
            ("chew" | "chewed" | "chewable", _) => (Route::Chew, 1),
            ("inhale" | "inh" | "inhaled", _) => (Route::Inhaled, 1),
            ("via" | "using" | "by", Some("inhaler" | "inhalation" | "mdi")) => (Route::Inhaled, 2),
            ("by", Some("injection")) => (Route::Injected, 2),
            // Epic's sig builder: "into the lungs", "under the skin",
            // "into the skin" (of an injection), "onto the skin".
            ("into", Some("the")) if w.get(2) == Some(&"lungs") => (Route::Inhaled, 3),
            ("under", Some("the")) if w.get(2) == Some(&"skin") => (Route::Injected, 3),
            ("into", Some("the"))
                if w.get(2) == Some(&"skin") && self.route == Some(Route::Injected) =>
            {
                (Route::Injected, 3)
            }
            ("onto", Some("the")) if w.get(2) == Some(&"skin") => (Route::Skin, 3),
            ("inhalation", _) if self.quantity.is_some() => (Route::Inhaled, 1),
            (
                "subq" | "subcut" | "sc" | "sq" | "im" | "subcutaneously" | "subcutaneous"
                | "intramuscularly" | "inject" | "injection",
                _,
            ) => (Route::Injected, 1),
            ("top" | "topically" | "topical" | "externally", _) => (Route::Skin, 1),
            ("to", _) => {
                // "to affected area", "to the affected area(s)", "to skin".
                let mut at = 1;
                if w.get(at) == Some(&"the") {
                    at += 1;
                }
                if w.get(at) == Some(&"affected") {
                    at += 1;
                }
                match w.get(at).copied() {
                    Some("area" | "areas" | "skin" | "site") if at > 1 || w[at] == "skin" => {
                        (Route::Skin, at + 1)
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        self.set_route(route);
        Some(used)
    }

    /// "remove after 12 hours", "take off after 12 hours".
    fn remove_after(&mut self, w: &[&str]) -> usize {
        let at = match (w.get(1).copied(), w.get(2).copied()) {
            (Some("off"), _) => 2,
            (Some("it"), Some("off")) => 3,
            _ => 1,
        };
        if w.get(at) != Some(&"after") {
            return 0;
        }
        let Some(hours) = w.get(at + 1).and_then(|n| n.parse::<u32>().ok()) else {
            return 0;
        };
        if !w.get(at + 2).is_some_and(|u| is_hour_word(u)) {
            return 0;
        }
        self.remove_after_hours = Some(hours);
        at + 3
    }

    /// After "prn": the reason, up to a word that starts another phrase.
    fn reason(w: &[&str]) -> (usize, Option<String>) {
        let (skip, w) = match w.first() {
            Some(&"for") => (1, &w[1..]),
            _ => (0, w),
        };
        let stops = [
            "max", "maximum", "not", "do", "no", "mdd", "with", "wc", "pc", "ac", "before", "and",
            "x", "for", "then", ",", ".", "take", "use", "it", "them", "inhale", "apply", "put",
            "chew", "inject",
        ];
        let len = (0..w.len())
            .find(|&i| {
                stops.contains(&w[i])
                    || number(w[i]).is_some()
                    // "pain>7", "pain 4-6": a score, not words to copy.
                    || w[i].contains(|c: char| c.is_ascii_digit() || "<>=+&@".contains(c))
                    || Reading::default().frequency(&w[i..]).is_some()
                    || Reading::default().duration(&w[i..]).is_some()
            })
            .unwrap_or(w.len());
        if len == 0 {
            return (0, None);
        }
        (skip + len, Some(w[..len].join(" ")))
    }

    /// "prn pain", "as needed for nausea": as needed, and what for.
    fn as_needed_phrase(&mut self, w: &[&str]) -> usize {
        self.as_needed = true;
        let (used, text) = Reading::reason(w);
        if text.is_some() {
            self.as_needed_for = text;
        }
        used
    }

    /// After "with" or "after": a meal, meaning with food (and at that
    /// meal's time).
    fn with_meal(&mut self, w: &[&str]) -> Option<usize> {
        let (mut used, time) = meal(w)?;
        self.food = Some(Food::WithFood);
        if let Some(t) = time {
            self.meal_time(t);
        }
        // "with breakfast and dinner"
        while w.get(used) == Some(&"and") {
            let Some((more, Some(t))) = meal(&w[used + 1..]) else {
                break;
            };
            self.meal_time(t);
            used += 1 + more;
        }
        Some(used)
    }

    fn set_before_meal(&mut self, before: BeforeMeal) {
        self.before_meal = Some(match self.before_meal {
            None => before,
            Some(old) if old == before => old,
            // "before breakfast and before dinner": before each meal named.
            Some(old) if old.minutes == before.minutes => BeforeMeal {
                minutes: old.minutes,
                meal: None,
            },
            Some(old) => {
                self.doubt("two different times before a meal");
                old
            }
        });
    }

    /// After "before" (or "30 min before"): a meal, meaning an empty
    /// stomach.
    fn before_meal(&mut self, w: &[&str]) -> Option<usize> {
        let (used, time) = meal(w)?;
        let minutes = self.minutes_before.take();
        self.set_before_meal(BeforeMeal {
            minutes,
            meal: time,
        });
        if let Some(t) = time {
            self.meal_time(t);
        }
        Some(used)
    }

    /// "max 8/day", "max 8 tabs per day", "not to exceed 4 doses in 24
    /// hours", "no more than 6 tablets in 24 hours", "mdd 3", "max daily
    /// dose 3".
    fn max_phrase(&mut self, w: &[&str]) -> usize {
        let short = match w {
            ["mdd", n, ..] if number(n).is_some() => 2,
            ["max" | "maximum", "daily", "dose", n, ..] if number(n).is_some() => 4,
            _ => 0,
        };
        let end = if short > 0 {
            short
        } else {
            // The clause ends at "day" ("per day", "in 1 day"), or at "24
            // hours"; "24 tablets" is an amount, not the end.
            let day = w.iter().position(|x| x.contains("day")).map(|p| p + 1);
            let hours = w
                .windows(2)
                .position(|p| p[0] == "24" && is_hour_word(p[1]))
                .map(|p| p + 2);
            match (day, hours) {
                (Some(d), Some(h)) => d.min(h),
                (d, h) => d.or(h).unwrap_or(0),
            }
            .min(w.len())
        };
        if end == 0 || end > 10 || !w[..end].iter().any(|x| number(x).is_some()) {
            return 0;
        }
        // Every word of the clause is one a daily limit is written with:
        // nothing else is carried into the restated limit unread.
        const LIMIT_WORDS: [&str; 22] = [
            "max", "maximum", "mdd", "not", "do", "no", "to", "exceed", "more", "than", "take",
            "per", "a", "in", "of", "hours", "hrs", "day", "days", "daily", "dose", "doses",
        ];
        let known = |x: &&str| {
            LIMIT_WORDS.contains(x)
                || number(x).is_some()
                || DoseUnit::parse(x).is_some()
                || Mass::unit_of(x).is_some()
        };
        if !w[..end].iter().all(known) {
            return 0;
        }
        if self.max_per_day.is_some() {
            self.doubt("two daily maximums");
        }
        self.max_per_day = Some(w[..end].join(" "));
        end
    }
}

/// "monday", "mondays", "mon", "weds": 0 for Monday to 6 for Sunday.
fn weekday_of(word: &str) -> Option<u8> {
    const DAYS: [(&str, &[&str]); 7] = [
        ("monday", &["mon"]),
        ("tuesday", &["tue", "tues"]),
        ("wednesday", &["wed", "weds"]),
        ("thursday", &["thu", "thur", "thurs"]),
        ("friday", &["fri"]),
        ("saturday", &["sat"]),
        ("sunday", &["sun"]),
    ];
    let word = word.trim_end_matches('s');
    DAYS.iter()
        .position(|(day, short)| {
            word == day.trim_end_matches('s')
                || short.iter().any(|s| word == s.trim_end_matches('s'))
        })
        .map(|d| d as u8)
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

/// A number as directions write it: "2", "1/2", "1.5", "two", "ii".
pub fn number(word: &str) -> Option<f64> {
    const WORDS: [&str; 14] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen",
    ];
    match word {
        "i" => return Some(1.0),
        "ii" => return Some(2.0),
        "iii" => return Some(3.0),
        "half" | "½" => return Some(0.5),
        _ => {}
    }
    if let Some(n) = WORDS.iter().position(|w| *w == word) {
        return Some(n as f64 + 1.0);
    }
    // ISMP's error-prone forms are not read: a naked decimal (".5 mg" read
    // as 5) and a trailing zero ("1.0 mg" read as 10).
    let digits_only = word.trim_end_matches(|c: char| c.is_alphabetic());
    if digits_only.starts_with('.') || (digits_only.contains('.') && digits_only.ends_with('0')) {
        return None;
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
        Some(Quantity::of(amount, unit))
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
        assert_eq!(s.max_per_day.as_deref(), Some("max 4 doses per day"));
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
        for sig in ["1 tab once a month", "1 tab 5 times a day"] {
            let s = read_sig(sig);
            assert!(!s.understood(), "{sig} → {s:?}");
        }
        // Twice a week is read as such, never as a daily count.
        let s = read_sig("1 tab twice a week");
        assert_eq!(
            (s.per_week, s.times.len(), s.doses_per_day()),
            (Some(2), 0, None)
        );
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
        assert_eq!(s.weekdays, vec![0]);
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

    fn tablets_of(mg: f64) -> Product {
        Product {
            unit: Some(DoseUnit::Tablet),
            strength: Some(Mass {
                amount: mg,
                unit: "mg",
            }),
            name: Vec::new(),
        }
    }

    /// The wrong restatements a review of real directions found, each as a
    /// pattern: what the reader must make of them now.
    #[test]
    fn an_amount_by_weight_is_kept_and_counted_from_the_strength() {
        let s = read_sig_for("650 MG EVERY 6 HOURS", &tablets_of(325.0));
        assert!(s.understood(), "{:?}", s.unread);
        assert_eq!(s.quantity, q(2.0, DoseUnit::Tablet));
        assert!(s.counted_from_mass);
        assert_eq!(s.most_per_day(), q(8.0, DoseUnit::Tablet));
        // Without a strength the weight stands alone, and is not dropped.
        let s = read_sig("650 MG EVERY 6 HOURS");
        assert!(s.understood());
        assert_eq!(s.quantity, None);
        assert_eq!(s.mass.map(|m| m.amount), Some(650.0));
        assert_eq!(s.most_mass_per_day().map(|m| m.amount), Some(2600.0));
        // 650 mg of 500 mg tablets cannot be measured out: quoted, and so
        // is 2 mg of a 5 mg product whose unit is not known.
        assert!(!read_sig_for("650 mg q6h", &tablets_of(500.0)).understood());
        let five_mg = Product {
            unit: None,
            strength: Some(Mass {
                amount: 5.0,
                unit: "mg",
            }),
            name: Vec::new(),
        };
        assert!(!read_sig_for("2 MG Every MONDAY", &five_mg).understood());
        let s = read_sig_for("10 mg daily", &five_mg);
        assert!(s.understood() && s.quantity.is_none(), "{s:?}");
        // A count and a weight must agree with the strength.
        assert!(
            read_sig_for(
                "take 1 tablet (20 mg total) by mouth daily",
                &tablets_of(20.0)
            )
            .understood()
        );
        assert!(
            !read_sig_for(
                "take 1 tablet (20 mg total) by mouth daily",
                &tablets_of(10.0)
            )
            .understood()
        );
        assert!(!read_sig("2 tabs 20 mg daily").understood());
        assert!(read_sig("2 tabs (650 mg total) q6h").understood());
    }

    #[test]
    fn several_weekdays_are_all_kept() {
        let s = read_sig("2 MG Every MONDAY, WEDNESDAY, FRIDAY, and SUNDAY");
        assert!(s.understood(), "{:?}", s.unread);
        assert_eq!(s.weekdays, vec![0, 2, 4, 6]);
        let s = read_sig("take 1 tablet by mouth on monday wednesdays and Fridays");
        assert_eq!(s.weekdays, vec![0, 2, 4]);
        // A daily count on named days disagrees.
        assert!(!read_sig("1 tab daily on Monday").understood());
    }

    #[test]
    fn a_regular_dose_and_prn_is_not_made_as_needed_only() {
        for sig in ["2 PUFF 2 TIMES DAILY AND PRN", "1 tab bid and as needed"] {
            let s = read_sig(sig);
            assert!(!s.understood(), "{sig}: {s:?}");
        }
        assert!(read_sig("1 tab po bid prn anxiety").understood());
    }

    #[test]
    fn contradictions_are_not_resolved_by_guessing() {
        for sig in [
            "take 1 tablet every 12 hours daily",
            "1 tab q8h daily",
            "1 tab bid q12h",
            "1 tab q6h at bedtime",
            "1 tab daily twice a day",
        ] {
            assert!(!read_sig(sig).understood(), "{sig}");
        }
    }

    #[test]
    fn a_route_that_does_not_fit_the_unit_is_quoted() {
        assert!(!read_sig("1 cap inhale daily").understood());
        assert!(!read_sig("1 tab sl prn chest pain").understood());
        assert!(!read_sig("1 tab subq daily").understood());
        assert_eq!(read_sig("10 units subq qhs").route, Some(Route::Injected));
        assert_eq!(read_sig("chew 1 tab daily").route, Some(Route::Chew));
    }

    #[test]
    fn meal_times_are_all_kept_or_the_directions_quoted() {
        let s = read_sig("1 tab before breakfast and before dinner");
        assert!(s.understood(), "{:?}", s.unread);
        assert_eq!(s.times, vec![Morning, Evening]);
        assert_eq!(s.before_meal.map(|b| b.meal), Some(None));
        let s = read_sig("1 tab before breakfast before lunch before evening meal and at bedtime");
        assert!(!s.understood());
    }

    #[test]
    fn a_dash_in_directions_is_quoted_not_read_as_a_negative_amount() {
        let s = read_sig("take 1 tablet by mouth with water -30-60 minutes before eating");
        assert!(!s.understood());
    }

    #[test]
    fn bare_counts_take_the_products_unit_or_are_quoted() {
        let tablets = &Product {
            unit: Some(DoseUnit::Tablet),
            strength: None,
            name: Vec::new(),
        };
        let s = read_sig_for("1 qhs prn insomnia", tablets);
        assert!(s.understood(), "{:?}", s.unread);
        assert_eq!(s.quantity, q(1.0, DoseUnit::Tablet));
        assert_eq!(s.as_needed_for.as_deref(), Some("insomnia"));
        assert!(!read_sig("1 daily").understood());
        assert!(read_sig_for("one twice a day", tablets).understood());
    }

    #[test]
    fn spellings_of_one_thing_read_alike() {
        for (a, b) in [
            ("1 tab q 6 h", "1 tab q6h"),
            ("1 tab q6hrs", "1 tab q6h"),
            ("5ml 3 hrly when required", "5 ml q3h prn"),
            ("1 tab bd", "1 tab bid"),
            ("1 tab tds", "1 tab tid"),
            ("1 tab mane", "1 tab qam"),
            ("1 tab nocte", "1 tab qhs"),
            ("1 tab q am", "1 tab qam"),
            ("1 tab bidx10 days", "1 tab bid x 10 days"),
            ("1 tab tidprn", "1 tab tid prn"),
            ("1 tab at 5 pm", "1 tab at 17:00"),
            ("1 tablet to be taken twice a day", "1 tab bid"),
            ("1 tab 3 times/day", "1 tab tid"),
        ] {
            let (x, y) = (read_sig(a), read_sig(b));
            assert!(x.understood(), "{a}: {:?}", x.unread);
            assert_eq!(x, y, "{a} / {b}");
        }
    }

    #[test]
    fn a_supply_is_not_a_course() {
        let s = read_sig("1 tab once a day 90 days");
        assert!(s.understood(), "{:?}", s.unread);
        assert_eq!(s.course, None);
        assert_eq!(
            read_sig("1 tab daily x 90 days").course.map(Course::days),
            Some(90)
        );
        // A bare number of days that is no usual supply is not guessed.
        assert!(!read_sig("1 tab bid 7 days").understood());
    }

    #[test]
    fn the_medicines_own_name_and_strength_may_be_repeated() {
        let albuterol = &Product {
            unit: Some(DoseUnit::Puff),
            strength: Some(Mass {
                amount: 100.0,
                unit: "mcg",
            }),
            name: name_words("Albuterol HFA 100 mcg inhaler"),
        };
        assert!(albuterol.name.contains(&"albuterol".to_owned()));
        let s = read_sig_for("albuterol MDI 100 mcg 2 puffs each morning", albuterol);
        assert!(s.understood(), "{:?}", s.unread);
        assert_eq!(s.quantity, q(2.0, DoseUnit::Puff));
        assert_eq!(s.mass, None);
        // A strength that is not the product's is not glossed over.
        assert!(!read_sig_for("albuterol MDI 90 mcg 2 puffs each morning", albuterol).understood());
        // Without the name known, the words are not read.
        assert!(!read_sig("albuterol MDI 100 mcg 2 puffs each morning").understood());
        // A name's time-of-day words stay times: "Tylenol PM" gives "tylenol".
        assert_eq!(
            name_words("Tylenol PM Extra Strength 500 mg"),
            ["extra", "strength", "tylenol"]
        );
    }

    #[test]
    fn doses_a_week_without_days_are_kept() {
        for sig in [
            "1 tab twice weekly",
            "1 tab 2 times a week",
            "1 tab twice a week",
        ] {
            let s = read_sig(sig);
            assert!(s.understood(), "{sig}: {:?}", s.unread);
            assert_eq!(s.per_week, Some(2), "{sig}");
            assert_eq!(s.doses_per_day(), None);
        }
        // Days named must be as many as the count.
        assert!(read_sig("1 tab twice weekly on Monday and Thursday").understood());
        assert!(!read_sig("1 tab twice weekly on Monday").understood());
    }

    #[test]
    fn weekly_doses_are_not_daily() {
        let s = read_sig("70 mg tab once weekly");
        assert!(s.weekly);
        assert_eq!(s.doses_per_day(), None);
    }
}

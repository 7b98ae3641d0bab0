//! The shapes of the knowledge-base files (`data/*.toml`), as serde types.
//!
//! Unknown keys are rejected, so a typo in a data file fails the start-up
//! self-check instead of silently dropping a fact.

use serde::{Deserialize, Serialize};

/// One knowledge-base file. Every file has the same shape, so that facts
/// can be kept one topic per file (`ingredients.toml`, `herb-food.toml`…)
/// and a clinic's own file (`--knowledge`) reads like ours.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeFile {
    #[serde(default)]
    pub ingredient: Vec<Ingredient>,
    #[serde(default)]
    pub class: Vec<Class>,
    #[serde(default)]
    pub product: Vec<Product>,
    #[serde(default)]
    pub interaction: Vec<InteractionRule>,
    #[serde(default)]
    pub food: Vec<FoodRule>,
    #[serde(default)]
    pub allergy: Vec<AllergyGroup>,
    #[serde(default)]
    pub limit: Vec<Limit>,
    #[serde(default)]
    pub condition: Vec<Condition>,
    #[serde(default)]
    pub intended: Vec<IntendedCombination>,
    #[serde(default)]
    pub renal: Vec<PatientRule>,
    #[serde(default)]
    pub hepatic: Vec<PatientRule>,
    #[serde(default, rename = "older-adult")]
    pub older_adult: Vec<PatientRule>,
    #[serde(default)]
    pub duration: Vec<DurationRule>,
    #[serde(default)]
    pub symptom: Vec<Symptom>,
    #[serde(default, rename = "side-effect")]
    pub side_effect: Vec<SideEffectRule>,
    #[serde(default)]
    pub concern: Vec<Concern>,
}

/// A clinical concern that findings are grouped under into one
/// medication-related problem (`problems.md`): bleeding, high potassium, a
/// dose that does not fit the kidneys...
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Concern {
    pub id: String,
    /// Clinical name, for prescribers ("Bleeding risk").
    pub name: String,
    /// Plain words, for patients ("bleeding").
    pub plain: String,
    pub plain_es: String,
    pub category: ProblemCategory,
    /// How findings of this concern join into problems.
    pub merge: Merge,
}

/// The kind of problem, for programs that report them (`problems.md`;
/// PCNE and Cipolle–Strand categories in the README's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemCategory {
    /// A medicine should be changed for safety (an interaction, a medicine
    /// to avoid in this patient).
    Safety,
    DoseTooHigh,
    DoseTooLow,
    /// No indication, a duplicate, past its course.
    Unnecessary,
    NeedsMonitoring,
    Adherence,
    /// Untreated, or information missing to judge.
    MissingInformation,
}

impl ProblemCategory {
    /// The category as the knowledge base and the JSON spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCategory::Safety => "safety",
            ProblemCategory::DoseTooHigh => "dose-too-high",
            ProblemCategory::DoseTooLow => "dose-too-low",
            ProblemCategory::Unnecessary => "unnecessary",
            ProblemCategory::NeedsMonitoring => "needs-monitoring",
            ProblemCategory::Adherence => "adherence",
            ProblemCategory::MissingInformation => "missing-information",
        }
    }
}

/// Which findings of one concern make one problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Merge {
    /// All of the patient's findings of this concern are one problem
    /// (bleeding from warfarin with an NSAID and from apixaban with ginkgo).
    All,
    /// Findings of this concern that share an ingredient are one problem;
    /// others stay apart (a kidney dose for metformin and one for
    /// gabapentin).
    Medicine,
    /// Only findings about the same ingredients are one problem (two
    /// medicines that change each other's levels: each pair its own).
    Same,
}

/// How serious a finding is, least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Minor,
    Moderate,
    Major,
    Contraindicated,
}

impl Severity {
    /// All severities, least serious first.
    pub const ALL: [Severity; 4] = [
        Severity::Minor,
        Severity::Moderate,
        Severity::Major,
        Severity::Contraindicated,
    ];

    /// The word used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Moderate => "moderate",
            Severity::Major => "major",
            Severity::Contraindicated => "contraindicated",
        }
    }
}

/// What an ingredient is, for grouping in documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IngredientKind {
    Medicine,
    Vitamin,
    Mineral,
    Herb,
    Supplement,
}

/// An amount with its unit: `4000 mg`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    pub amount: f64,
    pub unit: Unit,
}

/// Units the knowledge base states amounts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Mg,
    Mcg,
    G,
    Units,
    Ml,
}

impl Unit {
    /// Parses a unit as labels write it ("mg", "MCG", "IU", "mL").
    pub fn parse(text: &str) -> Option<Unit> {
        match text.to_lowercase().as_str() {
            "mg" => Some(Unit::Mg),
            "mcg" | "µg" | "ug" => Some(Unit::Mcg),
            "g" | "gm" => Some(Unit::G),
            "unit" | "units" | "iu" | "u" => Some(Unit::Units),
            "ml" => Some(Unit::Ml),
            _ => None,
        }
    }

    /// The unit as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Mg => "mg",
            Unit::Mcg => "mcg",
            Unit::G => "g",
            Unit::Units => "units",
            Unit::Ml => "mL",
        }
    }

    /// Converts `value` of this unit into `to`, where that makes sense.
    pub fn convert(self, value: f64, to: Unit) -> Option<f64> {
        let in_mcg = |u: Unit| match u {
            Unit::Mcg => Some(1.0),
            Unit::Mg => Some(1_000.0),
            Unit::G => Some(1_000_000.0),
            _ => None,
        };
        if self == to {
            return Some(value);
        }
        Some(value * in_mcg(self)? / in_mcg(to)?)
    }
}

/// One active ingredient (or vitamin, mineral, herb, supplement).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ingredient {
    /// Canonical lowercase US adopted name.
    pub name: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
    pub kind: IngredientKind,
    /// What it is for, in plain words ("Lowers blood pressure.").
    pub purpose: String,
    pub purpose_es: String,
    pub how_to_take: Option<String>,
    pub how_to_take_es: Option<String>,
    #[serde(default)]
    pub side_effects: Vec<String>,
    #[serde(default)]
    pub side_effects_es: Vec<String>,
    /// Signs that mean "call us".
    #[serde(default)]
    pub call_if: Vec<String>,
    #[serde(default)]
    pub call_if_es: Vec<String>,
    /// Signs that mean "get help now".
    #[serde(default)]
    pub get_help_if: Vec<String>,
    #[serde(default)]
    pub get_help_if_es: Vec<String>,
    /// The labelled maximum total per day for adults, where one exists.
    pub max_daily: Option<Amount>,
    /// The labelled maximum per day of its prescription products, where it
    /// is higher than `max_daily` from the over-the-counter Drug Facts
    /// (ibuprofen: 1200 mg over the counter, 3200 mg on prescription).
    pub max_daily_prescription: Option<Amount>,
    /// The labelled maximum per day of its extended-release products, where
    /// it differs from `max_daily` (zolpidem: 10 mg, 12.5 mg extended).
    pub max_daily_extended_release: Option<Amount>,
    /// Taken once a week in (almost) every use: a schedule of several days
    /// a week is a dosing error its labels warn of (oral methotrexate).
    #[serde(default)]
    pub once_weekly: bool,
    /// The usual longest course for a short-term medicine.
    pub short_term_days: Option<u32>,
    pub sources: Vec<String>,
}

/// A class of ingredients under our own id.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Class {
    pub id: String,
    /// Clinical name, for prescribers.
    pub name: String,
    /// Plain words, for patients.
    pub plain: String,
    pub plain_es: String,
    /// Two members taken together are a duplicate therapy.
    #[serde(default)]
    pub duplicate: bool,
    pub members: Vec<String>,
    /// A score per member where the class grades them (anticholinergic
    /// burden: 1 to 3); every key must be a member.
    #[serde(default)]
    pub scores: std::collections::BTreeMap<String, u8>,
    pub sources: Vec<String>,
}

/// A brand or product name and what is in it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub name: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
    #[serde(rename = "type")]
    pub kind: ProductType,
    /// What the amounts are per ("tablet", "30 mL").
    pub per: Option<String>,
    /// Extended-release when its name does not say so (Namzaric).
    pub release: Option<Release>,
    pub ingredients: Vec<ProductIngredient>,
    pub sources: Vec<String>,
}

/// `products.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductType {
    Prescription,
    Otc,
    Supplement,
    Herbal,
}

/// One ingredient of a product, with its amount per unit when fixed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProductIngredient {
    pub name: String,
    pub amount: Option<f64>,
    pub unit: Option<Unit>,
}

/// Which check a pair rule reports under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PairCheck {
    /// Two medicines (or a medicine and a herb or supplement) act on each
    /// other.
    #[default]
    Interaction,
    /// A medicine meets a food-like product (calcium, iron, antacids): the
    /// answer is usually spacing the doses.
    HerbFood,
}

/// A rule that fires when two different active medicines of the record
/// hold its two subjects. A subject is an ingredient name or `class:<id>`;
/// a class expands to every member, and the pair is named once, in either
/// order.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InteractionRule {
    /// Unique rule id (`warfarin+nsaid`), used by tests and `explain`.
    pub id: String,
    #[serde(default)]
    pub check: PairCheck,
    pub between: [String; 2],
    /// A third subject that must be taken too: the rule is about the three
    /// together (an NSAID with an ACE inhibitor or ARB and a diuretic), and
    /// its one finding replaces the pair findings of the first subject with
    /// the other two. `{c}` in patient wording stands for it.
    pub with: Option<String>,
    /// Ingredients left out of a class expansion.
    #[serde(default)]
    pub except: Vec<String>,
    pub severity: Severity,
    /// Short clinical title.
    pub title: String,
    /// For the prescriber: what may happen, why, what to do.
    pub consequence: String,
    pub mechanism: String,
    pub action: String,
    /// For the patient, plain words; `{a}` and `{b}` stand for the
    /// medicines as the record names them.
    pub patient: String,
    pub patient_es: String,
    /// Keep the two doses this many hours apart (spacing rules).
    pub separate_hours: Option<u32>,
    /// The ONC pair this rule implements (`high-3`, `low-23`).
    pub onc: Option<String>,
    /// Why a pair the ONC lists as low priority is `major` or above here:
    /// the newer evidence, cited.
    pub raised_from_low_priority: Option<String>,
    /// The concern its findings are grouped under (`concerns.toml`); the
    /// check's own when not given.
    pub concern: Option<String>,
    pub sources: Vec<String>,
}

/// Foods, drinks and habits a medicine can meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exposure {
    Grapefruit,
    Alcohol,
    Tobacco,
    VitaminKFoods,
    TyramineFoods,
    Dairy,
    PotassiumSaltSubstitutes,
    Caffeine,
    Food,
}

impl Exposure {
    /// The name used in finding ids (`herb-food/simvastatin+grapefruit`).
    pub fn as_str(self) -> &'static str {
        match self {
            Exposure::Grapefruit => "grapefruit",
            Exposure::Alcohol => "alcohol",
            Exposure::Tobacco => "tobacco",
            Exposure::VitaminKFoods => "vitamin-k-foods",
            Exposure::TyramineFoods => "tyramine-foods",
            Exposure::Dairy => "dairy",
            Exposure::PotassiumSaltSubstitutes => "potassium-salt-substitutes",
            Exposure::Caffeine => "caffeine",
            Exposure::Food => "food",
        }
    }
}

/// A rule that fires when an active medicine meets a food, drink or habit.
/// Alcohol rules fire when the record's drinks per week reach
/// `min_drinks_per_week` (and, as advice at `minor`, when alcohol use is
/// not recorded); tobacco rules when the record says the patient smokes;
/// food rules whenever the medicine is taken, as advice.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FoodRule {
    pub id: String,
    /// An ingredient name or `class:<id>`.
    pub medicine: String,
    #[serde(default)]
    pub except: Vec<String>,
    pub exposure: Exposure,
    pub severity: Severity,
    pub title: String,
    pub consequence: String,
    pub mechanism: String,
    pub action: String,
    /// Plain words; `{medicine}` stands for the medicine's name.
    pub patient: String,
    pub patient_es: String,
    pub min_drinks_per_week: Option<u32>,
    pub separate_hours: Option<u32>,
    /// The concern its findings are grouped under; the check's own when
    /// not given.
    pub concern: Option<String>,
    pub sources: Vec<String>,
}

/// An allergy group: the names a record may give the allergy, the
/// medicines that are the allergen itself, and the groups that cross-react
/// with it, each with its real strength.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllergyGroup {
    pub id: String,
    /// Clinical name ("Penicillins").
    pub name: String,
    /// Plain words ("penicillin-type antibiotics").
    pub plain: String,
    pub plain_es: String,
    /// What records write for the whole group ("penicillin", "pcn",
    /// "sulfa"). Ingredient names and synonyms of members match as well.
    #[serde(default)]
    pub names: Vec<String>,
    /// Ingredients or `class:<id>`; empty for a substance that is not a
    /// medicine (latex, eggs), known so that it is not reported as
    /// unrecognised.
    #[serde(default)]
    pub members: Vec<String>,
    /// Severity when a current medicine is a member.
    pub severity: Severity,
    /// For the prescriber: why members count as the allergen.
    pub note: String,
    #[serde(default)]
    pub cross: Vec<CrossReaction>,
    pub sources: Vec<String>,
}

/// Medicines outside a group that may react in someone allergic to it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CrossReaction {
    /// Ingredients or `class:<id>`.
    pub members: Vec<String>,
    #[serde(default)]
    pub except: Vec<String>,
    pub severity: Severity,
    /// For the prescriber: how strong the cross-reactivity is and why.
    pub note: String,
    pub sources: Vec<String>,
}

/// A lower daily maximum of an ingredient for some patients
/// (acetaminophen 3 g for older adults or with liver disease).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    pub ingredient: String,
    pub when: LimitWhen,
    /// Alcohol only: applies from this many drinks a week.
    pub min_drinks_per_week: Option<u32>,
    /// Only for products of this release (zolpidem: 5 mg immediate-release,
    /// 6.25 mg extended-release for older adults).
    pub release: Option<Release>,
    pub max_daily: Amount,
    /// The label's recommended dose for these patients rather than a
    /// maximum (zolpidem for women): above it is worth a word with the
    /// prescriber (`moderate`), not an overdose (`major`).
    #[serde(default)]
    pub recommended: bool,
    pub sources: Vec<String>,
}

/// How a medicine reaches the body, as far as the record tells: by mouth, a
/// patch, gel or spray (systemic), or into the vagina (local), read from its
/// name, form and directions; `Unknown` when they do not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    Systemic,
    Vaginal,
    #[default]
    Unknown,
}

/// Immediate- or extended-release: read from the medicine's name, form and
/// strength ("ER", "XR", "XL", "CR", "SR", "LA", "extended-release").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Release {
    Immediate,
    Extended,
}

/// Which patients a [`Limit`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LimitWhen {
    /// 65 or older at the review date.
    OlderAdult,
    /// A condition of the record maps to `liver-disease`.
    LiverDisease,
    /// The record's drinks per week reach `min_drinks_per_week`.
    Alcohol,
    /// The record's `sex` is `female`.
    Female,
}

/// A known condition and the words records use for it; checks refer to
/// conditions by id.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub id: String,
    /// Clinical name.
    pub name: String,
    /// Lowercase words or phrases that mean this condition when they occur
    /// as whole words in a record's condition ("cirrhosis", "hepatitis c").
    pub names: Vec<String>,
    /// Broader conditions that hold as well (cirrhosis → liver-disease).
    #[serde(default)]
    pub implies: Vec<String>,
}

/// A rule on one medicine against the patient, for the `renal`, `hepatic`
/// and `older-adult` checks (the table it sits in names the check).
///
/// Its trigger is every field given, all of which must hold:
/// - `measure` with `below` (and `at_least`): kidney function in that band;
/// - `conditions`: the record names one of these condition ids;
/// - `unless`: the record names none of these;
/// - `lab` with `lab_at_least` / `lab_below`: a lab value in that range;
/// - `drinks_at_least`: alcohol drinks a week;
/// - `min_age` (65 for every `older-adult` rule when not given);
/// - `weight_at_most`: the recorded weight, in kg;
/// - `release`: the medicine is of that release (immediate or extended);
/// - `delivery`: the medicine reaches the body that way (systemic, vaginal,
///   or unknown when the record does not say);
/// - `except_products`: the medicine is none of these products;
/// - `max_daily`: the dose the patient takes is above this (when the dose
///   cannot be worked out the rule fires and says so);
/// - `count_at_least`: that many different medicines of the `class:`
///   subject are taken together;
/// - `score_at_least`: the scores of the `class:` subject's members taken
///   add up to this.
///
/// When several rules fire for one ingredient in one check, the most severe
/// wins (then the first in file order).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatientRule {
    pub id: String,
    /// An ingredient or `class:<id>`.
    pub subject: String,
    /// Class members never matched by this rule.
    #[serde(default)]
    pub except: Vec<String>,
    pub severity: Severity,
    pub measure: Option<KidneyMeasure>,
    /// Fires when kidney function is below this (mL/min or mL/min/1.73 m²).
    pub below: Option<f64>,
    /// …and at or above this.
    pub at_least: Option<f64>,
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub unless: Vec<String>,
    pub lab: Option<String>,
    pub lab_at_least: Option<f64>,
    pub lab_below: Option<f64>,
    pub drinks_at_least: Option<u32>,
    pub min_age: Option<u32>,
    /// The record's weight is known and at most this (kg).
    pub weight_at_most: Option<f64>,
    /// Only products of this release.
    pub release: Option<Release>,
    /// Not for these products (their names in the knowledge base): a
    /// combination whose own label gives no change where the ingredient's
    /// does (Descovy at a clearance of 30 to 49).
    #[serde(default)]
    pub except_products: Vec<String>,
    /// Only when the medicine reaches the body this way (estrogen: systemic,
    /// not vaginal, as Beers grades them apart).
    pub delivery: Option<Delivery>,
    pub max_daily: Option<Amount>,
    pub count_at_least: Option<u32>,
    pub score_at_least: Option<u32>,
    /// What to do: avoid, reduce to a stated dose, or monitor.
    pub advice: Advice,
    pub title: String,
    /// For the prescriber: what can happen.
    pub consequence: String,
    /// For the prescriber: the recommended action, with the stated dose.
    pub action: String,
    /// For the patient, grade 6 or lower; `{medicine}` is the medicine as
    /// the record names it.
    pub patient: String,
    pub patient_es: String,
    /// The concern its findings are grouped under; the check's own when
    /// not given.
    pub concern: Option<String>,
    pub sources: Vec<String>,
}

/// Which estimate of kidney function a renal rule is stated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KidneyMeasure {
    /// eGFR, mL/min/1.73 m².
    Egfr,
    /// Creatinine clearance (Cockcroft–Gault), mL/min.
    Crcl,
}

/// The kind of recommendation a patient rule makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Advice {
    Avoid,
    Reduce,
    Monitor,
}

/// How long a medicine is usually needed, for the `outdated` check: on the
/// list longer than `max_days` since it was started (or its course ended)
/// with none of the `unless` conditions.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DurationRule {
    pub id: String,
    /// An ingredient or `class:<id>`.
    pub subject: String,
    #[serde(default)]
    pub except: Vec<String>,
    pub max_days: u32,
    /// Only for medicines taken as needed (an opioid kept "just in case").
    #[serde(default)]
    pub as_needed_only: bool,
    #[serde(default)]
    pub unless: Vec<String>,
    /// Not while the patient also takes one of these (ingredients or
    /// `class:<id>`): a long course the source accepts with them (a proton
    /// pump inhibitor with a daily NSAID or an oral corticosteroid).
    #[serde(default)]
    pub unless_taking: Vec<String>,
    pub severity: Severity,
    pub title: String,
    pub consequence: String,
    pub action: String,
    pub patient: String,
    pub patient_es: String,
    pub sources: Vec<String>,
}

/// A symptom as patients report it, for the `side-effect` check.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Symptom {
    pub id: String,
    /// Clinical name ("Orthostatic dizziness").
    pub name: String,
    /// Plain words, to fit "Your … may be a side effect" ("dizziness when
    /// you stand up").
    pub plain: String,
    pub plain_es: String,
    /// Lowercase phrases that mean it when they occur as whole words in a
    /// reported symptom ("dizzy when standing", "lightheaded").
    pub names: Vec<String>,
}

/// Medicines known to cause a symptom.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SideEffectRule {
    pub id: String,
    pub symptom: String,
    /// Ingredients or `class:<id>`.
    pub subjects: Vec<String>,
    #[serde(default)]
    pub except: Vec<String>,
    pub severity: Severity,
    /// For the prescriber: the mechanism or how often, and what to consider.
    pub action: String,
    pub sources: Vec<String>,
}

/// Two members of a duplicate-therapy class that are usually combined on
/// purpose (aspirin with a P2Y12 inhibitor after a stent): not reported as
/// a duplicate.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IntendedCombination {
    /// The duplicate-therapy class id.
    pub class: String,
    /// Two subjects: ingredient names or `class:<id>`.
    pub between: [String; 2],
    /// For the reviewer: when the combination is intended.
    pub reason: String,
    pub sources: Vec<String>,
}

//! The review record exactly as the TOML says it: one serde type per table of
//! `record-format.md`, unknown keys rejected.
//!
//! Field types validate single values (dates, clock times, vocabularies).
//! What needs more than one value to judge (a dismissal needs a reason, an
//! action names a known prescriber) keeps its span here and is checked in
//! [`super::validate`].

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::values::{
    AllergyKind, ClockTime, Date, DecisionAction, Food, Language, MedicineStatus, MedicineType,
    ReviewKind, Sex,
};

/// A whole record file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecord {
    pub patient: Spanned<Patient>,
    pub review: Spanned<Review>,
    #[serde(default)]
    pub health: Health,
    #[serde(default)]
    pub labs: Labs,
    #[serde(default)]
    pub routine: RawRoutine,
    #[serde(default)]
    pub allergies: Vec<Allergy>,
    #[serde(default)]
    pub prescribers: Vec<Spanned<Prescriber>>,
    #[serde(default)]
    pub medications: Vec<Spanned<Medication>>,
    pub transition: Option<Spanned<Transition>>,
    #[serde(default)]
    pub decisions: Vec<Spanned<RawDecision>>,
    #[serde(default)]
    pub actions: Vec<Spanned<RawAction>>,
}

/// `[patient]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    pub id: String,
    pub name: String,
    pub born: Date,
    pub sex: Option<Sex>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    #[serde(default = "default_language")]
    pub language: Language,
    #[serde(default)]
    pub large_print: bool,
    #[serde(default)]
    pub address: Vec<String>,
    pub caregiver: Option<String>,
    pub representative: Option<String>,
}

fn default_language() -> Language {
    Language::En
}

/// `[review]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub date: Date,
    #[serde(default = "default_kind")]
    pub kind: ReviewKind,
    pub reviewer: String,
    pub organization: Option<String>,
    pub program: Option<String>,
    pub phone: Option<String>,
    pub hours: Option<String>,
    pub tty: Option<String>,
    /// The reviewer's fax, printed on prescriber letters as the return fax
    /// (an addition to record-format.md).
    pub fax: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    pub follow_up: Option<String>,
    #[serde(default)]
    pub questions: Vec<String>,
}

fn default_kind() -> ReviewKind {
    ReviewKind::Cmr
}

/// `[health]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Health {
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub symptoms: Vec<String>,
    pub alcohol_drinks_per_week: Option<u32>,
    pub smoker: Option<bool>,
    pub pregnant: Option<bool>,
}

/// `[labs]`: each known key a number or `{ value, date }`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Labs {
    pub egfr: Option<LabValue>,
    pub crcl: Option<LabValue>,
    pub scr: Option<LabValue>,
    pub potassium: Option<LabValue>,
    pub sodium: Option<LabValue>,
    pub inr: Option<LabValue>,
    pub alt: Option<LabValue>,
    pub ast: Option<LabValue>,
    pub a1c: Option<LabValue>,
    pub heart_rate: Option<LabValue>,
    pub systolic_bp: Option<LabValue>,
}

/// One lab value, with the date it was taken when the record gives one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LabValue {
    pub value: f64,
    pub date: Option<Date>,
}

impl<'de> Deserialize<'de> for LabValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LabValue, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Dated {
            value: f64,
            date: Date,
        }
        struct LabVisitor;
        impl<'de> Visitor<'de> for LabVisitor {
            type Value = LabValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a table like { value = 28, date = 2026-10-02 }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LabValue, E> {
                Ok(LabValue {
                    value: v as f64,
                    date: None,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LabValue, E> {
                Ok(LabValue {
                    value: v as f64,
                    date: None,
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LabValue, E> {
                Ok(LabValue {
                    value: v,
                    date: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LabValue, A::Error> {
                let dated = Dated::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(LabValue {
                    value: dated.value,
                    date: Some(dated.date),
                })
            }
        }
        d.deserialize_any(LabVisitor)
    }
}

/// `[routine]` as written: every time optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoutine {
    pub wake: Option<ClockTime>,
    pub breakfast: Option<ClockTime>,
    pub lunch: Option<ClockTime>,
    pub dinner: Option<ClockTime>,
    pub bed: Option<ClockTime>,
}

/// `[[allergies]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Allergy {
    pub substance: String,
    pub reaction: Option<String>,
    #[serde(default = "default_allergy_kind")]
    pub kind: AllergyKind,
}

fn default_allergy_kind() -> AllergyKind {
    AllergyKind::Allergy
}

/// `[[prescribers]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Prescriber {
    pub id: String,
    pub name: String,
    pub specialty: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub organization: Option<String>,
    #[serde(default)]
    pub address: Vec<String>,
}

/// A time of day a dose is due, as `medications.times` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DoseTime {
    Morning,
    Noon,
    Evening,
    Bedtime,
    At(ClockTime),
}

/// Written as the record format writes it: "morning" … or "08:00".
impl Serialize for DoseTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DoseTime::Morning => s.serialize_str("morning"),
            DoseTime::Noon => s.serialize_str("noon"),
            DoseTime::Evening => s.serialize_str("evening"),
            DoseTime::Bedtime => s.serialize_str("bedtime"),
            DoseTime::At(clock) => s.collect_str(clock),
        }
    }
}

impl<'de> Deserialize<'de> for DoseTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DoseTime, D::Error> {
        let text = String::deserialize(d)?;
        match text.trim().to_lowercase().as_str() {
            "morning" => Ok(DoseTime::Morning),
            "noon" => Ok(DoseTime::Noon),
            "evening" => Ok(DoseTime::Evening),
            "bedtime" => Ok(DoseTime::Bedtime),
            other => ClockTime::parse(other).map(DoseTime::At).ok_or_else(|| {
                de::Error::custom(format!(
                    "\"{text}\" is not a dose time; expected \"morning\", \"noon\", \
                     \"evening\", \"bedtime\" or a 24-hour time like \"08:00\""
                ))
            }),
        }
    }
}

/// A `[[medications]]` entry; also the entries of the transition lists.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Medication {
    pub name: String,
    pub strength: Option<String>,
    pub form: Option<String>,
    pub sig: Option<String>,
    pub dose: Option<String>,
    #[serde(default)]
    pub times: Vec<DoseTime>,
    pub every_hours: Option<u32>,
    #[serde(default)]
    pub as_needed: bool,
    pub max_per_day: Option<String>,
    pub food: Option<Food>,
    pub indication: Option<String>,
    pub prescriber: Option<String>,
    #[serde(rename = "type", default = "default_medicine_type")]
    pub kind: MedicineType,
    pub started: Option<Date>,
    pub last_fill: Option<Date>,
    pub days_supply: Option<u32>,
    pub taking: Option<String>,
    #[serde(default = "default_status")]
    pub status: MedicineStatus,
    pub stopped: Option<Date>,
    pub stop_reason: Option<String>,
    pub notes: Option<String>,
    /// Only meaningful in `[[transition.discharge]]`.
    pub change_reason: Option<String>,
}

fn default_medicine_type() -> MedicineType {
    MedicineType::Prescription
}

fn default_status() -> MedicineStatus {
    MedicineStatus::Active
}

/// `[transition]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub from: Option<String>,
    pub to: Option<String>,
    pub admitted: Option<Date>,
    pub discharged: Option<Date>,
    #[serde(default)]
    pub before: Vec<Medication>,
    #[serde(default)]
    pub hospital: Vec<Medication>,
    #[serde(default)]
    pub discharge: Vec<Medication>,
}

/// `[[decisions]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDecision {
    pub finding: String,
    pub action: DecisionAction,
    pub reason: Option<String>,
}

/// `[[actions]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    pub talked_about: Option<String>,
    pub to_do: Option<String>,
    #[serde(rename = "for")]
    pub audience: Option<Spanned<String>>,
}

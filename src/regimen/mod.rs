//! The resolve stage: a validated [`Record`] plus, for every medicine, what
//! it is (ingredients and classes from the knowledge base) and when it is
//! taken (its [`Schedule`]).
//!
//! Checks and documents both read a [`Regimen`]; neither re-reads names or
//! directions.

pub mod sig;

use serde::Serialize;

use crate::knowledge::{Delivery, Knowledge, Release, Resolved};
use crate::record::{Medication, MedicineStatus, Record};
pub use sig::{DoseUnit, Mass, Product, Quantity, Schedule};

/// A record with every medicine resolved.
#[derive(Debug, Clone)]
pub struct Regimen {
    pub record: Record,
    /// One per `[[medications]]` entry, in record order.
    pub medicines: Vec<MedicineUse>,
}

/// One medicine of the record, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct MedicineUse {
    /// Position in `record.medications`.
    pub index: usize,
    pub medication: Medication,
    pub resolved: Resolved,
    /// Class ids of all its ingredients, sorted, without repeats.
    pub classes: Vec<String>,
    /// What its directions are counted in (unit, strength, name words),
    /// for reading other directions of it (`taking`) the same way.
    #[serde(skip)]
    pub product: Product,
    pub schedule: Schedule,
    /// See [`MedicineUse::release`].
    #[serde(skip)]
    pub release: Release,
}

impl MedicineUse {
    /// Resolves one medication entry.
    pub fn new(index: usize, medication: &Medication, kb: &Knowledge) -> MedicineUse {
        let resolved = kb.resolve(&medication.name, medication.strength.as_deref());
        let mut classes: Vec<String> = resolved
            .ingredients
            .iter()
            .flat_map(|i| kb.classes_of(&i.name).iter().cloned())
            .collect();
        classes.sort();
        classes.dedup();
        let product = product_of(medication, &resolved);
        let schedule = sig::schedule_of(medication, &product);
        let release = resolved
            .product
            .as_deref()
            .and_then(|name| kb.product(name))
            .and_then(|p| p.release)
            .unwrap_or_else(|| release_of(medication));
        MedicineUse {
            index,
            medication: medication.clone(),
            resolved,
            classes,
            product,
            schedule,
            release,
        }
    }

    /// Whether the patient uses it now.
    pub fn is_active(&self) -> bool {
        self.medication.status == MedicineStatus::Active
    }

    /// Canonical names of its ingredients.
    pub fn ingredient_names(&self) -> impl Iterator<Item = &str> {
        self.resolved.ingredients.iter().map(|i| i.name.as_str())
    }

    /// Extended-release when the knowledge base's product is, or its name,
    /// form or strength says so ("ER", "XR", "XL", "CR", "SR", "LA", "CD",
    /// "24 hr", "extended-release", "sustained", "controlled"); otherwise
    /// immediate-release.
    pub fn release(&self) -> Release {
        self.release
    }

    /// The prescriber to tell about it: a listed id, or a free-text name.
    pub fn prescriber(&self) -> Option<&str> {
        self.medication
            .prescriber
            .as_deref()
            .filter(|p| !p.trim().is_empty())
    }
}

/// How it reaches the body: vaginal when its name, form or directions say
/// so ("vaginal", "pv", "Vagifem", "Estring"); systemic when they say by
/// mouth (a tablet, "po") or through the skin for the whole body (a patch,
/// gel or spray: "Climara", "Divigel", "Evamist", or the systemic ring
/// "Femring"); otherwise unknown. Vaginal words win: "vaginal tablet".
pub fn delivery_of(medication: &Medication) -> Delivery {
    const VAGINAL: [&str; 11] = [
        "vaginal",
        "vaginally",
        "vag",
        "pv",
        "intravaginal",
        "vagina",
        "vagifem",
        "yuvafem",
        "imvexxy",
        "estring",
        "vaginam",
    ];
    const SYSTEMIC: [&str; 32] = [
        "tablet",
        "tablets",
        "tab",
        "tabs",
        "pill",
        "pills",
        "po",
        "oral",
        "orally",
        "mouth",
        "capsule",
        "capsules",
        "cap",
        "caps",
        "patch",
        "patches",
        "transdermal",
        "climara",
        "vivelle",
        "minivelle",
        "alora",
        "dotti",
        "lyllana",
        "menostar",
        "divigel",
        "estrogel",
        "elestrin",
        "evamist",
        "femring",
        "gel",
        "spray",
        "prempro",
    ];
    let words = lowercase_words(&[
        Some(medication.name.as_str()),
        medication.form.as_deref(),
        medication.sig.as_deref(),
        medication.dose.as_deref(),
    ]);
    if words.iter().any(|w| VAGINAL.contains(&w.as_str())) {
        Delivery::Vaginal
    } else if words.iter().any(|w| SYSTEMIC.contains(&w.as_str())) {
        Delivery::Systemic
    } else {
        Delivery::Unknown
    }
}

/// The lowercase words of the given parts of a medication entry ("24 hr"
/// read as one word, "24hr").
fn lowercase_words(parts: &[Option<&str>]) -> Vec<String> {
    parts
        .iter()
        .flatten()
        .map(|p| p.to_lowercase().replace("24 hr", "24hr"))
        .flat_map(|p| {
            p.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// See [`MedicineUse::release`].
pub fn release_of(medication: &Medication) -> Release {
    const MARKS: [&str; 12] = [
        "er",
        "xr",
        "xl",
        "cr",
        "sr",
        "la",
        "cd",
        "24hr",
        "extended",
        "sustained",
        "controlled",
        "prolonged",
    ];
    let extended = lowercase_words(&[
        Some(medication.name.as_str()),
        medication.form.as_deref(),
        medication.strength.as_deref(),
    ])
    .iter()
    .any(|word| MARKS.contains(&word.as_str()));
    if extended {
        Release::Extended
    } else {
        Release::Immediate
    }
}

/// What the directions of `medication` are counted in: the record's `form`,
/// else the unit the product's amounts are per ("tablet", "capsule"); and,
/// for a product of one ingredient by weight per unit, its strength ("325
/// mg" a tablet), from the knowledge base or else the record's `strength`;
/// and the words of its name, which directions sometimes repeat.
pub fn product_of(medication: &Medication, resolved: &Resolved) -> Product {
    let unit = medication
        .form
        .as_deref()
        .and_then(Product::unit_of_form)
        .or_else(|| resolved.per.as_deref().and_then(Product::unit_of_form));
    let per_volume = resolved
        .per
        .as_deref()
        .is_some_and(|p| p.to_lowercase().contains("ml"));
    let known = match &resolved.ingredients[..] {
        [one] if !per_volume => one.amount.and_then(|a| {
            let unit = match a.unit {
                crate::knowledge::model::Unit::Mg => "mg",
                crate::knowledge::model::Unit::Mcg => "mcg",
                crate::knowledge::model::Unit::G => "g",
                _ => return None,
            };
            Some(Mass {
                amount: a.amount,
                unit,
            })
        }),
        _ => None,
    };
    let written = || {
        (resolved.ingredients.len() <= 1)
            .then(|| medication.strength.as_deref().and_then(Mass::parse))
            .flatten()
    };
    Product {
        unit,
        strength: known.or_else(written),
        name: sig::name_words(&medication.name),
    }
}

impl Regimen {
    /// Resolves every medicine of `record`.
    pub fn new(record: Record, kb: &Knowledge) -> Regimen {
        let medicines = record
            .medications
            .iter()
            .enumerate()
            .map(|(i, m)| MedicineUse::new(i, m, kb))
            .collect();
        Regimen { record, medicines }
    }

    /// The medicines in use now, in record order.
    pub fn active(&self) -> impl Iterator<Item = &MedicineUse> {
        self.medicines.iter().filter(|m| m.is_active())
    }
}

//! The resolve stage: a validated [`Record`] plus, for every medicine, what
//! it is (ingredients and classes from the knowledge base) and when it is
//! taken (its [`Schedule`]).
//!
//! Checks and documents both read a [`Regimen`]; neither re-reads names or
//! directions.

pub mod sig;

use serde::Serialize;

use crate::knowledge::{Knowledge, Resolved};
use crate::record::{Medication, MedicineStatus, Record};
pub use sig::{DoseUnit, Quantity, Schedule};

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
    pub schedule: Schedule,
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
        MedicineUse {
            index,
            medication: medication.clone(),
            resolved,
            classes,
            schedule: sig::schedule_of(medication),
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

    /// The prescriber to tell about it: a listed id, or a free-text name.
    pub fn prescriber(&self) -> Option<&str> {
        self.medication
            .prescriber
            .as_deref()
            .filter(|p| !p.trim().is_empty())
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

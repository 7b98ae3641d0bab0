//! The shapes of the knowledge-base files (`data/*.toml`), as serde types.
//!
//! Unknown keys are rejected, so a typo in a data file fails the start-up
//! self-check instead of silently dropping a fact.

use serde::{Deserialize, Serialize};

/// `ingredients.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngredientsFile {
    #[serde(default)]
    pub ingredient: Vec<Ingredient>,
}

/// `classes.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassesFile {
    #[serde(default)]
    pub class: Vec<Class>,
}

/// `products.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductsFile {
    #[serde(default)]
    pub product: Vec<Product>,
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

//! The drug knowledge base: ingredients, products and classes, embedded in
//! the binary as reviewed TOML files (`data/`), parsed once and validated
//! loudly at start-up.
//!
//! Owns what is known about medicines and how a name on a label maps to
//! ingredients ([`resolve`]). Judging a patient's medicines is left to
//! `checks`. Every entry cites its source; see `../shared/docs/knowledge.md`
//! for what may go in.

pub mod model;
mod patient_rules;
pub mod resolve;
mod rules;

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

pub use model::{Advice, DurationRule, KidneyMeasure, PatientRule, SideEffectRule, Symptom};
pub use model::{
    AllergyGroup, Amount, Class, Concern, Condition, CrossReaction, Delivery, Exposure, FoodRule,
    Ingredient, IngredientKind, IntendedCombination, InteractionRule, Limit, LimitWhen, Merge,
    PairCheck, ProblemCategory, Product, ProductType, Release, Severity, Unit,
};
use patient_rules::PatientRules;
pub use resolve::{Resolved, ResolvedIngredient};

/// The knowledge base's release, printed in every reviewer's appendix.
pub const RELEASE: &str = "2026.11-draft";

/// The knowledge base's files, one topic each, all of the same shape
/// ([`model::KnowledgeFile`]).
pub const FILES: &[(&str, &str)] = &[
    ("ingredients.toml", include_str!("data/ingredients.toml")),
    ("classes.toml", include_str!("data/classes.toml")),
    (
        "ingredients-oncology-1.toml",
        include_str!("data/ingredients-oncology-1.toml"),
    ),
    (
        "ingredients-oncology-2.toml",
        include_str!("data/ingredients-oncology-2.toml"),
    ),
    (
        "ingredients-anti-infective.toml",
        include_str!("data/ingredients-anti-infective.toml"),
    ),
    (
        "ingredients-neuro.toml",
        include_str!("data/ingredients-neuro.toml"),
    ),
    (
        "ingredients-other-1.toml",
        include_str!("data/ingredients-other-1.toml"),
    ),
    (
        "ingredients-other-2.toml",
        include_str!("data/ingredients-other-2.toml"),
    ),
    ("products.toml", include_str!("data/products.toml")),
    (
        "interactions-onc.toml",
        include_str!("data/interactions-onc.toml"),
    ),
    (
        "interactions-cyp.toml",
        include_str!("data/interactions-cyp.toml"),
    ),
    ("interactions.toml", include_str!("data/interactions.toml")),
    (
        "interactions-critical.toml",
        include_str!("data/interactions-critical.toml"),
    ),
    (
        "interactions-critical-2.toml",
        include_str!("data/interactions-critical-2.toml"),
    ),
    (
        "interactions-qt.toml",
        include_str!("data/interactions-qt.toml"),
    ),
    ("herb-food.toml", include_str!("data/herb-food.toml")),
    ("allergies.toml", include_str!("data/allergies.toml")),
    ("limits.toml", include_str!("data/limits.toml")),
    ("conditions.toml", include_str!("data/conditions.toml")),
    (
        "duplicate-therapy.toml",
        include_str!("data/duplicate-therapy.toml"),
    ),
    ("renal.toml", include_str!("data/renal.toml")),
    ("hepatic.toml", include_str!("data/hepatic.toml")),
    ("durations.toml", include_str!("data/durations.toml")),
    ("side-effects.toml", include_str!("data/side-effects.toml")),
    ("older-adult.toml", include_str!("data/older-adult.toml")),
    ("concerns.toml", include_str!("data/concerns.toml")),
];

/// The loaded, validated knowledge base.
#[derive(Debug)]
pub struct Knowledge {
    ingredients: BTreeMap<String, Ingredient>,
    classes: BTreeMap<String, Class>,
    products: Vec<Product>,
    interactions: Vec<InteractionRule>,
    foods: Vec<FoodRule>,
    allergies: Vec<AllergyGroup>,
    limits: Vec<Limit>,
    conditions: Vec<Condition>,
    intended: Vec<IntendedCombination>,
    patient_rules: PatientRules,
    concerns: Vec<Concern>,
    /// Per condition, its names normalised and padded (" heart failure "),
    /// for whole-word matching.
    condition_phrases: Vec<Vec<String>>,
    /// Per symptom, the same.
    symptom_phrases: Vec<Vec<String>>,
    /// normalised allergy name → index into `allergies`.
    allergy_names: HashMap<String, usize>,
    /// ingredient name → ids of the classes it belongs to, sorted.
    classes_of: HashMap<String, Vec<String>>,
    /// normalised name or synonym → what it names.
    index: HashMap<String, Entry>,
    /// Longest indexed name, in words: bounds the prefix search.
    longest_name: usize,
    version: String,
}

/// What a name in the index stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    /// The canonical ingredient name.
    Ingredient(String),
    /// Index into `products`.
    Product(usize),
}

/// Problems found in the knowledge base's own data.
#[derive(Debug, thiserror::Error)]
#[error("the knowledge base is invalid:\n  {}", .problems.join("\n  "))]
pub struct KnowledgeError {
    pub problems: Vec<String>,
}

impl Knowledge {
    /// The knowledge base built into this binary, loaded on first use.
    ///
    /// # Panics
    /// If the embedded data is invalid: a test guards against shipping that.
    pub fn embedded() -> &'static Knowledge {
        static KB: OnceLock<Knowledge> = OnceLock::new();
        KB.get_or_init(|| Knowledge::from_files(FILES).unwrap_or_else(|e| panic!("{e}")))
    }

    /// Parses and validates knowledge-base files: `(file name, text)`.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Knowledge, KnowledgeError> {
        let mut problems = Vec::new();
        let mut all = model::KnowledgeFile::default();
        for (name, text) in files {
            if let Some(file) = parse_file::<model::KnowledgeFile>(name, text, &mut problems) {
                all.ingredient.extend(file.ingredient);
                all.class.extend(file.class);
                all.product.extend(file.product);
                all.interaction.extend(file.interaction);
                all.food.extend(file.food);
                all.allergy.extend(file.allergy);
                all.limit.extend(file.limit);
                all.condition.extend(file.condition);
                all.intended.extend(file.intended);
                all.renal.extend(file.renal);
                all.hepatic.extend(file.hepatic);
                all.older_adult.extend(file.older_adult);
                all.duration.extend(file.duration);
                all.symptom.extend(file.symptom);
                all.side_effect.extend(file.side_effect);
                all.concern.extend(file.concern);
            }
        }
        problems.extend(label_year_problems(files));
        problems.extend(label_section_problems(files));
        if !problems.is_empty() {
            return Err(KnowledgeError { problems });
        }
        let texts: Vec<&str> = files.iter().map(|(_, text)| *text).collect();
        let version = format!("{RELEASE} (content {:08x})", crate::output::fnv1a(&texts));
        Knowledge::build(all, version)
    }

    /// Parses and validates the three basic files (tests and tools).
    pub fn from_sources(
        ingredients: &str,
        classes: &str,
        products: &str,
    ) -> Result<Knowledge, KnowledgeError> {
        Knowledge::from_files(&[
            ("ingredients.toml", ingredients),
            ("classes.toml", classes),
            ("products.toml", products),
        ])
    }

    fn build(file: model::KnowledgeFile, version: String) -> Result<Knowledge, KnowledgeError> {
        let model::KnowledgeFile {
            ingredient: ingredient_list,
            class: class_list,
            product: products,
            interaction: interactions,
            food: foods,
            allergy: allergies,
            limit: limits,
            condition: conditions,
            intended,
            renal,
            hepatic,
            older_adult,
            duration,
            symptom,
            side_effect,
            concern: concerns,
        } = file;
        let patient_rules = PatientRules {
            renal,
            hepatic,
            older_adult,
            durations: duration,
            symptoms: symptom,
            side_effects: side_effect,
        };
        let mut problems = Vec::new();
        let mut ingredients = BTreeMap::new();
        let mut index = HashMap::new();
        let add = |index: &mut HashMap<String, Entry>,
                   problems: &mut Vec<String>,
                   name: &str,
                   entry: Entry,
                   owner: &str| {
            let key = resolve::normalise(name);
            if key.is_empty() {
                problems.push(format!("{owner}: empty name or synonym"));
            } else if let Some(previous) = index.insert(key.clone(), entry.clone())
                && previous != entry
            {
                problems.push(format!("\"{key}\" ({owner}) names two different things"));
            }
        };
        for ing in ingredient_list {
            let entry = Entry::Ingredient(ing.name.clone());
            add(
                &mut index,
                &mut problems,
                &ing.name,
                entry.clone(),
                &ing.name,
            );
            for s in &ing.synonyms {
                add(&mut index, &mut problems, s, entry.clone(), &ing.name);
            }
            if ing.name != ing.name.to_lowercase() {
                problems.push(format!("ingredient \"{}\" must be lowercase", ing.name));
            }
            if ingredients.insert(ing.name.clone(), ing).is_some() {
                problems.push("an ingredient is listed twice".into());
            }
        }
        for (n, product) in products.iter().enumerate() {
            add(
                &mut index,
                &mut problems,
                &product.name,
                Entry::Product(n),
                &product.name,
            );
            for s in &product.synonyms {
                add(
                    &mut index,
                    &mut problems,
                    s,
                    Entry::Product(n),
                    &product.name,
                );
            }
        }
        let mut classes = BTreeMap::new();
        let mut classes_of: HashMap<String, Vec<String>> = HashMap::new();
        for class in class_list {
            for scored in class.scores.keys().filter(|s| !class.members.contains(s)) {
                problems.push(format!(
                    "class {}: a score for non-member \"{scored}\"",
                    class.id
                ));
            }
            for member in &class.members {
                if !ingredients.contains_key(member) {
                    problems.push(format!("class {}: unknown member \"{member}\"", class.id));
                }
                classes_of
                    .entry(member.clone())
                    .or_default()
                    .push(class.id.clone());
            }
            if classes.insert(class.id.clone(), class).is_some() {
                problems.push("a class id is listed twice".into());
            }
        }
        for list in classes_of.values_mut() {
            list.sort();
            list.dedup();
        }
        for product in &products {
            for pi in &product.ingredients {
                if !ingredients.contains_key(&pi.name) {
                    problems.push(format!(
                        "product {}: unknown ingredient \"{}\"",
                        product.name, pi.name
                    ));
                }
                if pi.amount.is_some() != pi.unit.is_some() {
                    problems.push(format!(
                        "product {}: {} needs both amount and unit, or neither",
                        product.name, pi.name
                    ));
                }
            }
            if product.ingredients.is_empty() {
                problems.push(format!("product {} has no ingredients", product.name));
            }
        }
        problems.extend(citation_problems(&ingredients, &classes, &products));
        problems.extend(translation_problems(&ingredients));
        let subject_known = |subject: &str| match subject.strip_prefix("class:") {
            Some(id) => classes.contains_key(id),
            None => ingredients.contains_key(subject),
        };
        let allergy_names = rules::validate(
            &interactions,
            &foods,
            &allergies,
            &subject_known,
            &mut problems,
        );
        for limit in &limits {
            if !ingredients.contains_key(&limit.ingredient) {
                problems.push(format!(
                    "limit: unknown ingredient \"{}\"",
                    limit.ingredient
                ));
            }
            if limit.sources.iter().all(|s| s.trim().is_empty()) {
                problems.push(format!("limit of {} cites no source", limit.ingredient));
            }
            if (limit.when == LimitWhen::Alcohol) != limit.min_drinks_per_week.is_some() {
                problems.push(format!(
                    "limit of {}: min_drinks_per_week is needed for alcohol, and only there",
                    limit.ingredient
                ));
            }
        }
        for i in &intended {
            let owner = format!("intended combination in {}", i.class);
            if !classes.get(&i.class).is_some_and(|c| c.duplicate) {
                problems.push(format!("{owner}: not a duplicate-therapy class"));
            }
            for s in &i.between {
                if !subject_known(s) {
                    problems.push(format!("{owner}: unknown ingredient or class \"{s}\""));
                }
            }
            if i.sources.iter().all(|s| s.trim().is_empty()) {
                problems.push(format!("{owner} cites no source"));
            }
        }
        let mut condition_names = std::collections::HashSet::new();
        for c in &conditions {
            for n in &c.names {
                if !condition_names.insert(n.as_str()) || *n != n.to_lowercase() {
                    problems.push(format!(
                        "condition {}: \"{n}\" is used twice or not lowercase",
                        c.id
                    ));
                }
            }
        }
        for c in &conditions {
            for i in &c.implies {
                if !conditions.iter().any(|x| x.id == *i) {
                    problems.push(format!("condition {}: implies unknown \"{i}\"", c.id));
                }
            }
        }
        let condition_known = |id: &str| conditions.iter().any(|c| c.id == id);
        let class_scored = |id: &str| classes.get(id).is_some_and(|c| !c.scores.is_empty());
        patient_rules::validate(
            &patient_rules,
            &subject_known,
            &condition_known,
            &class_scored,
            &mut problems,
        );
        let mut concern_ids = std::collections::HashSet::new();
        for c in &concerns {
            if !concern_ids.insert(c.id.as_str()) {
                problems.push(format!("concern {}: the id is used twice", c.id));
            }
        }
        let named_concerns = interactions
            .iter()
            .map(|r| (&r.id, &r.concern))
            .chain(foods.iter().map(|r| (&r.id, &r.concern)))
            .chain(
                patient_rules
                    .renal
                    .iter()
                    .chain(&patient_rules.hepatic)
                    .chain(&patient_rules.older_adult)
                    .map(|r| (&r.id, &r.concern)),
            );
        for (id, concern) in named_concerns {
            if let Some(c) = concern
                && !concern_ids.contains(c.as_str())
            {
                problems.push(format!("rule {id}: unknown concern \"{c}\""));
            }
        }
        for rule in patient_rules
            .renal
            .iter()
            .chain(&patient_rules.hepatic)
            .chain(&patient_rules.older_adult)
        {
            for name in &rule.except_products {
                if !products.iter().any(|p| p.name == *name) {
                    problems.push(format!("rule {}: unknown product \"{name}\"", rule.id));
                }
            }
        }
        if !problems.is_empty() {
            return Err(KnowledgeError { problems });
        }
        let longest_name = index
            .keys()
            .map(|k| k.split(' ').count())
            .max()
            .unwrap_or(1);
        let condition_phrases = phrases(conditions.iter().map(|c| &c.names));
        let symptom_phrases = phrases(patient_rules.symptoms.iter().map(|s| &s.names));
        Ok(Knowledge {
            condition_phrases,
            symptom_phrases,
            ingredients,
            classes,
            products,
            interactions,
            foods,
            allergies,
            limits,
            conditions,
            intended,
            patient_rules,
            concerns,
            allergy_names,
            classes_of,
            index,
            longest_name,
            version,
        })
    }

    /// The concerns findings are grouped under, in file order.
    pub fn concerns(&self) -> &[Concern] {
        &self.concerns
    }

    /// A concern by id.
    pub fn concern(&self, id: &str) -> Option<&Concern> {
        self.concerns.iter().find(|c| c.id == id)
    }

    /// The version string printed in the appendix and the JSON output.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// An ingredient by canonical name.
    pub fn ingredient(&self, name: &str) -> Option<&Ingredient> {
        self.ingredients.get(name)
    }

    /// All ingredients, by name.
    pub fn ingredients(&self) -> impl Iterator<Item = &Ingredient> {
        self.ingredients.values()
    }

    /// A class by id.
    pub fn class(&self, id: &str) -> Option<&Class> {
        self.classes.get(id)
    }

    /// All classes, by id.
    pub fn classes(&self) -> impl Iterator<Item = &Class> {
        self.classes.values()
    }

    /// All products, in file order.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// The product a name (or synonym) names, if it names one.
    pub fn product(&self, name: &str) -> Option<&Product> {
        match self.index.get(&resolve::normalise(name))? {
            Entry::Product(n) => self.products.get(*n),
            Entry::Ingredient(_) => None,
        }
    }

    /// The class ids an ingredient belongs to, sorted.
    pub fn classes_of(&self, ingredient: &str) -> &[String] {
        self.classes_of.get(ingredient).map_or(&[], Vec::as_slice)
    }

    /// Whether an ingredient is named by a rule subject (an ingredient name
    /// or `class:<id>`), `except` left out.
    pub fn matches(&self, subject: &str, except: &[String], ingredient: &str) -> bool {
        let excepted = |e: &String| match e.strip_prefix("class:") {
            Some(id) => self.classes_of(ingredient).iter().any(|c| c == id),
            None => e == ingredient,
        };
        if except.iter().any(excepted) {
            return false;
        }
        match subject.strip_prefix("class:") {
            Some(id) => self.classes_of(ingredient).iter().any(|c| c == id),
            None => subject == ingredient,
        }
    }

    /// The ingredients a rule subject names, sorted.
    pub fn members(&self, subject: &str) -> Vec<&str> {
        match subject.strip_prefix("class:") {
            Some(id) => self
                .class(id)
                .map(|c| c.members.iter().map(String::as_str).collect())
                .unwrap_or_default(),
            None => self
                .ingredient(subject)
                .map(|i| vec![i.name.as_str()])
                .unwrap_or_default(),
        }
    }

    /// Interaction rules (pairs), in file order.
    pub fn interactions(&self) -> &[InteractionRule] {
        &self.interactions
    }

    /// Food, drink and habit rules, in file order.
    pub fn foods(&self) -> &[FoodRule] {
        &self.foods
    }

    /// The intended combination covering two ingredients of a duplicate-
    /// therapy class, if any.
    pub fn intended(&self, class: &str, x: &str, y: &str) -> Option<&IntendedCombination> {
        self.intended.iter().find(|i| {
            let [a, b] = &i.between;
            i.class == class
                && ((self.matches(a, &[], x) && self.matches(b, &[], y))
                    || (self.matches(a, &[], y) && self.matches(b, &[], x)))
        })
    }

    /// Intended combinations inside duplicate-therapy classes.
    pub fn intended_combinations(&self) -> &[IntendedCombination] {
        &self.intended
    }

    /// Lower daily maxima for some patients, in file order.
    pub fn limits(&self) -> &[Limit] {
        &self.limits
    }

    /// The ids of the known conditions a record's condition text names
    /// ("CKD stage 3", "alcoholic cirrhosis"), matching whole words.
    pub fn conditions_in(&self, text: &str) -> Vec<&str> {
        let words = format!(" {} ", resolve::normalise(text));
        self.conditions
            .iter()
            .zip(&self.condition_phrases)
            .filter(|(_, names)| names.iter().any(|n| words.contains(n.as_str())))
            .map(|(c, _)| c)
            .flat_map(|c| {
                std::iter::once(c.id.as_str()).chain(c.implies.iter().map(String::as_str))
            })
            .collect()
    }

    /// Every condition id the record's conditions name, sorted, without
    /// repeats.
    pub fn record_conditions(&self, conditions: &[String]) -> Vec<&str> {
        let mut ids: Vec<&str> = conditions
            .iter()
            .flat_map(|text| self.conditions_in(text))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// How many conditions the knowledge base knows.
    pub fn condition_count(&self) -> usize {
        self.conditions.len()
    }

    /// The clinical name of a condition id.
    pub fn condition_name(&self, id: &str) -> Option<&str> {
        self.conditions
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.as_str())
    }

    /// Kidney-function rules, in file order.
    pub fn renal_rules(&self) -> &[PatientRule] {
        &self.patient_rules.renal
    }

    /// Liver rules, in file order.
    pub fn hepatic_rules(&self) -> &[PatientRule] {
        &self.patient_rules.hepatic
    }

    /// Older-adult rules (Beers, STOPP), in file order.
    pub fn older_adult_rules(&self) -> &[PatientRule] {
        &self.patient_rules.older_adult
    }

    /// Usual-duration rules for the `outdated` check, in file order.
    pub fn duration_rules(&self) -> &[DurationRule] {
        &self.patient_rules.durations
    }

    /// Known symptoms, in file order.
    pub fn symptoms(&self) -> &[Symptom] {
        &self.patient_rules.symptoms
    }

    /// The known symptoms a reported symptom names ("gets dizzy when
    /// standing up"), matching whole words. A symptom named only by words
    /// inside a longer phrase of another ("dizzy" in "dizzy when
    /// standing") gives way to the more specific one.
    pub fn symptoms_in(&self, text: &str) -> Vec<&Symptom> {
        let words = format!(" {} ", resolve::normalise(text));
        let matched: Vec<(&Symptom, Vec<&String>)> = self
            .patient_rules
            .symptoms
            .iter()
            .zip(&self.symptom_phrases)
            .map(|(s, names)| {
                let phrases: Vec<&String> = names
                    .iter()
                    .filter(|n| words.contains(n.as_str()))
                    .collect();
                (s, phrases)
            })
            .filter(|(_, phrases)| !phrases.is_empty())
            .collect();
        matched
            .iter()
            .filter(|(s, phrases)| {
                !phrases.iter().all(|p| {
                    matched.iter().any(|(other, longer)| {
                        other.id != s.id
                            && longer
                                .iter()
                                .any(|l| l.len() > p.len() && l.contains(p.as_str()))
                    })
                })
            })
            .map(|(s, _)| *s)
            .collect()
    }

    /// Side-effect rules, in file order.
    pub fn side_effect_rules(&self) -> &[SideEffectRule] {
        &self.patient_rules.side_effects
    }

    /// Allergy groups, in file order.
    pub fn allergies(&self) -> &[AllergyGroup] {
        &self.allergies
    }

    /// The allergy group a record's allergy text names as a whole
    /// ("penicillin", "sulfa drugs"), if any.
    pub fn allergy_group_named(&self, text: &str) -> Option<&AllergyGroup> {
        let key = resolve::normalise(text);
        let key = key
            .trim_end_matches(" drugs")
            .trim_end_matches(" medicines")
            .trim_end_matches(" antibiotics");
        self.allergy_names
            .get(key)
            .or_else(|| self.allergy_names.get(key.trim_end_matches('s')))
            .map(|&i| &self.allergies[i])
    }
}

/// Names normalised and padded with spaces, for whole-word matching.
fn phrases<'a>(lists: impl Iterator<Item = &'a Vec<String>>) -> Vec<Vec<String>> {
    lists
        .map(|names| {
            names
                .iter()
                .map(|n| format!(" {} ", resolve::normalise(n)))
                .collect()
        })
        .collect()
}

fn citation_problems<'a>(
    ingredients: &'a BTreeMap<String, Ingredient>,
    classes: &'a BTreeMap<String, Class>,
    products: &'a [Product],
) -> impl Iterator<Item = String> + 'a {
    let uncited = |sources: &[String]| sources.iter().all(|s| s.trim().is_empty());
    let i = ingredients
        .values()
        .filter(move |x| uncited(&x.sources))
        .map(|x| format!("ingredient {} cites no source", x.name));
    let c = classes
        .values()
        .filter(move |x| uncited(&x.sources))
        .map(|x| format!("class {} cites no source", x.id));
    let p = products
        .iter()
        .filter(move |x| uncited(&x.sources))
        .map(|x| format!("product {} cites no source", x.name));
    i.chain(c).chain(p)
}

/// One FDA label document, one revision: a label ("FDA label, Zyvox
/// (linezolid) tablets, ...") cited with two different years in the files
/// is a defect (which revision was read?). The document is the citation up
/// to its first comma outside brackets, and of a brand the name before its
/// bracket ("Zyvox"), in any case; the year is the last "(YYYY)" of the
/// citation.
fn label_year_problems(files: &[(&str, &str)]) -> Vec<String> {
    let mut years: BTreeMap<String, BTreeMap<String, &str>> = BTreeMap::new();
    for (file, citation) in label_citations(files) {
        let Some(year) = last_year(citation) else {
            continue;
        };
        years
            .entry(label_document(citation))
            .or_default()
            .entry(year)
            .or_insert(file);
    }
    years
        .into_iter()
        .filter(|(_, by_year)| by_year.len() > 1)
        .map(|(document, by_year)| {
            let seen: Vec<String> = by_year
                .iter()
                .map(|(year, file)| format!("{year} ({file})"))
                .collect();
            format!(
                "FDA label \"{document}\" is cited with more than one year: {}; cite the one \
                 revision that was read",
                seen.join(", ")
            )
        })
        .collect()
}

/// The sections (and Drug Facts headings) of an FDA label a citation may
/// name after the document: a citation must name where in the label its
/// fact is, in the label's own words.
const LABEL_SECTIONS: &[&str] = &[
    "Boxed Warning",
    "Highlights",
    "Recent Major Changes",
    "Indications",
    "Limitations of Use",
    "Dosage",
    "Contraindications",
    "Warnings",
    "Precautions",
    "Special Warning",
    "Adverse Reactions",
    "Drug Interactions",
    "Use in Specific Populations",
    "Pregnancy",
    "Lactation",
    "Pediatric Use",
    "Geriatric Use",
    "Renal Impairment",
    "Hepatic Impairment",
    "Drug Abuse",
    "Overdosage",
    "Description",
    "Clinical Pharmacology",
    "Mechanism of Action",
    "Pharmacodynamics",
    "Pharmacokinetics",
    "Clinical Studies",
    "Nonclinical Toxicology",
    "How Supplied",
    "Storage",
    "Patient Counseling",
    "Information for Patients",
    "Laboratory Tests",
    "Medication Guide",
    "Patient Information",
    "Instructions for Use",
    "Drug Facts",
    "Supplement Facts",
    "Active ingredient",
    "Purpose",
    "Uses",
    "Directions",
    "Other information",
    "Inactive ingredients",
    "Ask a doctor",
    "Do not use",
    "Stop use",
    "When using this product",
    "Keep out of reach",
    "Liver warning",
    "Stomach bleeding warning",
    "Allergy alert",
    "Questions",
    "Table",
];

/// A citation of an FDA label names a section of it after the document
/// ("FDA label, Zyvox (linezolid) tablets, Contraindications (2021)"), one
/// of [`LABEL_SECTIONS`]: a section that is not a label's is a defect.
fn label_section_problems(files: &[(&str, &str)]) -> Vec<String> {
    label_citations(files)
        .filter(|(_, citation)| {
            let section = citation[label_document_end(citation)..]
                .trim_start_matches(',')
                .trim_start()
                .to_lowercase();
            !LABEL_SECTIONS
                .iter()
                .any(|s| section.starts_with(&s.to_lowercase()))
        })
        .map(|(file, citation)| {
            format!(
                "{file}: \"FDA label, {citation}\" names no section of the label after the \
                 document (one of: {})",
                LABEL_SECTIONS.join(", ")
            )
        })
        .collect()
}

/// Every FDA label citation of the files' text ("FDA label, …" between
/// quotes), without its "FDA label, ", with the file it is in.
fn label_citations<'a>(
    files: &'a [(&'a str, &'a str)],
) -> impl Iterator<Item = (&'a str, &'a str)> {
    const LABEL: &str = "\"FDA label, ";
    files.iter().flat_map(|&(file, text)| {
        text.match_indices(LABEL).map(move |(at, _)| {
            let citation = &text[at + LABEL.len()..];
            (
                file,
                &citation[..citation.find('"').unwrap_or(citation.len())],
            )
        })
    })
}

/// Citations with every FDA label document named once: the sections cited
/// from one label join into one line ("FDA label, Aldactone
/// (spironolactone) tablets, Contraindications; Warnings and Precautions
/// 5.1 (2023)"), in the order the label is first cited. One year per label
/// document (checked on load) makes the joined line exact. Other
/// citations are kept as they are, each once.
pub fn merge_label_citations(citations: &[String]) -> Vec<String> {
    const LABEL: &str = "FDA label, ";
    // (document key, the first citation's document text, sections, year)
    let mut out: Vec<(Option<String>, String, Vec<String>, String)> = Vec::new();
    for c in citations {
        let parsed = c.strip_prefix(LABEL).and_then(|rest| {
            let year = last_year(rest)?;
            let end = label_document_end(rest);
            let section = rest[end..]
                .trim_start_matches(',')
                .trim()
                .strip_suffix(&format!("({year})"))?
                .trim()
                .to_owned();
            Some((
                label_document(rest),
                rest[..end].trim().to_owned(),
                section,
                year,
            ))
        });
        match parsed {
            Some((key, document, section, year)) => {
                match out.iter_mut().find(|(k, ..)| k.as_ref() == Some(&key)) {
                    Some((_, _, sections, _)) => {
                        if !sections.contains(&section) {
                            sections.push(section);
                        }
                    }
                    None => out.push((Some(key), document, vec![section], year)),
                }
            }
            None => {
                if !out.iter().any(|(k, text, ..)| k.is_none() && text == c) {
                    out.push((None, c.clone(), vec![], String::new()));
                }
            }
        }
    }
    out.into_iter()
        .map(|(key, document, sections, year)| match key {
            Some(_) => format!("{LABEL}{document}, {} ({year})", sections.join("; ")),
            None => document,
        })
        .collect()
}

/// The label document an FDA label citation names, in lowercase ("zyvox
/// (linezolid) tablets"), or `None` for other sources.
pub fn cited_label(citation: &str) -> Option<String> {
    let rest = citation.strip_prefix("FDA label, ")?;
    Some(rest[..label_document_end(rest)].trim().to_lowercase())
}

/// Where the document of a label citation ends: its first comma outside
/// brackets.
fn label_document_end(citation: &str) -> usize {
    let mut depth = 0i32;
    citation
        .char_indices()
        .find(|&(_, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            c == ',' && depth == 0
        })
        .map_or(citation.len(), |(i, _)| i)
}

/// "Zyvox (linezolid) tablets, Contraindications (2021)" → "zyvox";
/// "methotrexate tablets, Boxed Warning (2021)" → "methotrexate tablets".
fn label_document(citation: &str) -> String {
    let document = &citation[..label_document_end(citation)];
    // A brand's label is one document, whatever forms the citation names:
    // "Zyvox (linezolid) tablets" and "Zyvox (linezolid)" are Zyvox.
    let brand = document.split(" (").next().unwrap_or(document);
    brand.trim().to_lowercase()
}

/// The last "(YYYY)" of a citation.
fn last_year(citation: &str) -> Option<String> {
    citation
        .match_indices('(')
        .filter_map(|(i, _)| {
            let year = citation.get(i + 1..i + 5)?;
            (year.chars().all(|c| c.is_ascii_digit()) && citation[i + 5..].starts_with(')'))
                .then(|| year.to_owned())
        })
        .next_back()
}

/// Every patient-facing list has a Spanish version of the same length.
fn translation_problems(ingredients: &BTreeMap<String, Ingredient>) -> Vec<String> {
    let mut problems = Vec::new();
    for ing in ingredients.values() {
        let pairs = [
            ("side_effects", &ing.side_effects, &ing.side_effects_es),
            ("call_if", &ing.call_if, &ing.call_if_es),
            ("get_help_if", &ing.get_help_if, &ing.get_help_if_es),
        ];
        for (field, en, es) in pairs {
            if en.len() != es.len() {
                problems.push(format!(
                    "ingredient {}: {field}_es does not match {field}",
                    ing.name
                ));
            }
        }
        if ing.how_to_take.is_some() != ing.how_to_take_es.is_some() {
            problems.push(format!(
                "ingredient {}: how_to_take_es does not match",
                ing.name
            ));
        }
    }
    problems
}

/// Parses one data file into its typed shape, noting what is wrong.
fn parse_file<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
    problems: &mut Vec<String>,
) -> Option<T> {
    toml::from_str(text)
        .map_err(|e| problems.push(format!("{name}: {e}")))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_knowledge_base_loads_and_validates() {
        let kb = Knowledge::from_files(FILES).unwrap();
        assert!(kb.ingredient("acetaminophen").is_some());
        assert!(kb.version().starts_with(RELEASE));
    }

    #[test]
    fn validation_rejects_unknown_members_and_missing_citations() {
        let ingredients = r#"
            [[ingredient]]
            name = "a"
            kind = "medicine"
            purpose = "Helps."
            purpose_es = "Ayuda."
            sources = []
        "#;
        let classes = r#"
            [[class]]
            id = "c"
            name = "C"
            plain = "c"
            plain_es = "c"
            members = ["a", "b"]
            sources = ["x"]
        "#;
        let err = Knowledge::from_sources(ingredients, classes, "").unwrap_err();
        let all = err.problems.join("\n");
        assert!(all.contains("unknown member \"b\""), "{all}");
        assert!(all.contains("ingredient a cites no source"), "{all}");
    }

    #[test]
    fn validation_rejects_a_score_for_a_non_member() {
        let ingredients = "[[ingredient]]\nname = \"a\"\nkind = \"medicine\"\npurpose = \"p\"\n\
                           purpose_es = \"p\"\nsources = [\"s\"]\n";
        let classes = "[[class]]\nid = \"c\"\nname = \"C\"\nplain = \"c\"\nplain_es = \"c\"\n\
                       members = [\"a\"]\nscores = { a = 3, b = 2 }\nsources = [\"s\"]\n";
        let err = Knowledge::from_sources(ingredients, classes, "").unwrap_err();
        assert_eq!(err.problems, ["class c: a score for non-member \"b\""]);
    }

    #[test]
    fn validation_rejects_a_synonym_naming_two_ingredients() {
        let one = |name: &str| {
            format!(
                "[[ingredient]]\nname = \"{name}\"\nsynonyms = [\"shared\"]\nkind = \"medicine\"\n\
                 purpose = \"p\"\npurpose_es = \"p\"\nsources = [\"s\"]\n"
            )
        };
        let text = one("a") + &one("b");
        let err = Knowledge::from_sources(&text, "", "").unwrap_err();
        assert!(
            err.problems
                .iter()
                .any(|p| p.contains("names two different things"))
        );
    }
}

#[cfg(test)]
mod reading_grade {
    use super::Knowledge;
    use crate::readability::grade;

    /// Every ingredient's patient wording, read as the patient reads it in
    /// the packet, stays plain: grade 8 at most for any entry, 6 or lower
    /// on average.
    #[test]
    fn patient_wording_is_plain() {
        let kb = Knowledge::embedded();
        let mut grades = Vec::new();
        let mut hard = Vec::new();
        for i in kb.ingredients() {
            let mut text = vec![i.purpose.clone()];
            text.extend(i.how_to_take.clone());
            text.extend(i.call_if.iter().cloned());
            text.extend(i.get_help_if.iter().cloned());
            let g = grade(&text.join(" "));
            if g > 8.0 {
                hard.push(format!("{} ({g:.1}): {}", i.name, text.join(" ")));
            }
            grades.push(g);
        }
        let average = grades.iter().sum::<f64>() / grades.len() as f64;
        let worst = grades.iter().cloned().fold(0.0, f64::max);
        eprintln!(
            "patient wording of {} ingredients: average grade {average:.1}, worst {worst:.1}",
            grades.len()
        );
        assert!(
            hard.is_empty(),
            "{} entries above grade 8:\n{}",
            hard.len(),
            hard.join("\n")
        );
        assert!(average <= 6.0, "average grade {average:.1}");
    }
}

#[cfg(test)]
mod label_years {
    use super::{label_document, label_year_problems};

    #[test]
    fn one_label_document_is_cited_with_one_year() {
        let a = r#"sources = ["FDA label, Zyvox (linezolid) tablets, Contraindications (2021)"]"#;
        let same = r#"sources = ["FDA label, zyvox (linezolid) tablets, Warnings (serotonin syndrome) (2021)"]"#;
        let other =
            r#"sources = ["FDA label, Zyvox (linezolid) tablets, Drug Interactions 7 (2023)"]"#;
        assert!(label_year_problems(&[("a.toml", a), ("b.toml", same)]).is_empty());
        let problems = label_year_problems(&[("a.toml", a), ("b.toml", other)]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("2021 (a.toml)"), "{problems:?}");
        assert!(problems[0].contains("2023 (b.toml)"), "{problems:?}");
        // Another label document, another year: fine.
        let other_label = r#"sources = ["FDA label, linezolid injection, Dosage (2023)"]"#;
        assert!(label_year_problems(&[("a.toml", a), ("b.toml", other_label)]).is_empty());
    }

    #[test]
    fn citations_of_one_label_join_into_one_line() {
        use super::merge_label_citations;
        let merged = merge_label_citations(&[
            "FDA label, Aldactone (spironolactone) tablets, Contraindications (2023)".to_owned(),
            "KDIGO 2024, chapter 4 (2024)".to_owned(),
            "FDA label, Aldactone (spironolactone) tablets, Warnings and Precautions 5.1 (2023)"
                .to_owned(),
            "FDA label, Aldactone (spironolactone), Contraindications (2023)".to_owned(),
            "KDIGO 2024, chapter 4 (2024)".to_owned(),
        ]);
        assert_eq!(
            merged,
            [
                "FDA label, Aldactone (spironolactone) tablets, Contraindications; Warnings and \
                 Precautions 5.1 (2023)",
                "KDIGO 2024, chapter 4 (2024)",
            ]
        );
    }

    #[test]
    fn a_label_citation_names_a_section_of_the_label() {
        use super::label_section_problems;
        let good = r#"sources = ["FDA label, Zyvox (linezolid) tablets, Contraindications 4 (2021)", "FDA label, Advil (ibuprofen) Drug Facts, Stomach bleeding warning (2023)"]"#;
        assert!(label_section_problems(&[("a.toml", good)]).is_empty());
        let bad = r#"sources = ["FDA label, Zyvox (linezolid) tablets, Serotonin part (2021)", "FDA label, Zyvox (linezolid) tablets (2021)"]"#;
        assert_eq!(label_section_problems(&[("a.toml", bad)]).len(), 2);
    }

    #[test]
    fn the_document_ends_at_the_first_comma_outside_brackets() {
        assert_eq!(
            label_document(
                "Biktarvy (bictegravir, emtricitabine, and tenofovir alafenamide) tablets, Dosage (2022)"
            ),
            "biktarvy"
        );
        assert_eq!(
            label_document("methotrexate tablets, Boxed Warning (2021)"),
            "methotrexate tablets"
        );
    }
}

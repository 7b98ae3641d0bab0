//! From what a label or a prescriber wrote ("Tylenol PM Extra Strength",
//! "lisinopril 10mg", "Norco 5/325") to canonical ingredients and amounts.
//!
//! The name is normalised and scanned left to right for the longest known
//! product or ingredient name at each position; strengths, dosage forms and
//! salt names are recognised as such. A word that is none of these makes the
//! result *partial*: a product we only half recognise might contain more than
//! we found, so it is never treated as fully known.

use serde::Serialize;

use super::{Amount, Entry, IngredientKind, Knowledge, Unit};

/// What one medicine of a record resolved to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolved {
    /// Canonical ingredients, in the order the product or name lists them.
    pub ingredients: Vec<ResolvedIngredient>,
    /// The product matched, if the name was a product's.
    pub product: Option<String>,
    /// What the product's amounts are per ("tablet", "30 mL").
    pub per: Option<String>,
    /// Words of the name that were not recognised.
    pub unrecognised: Vec<String>,
    /// A known name close to the unrecognised words ("zocorr" → "zocor"),
    /// shown to the reviewer; never used to resolve.
    pub suggestion: Option<String>,
}

impl Resolved {
    /// Nothing in the name was recognised.
    pub fn is_unknown(&self) -> bool {
        self.ingredients.is_empty()
    }

    /// Something was recognised, but not every word.
    pub fn is_partial(&self) -> bool {
        !self.ingredients.is_empty() && !self.unrecognised.is_empty()
    }
}

/// One ingredient of a resolved medicine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedIngredient {
    pub name: String,
    /// The amount per unit (tablet, capsule, dose of liquid), when known.
    pub amount: Option<Amount>,
}

/// Lowercases and splits punctuation off, so that "St. John's Wort",
/// "st johns wort" and "ST JOHN’S WORT" compare equal.
pub fn normalise(name: &str) -> String {
    let chars: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(name.len());
    for (i, &c) in chars.iter().enumerate() {
        let digit_at = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(char::is_ascii_digit)
        };
        match c {
            // A decimal point stays: "2.5 mg" is not "25 mg".
            '.' if digit_at(i.checked_sub(1)) && digit_at(Some(i + 1)) => out.push('.'),
            '\'' | '’' | '.' | '®' | '™' => {}
            '/' | '+' | '&' | ',' | '(' | ')' => {
                out.push(' ');
                out.push(c);
                out.push(' ');
            }
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A medicine's name without strengths and dosage forms, for finding ids
/// that must not change when only the strength does: "Zentravix 5 mg
/// tablets" → "zentravix".
pub fn name_key(name: &str) -> String {
    let normal = normalise(name);
    let kept: Vec<&str> = normal.split(' ').filter(|w| !is_noise(w)).collect();
    if kept.is_empty() {
        normal
    } else {
        kept.join(" ")
    }
}

/// Words that describe a form, release, salt or strength rather than what is
/// in a medicine.
const NOISE: &[&str] = &[
    "tablet",
    "tablets",
    "tab",
    "tabs",
    "caplet",
    "caplets",
    "capsule",
    "capsules",
    "cap",
    "caps",
    "softgel",
    "softgels",
    "gelcap",
    "gelcaps",
    "liquid",
    "liquigel",
    "liquigels",
    "solution",
    "suspension",
    "syrup",
    "elixir",
    "inhaler",
    "inhalation",
    "aerosol",
    "nebulizer",
    "patch",
    "cream",
    "ointment",
    "gel",
    "drops",
    "injection",
    "injectable",
    "pen",
    "vial",
    "oral",
    "chewable",
    "chew",
    "dissolving",
    "er",
    "xr",
    "sr",
    "cr",
    "xl",
    "la",
    "dr",
    "ec",
    "odt",
    "hfa",
    "diskus",
    "respimat",
    "handihaler",
    "extended",
    "release",
    "delayed",
    "immediate",
    "low",
    "dose",
    "strength",
    "regular",
    "extra",
    "enteric",
    "coated",
    "generic",
    "brand",
    "hcl",
    "hci",
    "hydrochloride",
    "succinate",
    "tartrate",
    "bitartrate",
    "besylate",
    "maleate",
    "mesylate",
    "citrate",
    "sodium",
    "acetate",
    "fumarate",
    "phosphate",
    "monohydrate",
    "trihydrate",
    "dihydrate",
    "hyclate",
    "propionate",
    "xinafoate",
    "bromide",
    "mg",
    "mcg",
    "g",
    "gm",
    "ml",
    "iu",
    "unit",
    "units",
    "%",
    "/",
    "+",
    "&",
    ",",
    "(",
    ")",
    "and",
    "with",
    "w",
    "per",
    "of",
    "for",
    "each",
    "daily",
    "otc",
    "rx",
    "meq",
    "ir",
    "neb",
    "gummies",
    "gummy",
    "act",
    "actuation",
    "µg",
    "ug",
    "kwikpen",
    "solostar",
    "flexpen",
    "flextouch",
    "sureclick",
    "film",
    "films",
    "nasal",
    "spray",
    "ophthalmic",
    "otic",
    "topical",
    "suppository",
    "lozenge",
    "lozenges",
    "powder",
    "packet",
];

/// Salt and counter-ion words that may follow an ingredient's name; some are
/// ingredients on their own ("potassium"), so they are only skipped there.
const SALTS: &[&str] = &[
    "potassium",
    "calcium",
    "magnesium",
    "sodium",
    "sulfate",
    "bisulfate",
    "carbonate",
    "oxide",
    "chloride",
    "citrate",
    "gluconate",
    "oxalate",
    "hydrobromide",
    "dipropionate",
    "furoate",
];

fn is_noise(word: &str) -> bool {
    NOISE.contains(&word) || is_quantity(word)
}

/// A number, or a number glued to a unit ("10mg", "2.5", "0.1%", "1000iu").
fn is_quantity(word: &str) -> bool {
    let digits = word.trim_end_matches(|c: char| c.is_alphabetic() || c == '%');
    let unit = &word[digits.len()..];
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && (unit.is_empty() || unit == "%" || unit == "meq" || Unit::parse(unit).is_some())
}

impl Knowledge {
    /// Resolves a medicine name (and its separate `strength`, if given).
    pub fn resolve(&self, name: &str, strength: Option<&str>) -> Resolved {
        let normal = normalise(name);
        // "vit d3" is "vitamin d3".
        let words: Vec<&str> = normal
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| if w == "vit" { "vitamin" } else { w })
            .collect();
        let mut resolved = Resolved {
            ingredients: vec![],
            product: None,
            per: None,
            unrecognised: vec![],
            suggestion: None,
        };
        let mut at = 0;
        while at < words.len() {
            match self.longest_match(&words[at..]) {
                Some((len, entry)) => {
                    self.add_entry(&mut resolved, entry);
                    at += len;
                    // "losartan potassium": a salt named after an ingredient
                    // is part of that ingredient, not a second one.
                    // A vitamin or mineral followed by "calcium" is a second
                    // ingredient ("vitamin d3 calcium"), so only medicines
                    // take a salt.
                    let is_medicine = matches!(entry, Entry::Ingredient(name)
                        if self.ingredient(name).is_some_and(|i| i.kind == IngredientKind::Medicine));
                    if is_medicine {
                        while words.get(at).is_some_and(|w| SALTS.contains(w)) {
                            at += 1;
                        }
                    }
                }
                None => {
                    if !is_noise(words[at]) {
                        resolved.unrecognised.push(words[at].to_owned());
                    }
                    at += 1;
                }
            }
        }
        resolved.suggestion = self.suggest(&resolved.unrecognised);
        // Strengths without a fixed product amount are read positionally:
        // "5 mg/325 mg" gives the first ingredient 5 mg, the second 325 mg.
        let strengths = parse_strengths(strength.unwrap_or(&normal));
        let open: Vec<usize> = (0..resolved.ingredients.len())
            .filter(|&i| resolved.ingredients[i].amount.is_none())
            .collect();
        if !strengths.is_empty() && strengths.len() == open.len() {
            for (i, amount) in open.into_iter().zip(strengths) {
                resolved.ingredients[i].amount = Some(amount);
            }
        }
        resolved
    }

    /// The known name nearest to the unrecognised words: one or two typing
    /// errors in a word of 4 letters or more.
    fn suggest(&self, unrecognised: &[String]) -> Option<String> {
        let close = |word: &str, key: &str| {
            let allowed = if word.chars().count() < 7 { 1 } else { 2 };
            word.chars().count() >= 4 && crate::suggest::edit_distance(word, key) <= allowed
        };
        let phrase = unrecognised.join(" ");
        let mut candidates: Vec<&String> = self.index.keys().collect();
        candidates.sort();
        candidates
            .iter()
            .find(|k| close(&phrase, k))
            .or_else(|| {
                unrecognised
                    .iter()
                    .find_map(|w| candidates.iter().find(|k| close(w, k)))
            })
            .map(|k| (*k).clone())
    }

    fn longest_match(&self, words: &[&str]) -> Option<(usize, &Entry)> {
        (1..=words.len().min(self.longest_name))
            .rev()
            .find_map(|len| {
                let key = words[..len].join(" ");
                self.index.get(&key).map(|entry| (len, entry))
            })
    }

    fn add_entry(&self, resolved: &mut Resolved, entry: &Entry) {
        let mut push = |name: &str, amount: Option<Amount>| {
            if !resolved.ingredients.iter().any(|i| i.name == name) {
                resolved.ingredients.push(ResolvedIngredient {
                    name: name.to_owned(),
                    amount,
                });
            }
        };
        match entry {
            Entry::Ingredient(name) => push(name, None),
            Entry::Product(n) => {
                let product = &self.products[*n];
                for pi in &product.ingredients {
                    let amount = pi
                        .amount
                        .zip(pi.unit)
                        .map(|(amount, unit)| Amount { amount, unit });
                    push(&pi.name, amount);
                }
                if resolved.product.is_none() {
                    resolved.product = Some(product.name.clone());
                    resolved.per = product.per.clone();
                }
            }
        }
    }
}

/// Reads the amounts of a strength: "10 mg", "5 mg/325 mg", "5/325",
/// "500 mg/5 mL" (an amount per volume: one amount, 500 mg).
pub fn parse_strengths(text: &str) -> Vec<Amount> {
    let normal = normalise(text);
    let words: Vec<&str> = normal.split(' ').collect();
    let mut numbers: Vec<(f64, Option<Unit>)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let digits = word.trim_end_matches(|c: char| c.is_alphabetic());
        if let Ok(value) = digits.parse::<f64>() {
            let glued = &word[digits.len()..];
            let unit = if glued.is_empty() {
                let next = words.get(i + 1).and_then(|w| Unit::parse(w));
                if next.is_some() {
                    i += 1;
                }
                next
            } else {
                Unit::parse(glued)
            };
            numbers.push((value, unit));
        }
        i += 1;
    }
    // "500 mg / 5 mL": the volume says what the amount is per, not a second
    // ingredient.
    numbers.retain(|(_, unit)| *unit != Some(Unit::Ml));
    // "5/325 mg": a unit written once applies to the numbers before it.
    let last_unit = numbers.iter().rev().find_map(|(_, u)| *u);
    numbers
        .into_iter()
        .filter_map(|(amount, unit)| unit.or(last_unit).map(|unit| Amount { amount, unit }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_punctuation_and_case() {
        assert_eq!(normalise("St. John’s  Wort"), "st johns wort");
        assert_eq!(normalise("NyQuil Cold & Flu"), "nyquil cold & flu");
        assert_eq!(normalise("Lisinopril/HCTZ"), "lisinopril / hctz");
    }

    #[test]
    fn reads_strengths() {
        let mg = |amount| Amount {
            amount,
            unit: Unit::Mg,
        };
        assert_eq!(parse_strengths("10 mg"), vec![mg(10.0)]);
        assert_eq!(parse_strengths("lisinopril 10mg"), vec![mg(10.0)]);
        assert_eq!(parse_strengths("5 mg/325 mg"), vec![mg(5.0), mg(325.0)]);
        assert_eq!(parse_strengths("Norco 5/325 mg"), vec![mg(5.0), mg(325.0)]);
        assert_eq!(parse_strengths("500 mg/5 mL"), vec![mg(500.0)]);
        assert_eq!(parse_strengths("Eliquis 2.5mg"), vec![mg(2.5)]);
        assert_eq!(
            parse_strengths("Norco 7.5/325 mg"),
            vec![mg(7.5), mg(325.0)]
        );
        assert_eq!(normalise("0.5 mg"), "0.5 mg");
        assert_eq!(name_key("Zentravix 5 mg tablets"), "zentravix");
        assert_eq!(name_key("Zentravix 10mg"), "zentravix");
        assert!(parse_strengths("as directed").is_empty());
    }

    #[test]
    fn quantities_are_noise_but_words_are_not() {
        assert!(is_quantity("10mg") && is_quantity("2.5") && is_quantity("1000iu"));
        assert!(!is_quantity("zentravix") && !is_quantity("b12"));
    }
}

#[cfg(test)]
mod with_the_knowledge_base {
    use crate::knowledge::{Amount, Knowledge, Unit};

    fn names(name: &str) -> Vec<String> {
        let r = Knowledge::embedded().resolve(name, None);
        assert!(r.unrecognised.is_empty(), "{name}: {:?}", r.unrecognised);
        r.ingredients.into_iter().map(|i| i.name).collect()
    }

    #[test]
    fn brands_combinations_salts_and_strengths_resolve() {
        assert_eq!(
            names("Tylenol PM Extra Strength"),
            ["acetaminophen", "diphenhydramine"]
        );
        assert_eq!(names("Losartan Potassium 50 mg"), ["losartan"]);
        assert_eq!(names("diclofenac potassium 50 mg"), ["diclofenac"]);
        assert_eq!(
            names("Vitamin D3 calcium"),
            ["cholecalciferol", "calcium carbonate"]
        );
        assert_eq!(names("St. John's Wort"), names("st johns wort"));
        assert_eq!(names("St. John's Wort").len(), 1);
        let eliquis = Knowledge::embedded().resolve("Eliquis 2.5mg", None);
        assert_eq!(
            eliquis.ingredients[0].amount,
            Some(Amount {
                amount: 2.5,
                unit: Unit::Mg
            })
        );
    }

    #[test]
    fn a_near_miss_gets_a_suggestion_but_stays_unknown() {
        let r = Knowledge::embedded().resolve("Zocorr 20 mg", None);
        assert!(r.is_unknown());
        assert_eq!(r.suggestion.as_deref(), Some("zocor"));
        let r = Knowledge::embedded().resolve("Zentravix 5 mg", None);
        assert_eq!(r.suggestion, None);
    }

    #[test]
    fn an_unknown_word_makes_a_known_product_partial() {
        let r = Knowledge::embedded().resolve("Tylenol Cold Severe Frobnicate", None);
        assert!(r.is_partial(), "{r:?}");
    }
}

//! Validation of the rule tables (`[[interaction]]`, `[[food]]`,
//! `[[allergy]]`): every subject resolves, every id is unique, every rule is
//! cited, patient wording uses only its own placeholders, and an ONC
//! low-priority pair is raised to `major` only with the evidence named.

use std::collections::{HashMap, HashSet};

use super::model::{AllergyGroup, Exposure, FoodRule, InteractionRule, Severity};
use super::resolve;

/// Checks the rules, noting problems; returns the allergy-name index.
pub(super) fn validate(
    interactions: &[InteractionRule],
    foods: &[FoodRule],
    allergies: &[AllergyGroup],
    known: &dyn Fn(&str) -> bool,
    problems: &mut Vec<String>,
) -> HashMap<String, usize> {
    let mut ids = HashSet::new();
    for rule in interactions {
        let owner = format!("interaction {}", rule.id);
        if !ids.insert(rule.id.as_str()) {
            problems.push(format!("{owner}: the id is used twice"));
        }
        for subject in rule.between.iter().chain(&rule.with) {
            subject_problem(&owner, subject, known, problems);
        }
        for e in &rule.except {
            subject_problem(&owner, e, known, problems);
        }
        texts(
            &owner,
            &[
                ("title", &rule.title),
                ("consequence", &rule.consequence),
                ("mechanism", &rule.mechanism),
                ("action", &rule.action),
            ],
            problems,
        );
        let allowed: &[&str] = if rule.with.is_some() {
            &["{a}", "{b}", "{c}"]
        } else {
            &["{a}", "{b}"]
        };
        placeholders(&owner, &rule.patient, allowed, problems);
        placeholders(&owner, &rule.patient_es, allowed, problems);
        cited(&owner, &rule.sources, problems);
        if let Some(onc) = &rule.onc {
            let valid = onc
                .strip_prefix("high-")
                .or_else(|| onc.strip_prefix("low-"))
                .is_some_and(|n| n.parse::<u32>().is_ok());
            if !valid {
                problems.push(format!("{owner}: onc must be like high-3 or low-23"));
            }
            if onc.starts_with("low-")
                && rule.severity >= Severity::Major
                && rule.raised_from_low_priority.is_none()
            {
                problems.push(format!(
                    "{owner}: an ONC low-priority pair at {} needs raised_from_low_priority \
                     with the newer evidence",
                    rule.severity.as_str()
                ));
            }
        }
    }
    ids.clear();
    for rule in foods {
        let owner = format!("food {}", rule.id);
        if !ids.insert(rule.id.as_str()) {
            problems.push(format!("{owner}: the id is used twice"));
        }
        subject_problem(&owner, &rule.medicine, known, problems);
        for e in &rule.except {
            subject_problem(&owner, e, known, problems);
        }
        texts(
            &owner,
            &[
                ("title", &rule.title),
                ("consequence", &rule.consequence),
                ("mechanism", &rule.mechanism),
                ("action", &rule.action),
            ],
            problems,
        );
        placeholders(&owner, &rule.patient, &["{medicine}"], problems);
        placeholders(&owner, &rule.patient_es, &["{medicine}"], problems);
        cited(&owner, &rule.sources, problems);
        if rule.min_drinks_per_week.is_some() && rule.exposure != Exposure::Alcohol {
            problems.push(format!(
                "{owner}: min_drinks_per_week is only for alcohol rules"
            ));
        }
    }
    ids.clear();
    let mut names = HashMap::new();
    for (n, group) in allergies.iter().enumerate() {
        let owner = format!("allergy {}", group.id);
        if !ids.insert(group.id.as_str()) {
            problems.push(format!("{owner}: the id is used twice"));
        }
        for m in &group.members {
            subject_problem(&owner, m, known, problems);
        }
        for cross in &group.cross {
            for m in cross.members.iter().chain(&cross.except) {
                subject_problem(&owner, m, known, problems);
            }
            cited(&owner, &cross.sources, problems);
            texts(&owner, &[("cross note", &cross.note)], problems);
        }
        texts(
            &owner,
            &[
                ("name", &group.name),
                ("plain", &group.plain),
                ("plain_es", &group.plain_es),
                ("note", &group.note),
            ],
            problems,
        );
        cited(&owner, &group.sources, problems);
        for name in &group.names {
            let key = resolve::normalise(name);
            if let Some(other) = names.insert(key.clone(), n)
                && other != n
            {
                problems.push(format!(
                    "{owner}: the allergy name \"{key}\" also names {}",
                    allergies[other].id
                ));
            }
        }
    }
    names
}

pub(super) fn subject_problem(
    owner: &str,
    subject: &str,
    known: &dyn Fn(&str) -> bool,
    out: &mut Vec<String>,
) {
    if !known(subject) {
        out.push(format!(
            "{owner}: unknown ingredient or class \"{subject}\""
        ));
    }
}

pub(super) fn texts(owner: &str, fields: &[(&str, &String)], out: &mut Vec<String>) {
    for (field, text) in fields {
        if text.trim().is_empty() {
            out.push(format!("{owner}: {field} is empty"));
        }
    }
}

pub(super) fn cited(owner: &str, sources: &[String], out: &mut Vec<String>) {
    if sources.iter().all(|s| s.trim().is_empty()) {
        out.push(format!("{owner} cites no source"));
    }
}

/// Patient wording may hold only the rule's own placeholders.
pub(super) fn placeholders(owner: &str, text: &str, allowed: &[&str], out: &mut Vec<String>) {
    if text.trim().is_empty() {
        out.push(format!("{owner}: patient wording is empty"));
    }
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c + 1);
        let Some(close) = close else {
            out.push(format!("{owner}: an unclosed {{ in patient wording"));
            return;
        };
        if !allowed.contains(&&rest[open..close]) {
            out.push(format!(
                "{owner}: unknown placeholder {} (allowed: {})",
                &rest[open..close],
                allowed.join(", ")
            ));
        }
        rest = &rest[close..];
    }
    if rest.contains('}') {
        out.push(format!("{owner}: a stray }} in patient wording"));
    }
}

#[cfg(test)]
mod tests {
    use crate::knowledge::Knowledge;

    fn problems(rules: &str) -> String {
        let ingredient = |n: &str| {
            format!(
                "[[ingredient]]\nname = \"{n}\"\nkind = \"medicine\"\npurpose = \"p\"\n\
                 purpose_es = \"p\"\nsources = [\"s\"]\n"
            )
        };
        let base = ingredient("a") + &ingredient("b");
        Knowledge::from_files(&[("base.toml", &base), ("rules.toml", rules)])
            .map(|_| String::new())
            .unwrap_or_else(|e| e.problems.join("\n"))
    }

    #[test]
    fn rules_are_validated_when_the_knowledge_base_loads() {
        let rule = |extra: &str, patient: &str| {
            format!(
                "[[interaction]]\nid = \"r\"\nbetween = [\"a\", \"b\"]\nseverity = \"major\"\n\
                 title = \"t\"\nconsequence = \"c\"\nmechanism = \"m\"\naction = \"x\"\n\
                 patient = \"{patient}\"\npatient_es = \"{{a}}\"\nsources = [\"s\"]\n{extra}\n"
            )
        };
        assert_eq!(problems(&rule("", "{a} with {b}")), "");
        let all = problems(&rule("onc = \"low-23\"", "{a} with {c}"));
        assert!(all.contains("needs raised_from_low_priority"), "{all}");
        assert!(all.contains("unknown placeholder {c}"), "{all}");
        let all = problems(&(rule("", "{a}") + &rule("", "{b}").replace("\"b\"]", "\"class:z\"]")));
        assert!(all.contains("the id is used twice"), "{all}");
        assert!(
            all.contains("unknown ingredient or class \"class:z\""),
            "{all}"
        );
        let all = problems(
            "[[limit]]\ningredient = \"a\"\nwhen = \"alcohol\"\n\
             max_daily = { amount = 1, unit = \"mg\" }\nsources = [\"s\"]\n\
             [[intended]]\nclass = \"nope\"\nbetween = [\"a\", \"b\"]\nreason = \"r\"\nsources = [\"s\"]\n",
        );
        assert!(all.contains("min_drinks_per_week is needed"), "{all}");
        assert!(all.contains("not a duplicate-therapy class"), "{all}");
    }
}

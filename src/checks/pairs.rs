//! The engine behind `interaction` and the pair rules of `herb-food`: every
//! two different active medicines, every ingredient pair between them,
//! matched against the knowledge base's `[[interaction]]` rules.
//!
//! A class subject expands to its members; a rule names its pair once, in
//! either order. When several rules name the same ingredient pair, the most
//! severe wins, then the most specific (fewer class subjects), then the
//! first in file order: one finding per ingredient pair.

use std::collections::BTreeMap;

use super::{CheckContext, Finding, Severity, finding_id, join_names, prescribers_of};
use crate::knowledge::{InteractionRule, PairCheck};
use crate::regimen::MedicineUse;

/// The findings of the pair rules reported under `check`.
pub(super) fn findings(cx: &CheckContext, which: PairCheck, check: &'static str) -> Vec<Finding> {
    let rules: Vec<(usize, &InteractionRule)> = cx
        .kb
        .interactions()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.check == which && r.with.is_none())
        .collect();
    let active: Vec<&MedicineUse> = cx.regimen.active().collect();

    let mut pairs: BTreeMap<(&str, &str), Sources> = BTreeMap::new();
    for (i, first) in active.iter().enumerate() {
        for (j, second) in active.iter().enumerate().skip(i + 1) {
            for x in first.ingredient_names() {
                for y in second.ingredient_names().filter(|y| *y != x) {
                    let (key, from_x, from_y) = if x < y {
                        ((x, y), i, j)
                    } else {
                        ((y, x), j, i)
                    };
                    let entry = pairs.entry(key).or_default();
                    push_unique(&mut entry.0, from_x);
                    push_unique(&mut entry.1, from_y);
                }
            }
        }
    }

    let mut out = Vec::new();
    for ((x, y), (meds_x, meds_y)) in pairs {
        let best = rules
            .iter()
            .filter_map(|&(order, rule)| {
                let [a, b] = &rule.between;
                let m = |s: &str, i: &str| cx.kb.matches(s, &rule.except, i);
                if m(a, x) && m(b, y) {
                    Some((order, rule, false))
                } else if m(a, y) && m(b, x) {
                    Some((order, rule, true))
                } else {
                    None
                }
            })
            .max_by_key(|(order, rule, _)| {
                let specific = rule
                    .between
                    .iter()
                    .filter(|s| !s.starts_with("class:"))
                    .count();
                (rule.severity, specific, std::cmp::Reverse(*order))
            });
        let Some((_, rule, swapped)) = best else {
            continue;
        };
        let (a_ing, a_meds, b_ing, b_meds) = if swapped {
            (y, &meds_y, x, &meds_x)
        } else {
            (x, &meds_x, y, &meds_y)
        };
        let names = |idx: &[usize]| -> Vec<String> {
            idx.iter()
                .map(|&i| active[i].medication.name.clone())
                .collect()
        };
        out.push(finding(
            cx,
            check,
            rule,
            (a_ing, names(a_meds)),
            (b_ing, names(b_meds)),
            a_meds.iter().chain(b_meds.iter()).map(|&i| active[i]),
        ));
    }
    for rule in cx
        .kb
        .interactions()
        .iter()
        .filter(|r| r.check == which && r.with.is_some())
    {
        if let Some(triple) = three(cx, check, rule, &active) {
            // Said once: the pairs of the first subject with the other two
            // are in the one finding, unless a pair is more serious alone.
            let [first, ..] = &triple.ingredients_by_subject;
            out.retain(|f| {
                let from_first = f.ingredients.iter().filter(|i| first.contains(i)).count();
                !(f.severity <= triple.finding.severity
                    && from_first == 1
                    && f.ingredients
                        .iter()
                        .all(|i| triple.finding.ingredients.contains(i)))
            });
            out.push(triple.finding);
        }
    }
    out
}

/// A rule about three medicines that fired: its finding, and the
/// ingredients it found for each subject (a, b, c).
struct Three {
    finding: Finding,
    ingredients_by_subject: [Vec<String>; 3],
}

/// A three-medicine rule (`with`): an ingredient of the first subject in one
/// medicine, and of the second and third in others (the second and third
/// may share one, as in lisinopril with hydrochlorothiazide).
fn three(
    cx: &CheckContext,
    check: &'static str,
    rule: &InteractionRule,
    active: &[&MedicineUse],
) -> Option<Three> {
    let [a, b] = &rule.between;
    let c = rule.with.as_deref()?;
    let holding = |subject: &str| -> Vec<(usize, String)> {
        active
            .iter()
            .enumerate()
            .flat_map(|(i, m)| m.ingredient_names().map(move |n| (i, n)))
            .filter(|(_, n)| cx.kb.matches(subject, &rule.except, n))
            .map(|(i, n)| (i, n.to_owned()))
            .collect()
    };
    let (xs, ys, zs) = (holding(a), holding(b), holding(c));
    // The first subject's medicines that are apart from a second and a
    // third subject's medicine.
    let firsts: Vec<&(usize, String)> = xs
        .iter()
        .filter(|(i, x)| {
            ys.iter().any(|(j, y)| j != i && y != x) && zs.iter().any(|(k, z)| k != i && z != x)
        })
        .collect();
    if firsts.is_empty() {
        return None;
    }
    let apart = |list: &[(usize, String)]| -> Vec<(usize, String)> {
        list.iter()
            .filter(|(j, _)| firsts.iter().any(|(i, _)| i != j))
            .cloned()
            .collect()
    };
    let (ys, zs) = (apart(&ys), apart(&zs));
    let groups = [
        firsts.iter().map(|&p| p.clone()).collect::<Vec<_>>(),
        ys,
        zs,
    ];
    let names = |group: &[(usize, String)]| -> Vec<String> {
        let mut idx: Vec<usize> = group.iter().map(|(i, _)| *i).collect();
        idx.sort_unstable();
        idx.dedup();
        idx.iter()
            .map(|&i| active[i].medication.name.clone())
            .collect()
    };
    let ingredients = |group: &[(usize, String)]| -> Vec<String> {
        let mut list: Vec<String> = group.iter().map(|(_, n)| n.clone()).collect();
        list.sort();
        list.dedup();
        list
    };
    let [na, nb, nc] = [names(&groups[0]), names(&groups[1]), names(&groups[2])];
    let by_subject = [
        ingredients(&groups[0]),
        ingredients(&groups[1]),
        ingredients(&groups[2]),
    ];
    let mut all: Vec<String> = by_subject.iter().flatten().cloned().collect();
    all.sort();
    all.dedup();
    let mut meds: Vec<&MedicineUse> = groups.iter().flatten().map(|(i, _)| active[*i]).collect();
    meds.sort_by_key(|m| m.index);
    meds.dedup_by_key(|m| m.index);
    let fill = |text: &str, and: &str| {
        text.replace("{a}", &join_names(&na, and))
            .replace("{b}", &join_names(&nb, and))
            .replace("{c}", &join_names(&nc, and))
    };
    let finding = Finding {
        id: finding_id(check, all.iter().map(String::as_str)),
        check,
        severity: rule.severity,
        medicines: meds.iter().map(|m| m.medication.name.clone()).collect(),
        ingredients: all,
        prescribers: prescribers_of(meds.iter().copied()),
        title: rule.title.clone(),
        patient_text: cx.say(fill(&rule.patient, "and"), fill(&rule.patient_es, "y")),
        prescriber_text: super::clinical_text(&rule.consequence, &rule.mechanism, &rule.action),
        patient_action: rule.severity >= Severity::Moderate,
        reviewer_follows_up: false,
        evidence: rule.sources.clone(),
        context: vec![
            format!(
                "{} with {} and {}",
                join_names(&na, "and"),
                join_names(&nb, "and"),
                join_names(&nc, "and")
            ),
            format!("knowledge-base rule {}", rule.id),
        ],
        decision: None,
        concern: rule.concern.clone().unwrap_or_default(),
        why: format!("{} Mechanism: {}", rule.consequence, rule.mechanism),
        recommendation: rule.action.clone(),
    };
    Some(Three {
        finding,
        ingredients_by_subject: by_subject,
    })
}

/// For an ingredient pair (x, y) with x < y: the positions (in the active
/// list) of the medicines that bring x, and of those that bring y.
type Sources = (Vec<usize>, Vec<usize>);

fn push_unique(list: &mut Vec<usize>, value: usize) {
    if !list.contains(&value) {
        list.push(value);
    }
}

fn finding<'a>(
    cx: &CheckContext,
    check: &'static str,
    rule: &InteractionRule,
    (a_ing, a_names): (&str, Vec<String>),
    (b_ing, b_names): (&str, Vec<String>),
    meds: impl Iterator<Item = &'a MedicineUse> + Clone,
) -> Finding {
    let mut ordered: Vec<&MedicineUse> = meds.clone().collect();
    ordered.sort_by_key(|m| m.index);
    ordered.dedup_by_key(|m| m.index);
    let medicines: Vec<String> = ordered.iter().map(|m| m.medication.name.clone()).collect();
    let fill = |text: &str, and: &str| {
        text.replace("{a}", &join_names(&a_names, and))
            .replace("{b}", &join_names(&b_names, and))
    };
    let mut context = vec![format!(
        "{} ({a_ing}) with {} ({b_ing})",
        join_names(&a_names, "and"),
        join_names(&b_names, "and")
    )];
    if let Some(h) = rule.separate_hours {
        context.push(format!("keep the doses at least {h} hours apart"));
    }
    if let Some(onc) = &rule.onc {
        let (level, n) = onc.split_once('-').unwrap_or((onc, ""));
        context.push(format!("ONC {level}-priority interaction pair {n}"));
    }
    if let Some(why) = &rule.raised_from_low_priority {
        context.push(format!("raised above the ONC low-priority level: {why}"));
    }
    context.push(format!("knowledge-base rule {}", rule.id));
    Finding {
        id: finding_id(check, [a_ing, b_ing]),
        check,
        severity: rule.severity,
        medicines,
        ingredients: {
            let mut i = vec![a_ing.to_owned(), b_ing.to_owned()];
            i.sort();
            i
        },
        prescribers: prescribers_of(ordered.iter().copied()),
        title: rule.title.clone(),
        patient_text: cx.say(fill(&rule.patient, "and"), fill(&rule.patient_es, "y")),
        prescriber_text: super::clinical_text(&rule.consequence, &rule.mechanism, &rule.action),
        patient_action: rule.severity >= Severity::Moderate || rule.separate_hours.is_some(),
        reviewer_follows_up: false,
        evidence: rule.sources.clone(),
        context,
        decision: None,
        concern: rule.concern.clone().unwrap_or_default(),
        why: format!("{} Mechanism: {}", rule.consequence, rule.mechanism),
        recommendation: rule.action.clone(),
    }
}

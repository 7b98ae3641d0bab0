//! Daily amounts and daily maxima, shared by the checks that weigh a dose
//! (`dose`, `same-ingredient`, and the patient rules' `max_daily`): how
//! much of an ingredient a medicine gives in a day, as taken or as
//! directed, and the most this patient should take.

use super::CheckContext;
use crate::knowledge::{Amount, Limit, LimitWhen, Release, Unit};
use crate::record::{MedicineType, Sex};
use crate::regimen::sig::read_sig_for;
use crate::regimen::{DoseUnit, MedicineUse, Schedule};

/// The daily maximum of an ingredient for this patient and these products.
pub struct Maximum<'k> {
    pub amount: Amount,
    /// The lower limit that set it, if one did.
    pub limit: Option<&'k Limit>,
    /// Why a lower limit applies ("age 81"), for the context.
    pub why: Option<String>,
}

impl Maximum<'_> {
    /// A recommended dose rather than a maximum.
    pub fn recommended(&self) -> bool {
        self.limit.is_some_and(|l| l.recommended)
    }
}

/// The release every one of `meds` shares, or `None` when they differ.
fn shared_release(meds: &[&MedicineUse]) -> Option<Release> {
    let first = meds.first()?.release();
    meds.iter().all(|m| m.release() == first).then_some(first)
}

/// The maximum of `ingredient` that applies to this patient taking it
/// through `meds`: the labelled one (extended-release when all of them
/// are; prescription when all of them are and the over-the-counter label's
/// is lower), or the lowest `[[limit]]` that fits the patient and the products.
/// With `recommended`, the label's recommended doses count as limits too.
pub fn maximum<'k>(
    cx: &CheckContext<'k>,
    ingredient: &str,
    meds: &[&MedicineUse],
    recommended: bool,
) -> Option<Maximum<'k>> {
    let info = cx.kb.ingredient(ingredient)?;
    let release = shared_release(meds);
    let prescribed = meds
        .iter()
        .all(|m| m.medication.kind == MedicineType::Prescription);
    let labelled = match release {
        Some(Release::Extended) => info.max_daily_extended_release,
        _ => None,
    }
    .or(info.max_daily_prescription.filter(|_| prescribed))
    .or(info.max_daily);
    let lower = lower_limits(cx, ingredient, release)
        .filter(|(l, _)| recommended || !l.recommended)
        .filter_map(|(l, why)| {
            // In the labelled maximum's unit, to compare.
            let unit = labelled.map_or(l.max_daily.unit, |m| m.unit);
            let amount = l.max_daily.unit.convert(l.max_daily.amount, unit)?;
            Some((l, why, Amount { amount, unit }))
        })
        .filter(|(_, _, a)| labelled.is_none_or(|m| a.amount < m.amount))
        .min_by(|a, b| a.2.amount.total_cmp(&b.2.amount));
    match (lower, labelled) {
        (Some((limit, why, amount)), _) => Some(Maximum {
            amount,
            limit: Some(limit),
            why: Some(why),
        }),
        (None, Some(amount)) => Some(Maximum {
            amount,
            limit: None,
            why: None,
        }),
        (None, None) => None,
    }
}

/// The knowledge base's lower limits of `ingredient` that fit this patient
/// and products of `release` (`None`: of mixed release, so only limits for
/// every release), each with the reason it applies.
fn lower_limits<'k, 'c>(
    cx: &'c CheckContext<'k>,
    ingredient: &'c str,
    release: Option<Release>,
) -> impl Iterator<Item = (&'k Limit, String)> + 'c {
    let record = &cx.regimen.record;
    let liver = record
        .health
        .conditions
        .iter()
        .find(|c| cx.kb.conditions_in(c).contains(&"liver-disease"));
    cx.kb
        .limits()
        .iter()
        .filter(move |l| l.ingredient == ingredient)
        .filter(move |l| l.release.is_none() || l.release == release)
        .filter_map(move |l| {
            let why = match l.when {
                LimitWhen::OlderAdult => {
                    (record.age() >= 65).then(|| format!("age {}", record.age()))
                }
                LimitWhen::LiverDisease => liver.map(|c| format!("condition: {c}")),
                LimitWhen::Alcohol => record
                    .health
                    .alcohol_drinks_per_week
                    .filter(|n| *n >= l.min_drinks_per_week.unwrap_or(0))
                    .map(|n| format!("{n} alcoholic drinks a week")),
                LimitWhen::Female => {
                    (record.patient.sex == Some(Sex::Female)).then(|| "female".to_owned())
                }
            }?;
            let release = match l.release {
                Some(Release::Extended) => " for extended-release products",
                Some(Release::Immediate) => " for immediate-release products",
                None => "",
            };
            let kind = if l.recommended {
                "recommended dose"
            } else {
                "lower maximum"
            };
            Some((
                l,
                format!(
                    "{kind} of {} {} a day{release} applies ({why})",
                    number(l.max_daily.amount),
                    l.max_daily.unit.as_str()
                ),
            ))
        })
}

/// The schedule read from `taking`, when the reviewer wrote how the patient
/// really takes it in words the sig reader understands ("2 tabs q4h").
pub fn taken_schedule(med: &MedicineUse) -> Option<Schedule> {
    let taking = med.medication.taking.as_deref()?;
    let schedule = read_sig_for(taking, &med.product);
    (schedule.understood()
        && (schedule.most_per_day().is_some() || schedule.most_mass_per_day().is_some()))
    .then_some(schedule)
}

/// The most of `ingredient` a medicine gives in a day, as taken where the
/// record says how it is taken, else as directed, in `unit`.
pub fn most_per_day(med: &MedicineUse, ingredient: &str, unit: Unit) -> Option<f64> {
    let taken = taken_schedule(med);
    let schedule = taken.as_ref().unwrap_or(&med.schedule);
    if schedule.quantity.is_none()
        && let Some(mass) = schedule.most_mass_per_day()
    {
        // "650 mg every 6 hours" of a product of this one ingredient: the
        // weight is the ingredient's.
        let only = match &med.resolved.ingredients[..] {
            [one] => one.name == ingredient,
            _ => false,
        };
        return only
            .then(|| Unit::parse(mass.unit)?.convert(mass.amount, unit))
            .flatten();
    }
    let per_unit: Amount = med
        .resolved
        .ingredients
        .iter()
        .find(|i| i.name == ingredient)?
        .amount?;
    let day = schedule.most_per_day()?;
    let units_per_day = match (day.unit, per_volume_ml(med.resolved.per.as_deref())) {
        (DoseUnit::Ml, Some(volume)) => day.amount / volume,
        (DoseUnit::Tablet | DoseUnit::Capsule | DoseUnit::Dose, None) => day.amount,
        _ => return None,
    };
    per_unit.unit.convert(per_unit.amount * units_per_day, unit)
}

/// "30 mL" → 30; a per-unit product ("tablet") → None.
fn per_volume_ml(per: Option<&str>) -> Option<f64> {
    let per = per?.to_lowercase();
    let number = per.strip_suffix("ml")?.trim();
    number.parse().ok()
}

/// An amount as printed: whole numbers without a decimal point.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{}", value as i64)
    } else {
        format!("{value:.1}")
    }
}

//! "What changed" after a care transition: the discharge list against the
//! list before admission.

use serde::Serialize;

use crate::knowledge::Knowledge;
use crate::record::{Medication, MedicineStatus};
use crate::regimen::Regimen;

#[derive(Debug, Serialize)]
pub struct Changes {
    pub new: Vec<String>,
    pub stopped: Vec<String>,
    pub changed: Vec<String>,
    pub same: Vec<String>,
}

/// Before versus discharge lists of a care transition.
pub(super) fn changes(regimen: &Regimen, kb: &Knowledge) -> Option<Changes> {
    let transition = regimen.record.transition.as_ref()?;
    if transition.before.is_empty() && transition.discharge.is_empty() {
        return None;
    }
    let key = |m: &Medication| {
        let r = kb.resolve(&m.name, m.strength.as_deref());
        if r.is_unknown() {
            crate::knowledge::resolve::normalise(&m.name)
        } else {
            r.ingredients
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join("+")
        }
    };
    let with_reason = |m: &Medication| match &m.change_reason {
        Some(reason) => format!("{}: {}", m.name, crate::report::plain::explain(reason)),
        None => m.name.clone(),
    };
    let before: Vec<(String, &Medication)> =
        transition.before.iter().map(|m| (key(m), m)).collect();
    let mut changes = Changes {
        new: vec![],
        stopped: vec![],
        changed: vec![],
        same: vec![],
    };
    let squash = |s: &str| crate::knowledge::resolve::normalise(s);
    for m in &transition.discharge {
        let stopped = m.status == MedicineStatus::Stopped;
        match before
            .iter()
            .find(|(k, _)| *k == key(m))
            .map(|(_, old)| old)
        {
            _ if stopped => changes.stopped.push(with_reason(m)),
            None => changes.new.push(with_reason(m)),
            Some(old)
                if squash(&old.name) != squash(&m.name)
                    || old.strength != m.strength
                    || old.sig != m.sig
                    || old.dose != m.dose
                    || old.times != m.times =>
            {
                changes.changed.push(with_reason(m))
            }
            Some(_) => changes.same.push(m.name.clone()),
        }
    }
    let discharged: Vec<String> = transition.discharge.iter().map(key).collect();
    for (k, m) in &before {
        if !discharged.contains(k) {
            changes.stopped.push(m.name.clone());
        }
    }
    Some(changes)
}

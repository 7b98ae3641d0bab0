//! The daily schedule grid: a row per medicine, a column per time of day
//! laid out against the patient's routine, and the lists of medicines that
//! do not fit the grid (as needed, weekly, every few hours, unclear).

use serde::Serialize;

use super::Labelled;
use crate::record::Language;
use crate::regimen::Regimen;
use crate::report::strings::Strings;
use crate::report::wording::directions;

#[derive(Debug, Serialize)]
pub struct ScheduleView {
    pub columns: Vec<Labelled>,
    pub rows: Vec<ScheduleRow>,
    pub as_needed: Vec<Labelled>,
    pub weekly: Vec<Labelled>,
    /// Every N hours where that does not fit the four times of day.
    pub interval: Vec<Labelled>,
    /// Tapers and loading doses: a different amount from step to step.
    pub steps: Vec<Labelled>,
    pub unclear: Vec<Labelled>,
}

#[derive(Debug, Serialize)]
pub struct ScheduleRow {
    pub name: String,
    /// One per column: what to take then, or empty.
    pub cells: Vec<String>,
    pub note: Option<String>,
}

pub(super) fn schedule(regimen: &Regimen, t: &Strings, language: Language) -> ScheduleView {
    use crate::record::DoseTime;
    let routine = regimen.record.routine;
    let columns = vec![
        Labelled {
            label: t.morning.into(),
            value: routine.breakfast.to_string(),
        },
        Labelled {
            label: t.noon.into(),
            value: routine.lunch.to_string(),
        },
        Labelled {
            label: t.evening.into(),
            value: routine.dinner.to_string(),
        },
        Labelled {
            label: t.bedtime.into(),
            value: routine.bed.to_string(),
        },
    ];
    let anchors = [
        routine.breakfast,
        routine.lunch,
        routine.dinner,
        routine.bed,
    ];
    let column_of = |time: DoseTime| match time {
        DoseTime::Morning => 0,
        DoseTime::Noon => 1,
        DoseTime::Evening => 2,
        DoseTime::Bedtime => 3,
        DoseTime::At(clock) => (0..4)
            .min_by_key(|&i| anchors[i].minutes().abs_diff(clock.minutes()))
            .unwrap_or(0),
    };
    let mut view = ScheduleView {
        columns,
        rows: vec![],
        as_needed: vec![],
        weekly: vec![],
        interval: vec![],
        steps: vec![],
        unclear: vec![],
    };
    for m in regimen.active() {
        let s = &m.schedule;
        let own = super::todo::named_in_own_item(&regimen.record, &m.medication.name)
            .then_some(t.see_todo);
        let mut how = directions(
            s,
            m.medication.sig.as_deref().or(m.medication.dose.as_deref()),
            language,
        );
        if let Some(see) = own {
            how = format!("{how} {see}");
        }
        let name = m.medication.name.clone();
        if !s.understood() {
            view.unclear.push(Labelled {
                label: name,
                value: how,
            });
        } else if !s.steps.is_empty() {
            let start = m.medication.started.map(|d| {
                let date = crate::report::wording::long_date(d, language);
                match language {
                    Language::En => format!(" Day 1 was {date}."),
                    Language::Es => format!(" El día 1 fue el {date}."),
                }
            });
            view.steps.push(Labelled {
                label: name,
                value: how + &start.unwrap_or_default(),
            });
        } else if s.as_needed {
            view.as_needed.push(Labelled {
                label: name,
                value: how,
            });
        } else if s.weekly {
            view.weekly.push(Labelled {
                label: name,
                value: how,
            });
        } else if s.times.is_empty() && s.doses_per_day().is_none_or(|n| n > 4) {
            // "every 5 hours", "every 4 hours": does not fit four columns.
            view.interval.push(Labelled {
                label: name,
                value: how,
            });
        } else {
            let times = if s.times.is_empty() {
                // "every 8 hours" spread over the day's columns.
                match s.doses_per_day() {
                    Some(1) => vec![DoseTime::Morning],
                    Some(2) => vec![DoseTime::Morning, DoseTime::Evening],
                    Some(3) => vec![DoseTime::Morning, DoseTime::Noon, DoseTime::Bedtime],
                    _ => vec![
                        DoseTime::Morning,
                        DoseTime::Noon,
                        DoseTime::Evening,
                        DoseTime::Bedtime,
                    ],
                }
            } else {
                s.times.clone()
            };
            let dose = crate::report::wording::dose(s, language).unwrap_or_else(|| "✓".into());
            let mut cells = vec![String::new(); 4];
            for time in times {
                let cell = &mut cells[column_of(time)];
                *cell = match (cell.is_empty(), time) {
                    (true, DoseTime::At(c)) => format!("{dose} ({c})"),
                    (true, _) => dose.clone(),
                    (false, _) => format!("{cell} + {dose}"),
                };
            }
            let note = match s.food {
                Some(crate::record::Food::WithFood) => Some(if language == Language::Es {
                    "Con comida"
                } else {
                    "With a meal"
                }),
                Some(crate::record::Food::EmptyStomach) => Some(if language == Language::Es {
                    "Estómago vacío"
                } else {
                    "Empty stomach"
                }),
                _ => None,
            };
            let note = match (note, own) {
                (Some(a), Some(b)) => Some(format!("{a}. {b}")),
                (a, b) => a.or(b).map(str::to_owned),
            };
            view.rows.push(ScheduleRow { name, cells, note });
        }
    }
    view
}

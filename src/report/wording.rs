//! Explicit directions and dates in the patient's language.
//!
//! Directions follow USP General Chapter 17: numbers as digits, the four
//! times of day, "with a meal" rather than "after meals", never "bid" or
//! "twice daily" ("Take 1 tablet in the morning and 1 tablet in the
//! evening"). Directions that could not be read are quoted as written, never
//! guessed.

use crate::record::{Date, DoseTime, Food, Language};
use crate::regimen::sig::{DailyCap, Route, Site};
use crate::regimen::{DoseUnit, Mass, Quantity, Schedule};

/// "November 20, 2026" or "20 de noviembre de 2026".
pub fn long_date(date: Date, language: Language) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const ES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    let month = usize::from(date.month - 1);
    match language {
        Language::En => format!("{} {}, {}", EN[month], date.day, date.year),
        Language::Es => format!("{} de {} de {}", date.day, ES[month], date.year),
    }
}

/// A dose amount as digits: 1, 2, 0.5 as "1/2", 1.5 as "1 1/2", 0.25 as
/// "1/4"; other decimals rounded to 2 places.
pub fn amount(value: f64) -> String {
    let whole = value.trunc();
    let fraction = [
        (0.25, "1/4"),
        (1.0 / 3.0, "1/3"),
        (0.5, "1/2"),
        (2.0 / 3.0, "2/3"),
        (0.75, "3/4"),
    ]
    .iter()
    .find(|(f, _)| (value - whole - f).abs() < 0.01)
    .map(|(_, text)| *text);
    match (whole as i64, fraction) {
        (0, Some(f)) => f.into(),
        (w, Some(f)) => format!("{w} {f}"),
        _ if value.fract() == 0.0 => format!("{}", value as i64),
        _ => format!("{}", (value * 100.0).round() / 100.0),
    }
}

/// A measured amount as written on a syringe or a label: "12.5", "0.125",
/// "7.5" (never "12 1/2 mg" or "7 1/2 mL").
pub fn decimal(value: f64) -> String {
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// "1 tablet", "2 puffs", "30 mL", "1 to 2 tablets" ("1 tableta"…).
/// Counted units read as fractions ("1/2 tablet"), measured ones (mL,
/// units) as decimals ("7.5 mL").
pub fn quantity(q: Quantity, language: Language) -> String {
    let unit = match language {
        Language::En => q.unit.english(q.most()),
        Language::Es => q.unit.spanish(q.most()),
    };
    let number = |n: f64| match q.unit {
        DoseUnit::Ml | DoseUnit::Unit => decimal(n),
        _ => amount(n),
    };
    match (q.up_to, language) {
        (Some(to), Language::En) => format!("{} to {} {unit}", number(q.amount), number(to)),
        (Some(to), Language::Es) => format!("{} a {} {unit}", number(q.amount), number(to)),
        (None, _) => format!("{} {unit}", number(q.amount)),
    }
}

/// The amount of one dose as the directions give it: "2 tablets", "650 mg
/// (2 tablets)" when written by weight and counted from the strength, "1
/// tablet (20 mg)" when written with both, "650 mg" by weight alone.
pub fn dose(schedule: &Schedule, language: Language) -> Option<String> {
    let mass = |m: Mass| format!("{} {}", decimal(m.amount), m.unit);
    Some(match (schedule.quantity, schedule.mass) {
        (Some(q), Some(m)) if schedule.counted_from_mass => {
            format!("{} ({})", mass(m), quantity(q, language))
        }
        // More than one unit: the weight is the whole dose's, said so.
        (Some(q), Some(m)) if q.amount != 1.0 || q.up_to.is_some() => {
            let total = if language == Language::En {
                "total"
            } else {
                "en total"
            };
            format!("{} ({} {total})", quantity(q, language), mass(m))
        }
        (Some(q), Some(m)) => format!("{} ({})", quantity(q, language), mass(m)),
        (Some(q), None) => quantity(q, language),
        (None, Some(m)) => mass(m),
        (None, None) => return None,
    })
}

fn time_phrase(t: DoseTime, language: Language) -> String {
    match (t, language) {
        (DoseTime::Morning, Language::En) => "in the morning".into(),
        (DoseTime::Noon, Language::En) => "at noon".into(),
        (DoseTime::Evening, Language::En) => "in the evening".into(),
        (DoseTime::Bedtime, Language::En) => "at bedtime".into(),
        (DoseTime::At(c), Language::En) => format!("at {c}"),
        (DoseTime::Morning, Language::Es) => "por la mañana".into(),
        (DoseTime::Noon, Language::Es) => "al mediodía".into(),
        (DoseTime::Evening, Language::Es) => "por la tarde".into(),
        (DoseTime::Bedtime, Language::Es) => "al acostarse".into(),
        (DoseTime::At(c), Language::Es) => format!("a las {c}"),
    }
}

/// The verb for a schedule: the route's when it changes what the patient
/// does ("Chew", "Inject", "Apply"), else the unit's.
fn schedule_verb(schedule: &Schedule, language: Language) -> &'static str {
    let unit = schedule
        .quantity
        .map(|q| q.unit)
        .or(schedule.product_unit.filter(|_| schedule.mass.is_some()));
    let (en, es) = match (schedule.route, unit) {
        (Some(Route::Chew), _) => ("Chew", "Mastique"),
        (Some(Route::Injected), _) => ("Inject", "Inyecte"),
        (Some(Route::Skin), None | Some(DoseUnit::Application)) => ("Apply", "Aplique"),
        (Some(Route::Mouth), Some(DoseUnit::Unit | DoseUnit::Drop)) => ("Take", "Tome"),
        (_, unit) => return verb(unit, language),
    };
    match language {
        Language::En => en,
        Language::Es => es,
    }
}

fn verb(unit: Option<DoseUnit>, language: Language) -> &'static str {
    match (unit, language) {
        (Some(DoseUnit::Puff), Language::En) => "Inhale",
        (Some(DoseUnit::Drop | DoseUnit::Spray | DoseUnit::Unit), Language::En) => "Use",
        (Some(DoseUnit::Patch | DoseUnit::Application), Language::En) => "Put on",
        (_, Language::En) => "Take",
        (Some(DoseUnit::Puff), Language::Es) => "Inhale",
        (Some(DoseUnit::Drop | DoseUnit::Spray | DoseUnit::Unit), Language::Es) => "Use",
        (Some(DoseUnit::Patch | DoseUnit::Application), Language::Es) => "Póngase",
        (_, Language::Es) => "Tome",
    }
}

/// The explicit directions for one medicine, or the written ones quoted
/// when they could not be read.
pub fn directions(schedule: &Schedule, written: Option<&str>, language: Language) -> String {
    let en = language == Language::En;
    if !schedule.understood() {
        return match (written, en) {
            (Some(w), true) => format!("Follow the label: \"{w}\". Ask us if it is not clear."),
            (Some(w), false) => format!("Siga la etiqueta: \"{w}\". Pregúntenos si no está claro."),
            (None, true) => "Ask us how to use this medicine.".into(),
            (None, false) => "Pregúntenos cómo usar esta medicina.".into(),
        };
    }
    let verb = schedule_verb(schedule, language);
    let dose = dose(schedule, language);
    let it = if en { "it" } else { "la" };
    let mut sentences = Vec::new();

    if !schedule.steps.is_empty() {
        sentences.extend(steps(schedule, language));
    } else if schedule.as_needed {
        let mut s = format!("{verb} {}", dose.clone().unwrap_or_else(|| it.into()));
        if !schedule.times.is_empty() {
            // "1 tablet in the morning or 1 tablet in the evening": the
            // amount is repeated for each time, as for scheduled doses.
            let times: Vec<String> = schedule
                .times
                .iter()
                .enumerate()
                .map(|(i, t)| match (&dose, i) {
                    (Some(d), 1..) => format!("{d} {}", time_phrase(*t, language)),
                    _ => time_phrase(*t, language),
                })
                .collect();
            s += " ";
            s += &crate::checks::join_names(&times, if en { "or" } else { "o" });
        }
        if let Some((from, to)) = schedule.every_hours {
            s += &match (to, en) {
                (Some(to), true) => format!(" every {from} to {to} hours"),
                (Some(to), false) => format!(" cada {from} a {to} horas"),
                (None, true) => format!(" every {from} hours"),
                (None, false) => format!(" cada {from} horas"),
            };
        }
        if schedule.times.len() > 1 {
            // Two times of day and a condition make one sentence too long
            // to read at grade 6: the condition gets its own.
            sentences.push(s + ".");
            s = if en {
                format!("{verb} {it} only")
            } else {
                "Úsela".to_owned()
            };
        }
        s += if en {
            " if needed"
        } else {
            " solo si la necesita"
        };
        if let Some(reason) = &schedule.as_needed_for {
            s += &if en {
                format!(" for {reason}")
            } else {
                format!(" para: {reason}")
            };
        }
        sentences.push(s + ".");
    } else if schedule.weekly {
        const EN_DAYS: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        const ES_DAYS: [&str; 7] = [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ];
        let dose = dose.unwrap_or_else(|| it.into());
        let days = |names: &[&str; 7]| -> Vec<String> {
            schedule
                .weekdays
                .iter()
                .map(|d| names[usize::from(*d) % 7].to_owned())
                .collect()
        };
        sentences.push(match (&schedule.weekdays[..], en) {
            ([d], true) => format!(
                "{verb} {dose} once a week, every {}.",
                EN_DAYS[usize::from(*d) % 7]
            ),
            ([d], false) => format!(
                "{verb} {dose} una vez a la semana, cada {}.",
                ES_DAYS[usize::from(*d) % 7]
            ),
            ([], true) => match schedule.per_week {
                Some(n) => format!("{verb} {dose} {n} times a week, on the same days each week."),
                None => format!("{verb} {dose} once a week, on the same day each week."),
            },
            ([], false) => match schedule.per_week {
                Some(n) => {
                    format!("{verb} {dose} {n} veces a la semana, los mismos días cada semana.")
                }
                None => format!("{verb} {dose} una vez a la semana, el mismo día cada semana."),
            },
            (_, true) => format!(
                "{verb} {dose} every {}.",
                crate::checks::join_names(&days(&EN_DAYS), "and")
            ),
            (_, false) => format!(
                "{verb} {dose} cada {}.",
                crate::checks::join_names(&days(&ES_DAYS), "y")
            ),
        });
    } else if schedule.every_other_day {
        let dose = dose.clone().unwrap_or_else(|| it.into());
        let when: Vec<String> = schedule
            .times
            .iter()
            .map(|t| format!(" {},", time_phrase(*t, language)))
            .collect();
        let when = when.concat();
        sentences.push(if en {
            format!("{verb} {dose}{when} every other day.")
        } else {
            format!("{verb} {dose}{when} cada dos días.")
        });
    } else if !schedule.times.is_empty() {
        let parts: Vec<String> = schedule
            .times
            .iter()
            .map(|t| match &dose {
                Some(d) => format!("{d} {}", time_phrase(*t, language)),
                None => time_phrase(*t, language),
            })
            .collect();
        if parts.len() > 2 && dose.is_some() {
            // Three or more times in one sentence is too long to read at
            // grade 6: one short sentence per time, like the schedule's rows.
            sentences.extend(parts.iter().map(|p| format!("{verb} {p}.")));
        } else {
            let and = if en { "and" } else { "y" };
            let joined = crate::checks::join_names(&parts, and);
            sentences.push(match dose {
                Some(_) => format!("{verb} {joined}."),
                None => format!("{verb} {it} {joined}."),
            });
        }
    } else if let Some((from, to)) = schedule.every_hours {
        let dose = dose.unwrap_or_else(|| it.into());
        sentences.push(match (to, en) {
            (Some(to), true) => format!("{verb} {dose} every {from} to {to} hours."),
            (Some(to), false) => format!("{verb} {dose} cada {from} a {to} horas."),
            (None, true) => format!("{verb} {dose} every {from} hours."),
            (None, false) => format!("{verb} {dose} cada {from} horas."),
        });
    }

    if let Some(before) = schedule.before_meal {
        let meal = match (before.meal, en) {
            (Some(DoseTime::Morning), true) => "breakfast",
            (Some(DoseTime::Noon), true) => "lunch",
            (Some(DoseTime::Evening), true) => "dinner",
            (_, true) => "a meal",
            (Some(DoseTime::Morning), false) => "el desayuno",
            (Some(DoseTime::Noon), false) => "el almuerzo",
            (Some(DoseTime::Evening), false) => "la cena",
            (_, false) => "comer",
        };
        sentences.push(match (before.minutes, en) {
            (Some(m), true) if m % 60 == 0 && m >= 60 => {
                let h = m / 60;
                format!(
                    "Take it {h} hour{} before {meal}.",
                    if h == 1 { "" } else { "s" }
                )
            }
            (Some(m), true) => format!("Take it {m} minutes before {meal}."),
            (None, true) => format!("Take it before {meal}."),
            (Some(m), false) if meal == "comer" => format!("Tómela {m} minutos antes de comer."),
            (Some(m), false) => format!("Tómela {m} minutos antes de {meal}."),
            (None, false) if meal == "comer" => "Tómela antes de comer.".into(),
            (None, false) => format!("Tómela antes de {meal}."),
        });
    }
    match (schedule.food, en) {
        (Some(Food::WithFood), true) => sentences.push("Take it with a meal.".into()),
        (Some(Food::WithFood), false) => sentences.push("Tómela con una comida.".into()),
        // When the directions already say how long before a meal, that
        // timing stands alone: never two different intervals.
        (Some(Food::EmptyStomach), true) if schedule.before_meal.is_some() => {
            sentences.push("Take it on an empty stomach.".into())
        }
        (Some(Food::EmptyStomach), false) if schedule.before_meal.is_some() => {
            sentences.push("Tómela con el estómago vacío.".into())
        }
        (Some(Food::EmptyStomach), true) => {
            sentences.push("Take it on an empty stomach, 1 hour before a meal.".into())
        }
        (Some(Food::EmptyStomach), false) => {
            sentences.push("Tómela con el estómago vacío, 1 hora antes de comer.".into())
        }
        _ => {}
    }
    if let Some(site) = schedule.site {
        let many = schedule.quantity.is_some_and(|q| q.most() > 1.0);
        let place = match (site, en) {
            (Site::RightEye, true) => "in the right eye",
            (Site::LeftEye, true) => "in the left eye",
            (Site::BothEyes, true) => "in both eyes",
            (Site::EachNostril, true) => "in each nostril",
            (Site::RightEar, true) => "in the right ear",
            (Site::LeftEar, true) => "in the left ear",
            (Site::BothEars, true) => "in both ears",
            (Site::RightEye, false) => "en el ojo derecho",
            (Site::LeftEye, false) => "en el ojo izquierdo",
            (Site::BothEyes, false) => "en ambos ojos",
            (Site::EachNostril, false) => "en cada fosa nasal",
            (Site::RightEar, false) => "en el oído derecho",
            (Site::LeftEar, false) => "en el oído izquierdo",
            (Site::BothEars, false) => "en ambos oídos",
        };
        sentences.push(match (en, many) {
            (true, true) => format!("Use them {place}."),
            (true, false) => format!("Use it {place}."),
            (false, _) => format!("Úsela {place}."),
        });
    }
    if let Some(hours) = schedule.remove_after_hours {
        sentences.push(if en {
            format!("Take it off after {hours} hours.")
        } else {
            format!("Quíteselo después de {hours} horas.")
        });
    }
    if let Some(last) = schedule.taper_days() {
        sentences.push(if en {
            format!("Stop after day {last}.")
        } else {
            format!("Pare después del día {last}.")
        });
    }
    if let Some(course) = schedule.course {
        let (n, weeks) = (course.count, course.weeks);
        sentences.push(match (n, weeks, en) {
            (1, false, true) => "Do this for 1 day only.".into(),
            (1, false, false) => "Haga esto solo por 1 día.".into(),
            (n, false, true) => format!("Do this for {n} days, then stop."),
            (n, false, false) => format!("Haga esto por {n} días y luego pare."),
            (1, true, true) => "Do this for 1 week, then stop.".into(),
            (1, true, false) => "Haga esto por 1 semana y luego pare.".into(),
            (n, true, true) => format!("Do this for {n} weeks, then stop."),
            (n, true, false) => format!("Haga esto por {n} semanas y luego pare."),
        });
    }
    if let Some(max) = limit(schedule, language) {
        sentences.push(max);
    }
    if let Some(reason) = &schedule.reason {
        sentences.push(if en {
            format!("It is for {reason}.")
        } else {
            format!("Es para: {reason}.")
        });
    }
    sentences.join(" ")
}

/// A taper, a sentence a step: "Days 1 to 3: take 4 tablets in the
/// morning." and "Then stop." when the last step ends.
fn steps(schedule: &Schedule, language: Language) -> Vec<String> {
    let en = language == Language::En;
    let sentences: Vec<String> = schedule
        .steps
        .iter()
        .map(|step| {
            let days = match (step.days, en) {
                (Some(1), true) => format!("Day {}", step.first_day),
                (Some(1), false) => format!("Día {}", step.first_day),
                (Some(n), true) => format!("Days {} to {}", step.first_day, step.first_day + n - 1),
                (Some(n), false) => format!("Días {} a {}", step.first_day, step.first_day + n - 1),
                (None, true) => format!("From day {} on", step.first_day),
                (None, false) => format!("Desde el día {}", step.first_day),
            };
            let dose = match (step.quantity, step.mass) {
                (Some(q), _) => quantity(q, language),
                (None, Some(m)) => format!("{} {}", decimal(m.amount), m.unit),
                (None, None) => (if en { "it" } else { "la" }).into(),
            };
            let verb = verb(step.quantity.map(|q| q.unit), language).to_lowercase();
            if step.times.is_empty() {
                return format!("{days}: {verb} {dose}.");
            }
            let parts: Vec<String> = step
                .times
                .iter()
                .map(|t| format!("{dose} {}", time_phrase(*t, language)))
                .collect();
            let joined = crate::checks::join_names(&parts, if en { "and" } else { "y" });
            format!("{days}: {verb} {joined}.")
        })
        .collect();
    sentences
}

/// "max 8/day" or "8 tablets" → "Do not take more than 8 tablets in 1 day",
/// in the unit [`Schedule::daily_cap`] reads it in.
fn limit(schedule: &Schedule, language: Language) -> Option<String> {
    let (count, cap) = schedule.daily_cap()?;
    let es = language == Language::Es;
    let what = match cap {
        DailyCap::Unit(unit) => quantity(Quantity::of(count, unit), language),
        DailyCap::Mass(unit) => format!("{} {unit}", decimal(count)),
        DailyCap::Doses => format!("{} {}", amount(count), if es { "dosis" } else { "doses" }),
    };
    Some(match language {
        Language::En => format!("Do not take more than {what} in 1 day."),
        Language::Es => format!("No tome más de {what} en 1 día."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regimen::sig::read_sig;

    fn en(sig: &str) -> String {
        directions(&read_sig(sig), Some(sig), Language::En)
    }

    #[test]
    fn restates_abbreviations_explicitly() {
        assert_eq!(
            en("1 tab po bid"),
            "Take 1 tablet in the morning and 1 tablet in the evening."
        );
        assert_eq!(en("1 cap qhs"), "Take 1 capsule at bedtime.");
        assert_eq!(
            en("1 tab po tid with meals"),
            "Take 1 tablet in the morning. Take 1 tablet at noon. Take 1 tablet in the evening. Take it with a meal."
        );
        assert_eq!(
            en("2 puffs q4-6h prn wheeze"),
            "Inhale 2 puffs every 4 to 6 hours if needed for wheeze."
        );
    }

    #[test]
    fn never_prints_latin_abbreviations() {
        for sig in [
            "1 tab po bid",
            "1 tab po qd",
            "1 cap qhs",
            "2 tabs q6h prn pain max 8/day",
            "1 tab tid ac",
        ] {
            let text = en(sig).to_lowercase();
            for word in [
                "bid",
                "qd",
                "qhs",
                "prn",
                "tid",
                " po ",
                "twice daily",
                "after meals",
            ] {
                assert!(!text.contains(word), "{sig} → {text}");
            }
        }
    }

    #[test]
    fn states_limits_and_spanish() {
        assert_eq!(
            en("2 tabs q6h prn pain max 8/day"),
            "Take 2 tablets every 6 hours if needed for pain. Do not take more than 8 tablets in 1 day."
        );
        let s = directions(&read_sig("1 tab po bid"), None, Language::Es);
        assert_eq!(s, "Tome 1 tableta por la mañana y 1 tableta por la tarde.");
    }

    #[test]
    fn limits_keep_their_own_unit() {
        assert_eq!(
            en("2 tabs q6h prn pain max 4 doses/day"),
            "Take 2 tablets every 6 hours if needed for pain. Do not take more than 4 doses in 1 day."
        );
        let mut s = read_sig("2 tabs q6h prn pain");
        s.max_per_day = Some("4000 mg".into());
        assert!(
            directions(&s, None, Language::En).ends_with("Do not take more than 4000 mg in 1 day.")
        );
    }

    #[test]
    fn as_needed_at_a_time_of_day_keeps_the_time() {
        assert_eq!(
            en("1 tab po qhs prn sleep"),
            "Take 1 tablet at bedtime if needed for sleep."
        );
    }

    #[test]
    fn courses_and_weekdays_are_spelled_out() {
        assert_eq!(
            en("1 tab po bid x 10 days"),
            "Take 1 tablet in the morning and 1 tablet in the evening. Do this for 10 days, then stop."
        );
        assert_eq!(
            en("70 mg tab once weekly on Monday"),
            "Take 1 tablet (70 mg) once a week, every Monday."
        );
    }

    #[test]
    fn a_written_interval_is_never_joined_by_another() {
        let mut s = read_sig("1 tab bid 30 min before meals");
        s.food = Some(Food::EmptyStomach);
        let text = directions(&s, None, Language::En);
        assert!(
            text.contains("30 minutes before a meal") && !text.contains("1 hour"),
            "{text}"
        );
    }

    #[test]
    fn amounts_read_as_fractions() {
        assert_eq!(amount(0.5), "1/2");
        assert_eq!(amount(1.0 / 3.0), "1/3");
        assert_eq!(amount(2.5), "2 1/2");
        assert_eq!(amount(0.1), "0.1");
    }

    #[test]
    fn quotes_what_it_cannot_read() {
        assert_eq!(
            en("per sliding scale"),
            "Follow the label: \"per sliding scale\". Ask us if it is not clear."
        );
    }

    #[test]
    fn dates_read_naturally() {
        let d = Date::new(2026, 11, 20).unwrap();
        assert_eq!(long_date(d, Language::En), "November 20, 2026");
        assert_eq!(long_date(d, Language::Es), "20 de noviembre de 2026");
    }
}

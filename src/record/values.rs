//! Small validated values of the record format: dates, clock times and the
//! closed vocabularies (`sex`, `kind`, `type`, …).
//!
//! Each type validates itself while the TOML is deserialized, so a bad value
//! is reported by the TOML reader with the span of the value, and the rest of
//! the program only ever sees valid values ("parse, don't validate").

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// A calendar date without a time (TOML local date, `2026-11-20`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Builds a date, checking the month and the day of the month.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before), for date arithmetic.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil algorithm.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    /// Age in whole years on `on`.
    pub fn age_on(self, on: Date) -> i32 {
        let mut age = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            age -= 1;
        }
        age
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        const EXPECTED: &str = "a date like 1948-03-12 (a TOML date, without quotes)";
        let value = toml::value::Datetime::deserialize(d).map_err(|e| {
            let msg = e.to_string();
            // serde's own wording names the wrong type; keep that part and
            // say plainly what a date looks like.
            let found = msg.split(", expected").next().unwrap_or(&msg).to_owned();
            de::Error::custom(format!("{found}, expected {EXPECTED}"))
        })?;
        match (value.date, value.time) {
            (Some(date), None) => Date::new(i32::from(date.year), date.month, date.day)
                .ok_or_else(|| de::Error::custom(format!("{value} is not a real date"))),
            _ => Err(de::Error::custom(format!(
                "`{value}` has a time of day; expected {EXPECTED}"
            ))),
        }
    }
}

/// A 24-hour clock time, `"HH:MM"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime {
    pub hour: u8,
    pub minute: u8,
}

impl ClockTime {
    pub const fn new(hour: u8, minute: u8) -> ClockTime {
        ClockTime { hour, minute }
    }

    /// Parses `"HH:MM"` (24 h; `"7:30"` is accepted too).
    pub fn parse(text: &str) -> Option<ClockTime> {
        let (h, m) = text.trim().split_once(':')?;
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || m.len() != 2 || !digits(m) {
            return None;
        }
        let (hour, minute) = (h.parse().ok()?, m.parse().ok()?);
        (hour < 24 && minute < 60).then_some(ClockTime { hour, minute })
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        u16::from(self.hour) * 60 + u16::from(self.minute)
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ClockTime, D::Error> {
        struct ClockVisitor;
        impl Visitor<'_> for ClockVisitor {
            type Value = ClockTime;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a 24-hour clock time in quotes, like \"07:30\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ClockTime, E> {
                ClockTime::parse(v).ok_or_else(|| {
                    E::custom(format!(
                        "\"{v}\" is not a clock time; expected a 24-hour time like \"07:30\""
                    ))
                })
            }
        }
        d.deserialize_str(ClockVisitor)
    }
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// The word used in the record format.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
    };
}

vocabulary!(
    /// `patient.sex`.
    Sex { Female = "female", Male = "male", Other = "other" }
);
vocabulary!(
    /// `patient.language`: the language of the patient documents.
    Language { En = "en", Es = "es" }
);
vocabulary!(
    /// `review.kind`.
    ReviewKind { Cmr = "cmr", Tmr = "tmr", Transition = "transition" }
);
vocabulary!(
    /// `allergies.kind`.
    AllergyKind { Allergy = "allergy", Intolerance = "intolerance" }
);
vocabulary!(
    /// `medications.type`.
    MedicineType {
        Prescription = "prescription",
        Otc = "otc",
        Supplement = "supplement",
        Herbal = "herbal",
    }
);
vocabulary!(
    /// `medications.status`.
    MedicineStatus { Active = "active", Stopped = "stopped" }
);
vocabulary!(
    /// `medications.food`.
    Food { WithFood = "with food", EmptyStomach = "empty stomach", Any = "any" }
);
vocabulary!(
    /// `decisions.action`.
    DecisionAction { Dismiss = "dismiss", Keep = "keep" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_check_the_calendar() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2026, 13, 1).is_none());
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        let a = Date::new(2026, 10, 2).unwrap();
        let b = Date::new(2026, 11, 20).unwrap();
        assert_eq!(a.days_until(b), 49);
    }

    #[test]
    fn age_counts_whole_years() {
        let born = Date::new(1944, 11, 21).unwrap();
        assert_eq!(born.age_on(Date::new(2026, 11, 20).unwrap()), 81);
        assert_eq!(born.age_on(Date::new(2026, 11, 21).unwrap()), 82);
    }

    #[test]
    fn clock_times_are_24_hour() {
        assert_eq!(ClockTime::parse("07:30"), Some(ClockTime::new(7, 30)));
        assert_eq!(ClockTime::parse("7:30"), Some(ClockTime::new(7, 30)));
        assert_eq!(ClockTime::parse("24:00"), None);
        assert_eq!(ClockTime::parse("7am"), None);
        assert_eq!(ClockTime::parse("07:3"), None);
    }
}

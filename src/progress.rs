//! The progress line of a long `render`: count, rate and time left, on
//! standard error, only when it is a terminal. It names no file and no
//! patient.

use std::io::Write;
use std::time::Instant;

/// A progress line that rewrites itself.
pub struct Bar {
    total: usize,
    enabled: bool,
    started: Instant,
    shown: Option<usize>,
}

impl Bar {
    /// A bar for `total` records; draws nothing unless `enabled`.
    pub fn new(total: usize, enabled: bool) -> Bar {
        Bar {
            total,
            enabled,
            started: Instant::now(),
            shown: None,
        }
    }

    /// Shows `done` of the total, with the rate so far and the time left.
    pub fn update(&mut self, done: usize) {
        if !self.enabled || self.shown == Some(done) {
            return;
        }
        self.shown = Some(done);
        let line = line(done, self.total, self.started.elapsed().as_secs_f64());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line:<70}");
        let _ = err.flush();
    }

    /// Ends the line, so what follows starts on its own.
    pub fn finish(&mut self) {
        if self.enabled && self.shown.is_some() {
            let _ = writeln!(std::io::stderr());
        }
    }
}

/// "  120 of 1000 records  8.3 a second  about 1 min 46 s left".
pub fn line(done: usize, total: usize, seconds: f64) -> String {
    let width = 24;
    let filled = (done * width).checked_div(total).unwrap_or(width);
    let bar = format!("[{}{}]", "#".repeat(filled), " ".repeat(width - filled));
    if done == 0 || seconds <= 0.0 {
        return format!("{bar} {done} of {total} records");
    }
    let rate = done as f64 / seconds;
    let left = (total - done.min(total)) as f64 / rate;
    format!(
        "{bar} {done} of {total} records  {rate:.1} a second  {}",
        if done >= total {
            format!("done in {}", duration(seconds))
        } else {
            format!("about {} left", duration(left))
        }
    )
}

fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_count_rate_and_time_left() {
        assert_eq!(
            line(120, 1000, 15.0),
            "[##                      ] 120 of 1000 records  8.0 a second  about 1 min 50 s left"
        );
        assert_eq!(
            line(0, 10, 0.0),
            "[                        ] 0 of 10 records"
        );
        assert!(line(10, 10, 4.0).ends_with("done in 4 s"));
        assert!(line(1, 100_000, 1.0).ends_with("about 27 h 46 min left"));
    }
}

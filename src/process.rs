//! What the process says about itself: its exit statuses and its peak
//! memory. A leaf module, so that the commands (the crate root) and the
//! worker processes (`workers.rs`) share them without the workers
//! reaching up into the crate root.

/// Exit status: all good.
pub const EXIT_OK: i32 = 0;
/// Exit status: a record failed, or `check` found something at `--fail-on`.
pub const EXIT_FAILED: i32 = 1;
/// Exit status: the command line or the setup (templates, output folder) is
/// wrong.
pub const EXIT_USAGE: i32 = 2;

/// The peak resident memory of this process in kB, or `None`.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

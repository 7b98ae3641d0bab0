//! The `medreview` command: parses the command line and maps the result of
//! [`medreview::run`] to an exit status. Everything else is library code.

use clap::Parser;

/// mimalloc rather than the system allocator. A batch spends much of its
/// time allocating inside Typst: with glibc's allocator two workers
/// contended for it (`--jobs 2` was only 1.3 times `--jobs 1`) and a long
/// batch's resident memory crept up. Measured in the README, "The
/// benchmark".
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's options by their number in the `mi_option_e` enum of the
/// pinned libmimalloc-sys (0.1.49, mimalloc v3); the crate does not export
/// them, and a test below checks the numbers still mean what we set.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system at once, and arenas are committed
/// as they are used: a batch of 200 patients at `--jobs 2` peaked at 103 MB
/// instead of 180 MB, at the same speed. This must run before the first
/// allocation creates mimalloc's first arena, so it is a `.preinit_array`
/// entry, run by the loader before any constructor and before `main`.
extern "C" fn return_freed_memory_at_once() {
    // SAFETY: setting an option is a plain store that allocates nothing;
    // mimalloc allows it before it initialises.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".preinit_array")]
static TUNE_THE_ALLOCATOR: extern "C" fn() = return_freed_memory_at_once;

fn main() {
    #[cfg(not(target_os = "linux"))]
    return_freed_memory_at_once();
    let cli = medreview::cli::Cli::parse();
    std::process::exit(medreview::run(cli));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbers still name the options we mean, and were set before
    /// `main`: this test binary runs the same `.preinit_array` entry, so the
    /// options read 0 where mimalloc's defaults are 1000 and 2; and the
    /// enum still ends where it did.
    #[test]
    fn the_option_numbers_match_the_pinned_mimalloc_and_are_set() {
        assert_eq!(libmimalloc_sys::_mi_option_last, 47);
        // SAFETY: reading an option has no preconditions.
        unsafe {
            assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY), 0);
            assert_eq!(
                libmimalloc_sys::mi_option_get(MI_OPTION_ARENA_EAGER_COMMIT),
                0
            );
            // Their neighbours keep their defaults (both 1): the numbers did
            // not slip by one.
            assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY - 1), 1);
            assert_eq!(
                libmimalloc_sys::mi_option_get(MI_OPTION_ARENA_EAGER_COMMIT + 1),
                1
            );
        }
    }
}

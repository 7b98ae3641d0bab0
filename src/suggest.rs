//! "Did you mean …?": the nearest known word to a typo, by edit distance.
//!
//! Used for unknown keys in records and unknown medicine names. A
//! suggestion is only ever shown to a person; nothing is resolved by it.

/// The candidate closest to `word` by edit distance, if close enough to be a
/// typo.
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_edits() {
        assert_eq!(edit_distance("strenght", "strength"), 2);
        assert_eq!(edit_distance("lisinopril", "lisinopril"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}

//! Reading grade of English text: the Flesch–Kincaid grade level, used to
//! keep patient wording plain (documents.md: grade 6 or lower, never above
//! 8).
//!
//! Syllables are counted by vowel groups with the usual corrections (a
//! silent final "e", "-le", "-ed"); digits count as one syllable. It is the
//! estimate readability tools use, not a dictionary count.

/// Flesch–Kincaid grade of `text` (0 for text without words).
pub fn grade(text: &str) -> f64 {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '/' || c == '-')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return 0.0;
    }
    let sentences = text
        .split(['.', '!', '?', ';', ':'])
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .count()
        .max(1);
    let syllables: usize = words.iter().map(|w| syllables(w)).sum();
    0.39 * words.len() as f64 / sentences as f64 + 11.8 * syllables as f64 / words.len() as f64
        - 15.59
}

/// Estimated syllables of one word.
pub fn syllables(word: &str) -> usize {
    let word = word.to_lowercase();
    if word.chars().any(|c| c.is_ascii_digit()) || word.chars().count() <= 3 {
        return 1;
    }
    let vowel = |c: char| "aeiouy".contains(c);
    let chars: Vec<char> = word.chars().collect();
    let mut count = 0;
    let mut previous = false;
    for &c in &chars {
        let v = vowel(c);
        if v && !previous {
            count += 1;
        }
        previous = v;
    }
    let ends = |s: &str| word.ends_with(s);
    if ends("e") && !ends("le") && !ends("ee") && count > 1 {
        count -= 1;
    }
    if ends("ed") && !ends("ted") && !ends("ded") && count > 1 {
        count -= 1;
    }
    if ends("es") && !ends("ses") && !ends("ces") && !ends("zes") && !ends("ges") && count > 1 {
        count -= 1;
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_syllables_of_common_words() {
        for (word, n) in [
            ("take", 1),
            ("tablet", 2),
            ("medicine", 3),
            ("pressure", 2),
            ("blood", 1),
            ("doctor", 2),
            ("little", 2),
            ("stopped", 1),
            ("every", 3),
        ] {
            assert_eq!(syllables(word), n, "{word}");
        }
    }

    #[test]
    fn plain_sentences_grade_low_and_dense_ones_high() {
        assert!(grade("Take 1 tablet in the morning. Call us if you feel dizzy.") < 4.0);
        let dense = "Concomitant administration of anticoagulants and nonsteroidal \
                     anti-inflammatory medications substantially increases hemorrhagic complications.";
        assert!(grade(dense) > 12.0);
    }
}

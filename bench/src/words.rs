//! The words of the seeded messages: a made-up vocabulary used the way
//! people use words, a few very often and most rarely (Zipf's law), so that
//! searches for common and rare words cost what they would in a real
//! workspace. Deterministic: the same message number always says the same.

/// Words in the vocabulary.
pub const VOCABULARY: usize = 5_000;
const SYLLABLES: [&str; 16] = [
    "ka", "lo", "mi", "ren", "tas", "vo", "pel", "dun", "sir", "ob", "ex", "ta", "ri", "mon",
    "gal", "fe",
];

/// The word of rank `rank` (0 is the most used): two to four syllables.
pub fn word(rank: usize) -> String {
    let mut n = rank + 16;
    let mut out = String::new();
    while n > 0 {
        out.push_str(SYLLABLES[n % 16]);
        n /= 16;
    }
    out
}

/// Draws ranks with probability proportional to 1 / (rank + 1).
pub struct Zipf {
    cumulative: Vec<f64>,
    state: u64,
}

impl Zipf {
    pub fn new(seed: u64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..VOCABULARY)
            .map(|r| {
                total += 1.0 / (r as f64 + 1.0);
                total
            })
            .collect();
        Zipf {
            cumulative,
            state: seed.max(1),
        }
    }

    /// xorshift64: fast, and the same numbers on every run.
    fn next_unit(&mut self) -> f64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn rank(&mut self) -> usize {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let target = self.next_unit() * total;
        self.cumulative
            .partition_point(|c| *c < target)
            .min(VOCABULARY - 1)
    }

    /// A message of 6 to 17 words.
    pub fn sentence(&mut self) -> String {
        let words = 6 + (self.next_unit() * 12.0) as usize;
        (0..words)
            .map(|_| word(self.rank()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_distinct_and_common_ones_come_often() {
        let all: std::collections::HashSet<String> = (0..VOCABULARY).map(word).collect();
        assert_eq!(all.len(), VOCABULARY);
        let mut zipf = Zipf::new(7);
        let draws: Vec<usize> = (0..10_000).map(|_| zipf.rank()).collect();
        let first = draws.iter().filter(|r| **r == 0).count();
        let late = draws.iter().filter(|r| **r == 4_000).count();
        assert!(first > 500 && late < 10, "{first} {late}");
    }
}

//! Mutations of corpus entries for the stable driver and the test suite: not coverage-guided
//! (libFuzzer is, see `fuzz/libfuzzer`), but seeded and repeatable, and aimed at what broke
//! before: quotes, brackets, escapes (surrogates, control characters), huge numbers, paths
//! and intrinsics, nesting.

/// A small seeded generator (xorshift64*): the same seed gives the same mutations on every
/// machine, so a CI failure can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Fragments worth inserting: JSON structure, escapes, ASL keys and the languages inside ASL
/// strings.
const TOKENS: &[&str] = &[
    "\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "\\ud83d", "\\ude00", "\\ud83d\\ude00", "\\u0000", "\u{1}", "\u{feff}",
    "null", "true", "-0", "1e400", "-1e-400", "18446744073709551616", "0.1", "\"Type\":\"Pass\"", "\"Next\":\"A\"",
    "\"End\":true", "\"Type\":\"Map\"", "\"Type\":\"Parallel\"", "\"Type\":\"Choice\"", "\"Type\":\"Wait\"", "\"x.$\":",
    "$", "$.", "$$.", "$..", "$[0]", "$['a\\\"b']", "$[?(@.a > 1)]", "$.a[*]", "States.Format('{}', $.a)",
    "States.StringToJson($.s)", "States.MathAdd(1, 2)", "States.ArrayRange(0, 1000000, 1)", "States.ALL",
    "\"QueryLanguage\":\"JSONata\"", "{% $x %}", "\u{1b}[31m", "\n", "\"Seconds\":99999999999",
    "\"TimeoutSeconds\":0", "\"ErrorEquals\":[\"States.ALL\"]",
];

/// One to four mutations of `input`, sometimes spliced with `other`.
pub fn mutate(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.insert(at, rng.next() as u8),
            2 if !out.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            3 if at < out.len() => {
                let end = (at + 1 + rng.below(64)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, copy);
            }
            4 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + 1 + rng.below(256)).min(other.len());
                out.splice(at..at, other[from..end].iter().copied());
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
        }
    }
    out
}

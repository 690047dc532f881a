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

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
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

/// A mutation of `input`: for JSON, half the time one of its values replaced by another value
/// of `input` or `other` or by a token (so the result still parses and reaches the checker and
/// the compiler), otherwise one to four byte-level changes.
pub fn mutate(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    if rng.below(2) == 0 {
        if let Some(mutated) = mutate_json(input, other, rng) {
            return mutated;
        }
    }
    mutate_bytes(input, other, rng)
}

/// Replaces a value of the JSON `input` (a whole subtree) with a value found in `input` or
/// `other`, a token read as JSON, or a string; `None` when `input` is not JSON.
fn mutate_json(input: &[u8], other: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let mut value: serde_json::Value = serde_json::from_slice(input).ok()?;
    let donor: serde_json::Value = serde_json::from_slice(other).unwrap_or(serde_json::Value::Null);
    let replacement = match rng.below(4) {
        0 => pick(&donor, rng).clone(),
        1 => pick(&value, rng).clone(),
        2 => serde_json::from_str(TOKENS[rng.below(TOKENS.len())]).unwrap_or(serde_json::Value::Null),
        _ => serde_json::Value::String(TOKENS[rng.below(TOKENS.len())].to_string()),
    };
    *pick_mut(&mut value, rng) = replacement;
    serde_json::to_vec(&value).ok()
}

/// A value of `v` (itself or one below it), walking down at random.
fn pick<'a>(v: &'a serde_json::Value, rng: &mut Rng) -> &'a serde_json::Value {
    let children: Vec<&serde_json::Value> = match v {
        serde_json::Value::Array(items) => items.iter().collect(),
        serde_json::Value::Object(members) => members.values().collect(),
        _ => Vec::new(),
    };
    match children.is_empty() || rng.below(4) == 0 {
        true => v,
        false => pick(children[rng.below(children.len())], rng),
    }
}

fn pick_mut<'a>(v: &'a mut serde_json::Value, rng: &mut Rng) -> &'a mut serde_json::Value {
    let len = match &*v {
        serde_json::Value::Array(items) => items.len(),
        serde_json::Value::Object(members) => members.len(),
        _ => 0,
    };
    if len == 0 || rng.below(4) == 0 {
        return v;
    }
    let i = rng.below(len);
    match v {
        serde_json::Value::Array(items) => pick_mut(&mut items[i], rng),
        serde_json::Value::Object(members) => pick_mut(members.values_mut().nth(i).expect("i is below the number of members"), rng),
        leaf => leaf,
    }
}

/// One to four byte-level mutations of `input`, sometimes spliced with `other`.
fn mutate_bytes(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.insert(at, rng.next_u64() as u8),
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

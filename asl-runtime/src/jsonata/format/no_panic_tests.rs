//! Pictures, timestamps and numbers come from workflow authors and their data: whatever they
//! are, these functions answer (text or an error) without panicking and with bounded output.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::datetime::{from_millis, to_millis_at};
use super::integer::{format_integer, parse_integer};

/// Characters that mean something in some picture, plus multi-byte ones to catch slicing
/// inside a character.
const ALPHABET: &[char] = &[
    '[', ']', '[', ']', 'Y', 'M', 'D', 'd', 'F', 'W', 'w', 'X', 'x', 'H', 'h', 'P', 'm', 's', 'f',
    'Z', 'z', 'C', 'E', 'N', 'n', 'o', 'c', 't', 'a', 'A', 'i', 'I', '0', '1', '9', '#', ',', ';',
    '-', '+', '*', ':', ' ', '٠', '١', '０', 'é', '😀', 'G', 'T',
];

fn text(rng: &mut SmallRng, max: usize) -> String {
    let length = rng.gen_range(0..=max);
    (0..length).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())]).collect()
}

/// Mostly well-formed markers with random modifiers, so that formatting and parsing get past
/// the picture analysis.
fn picture(rng: &mut SmallRng) -> String {
    let mut out = String::new();
    for _ in 0..rng.gen_range(0..5) {
        if rng.gen_range(0..4) == 0 {
            out += &text(rng, 4);
        } else {
            let modifiers: String = text(rng, 5).chars().filter(|c| !"[]".contains(*c)).collect();
            out += &format!(
                "[{}{modifiers}]",
                "YMDdFWwXxHhPmsfZzCE".chars().nth(rng.gen_range(0..19)).unwrap()
            );
        }
    }
    out
}

fn number(rng: &mut SmallRng) -> f64 {
    match rng.gen_range(0..6) {
        0 => rng.gen_range(-1e4..1e4),
        1 => rng.gen_range(-8.7e15..8.7e15),
        2 => f64::from_bits(rng.gen()),
        3 => [0.0, -0.0, f64::MAX, f64::MIN, f64::EPSILON, 1e21, 999_999.0][rng.gen_range(0..7)],
        _ => rng.gen_range(0..3000) as f64,
    }
}

#[test]
fn arbitrary_arguments_never_panic() {
    let mut rng = SmallRng::seed_from_u64(7);
    let (mut formatted, mut parsed) = (0, 0);
    for round in 0..20_000 {
        let picture = if round % 2 == 0 { text(&mut rng, 24) } else { picture(&mut rng) };
        let value = number(&mut rng);
        let zone = if rng.gen() { Some(text(&mut rng, 6)) } else { Some("+0530".to_owned()) };
        let limit = 4000 + 200 * picture.len();
        if let Ok(out) = format_integer(value, &picture) {
            assert!(out.len() < limit, "{value} {picture:?}");
            let _ = parse_integer(&out, &picture);
        }
        let _ = parse_integer(&text(&mut rng, 12), &picture);
        if let Ok(out) = from_millis(value, Some(&picture), zone.as_deref()) {
            assert!(out.len() < limit, "{value} {picture:?}");
            formatted += 1;
            parsed += usize::from(matches!(to_millis_at(&out, Some(&picture), 0), Ok(Some(_))));
        }
        let _ = to_millis_at(&text(&mut rng, 20), Some(&picture), -8_640_000_000_000_000);
        let _ = to_millis_at(&text(&mut rng, 20), None, 0);
    }
    // The generator must reach past the analysis often enough to mean something.
    assert!(formatted > 3000 && parsed > 300, "{formatted} formatted, {parsed} parsed back");
}

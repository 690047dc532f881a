//! `States.MathAdd` and `States.MathRandom`, and the Java rounding AWS applies to every number
//! argument that must be an integer.

use super::{expect_rounded_int, fail};
use crate::error::Failure;
use rand::RngCore;
use serde_json::Value;

/// Java's `Math.round`: the nearest integer, halves rounded up (towards positive infinity), so
/// `0.5 → 1`, `-0.5 → 0`, `-1.5 → -1`, `-2.5 → -2`. AWS is written in Java and the recorded
/// MathAdd executions match this, not Rust's half-away-from-zero `f64::round`.
///
/// `None` for NaN, infinities and values outside the `i64` range.
pub fn java_round(x: f64) -> Option<i64> {
    if !x.is_finite() {
        return None;
    }
    let floor = x.floor();
    // `x - floor` is exact for every finite double, so the half test has no rounding error.
    let rounded = if x - floor >= 0.5 { floor + 1.0 } else { floor };
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (-LIMIT..LIMIT).contains(&rounded).then_some(rounded as i64)
}

/// The `int` range AWS documents for MathAdd arguments.
const INT_RANGE: std::ops::RangeInclusive<i64> = (i32::MIN as i64)..=(i32::MAX as i64);

/// `States.MathAdd(value1, value2)`: the sum of two numbers, each first rounded to an integer.
/// Each argument must lie in −2147483648..=2147483647 (AWS documents Java's `int` range).
#[inline]
pub fn math_add(value1: Value, value2: Value) -> Result<Value, Failure> {
    let a = math_add_operand(&value1, "first argument")?;
    let b = math_add_operand(&value2, "second argument")?;
    // Both operands are within i32, so the i64 sum cannot overflow.
    Ok(Value::from(a + b))
}

#[inline]
fn math_add_operand(value: &Value, what: &str) -> Result<i64, Failure> {
    let n = expect_rounded_int("MathAdd", what, value)?;
    if INT_RANGE.contains(&n) {
        Ok(n)
    } else {
        Err(fail("MathAdd", format_args!("expects its {what} to lie between -2147483648 and 2147483647, but got {n}")))
    }
}

/// `States.MathRandom(start, end)`: a random integer with `start <= n < end` (AWS documents the
/// start as inclusive and the end as exclusive), drawn from `rng` (first, like every intrinsic
/// that needs randomness, so tests can pass a seeded generator). Non-integers are rounded.
pub fn math_random(rng: &mut impl RngCore, start: Value, end: Value) -> Result<Value, Failure> {
    let (low, high) = random_bounds(&start, &end)?;
    Ok(Value::from(pick_in_range(low, high, rng)))
}

/// `States.MathRandom(start, end, seed)`: as [`math_random`], but the same seed always gives the
/// same number (a SplitMix64 stream seeded with the rounded seed, stable across platforms and
/// crate versions).
pub fn math_random_seeded(start: Value, end: Value, seed: Value) -> Result<Value, Failure> {
    let (low, high) = random_bounds(&start, &end)?;
    let seed = expect_rounded_int("MathRandom", "seed (third argument)", &seed)?;
    let mut rng = SplitMix64(seed as u64);
    Ok(Value::from(pick_in_range(low, high, &mut rng)))
}

fn random_bounds(start: &Value, end: &Value) -> Result<(i64, i64), Failure> {
    let low = expect_rounded_int("MathRandom", "start (first argument)", start)?;
    let high = expect_rounded_int("MathRandom", "end (second argument)", end)?;
    if low < high {
        Ok((low, high))
    } else {
        Err(fail("MathRandom", format_args!("expects the start ({low}) to be less than the end ({high}), which is exclusive")))
    }
}

/// A uniform integer in `low..high` (requires `low < high`), by rejection sampling so that no
/// value is favoured.
fn pick_in_range(low: i64, high: i64, rng: &mut impl RngCore) -> i64 {
    // The span of any two i64s fits in u64 when computed with wrapping arithmetic.
    let span = high.wrapping_sub(low) as u64;
    let zone = u64::MAX - (u64::MAX % span);
    loop {
        let draw = rng.next_u64();
        if draw < zone {
            return low.wrapping_add((draw % span) as i64);
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output depends on nothing but
/// the seed, so a seeded MathRandom gives the same number on every machine and build.
struct SplitMix64(u64);

impl RngCore for SplitMix64 {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::SmallRng, SeedableRng};
    use serde_json::json;

    #[test]
    fn java_round_rounds_halves_up() {
        assert_eq!(java_round(0.5), Some(1));
        assert_eq!(java_round(-0.5), Some(0));
        assert_eq!(java_round(-1.5), Some(-1));
        assert_eq!(java_round(-2.5), Some(-2));
        assert_eq!(java_round(3.5), Some(4));
        assert_eq!(java_round(1.49), Some(1));
        assert_eq!(java_round(-1.51), Some(-2));
        assert_eq!(java_round(f64::NAN), None);
        assert_eq!(java_round(1e19), None);
    }

    /// The recorded test_math_add-* executions: (first, second) → sum.
    #[test]
    fn math_add_matches_recordings() {
        let cases = [
            (json!(-1.5), json!(0), -1),
            (json!(-1.51), json!(0), -2),
            (json!(0.5), json!(0), 1),
            (json!(3.5), json!(0), 4),
            (json!(-0.5), json!(0.5), 1),
            (json!(-0.5), json!(0), 0),
            (json!(-2.5), json!(0), -2),
            (json!(1.5), json!(1.51), 4),
            (json!(1.49), json!(0), 1),
            (json!(1.49), json!(-1.49), 0),
            (json!(1.51), json!(0), 2),
            (json!(-1.49), json!(0), -1),
            (json!(111), json!(-1), 110),
        ];
        for (a, b, sum) in cases {
            assert_eq!(math_add(a.clone(), b.clone()), Ok(json!(sum)), "MathAdd({a}, {b})");
        }
    }

    #[test]
    fn math_add_rejects_non_numbers_and_out_of_range() {
        let err = math_add(json!("1"), json!(1)).unwrap_err();
        assert_eq!(err.error, "States.IntrinsicFailure");
        assert!(math_add(json!(null), json!(1)).is_err());
        assert!(math_add(json!(2147483648u64), json!(0)).is_err());
        assert_eq!(math_add(json!(2147483647), json!(2147483647)), Ok(json!(4294967294i64)));
        assert_eq!(math_add(json!(-2147483648i64), json!(0)), Ok(json!(-2147483648i64)));
    }

    #[test]
    fn math_random_stays_in_start_inclusive_end_exclusive() {
        let mut rng = SmallRng::seed_from_u64(7);
        for _ in 0..200 {
            let n = math_random(&mut rng, json!(1), json!(4)).unwrap().as_i64().unwrap();
            assert!((1..4).contains(&n), "{n}");
        }
        assert_eq!(math_random(&mut rng, json!(5), json!(6)), Ok(json!(5)));
        assert_eq!(math_random(&mut rng, json!(4.6), json!(6)), Ok(json!(5)));
    }

    #[test]
    fn math_random_rejects_empty_ranges_and_non_numbers() {
        let mut rng = SmallRng::seed_from_u64(1);
        assert!(math_random(&mut rng, json!(3), json!(3)).is_err());
        assert!(math_random(&mut rng, json!(9), json!(1)).is_err());
        assert!(math_random(&mut rng, json!("1"), json!(9)).is_err());
        // The widest possible range does not overflow.
        assert!(math_random(&mut rng, json!(i64::MIN), json!(i64::MAX)).is_ok());
    }

    #[test]
    fn math_random_with_the_same_seed_gives_the_same_number() {
        let first = math_random_seeded(json!(1), json!(1000), json!(42)).unwrap();
        for _ in 0..5 {
            assert_eq!(math_random_seeded(json!(1), json!(1000), json!(42)), Ok(first.clone()));
        }
        let n = first.as_i64().unwrap();
        assert!((1..1000).contains(&n));
        assert!(math_random_seeded(json!(1), json!(10), json!("seed")).is_err());
    }
}

//! The one rule of arithmetic, used by every engine: the row evaluator, the
//! columnar program of `policyc batch`, and totals (`docs/ir.md`, "Numbers").
//!
//! A number is a `rust_decimal::Decimal`: an integer `m` with `|m| < 2^96`
//! scaled by `10^-s`, `0 ≤ s ≤ 28`. Trailing zeros carry no meaning: `0.00`,
//! `0` and `0.0000000` are one value, and every decision here is taken on
//! values, never on how many decimals an operand was written with.
//!
//! The result of `+`, `-`, `*` or `/` is its **exact value** when that value is
//! a decimal of this form. Otherwise it is the exact value **rounded half away
//! from zero to the most decimals (at most 28) at which it fits**; if that is
//! fewer than [`EXACT_PLACES`] decimals, the operation is an **overflow** error.
//! Exactness is decided on values with exact integer arithmetic (a quotient is
//! exact when it times the divisor gives the dividend back), not from what the
//! decimal library returned.
//!
//! An amount of money is rounded to the fen (two decimals) half away from zero
//! ([`round_fen`]); it must fit with two decimals. Amounts add up exactly
//! ([`add_fen`]); a sum that does not fit with two decimals is an overflow.
//! Zero is never negative: `-0` is `0`.

use num_bigint::BigInt;
use rust_decimal::{Decimal, RoundingStrategy};

/// A result rounded before this many decimals is an overflow error: rounding
/// at the 10th decimal or later cannot reach the fen, however the result is
/// used afterwards (a value large enough to magnify it would not fit).
pub const EXACT_PLACES: u32 = 10;

/// The most decimals a number keeps.
const MAX_SCALE: u32 = 28;

/// Mantissas are below this in magnitude (96 bits).
const LIMIT: u128 = 1 << 96;

/// What an operation on numbers can fail with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArithError {
    /// The result cannot be kept without rounding before [`EXACT_PLACES`]
    /// decimals (or at all).
    Overflow,
    /// A division by zero.
    DivisionByZero,
}

/// `x + y` under the rule of the module.
pub fn add(x: Decimal, y: Decimal) -> Result<Decimal, ArithError> {
    sum(x.mantissa(), x.scale(), y.mantissa(), y.scale())
}

/// `x - y` under the rule of the module.
pub fn sub(x: Decimal, y: Decimal) -> Result<Decimal, ArithError> {
    // |mantissa| < 2^96: negating it cannot overflow
    sum(x.mantissa(), x.scale(), -y.mantissa(), y.scale())
}

fn sum(mx: i128, sx: u32, my: i128, sy: u32) -> Result<Decimal, ArithError> {
    let s = sx.max(sy);
    let lift = |m: i128, from: u32| {
        10i128
            .checked_pow(s.saturating_sub(from))
            .and_then(|p| m.checked_mul(p))
    };
    if let Some(t) = lift(mx, sx)
        .zip(lift(my, sy))
        .and_then(|(a, b)| a.checked_add(b))
    {
        return settle_small(t, s);
    }
    let big = |m: i128, from: u32| BigInt::from(m) * pow10(s.saturating_sub(from));
    settle(big(mx, sx) + big(my, sy), pow10(s))
}

/// `x * y` under the rule of the module.
pub fn mul(x: Decimal, y: Decimal) -> Result<Decimal, ArithError> {
    let s = x.scale() + y.scale();
    match x.mantissa().checked_mul(y.mantissa()) {
        Some(p) => settle_small(p, s),
        None => settle(
            BigInt::from(x.mantissa()) * BigInt::from(y.mantissa()),
            pow10(s),
        ),
    }
}

/// `x / y` under the rule of the module.
pub fn div(x: Decimal, y: Decimal) -> Result<Decimal, ArithError> {
    if y.is_zero() {
        return Err(ArithError::DivisionByZero);
    }
    // the usual case: the library's quotient times y is x, checked exactly
    if let Some(q) = x.checked_div(y) {
        if same_value(
            q.mantissa().checked_mul(y.mantissa()),
            q.scale() + y.scale(),
            x,
        ) {
            return Ok(positive_zero(q));
        }
    }
    // x / y = (mx · 10^sy) / (my · 10^sx)
    let mut n = BigInt::from(x.mantissa()) * pow10(y.scale());
    let mut d = BigInt::from(y.mantissa()) * pow10(x.scale());
    if d < BigInt::from(0) {
        n = -n;
        d = -d;
    }
    settle(n, d)
}

/// Whether `p · 10^-sp` is `x`, decided in `i128` (`false` where it does not fit).
fn same_value(p: Option<i128>, sp: u32, x: Decimal) -> bool {
    let (mx, sx) = (x.mantissa(), x.scale());
    let s = sp.max(sx);
    let lift = |m: i128, from: u32| 10i128.checked_pow(s - from).and_then(|k| m.checked_mul(k));
    match (p.and_then(|p| lift(p, sp)), lift(mx, sx)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// `-x`; zero stays zero (never `-0`).
pub fn neg(x: Decimal) -> Decimal {
    positive_zero(-x)
}

/// `-0` as `0`; any other value unchanged.
pub(crate) fn positive_zero(x: Decimal) -> Decimal {
    let mut x = x;
    if x.is_zero() {
        x.set_sign_positive(true);
    }
    x
}

fn pow10(n: u32) -> BigInt {
    BigInt::from(10u8).pow(n)
}

/// The decimal `m · 10^-s`, which must fit.
fn decimal(m: i128, s: u32) -> Result<Decimal, ArithError> {
    Decimal::try_from_i128_with_scale(m, s)
        .map(positive_zero)
        .map_err(|_| ArithError::Overflow)
}

/// The value `t · 10^-s`, exactly if it fits, else under the rule.
fn settle_small(t: i128, s: u32) -> Result<Decimal, ArithError> {
    let (mut t, mut s) = (t, s);
    // trailing zeros carry no meaning: drop them where they are in the way
    while s > 0 && (s > MAX_SCALE || t.unsigned_abs() >= LIMIT) && t % 10 == 0 {
        t /= 10;
        s -= 1;
    }
    if s <= MAX_SCALE && t.unsigned_abs() < LIMIT {
        return decimal(t, s);
    }
    settle(BigInt::from(t), pow10(s))
}

/// The mantissa `q` if it fits 96 bits.
fn fits(q: &BigInt) -> Option<i128> {
    i128::try_from(q).ok().filter(|m| m.unsigned_abs() < LIMIT)
}

/// The rule of the module for the exact value `n / d`, `d > 0`.
fn settle(n: BigInt, d: BigInt) -> Result<Decimal, ArithError> {
    let zero = BigInt::from(0);
    if d <= zero {
        return Err(ArithError::DivisionByZero);
    }
    // exact: n / d has at most 28 decimals, and fits once trailing zeros are dropped
    let scaled = &n * pow10(MAX_SCALE);
    if (&scaled % &d) == zero {
        let mut q = scaled / &d;
        let mut s = MAX_SCALE;
        let ten = BigInt::from(10u8);
        while s > 0 && (&q % &ten) == zero {
            q /= &ten;
            s -= 1;
        }
        if let Some(m) = fits(&q) {
            return decimal(m, s);
        }
    }
    // inexact: rounded to the most decimals at which it fits, at least EXACT_PLACES
    for s in (EXACT_PLACES..=MAX_SCALE).rev() {
        let a = &n * pow10(s);
        let mut q = &a / &d;
        let r = &a % &d;
        let twice: BigInt = r.magnitude().clone().into();
        if twice * 2u8 >= d {
            if a < zero {
                q -= 1u8;
            } else {
                q += 1u8;
            }
        }
        if let Some(m) = fits(&q) {
            return decimal(m, s);
        }
    }
    Err(ArithError::Overflow)
}

/// Rounds an amount to the fen (two decimals, always written with two), half
/// away from zero. `None` when the amount does not fit with two decimals
/// (beyond about 7.9 × 10²⁶ 元). Never `-0.00`.
pub fn round_fen(d: Decimal) -> Option<Decimal> {
    fen(d).and_then(|f| decimal(f, 2).ok())
}

/// An amount rounded to the fen (as [`round_fen`]), in fen.
pub fn fen(d: Decimal) -> Option<i128> {
    let r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let f = r
        .mantissa()
        .checked_mul(10i128.checked_pow(2u32.checked_sub(r.scale())?)?)?;
    (f.unsigned_abs() < LIMIT).then_some(f)
}

/// The sum of two amounts in fen; `None` when it does not fit with two
/// decimals. Every total (of a measure, of a record, of a population's
/// measure) is added up with this.
pub fn add_fen(a: i128, b: i128) -> Option<i128> {
    a.checked_add(b).filter(|s| s.unsigned_abs() < LIMIT)
}

/// The sum of two amounts already rounded to the fen, as [`add_fen`].
pub fn add_amounts(a: Decimal, b: Decimal) -> Option<Decimal> {
    let s = add_fen(fen(a)?, fen(b)?)?;
    decimal(s, 2).ok()
}

/// An amount as text with exactly two decimals: `48000.00`, `-0.01`, never
/// `-0.00`. `None` when it does not fit with two decimals.
pub fn money_text(d: Decimal) -> Option<String> {
    round_fen(d).map(|x| x.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn zeros_with_decimals_are_zero() {
        assert_eq!(add(d("600000"), d("0.00")), Ok(d("600000")));
        assert_eq!(add(d("0.0000000"), d("600000")), Ok(d("600000")));
        let a = d("1.5");
        let z = sub(a, a);
        assert_eq!(add(z.unwrap_or_default(), d("600000")), Ok(d("600000")));
        assert_eq!(neg(d("0.00")).to_string(), "0.00");
        assert_eq!(
            mul(d("-1"), d("0")).map(|x| x.is_sign_negative()),
            Ok(false)
        );
    }

    #[test]
    fn exact_quotients_are_exact_and_inexact_ones_keep_28_digits() {
        let big = d("88888888887999999111111111.12");
        assert_eq!(div(big, Decimal::ONE), Ok(big));
        assert_eq!(div(d("48000"), d("2")), Ok(d("24000")));
        assert_eq!(div(d("1"), d("3")), Ok(d("0.3333333333333333333333333333")));
        assert_eq!(div(d("2"), d("3")), Ok(d("0.6666666666666666666666666667")));
        assert_eq!(
            div(d("-2"), d("3")),
            Ok(d("-0.6666666666666666666666666667"))
        );
        assert_eq!(
            div(d("100"), d("3")),
            Ok(d("33.333333333333333333333333333"))
        );
        // rounding before the 10th decimal is an overflow
        assert_eq!(
            div(d("100000000000000000000"), d("3")),
            Err(ArithError::Overflow)
        );
        assert_eq!(div(d("1"), d("0.00")), Err(ArithError::DivisionByZero));
    }

    #[test]
    fn products_and_sums_that_do_not_fit() {
        assert_eq!(
            mul(d("999999999999999.99"), d("99999999999.99999")),
            Err(ArithError::Overflow)
        );
        // rounded at the 24th decimal: allowed
        assert!(mul(d("0.1234567890123456789012345678"), d("48000")).is_ok());
        assert_eq!(
            add(d("79228162514264337593543950335"), d("0.5")),
            Err(ArithError::Overflow)
        );
        assert_eq!(
            add(d("79228162514264337593543950335"), d("0.00")),
            Ok(d("79228162514264337593543950335"))
        );
        // exact after dropping trailing zeros of a 30-digit product
        assert_eq!(
            mul(d("10000000000000000000000000000"), d("0.10")),
            Ok(d("1000000000000000000000000000"))
        );
        // a sum whose operands are far apart rounds past the 10th decimal
        assert_eq!(
            add(d("100000000000"), d("0.0000000000000000000000000001")),
            Ok(d("100000000000"))
        );
        assert_eq!(
            add(
                d("1000000000000000000000"),
                d("0.0000000000000000000000000001")
            ),
            Err(ArithError::Overflow)
        );
    }

    /// The quick paths give what the exact rule gives.
    #[test]
    fn quick_paths_agree_with_the_rule() {
        let values = [
            "0",
            "0.00",
            "1",
            "-1",
            "3",
            "7",
            "0.5",
            "1.50",
            "-2.25",
            "100",
            "12345.67",
            "0.0000000001",
            "999999999999999.99",
            "99999999999.99999",
            "-0.003",
            "79228162514264337593543950335",
            "0.1234567890123456789012345678",
            "88888888887999999111111111.12",
            "1000000000000000000000",
        ];
        let exact = |n: BigInt, d: BigInt| settle(n, d);
        let big = |x: Decimal| (BigInt::from(x.mantissa()), x.scale());
        for a in values {
            for b in values {
                let (x, y) = (d(a), d(b));
                let ((mx, sx), (my, sy)) = (big(x), big(y));
                let s = sx.max(sy);
                let n = |m: &BigInt, from: u32| m * pow10(s - from);
                assert_eq!(
                    add(x, y),
                    exact(n(&mx, sx) + n(&my, sy), pow10(s)),
                    "{a} + {b}"
                );
                assert_eq!(
                    sub(x, y),
                    exact(n(&mx, sx) - n(&my, sy), pow10(s)),
                    "{a} - {b}"
                );
                assert_eq!(mul(x, y), exact(&mx * &my, pow10(sx + sy)), "{a} * {b}");
                if !y.is_zero() {
                    let (mut nn, mut dd) = (&mx * pow10(sy), &my * pow10(sx));
                    if dd < BigInt::from(0) {
                        nn = -nn;
                        dd = -dd;
                    }
                    assert_eq!(div(x, y), exact(nn, dd), "{a} / {b}");
                }
            }
        }
    }

    #[test]
    fn fen_rounding_and_text() {
        assert_eq!(money_text(d("1234.565")).as_deref(), Some("1234.57"));
        assert_eq!(money_text(d("-0.005")).as_deref(), Some("-0.01"));
        assert_eq!(money_text(d("-0.004")).as_deref(), Some("0.00"));
        assert_eq!(money_text(d("-0")).as_deref(), Some("0.00"));
        assert_eq!(money_text(d("48000")).as_deref(), Some("48000.00"));
        assert!(round_fen(d("792281625142643375935439503.35")).is_some());
        assert_eq!(round_fen(d("792281625142643375935439504")), None);
        assert_eq!(add_fen(i128::MAX, 1), None);
        assert_eq!(add_fen((1 << 96) - 1, 1), None);
    }
}

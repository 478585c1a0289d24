//! The types of the language: numbers with units, money and rates, dates, enumerations.
//!
//! Units are checked by dimension: every numeric type carries the exponents of
//! 元 (money), 人, 天, 月 and 年. `100 元/人/天` has 元¹·人⁻¹·天⁻¹; multiplying it by
//! `3 天` and by a count of `人` leaves 元¹, which is money. Adding or comparing
//! values needs equal dimensions; that is how `元/天 + 元` is caught.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A unit a number can be written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Unit {
    /// 元 (CNY)
    #[serde(rename = "元")]
    Yuan,
    /// 人 (persons)
    #[serde(rename = "人")]
    Person,
    /// 天 (days)
    #[serde(rename = "天")]
    Day,
    /// 月 / 个月 (months)
    #[serde(rename = "月")]
    Month,
    /// 年 (years)
    #[serde(rename = "年")]
    Year,
}

impl Unit {
    /// Parses a unit as written (`个月` and `月` are the same unit).
    pub fn parse(s: &str) -> Option<Unit> {
        Some(match s {
            "元" => Unit::Yuan,
            "人" => Unit::Person,
            "天" => Unit::Day,
            "个月" | "月" => Unit::Month,
            "年" => Unit::Year,
            _ => return None,
        })
    }

    /// The unit's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::Person => "人",
            Unit::Day => "天",
            Unit::Month => "月",
            Unit::Year => "年",
        }
    }

    /// The unit as written after a count (`6 个月`, `3 天`).
    pub fn count_symbol(self) -> &'static str {
        match self {
            Unit::Month => "个月",
            u => u.symbol(),
        }
    }

    const ALL: [Unit; 5] = [Unit::Yuan, Unit::Person, Unit::Day, Unit::Month, Unit::Year];

    fn index(self) -> usize {
        match self {
            Unit::Yuan => 0,
            Unit::Person => 1,
            Unit::Day => 2,
            Unit::Month => 3,
            Unit::Year => 4,
        }
    }

    /// Whether the unit is a length of time.
    pub fn is_time(self) -> bool {
        matches!(self, Unit::Day | Unit::Month | Unit::Year)
    }
}

/// Exponents of the five units; all zero for a pure number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Dim(pub [i8; 5]);

impl Dim {
    /// No unit.
    pub const NONE: Dim = Dim([0; 5]);
    /// 元
    pub const MONEY: Dim = Dim([1, 0, 0, 0, 0]);

    /// A single unit to the first power.
    pub fn of(unit: Unit) -> Dim {
        let mut d = [0i8; 5];
        if let Some(x) = d.get_mut(unit.index()) {
            *x = 1;
        }
        Dim(d)
    }

    /// The exponent of `unit`.
    pub fn exp(&self, unit: Unit) -> i8 {
        self.0.get(unit.index()).copied().unwrap_or(0)
    }

    /// The dimension of a product; `None` if an exponent overflows.
    pub fn times(self, other: Dim) -> Option<Dim> {
        let mut d = [0i8; 5];
        for (i, x) in d.iter_mut().enumerate() {
            *x = self.0.get(i)?.checked_add(*other.0.get(i)?)?;
        }
        Some(Dim(d))
    }

    /// The dimension of a quotient; `None` if an exponent overflows.
    pub fn per(self, other: Dim) -> Option<Dim> {
        let mut d = [0i8; 5];
        for (i, x) in d.iter_mut().enumerate() {
            *x = self.0.get(i)?.checked_sub(*other.0.get(i)?)?;
        }
        Some(Dim(d))
    }

    /// Whether this is no unit at all.
    pub fn is_none(&self) -> bool {
        *self == Dim::NONE
    }

    /// Whether this is money, possibly per something (元¹ with only negative others).
    pub fn is_money_like(&self) -> bool {
        self.exp(Unit::Yuan) == 1 && Unit::ALL.iter().skip(1).all(|u| self.exp(*u) <= 0)
    }

    /// If this is exactly one time unit to the first power, that unit.
    pub fn single_time_unit(&self) -> Option<Unit> {
        let units: Vec<Unit> = Unit::ALL
            .iter()
            .copied()
            .filter(|u| self.exp(*u) != 0)
            .collect();
        match units.as_slice() {
            [u] if u.is_time() && self.exp(*u) == 1 => Some(*u),
            _ => None,
        }
    }

    fn fmt_units(&self, f: &mut fmt::Formatter<'_>, skip_yuan: bool) -> fmt::Result {
        // numerator units, then `/`-separated denominators
        let mut num = Vec::new();
        let mut den = Vec::new();
        for u in Unit::ALL {
            if skip_yuan && u == Unit::Yuan {
                continue;
            }
            let e = self.exp(u);
            for _ in 0..e.max(0) {
                num.push(u);
            }
            for _ in 0..(-e).max(0) {
                den.push(u);
            }
        }
        if !num.is_empty() {
            write!(f, "<")?;
            for (i, u) in num.iter().enumerate() {
                if i > 0 {
                    write!(f, "·")?;
                }
                write!(f, "{}", u.symbol())?;
            }
            write!(f, ">")?;
        }
        for u in den {
            write!(f, "/{}", u.symbol())?;
        }
        Ok(())
    }
}

impl Serialize for Dim {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let n = self.0.iter().filter(|e| **e != 0).count();
        let mut m = s.serialize_map(Some(n))?;
        for u in Unit::ALL {
            let e = self.exp(u);
            if e != 0 {
                m.serialize_entry(u.symbol(), &e)?;
            }
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Dim {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let m = std::collections::BTreeMap::<Unit, i8>::deserialize(d)?;
        let mut dim = [0i8; 5];
        for (u, e) in m {
            if let Some(x) = dim.get_mut(u.index()) {
                *x = e;
            }
        }
        Ok(Dim(dim))
    }
}

/// How a number is kept: whole, decimal, or a percentage (a decimal shown with `%`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum NumKind {
    /// A whole number.
    Integer,
    /// An exact decimal.
    Decimal,
    /// A fraction written with `%` (`5.5%` is 0.055).
    Percent,
}

/// A type of the language.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Type {
    /// `bool`
    Bool,
    /// `integer`, `decimal`, `percent`, `money`, `money/人/月`, `integer<人>`, …
    Number {
        /// How the number is kept.
        kind: NumKind,
        /// Its unit.
        unit: Dim,
    },
    /// `date`
    Date,
    /// An enumeration, by index in the policy's `enums` and its name.
    Enum {
        /// Index in the policy's enumerations.
        id: u32,
        /// The enumeration's name.
        name: String,
    },
}

impl Type {
    /// `money`
    pub fn money() -> Type {
        Type::Number {
            kind: NumKind::Decimal,
            unit: Dim::MONEY,
        }
    }

    /// A number of this kind without unit.
    pub fn plain(kind: NumKind) -> Type {
        Type::Number {
            kind,
            unit: Dim::NONE,
        }
    }

    /// Whether this is money (元, not a rate).
    pub fn is_money(&self) -> bool {
        matches!(self, Type::Number { unit, .. } if *unit == Dim::MONEY)
    }

    /// The dimension, for numbers.
    pub fn dim(&self) -> Option<Dim> {
        match self {
            Type::Number { unit, .. } => Some(*unit),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => write!(f, "bool"),
            Type::Date => write!(f, "date"),
            Type::Enum { name, .. } => write!(f, "{name}"),
            Type::Number { kind, unit } => {
                if unit.is_money_like() {
                    write!(f, "money")?;
                    return unit.fmt_units(f, true);
                }
                let base = match kind {
                    NumKind::Integer => "integer",
                    NumKind::Decimal => "decimal",
                    NumKind::Percent => "percent",
                };
                write!(f, "{base}")?;
                unit.fmt_units(f, false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_types_as_written() {
        let rate = Dim::MONEY
            .per(Dim::of(Unit::Person))
            .and_then(|d| d.per(Dim::of(Unit::Month)));
        let rate = rate.unwrap_or_default();
        let t = Type::Number {
            kind: NumKind::Decimal,
            unit: rate,
        };
        assert_eq!(t.to_string(), "money/人/月");
        let count = Type::Number {
            kind: NumKind::Integer,
            unit: Dim::of(Unit::Person),
        };
        assert_eq!(count.to_string(), "integer<人>");
        assert_eq!(Type::money().to_string(), "money");
        assert_eq!(Type::plain(NumKind::Percent).to_string(), "percent");
    }

    #[test]
    fn rate_times_its_units_is_money() {
        let rate = Dim::MONEY
            .per(Dim::of(Unit::Person))
            .and_then(|d| d.per(Dim::of(Unit::Day)));
        let r = rate
            .and_then(|d| d.times(Dim::of(Unit::Person)))
            .and_then(|d| d.times(Dim::of(Unit::Day)));
        assert_eq!(r, Some(Dim::MONEY));
    }
}

//! Units and number literals: the dimension of a written unit and the type
//! of a number as written.

use super::*;

impl Checker<'_> {
    /// The dimension of `unit/per/per…`, or an error when an exponent leaves
    /// the range a unit can have (±127: `元/人/人/…` 128 times).
    pub(super) fn unit_dim(
        &mut self,
        unit: impl Iterator<Item = Unit>,
        per: impl Iterator<Item = Unit>,
        span: Span,
    ) -> Option<Dim> {
        let mut dim = Dim::NONE;
        for u in unit {
            dim = dim.times(Dim::of(u)).or_else(|| self.unit_overflow(span))?;
        }
        for u in per {
            dim = dim.per(Dim::of(u)).or_else(|| self.unit_overflow(span))?;
        }
        Some(dim)
    }

    pub(super) fn unit_overflow(&mut self, span: Span) -> Option<Dim> {
        self.err(span, CheckError::UnitOutOfRange { span });
        None
    }

    /// The type of a number literal, or an error when its unit is out of range.
    pub(super) fn literal_type(&mut self, q: &ast::Quantity) -> Option<Type> {
        if !q.percent {
            self.unit_dim(q.unit.into_iter(), q.per.iter().copied(), q.span)?;
        }
        Some(Self::quantity_type(q))
    }

    /// The type of a number literal: `5.5%` percent, `1000 元` money, `6 个月` integer<月>.
    pub(super) fn quantity_type(q: &ast::Quantity) -> Type {
        if q.percent {
            return Type::plain(NumKind::Percent);
        }
        let mut dim = q.unit.map_or(Dim::NONE, Dim::of);
        for u in &q.per {
            dim = dim.per(Dim::of(*u)).unwrap_or(dim);
        }
        let kind = if dim.exp(Unit::Yuan) != 0 || !q.value.fract().is_zero() {
            NumKind::Decimal
        } else {
            NumKind::Integer
        };
        Type::Number { kind, unit: dim }
    }
}

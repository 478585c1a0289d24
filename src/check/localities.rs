//! Pass 3 of the check: localities, each setting delegated parameters at
//! most once, checked against the parameter's type, floor and cap. A
//! locality may leave a delegated value unset ([`super::coverage`]).

use super::*;

impl Checker<'_> {
    pub(super) fn check_localities(&mut self) {
        let asts = self.locality_asts.clone();
        for l in asts {
            let mut values: Vec<ir::LocalityValue> = Vec::new();
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for lv in &l.values {
                if let Some(first) = seen.get(lv.param.name.as_str()) {
                    let help = self.first_at(*first);
                    self.err(
                        lv.param.span,
                        CheckError::Duplicate {
                            what: "locality value",
                            name: lv.param.name.clone(),
                            span: lv.param.span,
                            help,
                        },
                    );
                    continue;
                }
                seen.insert(lv.param.name.as_str(), lv.param.span);
                let Some(&pi) = self.index.params.get(lv.param.name.as_str()) else {
                    let help = self.suggest(&lv.param.name, || {
                        self.params.iter().map(|p| p.ast.name.name.as_str())
                    });
                    self.err(
                        lv.param.span,
                        CheckError::UnknownItem {
                            what: "parameter",
                            name: lv.param.name.clone(),
                            span: lv.param.span,
                            help,
                        },
                    );
                    continue;
                };
                let (ty, bounds, delegated) = match self.params.get(pi) {
                    Some(ParamInfo {
                        ty: Some(ty),
                        def: Some(def),
                        ..
                    }) => match &def.value {
                        ir::ParamValue::Locality { floor, cap, .. } => {
                            (ty.clone(), (floor.clone(), cap.clone()), true)
                        }
                        _ => (ty.clone(), (None, None), false),
                    },
                    _ => continue,
                };
                if !delegated {
                    self.problem(
                        Problem::NOT_DELEGATED,
                        lv.param.span,
                        format!(
                            "parameter `{}` is not delegated to localities",
                            lv.param.name
                        ),
                        "set by the policy itself",
                        Some(format!(
                            "declare it `parameter {}: {ty} by locality` to let localities set it",
                            lv.param.name
                        )),
                    );
                    continue;
                }
                if let Some(value) = self.value(&lv.value, &ty) {
                    self.check_bounds(
                        &lv.param.name,
                        &value,
                        &ty,
                        bounds.0.as_ref(),
                        bounds.1.as_ref(),
                        lv.value.span(),
                        "",
                    );
                    values.push(ir::LocalityValue {
                        param: pi as u32,
                        name: lv.param.name.clone(),
                        value,
                    });
                }
            }
            // a delegated value without default left unset is not an error:
            // see `coverage` (a warning, and `undetermined` when evaluated)
            // keep values in parameter order, whatever the order in the file
            values.sort_by_key(|v| v.param);
            self.localities.push(ir::LocalityDef {
                name: l.name.name.clone(),
                values,
                source: self.sref(l.span),
            });
        }
    }
}

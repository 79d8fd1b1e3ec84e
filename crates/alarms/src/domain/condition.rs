//! Condition trees: AND/OR of comparisons of a point's latest value, with a hysteresis margin.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

/// Latest numeric value per point name.
pub type Values = HashMap<String, f64>;

/// Comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Gte,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Lte,
    /// `==`
    #[serde(rename = "==")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
    /// inside `[low, high]`
    #[serde(rename = "between")]
    Between,
    /// outside `[low, high]`
    #[serde(rename = "outside")]
    Outside,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            ">" => Op::Gt,
            ">=" => Op::Gte,
            "<" => Op::Lt,
            "<=" => Op::Lte,
            "==" => Op::Eq,
            "!=" => Op::Ne,
            "between" => Op::Between,
            "outside" => Op::Outside,
            _ => return None,
        })
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Gte => ">=",
            Op::Lt => "<",
            Op::Lte => "<=",
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Between => "between",
            Op::Outside => "outside",
        }
    }
}

/// One comparison of a point's latest value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Semantic point name.
    pub point: String,
    /// Operator.
    pub op: Op,
    /// Threshold (single-value operators) or lower bound (`between`/`outside`).
    pub value: f64,
    /// Upper bound (`between`/`outside` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
}

/// A condition tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Every child holds.
    All(Vec<Condition>),
    /// At least one child holds.
    Any(Vec<Condition>),
    /// A single comparison.
    Compare(Comparison),
}

/// The comparison that made a condition hold: point, value and threshold text.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Point name.
    pub point: String,
    /// Its value.
    pub value: f64,
    /// Threshold, e.g. `> 80` or `between 10..20`.
    pub threshold: String,
    /// Text stored with the value (a derived point's error code), for `{detail}`.
    pub detail: Option<String>,
}

impl Comparison {
    /// Whether `v` satisfies the comparison; `margin` widens the condition (hysteresis: the
    /// condition keeps holding until the value is `margin` past the threshold).
    pub fn test(&self, v: f64, margin: f64) -> bool {
        let (low, high) = (self.value, self.high.unwrap_or(self.value));
        match self.op {
            Op::Gt => v > low - margin,
            Op::Gte => v >= low - margin,
            Op::Lt => v < low + margin,
            Op::Lte => v <= low + margin,
            Op::Eq => v == low,
            Op::Ne => v != low,
            Op::Between => v >= low - margin && v <= high + margin,
            Op::Outside => v < low + margin || v > high - margin,
        }
    }

    /// Threshold text for messages.
    pub fn threshold_text(&self) -> String {
        match self.high {
            Some(h) => format!("{} {}..{}", self.op.symbol(), self.value, h),
            None => format!("{} {}", self.op.symbol(), self.value),
        }
    }
}

impl Condition {
    /// Whether the condition holds on `values`; a missing point never satisfies a comparison.
    pub fn holds(&self, values: &Values, margin: f64) -> bool {
        self.hit(values, margin).is_some()
    }

    /// The first comparison that makes the condition hold, if it holds.
    pub fn hit(&self, values: &Values, margin: f64) -> Option<Hit> {
        match self {
            Condition::Compare(c) => {
                let v = *values.get(&c.point)?;
                c.test(v, margin).then(|| Hit {
                    point: c.point.clone(),
                    value: v,
                    threshold: c.threshold_text(),
                    detail: None,
                })
            }
            Condition::All(children) => {
                let mut first = None;
                for child in children {
                    let hit = child.hit(values, margin)?;
                    first.get_or_insert(hit);
                }
                first
            }
            Condition::Any(children) => children.iter().find_map(|c| c.hit(values, margin)),
        }
    }

    /// Every point the condition reads.
    pub fn points(&self, out: &mut Vec<String>) {
        match self {
            Condition::Compare(c) => {
                if !out.contains(&c.point) {
                    out.push(c.point.clone());
                }
            }
            Condition::All(children) | Condition::Any(children) => children.iter().for_each(|c| c.points(out)),
        }
    }

    /// Parses the API form (`{"all":[..]}`, `{"any":[..]}`, `{"point":..,"op":..,"value":..}`);
    /// the error names the path of the bad part, e.g. `condition.any[1].op`.
    pub fn parse(v: &Value, path: &str) -> Result<Condition, String> {
        let Some(obj) = v.as_object() else {
            return Err(format!("{path}: must be an object with 'all', 'any' or 'point'"));
        };
        for (key, make) in [("all", Condition::All as fn(Vec<Condition>) -> Condition), ("any", Condition::Any)] {
            if let Some(children) = obj.get(key) {
                if obj.len() != 1 {
                    return Err(format!("{path}: '{key}' must be the only field of its object"));
                }
                let list = children
                    .as_array()
                    .filter(|l| !l.is_empty())
                    .ok_or_else(|| format!("{path}.{key}: must be a non-empty list of conditions"))?;
                let parsed = list
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Condition::parse(c, &format!("{path}.{key}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?;
                return Ok(make(parsed));
            }
        }
        parse_comparison(obj, path).map(Condition::Compare)
    }
}

fn parse_comparison(obj: &serde_json::Map<String, Value>, path: &str) -> Result<Comparison, String> {
    if let Some(extra) = obj.keys().find(|k| !matches!(k.as_str(), "point" | "op" | "value")) {
        return Err(format!("{path}: unknown field '{extra}' (expected point, op, value, or all/any)"));
    }
    let point = obj
        .get("point")
        .and_then(Value::as_str)
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| format!("{path}.point: required, a point name"))?;
    let op_text = obj.get("op").and_then(Value::as_str).ok_or_else(|| format!("{path}.op: required"))?;
    let op = Op::parse(op_text)
        .ok_or_else(|| format!("{path}.op: unknown operator '{op_text}' (>, >=, <, <=, ==, !=, between, outside)"))?;
    let value = obj.get("value").ok_or_else(|| format!("{path}.value: required"))?;
    let finite = |v: &Value| v.as_f64().filter(|f| f.is_finite());
    let (value, high) = if matches!(op, Op::Between | Op::Outside) {
        let pair = value
            .as_array()
            .filter(|a| a.len() == 2)
            .and_then(|a| Some((finite(&a[0])?, finite(&a[1])?)))
            .ok_or_else(|| format!("{path}.value: '{op_text}' needs [low, high] numbers"))?;
        if pair.0 > pair.1 {
            return Err(format!("{path}.value: low {} is above high {}", pair.0, pair.1));
        }
        (pair.0, Some(pair.1))
    } else {
        (finite(value).ok_or_else(|| format!("{path}.value: must be a finite number"))?, None)
    };
    Ok(Comparison { point: point.trim().to_owned(), op, value, high })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(pairs: &[(&str, f64)]) -> Values {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    #[test]
    fn given_each_operator_when_tested_then_compares_as_named() {
        let cases = [
            (json!({"point":"t","op":">","value":80}), 81.0, 80.0),
            (json!({"point":"t","op":">=","value":80}), 80.0, 79.9),
            (json!({"point":"t","op":"<","value":10}), 9.0, 10.0),
            (json!({"point":"t","op":"<=","value":10}), 10.0, 10.1),
            (json!({"point":"t","op":"==","value":1}), 1.0, 0.0),
            (json!({"point":"t","op":"!=","value":1}), 0.0, 1.0),
            (json!({"point":"t","op":"between","value":[10, 20]}), 15.0, 21.0),
            (json!({"point":"t","op":"outside","value":[10, 20]}), 25.0, 15.0),
        ];
        for (c, yes, no) in cases {
            let cond = Condition::parse(&c, "condition").unwrap();
            assert!(cond.holds(&values(&[("t", yes)]), 0.0), "{c} should hold for {yes}");
            assert!(!cond.holds(&values(&[("t", no)]), 0.0), "{c} should not hold for {no}");
        }
    }

    #[test]
    fn given_or_of_two_points_when_either_holds_then_condition_holds() {
        let c = Condition::parse(
            &json!({"any": [{"point":"temp","op":">","value":80}, {"point":"fault","op":"==","value":1}]}),
            "condition",
        )
        .unwrap();
        assert!(c.holds(&values(&[("temp", 20.0), ("fault", 1.0)]), 0.0));
        assert!(c.holds(&values(&[("temp", 90.0)]), 0.0));
        assert!(!c.holds(&values(&[("temp", 20.0), ("fault", 0.0)]), 0.0));
        assert_eq!(c.hit(&values(&[("temp", 20.0), ("fault", 1.0)]), 0.0).unwrap().point, "fault");
    }

    #[test]
    fn given_and_when_one_point_missing_then_does_not_hold() {
        let c = Condition::parse(
            &json!({"all": [{"point":"a","op":">","value":1}, {"point":"b","op":">","value":1}]}),
            "condition",
        )
        .unwrap();
        assert!(c.holds(&values(&[("a", 2.0), ("b", 2.0)]), 0.0));
        assert!(!c.holds(&values(&[("a", 2.0)]), 0.0));
    }

    #[test]
    fn given_margin_then_condition_keeps_holding_until_value_passes_it() {
        let c = Condition::parse(&json!({"point":"t","op":">","value":80}), "c").unwrap();
        assert!(!c.holds(&values(&[("t", 78.0)]), 0.0));
        assert!(c.holds(&values(&[("t", 78.0)]), 5.0));
        assert!(!c.holds(&values(&[("t", 74.0)]), 5.0));
    }

    #[test]
    fn given_bad_conditions_when_parsed_then_error_names_the_path() {
        let err = |v: Value| Condition::parse(&v, "condition").unwrap_err();
        assert!(err(json!({"any": [{"point":"t","op":">","value":1}, {"point":"t","op":">>","value":1}]}))
            .starts_with("condition.any[1].op"));
        assert!(err(json!({"point":"t","op":"between","value":5})).contains("[low, high]"));
        assert!(err(json!({"point":"t","op":"between","value":[5, 1]})).contains("above high"));
        assert!(err(json!({"all": []})).contains("non-empty"));
        assert!(err(json!({"point":"t","op":">","value":"x"})).contains("finite number"));
        assert!(err(json!({"point":"t","op":">","value":1,"extra":2})).contains("'extra'"));
        assert!(err(json!(3)).contains("must be an object"));
    }
}

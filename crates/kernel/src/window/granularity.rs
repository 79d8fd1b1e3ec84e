//! Calendar granularity of a window.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::KernelError;

/// Size of a calendar window: hour, day, month or year of local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// A local clock hour.
    Hour,
    /// A local calendar day.
    Day,
    /// A local calendar month.
    Month,
    /// A local calendar year.
    Year,
}

impl Granularity {
    /// All granularities, finest first.
    pub const ALL: [Granularity; 4] = [Granularity::Hour, Granularity::Day, Granularity::Month, Granularity::Year];

    /// The lowercase name: `"hour"`, `"day"`, `"month"` or `"year"`.
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        match self {
            Granularity::Hour => "hour",
            Granularity::Day => "day",
            Granularity::Month => "month",
            Granularity::Year => "year",
        }
    }
}

impl fmt::Display for Granularity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Granularity {
    type Err = KernelError;

    /// Parses the name, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Granularity::ALL
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| KernelError::InvalidGranularity { value: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_names_when_parsed_then_granularity() {
        for g in Granularity::ALL {
            assert_eq!(g.as_str().parse::<Granularity>(), Ok(g));
        }
        assert_eq!("Day".parse::<Granularity>(), Ok(Granularity::Day));
    }

    #[test]
    fn given_unknown_name_when_parsed_then_error_names_value() {
        assert_eq!("week".parse::<Granularity>(), Err(KernelError::InvalidGranularity { value: "week".to_owned() }));
    }

    #[test]
    fn given_granularity_when_serialized_then_lowercase() {
        assert_eq!(serde_json::to_string(&Granularity::Month).unwrap(), "\"month\"");
        assert_eq!(serde_json::from_str::<Granularity>("\"year\"").unwrap(), Granularity::Year);
    }
}

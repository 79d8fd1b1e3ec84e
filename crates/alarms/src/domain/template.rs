//! Message templates with `{placeholder}`s.

/// Values a message template can use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateVars {
    /// Device name.
    pub device: String,
    /// Station name.
    pub station: String,
    /// Rule name.
    pub rule: String,
    /// Severity.
    pub severity: String,
    /// Triggering point.
    pub point: String,
    /// Triggering value (empty for no-data).
    pub value: String,
    /// Threshold text.
    pub threshold: String,
    /// How long the condition has held, e.g. `5m 0s`.
    pub duration: String,
    /// Time of the change (RFC 3339, UTC).
    pub time: String,
    /// Text stored with the triggering value (a port fault's error code), else empty.
    pub detail: String,
}

/// Placeholders a template may use.
pub const PLACEHOLDERS: [&str; 10] =
    ["device", "station", "rule", "severity", "point", "value", "threshold", "duration", "time", "detail"];

/// Checks that every `{name}` in `template` is a known placeholder.
pub fn validate_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| format!("message: '{{' at '{}' is never closed", &rest[open..]))?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!("message: unknown placeholder '{{{name}}}' (known: {})", PLACEHOLDERS.join(", ")));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// Replaces every known `{name}` by its value.
pub fn render(template: &str, vars: &TemplateVars) -> String {
    let pairs = [
        ("{device}", &vars.device),
        ("{station}", &vars.station),
        ("{rule}", &vars.rule),
        ("{severity}", &vars.severity),
        ("{point}", &vars.point),
        ("{value}", &vars.value),
        ("{threshold}", &vars.threshold),
        ("{duration}", &vars.duration),
        ("{time}", &vars.time),
        ("{detail}", &vars.detail),
    ];
    pairs.iter().fold(template.to_owned(), |text, (k, v)| text.replace(k, v))
}

/// `90` → `1m 30s`.
pub fn human_duration(secs: i64) -> String {
    let secs = secs.max(0);
    match (secs / 3600, (secs % 3600) / 60, secs % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, m, _) => format!("{h}h {m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_template_when_rendered_then_placeholders_replaced() {
        let vars = TemplateVars {
            device: "inv-1".into(),
            station: "Shenzhen".into(),
            value: "85".into(),
            threshold: "> 80".into(),
            duration: human_duration(90),
            ..TemplateVars::default()
        };
        let text = render("{device}@{station}: {value} ({threshold}) for {duration}", &vars);
        assert_eq!(text, "inv-1@Shenzhen: 85 (> 80) for 1m 30s");
    }

    #[test]
    fn given_unknown_or_unclosed_placeholder_when_validated_then_rejected() {
        assert!(validate_template("{device} {valu}").unwrap_err().contains("{valu}"));
        assert!(validate_template("{device").unwrap_err().contains("never closed"));
        assert!(validate_template("plain text").is_ok());
    }
}

//! Meter values → telemetry points of the charge point's masterdata device (pure).
//!
//! Semantic points (`mgc_contracts::points`) for the values that describe the connector as a
//! whole (no phase, at the outlet or unlocated; SoC also at the EV, temperature also at the
//! body): `Energy.Active.Import.Register` → `energy_import_wh`, `Energy.Active.Export.Register`
//! → `energy_export_wh` (integer Wh), `Power.Active.Import` → `active_power_w` and
//! `charge_power_w` (integer W), `Power.Reactive.Import` → `reactive_power_var`,
//! `Current.Import` → `current_a`, `Voltage` → `voltage_v`, `Frequency` → `frequency_hz`, `SoC` →
//! `soc_pct`, `Temperature` → `temperature_c`. The import register, import power and SoC are
//! taken exactly as the charging session takes them ([`meter_sample`]: outlet preferred,
//! L1+L2+L3 summed when no total is sent), so the session and the telemetry agree.
//!
//! Everything else (phase values, other locations, other measurands) is kept under a raw key
//! `ocpp.<Measurand>[.<phase>][@<location>]`, in base units (k-prefixed units × 1000); a value
//! that is not a number is kept as text. Signed data is skipped.
//!
//! **Connectors**: only connector 1 (the only connector of a single-connector charger, where
//! its transactions run) feeds the semantic points; connector 0 (the main meter) and connectors
//! 2 and up are kept under `ocpp.c<N>.<name>` (e.g. `ocpp.c2.energy_import_wh`,
//! `ocpp.c0.Current.Import.L1`). So one device
//! key never gets values from two meters: interleaving the main meter's and an outlet's
//! registers would look like meter resets to analytics.

use crate::enums::{Location, Measurand, UnitOfMeasure, ValueFormat};
use crate::mapping::meter_sample;
use crate::messages::types::{MeterValue, SampledValue};
use crate::meter::{energy_wh, parse_decimal, Decimal};
use chrono::{DateTime, Utc};
use mgc_kernel::DeviceId;
use mgc_telemetry::domain::stored::StoredPoint;
use mgc_telemetry::RawValue;

/// The connector whose values become the device's semantic points.
pub const SEMANTIC_CONNECTOR: u32 = 1;

/// Points of `values` measured on `connector` of the charge point that is masterdata device `device`.
pub fn meter_points(device: DeviceId, connector: u32, values: &[MeterValue]) -> Vec<StoredPoint> {
    let mut out = Vec::new();
    for value in values {
        points_of(device, connector, value, &mut out);
    }
    out
}

/// A one-value meter reading of the import register (meterStart, meterStop) as a MeterValue.
pub fn register_reading(at: DateTime<Utc>, wh: i64) -> MeterValue {
    MeterValue {
        timestamp: at,
        sampled_value: vec![SampledValue {
            value: wh.to_string(),
            context: None,
            format: None,
            measurand: Some(Measurand::EnergyActiveImportRegister),
            phase: None,
            location: None,
            unit: Some(UnitOfMeasure::Wh),
        }],
    }
}

fn points_of(device: DeviceId, connector: u32, value: &MeterValue, out: &mut Vec<StoredPoint>) {
    let mut push = |name: String, raw_key: String, v: RawValue| {
        let name = if connector == SEMANTIC_CONNECTOR {
            name
        } else {
            format!("ocpp.c{connector}.{}", name.strip_prefix("ocpp.").unwrap_or(&name))
        };
        let num_value = v.as_f64();
        out.push(StoredPoint { device_id: device, point: name, ts: value.timestamp, num_value, value: v, raw_key });
    };
    // The three quantities a session reads, exactly as it reads them (a value the session
    // cannot convert was already refused by the mapping; here it is simply not a point).
    if let Ok(sample) = meter_sample(value, "meterValue") {
        let raw = |m: Measurand| format!("c{connector}/{}", m.as_str());
        if let Some(wh) = sample.energy_register {
            push("energy_import_wh".into(), raw(Measurand::EnergyActiveImportRegister), number(wh.0));
        }
        if let Some(w) = sample.power_w {
            push("active_power_w".into(), raw(Measurand::PowerActiveImport), number(w));
            push("charge_power_w".into(), raw(Measurand::PowerActiveImport), number(w.max(0)));
        }
        if let Some(pct) = sample.soc_percent {
            push("soc_pct".into(), raw(Measurand::SoC), number(pct));
        }
    }
    for sv in value.sampled_value.iter().filter(|v| v.format != Some(ValueFormat::SignedData)) {
        let measurand = sv.measurand.unwrap_or(Measurand::EnergyActiveImportRegister);
        let whole = is_whole(measurand, sv);
        if whole
            && matches!(
                measurand,
                Measurand::EnergyActiveImportRegister | Measurand::PowerActiveImport | Measurand::SoC
            )
        {
            continue; // taken above
        }
        let raw_key = raw_key(measurand, sv);
        let semantic = if whole { semantic(measurand, sv) } else { None };
        match semantic {
            Some((name, v)) => push(name.to_owned(), format!("c{connector}/{raw_key}"), v),
            None => push(format!("ocpp.{raw_key}"), format!("c{connector}/{raw_key}"), base_value(sv)),
        }
    }
}

/// True for a value describing the connector as a whole.
fn is_whole(measurand: Measurand, sv: &SampledValue) -> bool {
    sv.phase.is_none()
        && match sv.location {
            None | Some(Location::Outlet) => true,
            Some(Location::Ev) => measurand == Measurand::SoC,
            Some(Location::Body) => measurand == Measurand::Temperature,
            Some(_) => false,
        }
}

/// `Measurand[.phase][@location]`.
fn raw_key(measurand: Measurand, sv: &SampledValue) -> String {
    let mut key = measurand.as_str().to_owned();
    if let Some(phase) = sv.phase {
        key.push('.');
        key.push_str(phase.as_str());
    }
    if let Some(location) = sv.location.filter(|l| *l != Location::Outlet) {
        key.push('@');
        key.push_str(location.as_str());
    }
    key
}

/// The semantic point of a whole-connector value, when it has one and its unit converts.
fn semantic(measurand: Measurand, sv: &SampledValue) -> Option<(&'static str, RawValue)> {
    let unit = sv.unit;
    let decimal = parse_decimal(&sv.value).ok()?;
    let in_unit = |expected: &[Option<UnitOfMeasure>]| expected.contains(&unit).then(|| to_f64(decimal)).flatten();
    let (name, value) = match measurand {
        Measurand::EnergyActiveExportRegister => ("energy_export_wh", energy_wh(&sv.value, unit).ok()?.0 as f64),
        Measurand::PowerReactiveImport => {
            ("reactive_power_var", scaled(decimal, unit, UnitOfMeasure::Var, UnitOfMeasure::Kvar)?)
        }
        Measurand::CurrentImport => ("current_a", in_unit(&[None, Some(UnitOfMeasure::A)])?),
        Measurand::Voltage => ("voltage_v", in_unit(&[None, Some(UnitOfMeasure::V)])?),
        Measurand::Frequency => ("frequency_hz", in_unit(&[None, Some(UnitOfMeasure::Hertz)])?),
        Measurand::Temperature => ("temperature_c", celsius(decimal, unit)?),
        _ => return None,
    };
    Some((name, RawValue::Number(value)))
}

/// `value` in `base` (or `kilo` × 1000; no unit = base).
fn scaled(d: Decimal, unit: Option<UnitOfMeasure>, base: UnitOfMeasure, kilo: UnitOfMeasure) -> Option<f64> {
    match unit {
        None => to_f64(d),
        Some(u) if u == base => to_f64(d),
        Some(u) if u == kilo => to_f64(d).map(|v| v * 1000.0),
        Some(_) => None,
    }
}

fn celsius(d: Decimal, unit: Option<UnitOfMeasure>) -> Option<f64> {
    let v = to_f64(d)?;
    match unit {
        None | Some(UnitOfMeasure::Celsius | UnitOfMeasure::Celcius) => Some(v),
        Some(UnitOfMeasure::K) => Some(v - 273.15),
        Some(UnitOfMeasure::Fahrenheit) => Some((v - 32.0) * 5.0 / 9.0),
        Some(_) => None,
    }
}

/// A raw value in base units (kWh, kW, kvarh, kvar, kVA × 1000), or the text when not a number.
fn base_value(sv: &SampledValue) -> RawValue {
    let Some(v) = parse_decimal(&sv.value).ok().and_then(to_f64) else { return RawValue::Text(sv.value.clone()) };
    let factor = match sv.unit {
        Some(
            UnitOfMeasure::KWh | UnitOfMeasure::KW | UnitOfMeasure::Kvarh | UnitOfMeasure::Kvar | UnitOfMeasure::KVa,
        ) => 1000.0,
        _ => 1.0,
    };
    RawValue::Number(v * factor)
}

fn to_f64(d: Decimal) -> Option<f64> {
    // Display gives `<mantissa>e<exponent>`, which f64 parses correctly rounded.
    d.to_string().parse().ok().filter(|v: &f64| v.is_finite())
}

fn number(n: i64) -> RawValue {
    RawValue::Number(n as f64)
}

//! One MeterValue → one charging [`MeterSample`] in integer units.
//!
//! Per quantity (active import energy register, active import power, state of charge) the
//! sampled values considered are the `Raw` ones (signed data is not a number) of that measurand
//! (a value without measurand is the energy register, as OCPP defaults). Values at the outlet
//! (or without location, the default) are preferred over other locations; among those a value
//! without phase (the total) is taken, otherwise the per-phase values L1, L2, L3 (or L1-N, L2-N,
//! L3-N) are summed.

use crate::enums::{Location, Measurand, Phase, ValueFormat};
use crate::messages::types::{MeterValue, SampledValue};
use crate::meter::{energy_wh, parse_decimal, power_w, MeterValueError};
use crate::schema::Violation;
use crate::ErrorCode;
use mgc_charging::MeterSample;
use mgc_kernel::Wh;

type Convert = fn(&SampledValue) -> Result<i64, MeterValueError>;

/// Converts `value` (found at `path`, e.g. `meterValue[0]`) into a sample.
pub fn meter_sample(value: &MeterValue, path: &str) -> Result<MeterSample, Violation> {
    let energy: Convert = |v| energy_wh(&v.value, v.unit).map(|wh| wh.0);
    let power: Convert = |v| power_w(&v.value, v.unit);
    let percent: Convert = |v| parse_decimal(&v.value).and_then(|d| d.to_rounded(0));
    Ok(MeterSample {
        at: value.timestamp,
        energy_register: pick(value, Measurand::EnergyActiveImportRegister, energy, path)?.map(Wh),
        power_w: pick(value, Measurand::PowerActiveImport, power, path)?,
        soc_percent: pick(value, Measurand::SoC, percent, path)?,
    })
}

fn pick(value: &MeterValue, measurand: Measurand, convert: Convert, path: &str) -> Result<Option<i64>, Violation> {
    let candidates: Vec<(usize, &SampledValue)> = value
        .sampled_value
        .iter()
        .enumerate()
        .filter(|(_, v)| v.measurand.unwrap_or(Measurand::EnergyActiveImportRegister) == measurand)
        .filter(|(_, v)| v.format != Some(ValueFormat::SignedData))
        .collect();
    let at_outlet: Vec<_> =
        candidates.iter().copied().filter(|(_, v)| matches!(v.location, None | Some(Location::Outlet))).collect();
    let chosen = if at_outlet.is_empty() { candidates } else { at_outlet };
    let read = |(i, v): (usize, &SampledValue)| {
        convert(v).map_err(|e| {
            let field = format!("{path}.sampledValue[{i}].value");
            Violation::new(ErrorCode::PropertyConstraintViolation, field, e.to_string())
        })
    };
    if let Some(total) = chosen.iter().copied().find(|(_, v)| v.phase.is_none()) {
        return read(total).map(Some);
    }
    let mut sum: Option<i64> = None;
    for phase_value in chosen.into_iter().filter(|(_, v)| is_line_phase(v.phase)) {
        let n = read(phase_value)?;
        let total = sum.unwrap_or(0).checked_add(n).ok_or_else(|| {
            Violation::new(ErrorCode::PropertyConstraintViolation, format!("{path}.sampledValue"), "sum too large")
        })?;
        sum = Some(total);
    }
    Ok(sum)
}

fn is_line_phase(phase: Option<Phase>) -> bool {
    matches!(phase, Some(Phase::L1 | Phase::L2 | Phase::L3 | Phase::L1N | Phase::L2N | Phase::L3N))
}

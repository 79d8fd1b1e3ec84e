//! The shapes of WinPower G2's web API (as documented for its `/api/v1` endpoints), and the
//! conversion of a device's `realtime` object into readings.

use crate::source::Reading;
use mgc_telemetry::RawValue;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Code of a successful answer.
pub const OK_CODE: &str = "000000";

/// Body of `POST /api/v1/auth/login`.
#[derive(Debug, Serialize)]
pub struct LoginRequest<'a> {
    /// User.
    pub username: &'a str,
    /// Password.
    pub password: &'a str,
}

/// Answer of the login: `{"code":"000000","message":"OK","data":{"deviceId":..,"token":..}}`.
#[derive(Debug, Deserialize)]
pub struct LoginAnswer {
    /// `000000` on success.
    #[serde(default)]
    pub code: String,
    /// Message (`OK`, or why not).
    #[serde(default)]
    pub message: String,
    /// The session.
    #[serde(default)]
    pub data: Option<LoginData>,
}

/// The session of a successful login.
#[derive(Debug, Deserialize)]
pub struct LoginData {
    /// Bearer token of the session.
    pub token: String,
}

/// One page of `GET /api/v1/deviceData/detail/list`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DevicePage {
    /// Devices in all pages.
    #[serde(default)]
    pub total: u64,
    /// This page's devices.
    #[serde(default)]
    pub data: Vec<DeviceEntry>,
    /// `000000` on success.
    #[serde(default)]
    pub code: String,
    /// Message.
    #[serde(default)]
    pub msg: String,
}

/// One device with its real-time data.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceEntry {
    /// What the device is.
    pub asset_device: AssetDevice,
    /// Real-time values (numbers sent as strings).
    #[serde(default)]
    pub realtime: serde_json::Map<String, Value>,
    /// Whether WinPower is connected to it.
    #[serde(default)]
    pub connected: bool,
}

/// The device's identity in WinPower.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetDevice {
    /// WinPower's id.
    pub id: String,
    /// Name given in WinPower.
    #[serde(default)]
    pub alias: String,
    /// Model.
    #[serde(default)]
    pub model: Option<String>,
    /// 1 = UPS.
    #[serde(default)]
    pub device_type: Option<i64>,
}

impl DeviceEntry {
    /// The device's telemetry reference: its WinPower alias, or its id when it has none.
    pub fn reference(&self) -> String {
        let alias = self.asset_device.alias.trim();
        if alias.is_empty() {
            self.asset_device.id.clone()
        } else {
            alias.to_owned()
        }
    }

    /// Every real-time value as a reading under WinPower's own key, plus `connected`.
    /// Numbers in strings become numbers; empty strings are left out; other text stays text.
    pub fn readings(&self) -> Vec<Reading> {
        let mut out = Vec::with_capacity(self.realtime.len() + 1);
        for (key, value) in &self.realtime {
            let value = match value {
                Value::String(s) if s.trim().is_empty() => continue,
                Value::String(s) => match s.trim().parse::<f64>() {
                    Ok(n) if n.is_finite() => RawValue::Number(n),
                    _ => RawValue::Text(s.clone()),
                },
                Value::Number(n) => match n.as_f64() {
                    Some(n) => RawValue::Number(n),
                    None => continue,
                },
                Value::Bool(b) => RawValue::Bool(*b),
                Value::Null => continue,
                other => RawValue::Json(other.clone()),
            };
            out.push(Reading { key: key.clone(), value });
        }
        out.push(Reading { key: "connected".into(), value: RawValue::Bool(self.connected) });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_documented_entry_when_read_then_strings_become_numbers() {
        let entry: DeviceEntry = serde_json::from_value(serde_json::json!({
            "assetDevice": {"id": "e156", "deviceType": 1, "model": "ON-LINE", "alias": "C3K"},
            "realtime": {"inputVolt1": "236.8", "loadTotalWatt": "195", "faultCode": "", "mode": "3", "x": "on"},
            "connected": true
        }))
        .unwrap();
        assert_eq!(entry.reference(), "C3K");
        let r = entry.readings();
        let get = |k: &str| r.iter().find(|x| x.key == k).map(|x| x.value.clone());
        assert_eq!(get("inputVolt1"), Some(RawValue::Number(236.8)));
        assert_eq!(get("loadTotalWatt"), Some(RawValue::Number(195.0)));
        assert_eq!(get("faultCode"), None);
        assert_eq!(get("x"), Some(RawValue::Text("on".into())));
        assert_eq!(get("connected"), Some(RawValue::Bool(true)));
    }
}

//! Shape detection and traversal: dedup merge, canonical, timestamped and flat elements.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::batch::BatchBuilder;
use super::error::{codes, PayloadError};
use super::path::JsonPath;
use super::timestamp::{kind, TsBounds};
use super::value::{normalize_key, to_raw_value};
use super::{IngestContext, ParsedBatch, TimeLimits};

/// A JSON object.
type Object = Map<String, Value>;

/// Walks one request body and feeds a [`BatchBuilder`].
#[derive(Debug)]
pub(crate) struct Walker<'a> {
    /// Headers and receive time.
    ctx: &'a IngestContext,
    /// Accepted time range.
    bounds: TsBounds,
    /// The outcome so far.
    out: BatchBuilder,
    /// The `X-Ts` header, parsed on first use.
    header_ts: Option<Result<DateTime<Utc>, PayloadError>>,
}

impl<'a> Walker<'a> {
    /// A walker for a request received per `ctx` under `limits`.
    pub(crate) fn new(ctx: &'a IngestContext, limits: &TimeLimits) -> Self {
        Self { ctx, bounds: TsBounds::new(ctx, limits), out: BatchBuilder::default(), header_ts: None }
    }

    /// Walks the top level: one element or a non-empty array of elements.
    pub(crate) fn root(&mut self, root: &Value) -> Result<(), PayloadError> {
        let path = JsonPath::root();
        match root {
            Value::Array(items) if items.is_empty() => {
                Err(PayloadError::new(codes::EMPTY_BATCH, path.as_str(), "the array holds no elements"))
            }
            Value::Array(items) => {
                items.iter().enumerate().try_for_each(|(i, item)| self.element(item, &path.index(i)))
            }
            other => self.element(other, &path),
        }
    }

    /// The finished batch.
    pub(crate) fn finish(self, max_points: usize) -> Result<ParsedBatch, PayloadError> {
        self.out.finish(max_points)
    }

    /// Detects the shape of one element and walks it.
    fn element(&mut self, value: &Value, path: &JsonPath) -> Result<(), PayloadError> {
        let obj = as_object(Some(value), path, "an element must be an object")?;
        if obj.contains_key("msg") && obj.contains_key("metadata") {
            self.dedup(obj, path)
        } else if obj.contains_key("device") {
            self.canonical(obj, path)
        } else if is_timestamped(obj) {
            let device = self.header_device(path)?;
            self.timestamped(&device, obj, path)
        } else {
            let device = self.header_device(path)?;
            self.flat(&device, obj, path, None)
        }
    }

    /// `{"device": .., "ts": .., "values": {..}}`.
    fn canonical(&mut self, obj: &Object, path: &JsonPath) -> Result<(), PayloadError> {
        let device_path = path.key("device");
        let device = match obj.get("device") {
            Some(Value::String(s)) => non_blank(s, &device_path, "`device` is blank")?,
            other => {
                let found = other.map_or("nothing", kind);
                let reason = format!("`device` must be a string, found {found}");
                return Err(PayloadError::new(codes::INVALID_SHAPE, device_path.as_str(), reason));
            }
        };
        let ts_path = path.key("ts");
        let Some(ts) = obj.get("ts") else {
            let reason = "missing: the canonical shape needs `ts` (epoch seconds or milliseconds)";
            return Err(PayloadError::new(codes::INVALID_TIMESTAMP, ts_path.as_str(), reason));
        };
        let ts = self.bounds.parse_json(ts, &ts_path)?;
        self.values(&device, ts, obj.get("values"), &path.key("values"))
    }

    /// `{"ts": .., "values": {..}}` for a known device.
    fn timestamped(&mut self, device: &str, obj: &Object, path: &JsonPath) -> Result<(), PayloadError> {
        let ts_path = path.key("ts");
        let ts = self.bounds.parse_json(obj.get("ts").unwrap_or(&Value::Null), &ts_path)?;
        self.values(device, ts, obj.get("values"), &path.key("values"))
    }

    /// A flat object of values; its `ts` key, if any, is the timestamp, else `default_ts`, else the headers.
    fn flat(
        &mut self,
        device: &str,
        obj: &Object,
        path: &JsonPath,
        default_ts: Option<DateTime<Utc>>,
    ) -> Result<(), PayloadError> {
        let ts = match (obj.get("ts"), default_ts) {
            (Some(v), _) => self.bounds.parse_json(v, &path.key("ts"))?,
            (None, Some(ts)) => ts,
            (None, None) => self.default_ts()?,
        };
        self.members(device, ts, obj.iter().filter(|(k, _)| k.as_str() != "ts"), path)
    }

    /// ThingsBoard's deduplication output: `{"msg": .., "metadata": {"deviceName", "deviceType", "ts"}}`.
    fn dedup(&mut self, obj: &Object, path: &JsonPath) -> Result<(), PayloadError> {
        let meta_path = path.key("metadata");
        let meta = as_object(obj.get("metadata"), &meta_path, "`metadata` must be an object")?;
        let name_path = meta_path.key("deviceName");
        let device = match meta.get("deviceName") {
            Some(Value::String(s)) => non_blank(s, &name_path, "`deviceName` is blank")?,
            _ => {
                let reason = "`metadata.deviceName` must be a non-empty string";
                return Err(PayloadError::new(codes::MISSING_DEVICE, name_path.as_str(), reason));
            }
        };
        if let Some(Value::String(t)) = meta.get("deviceType") {
            if !t.trim().is_empty() {
                self.out.device_type(&device, t.trim());
            }
        }
        let meta_ts = match meta.get("ts") {
            Some(v) => Some(self.bounds.parse_json(v, &meta_path.key("ts"))?),
            None => None,
        };
        let msg_path = path.key("msg");
        match obj.get("msg") {
            Some(Value::Array(items)) => items.iter().enumerate().try_for_each(|(i, item)| {
                let item_path = msg_path.index(i);
                let item = as_object(Some(item), &item_path, "a `msg` array element must be an object")?;
                self.msg_object(&device, item, &item_path, meta_ts)
            }),
            other => {
                let msg = as_object(other, &msg_path, "`msg` must be an object or an array")?;
                self.msg_object(&device, msg, &msg_path, meta_ts)
            }
        }
    }

    /// One merged message: timestamped, or flat stamped with `metadata.ts`.
    fn msg_object(
        &mut self,
        device: &str,
        msg: &Object,
        path: &JsonPath,
        meta_ts: Option<DateTime<Utc>>,
    ) -> Result<(), PayloadError> {
        if is_timestamped(msg) {
            self.timestamped(device, msg, path)
        } else {
            self.flat(device, msg, path, meta_ts)
        }
    }

    /// The `values` member, which must be an object.
    fn values(
        &mut self,
        device: &str,
        ts: DateTime<Utc>,
        values: Option<&Value>,
        path: &JsonPath,
    ) -> Result<(), PayloadError> {
        let values = as_object(values, path, "`values` must be an object of key to value")?;
        self.members(device, ts, values.iter(), path)
    }

    /// Turns `key: value` members into points (or skips for `null`).
    fn members<'v>(
        &mut self,
        device: &str,
        ts: DateTime<Utc>,
        members: impl Iterator<Item = (&'v String, &'v Value)>,
        path: &JsonPath,
    ) -> Result<(), PayloadError> {
        for (raw_key, value) in members {
            let key_path = path.key(raw_key);
            let key = normalize_key(raw_key, &key_path)?;
            match to_raw_value(value, &key_path)? {
                Some(v) => self.out.push(device, ts, key, v),
                None => self.out.skip(&key_path, "null value"),
            }
        }
        Ok(())
    }

    /// The device named by `X-Device-Name`, for an element at `path` that does not name one.
    fn header_device(&mut self, path: &JsonPath) -> Result<String, PayloadError> {
        let name = self.ctx.device_name.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() || name == "${deviceName}" {
            let reason = "no device: send the `X-Device-Name` header (templated from ${deviceName}) \
                          or use the canonical shape {\"device\", \"ts\", \"values\"}";
            return Err(PayloadError::new(codes::MISSING_DEVICE, path.as_str(), reason));
        }
        if let Some(t) = self.ctx.device_type.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            self.out.device_type(name, t);
        }
        Ok(name.to_owned())
    }

    /// The `X-Ts` header when present and non-blank, else the receive time.
    fn default_ts(&mut self) -> Result<DateTime<Utc>, PayloadError> {
        let Some(raw) = self.ctx.ts.as_deref().filter(|s| !s.trim().is_empty()) else {
            return Ok(self.ctx.received_at);
        };
        let bounds = self.bounds;
        self.header_ts.get_or_insert_with(|| bounds.parse_header(raw)).clone()
    }
}

/// ThingsBoard's rule: an object is timestamped only with both `ts` and `values`.
fn is_timestamped(obj: &Object) -> bool {
    obj.contains_key("ts") && obj.contains_key("values")
}

/// `value` as an object, or `invalid_shape` at `path` with `what` and the type found.
fn as_object<'v>(value: Option<&'v Value>, path: &JsonPath, what: &str) -> Result<&'v Object, PayloadError> {
    match value {
        Some(Value::Object(obj)) => Ok(obj),
        other => {
            let found = other.map_or("nothing", kind);
            Err(PayloadError::new(codes::INVALID_SHAPE, path.as_str(), format!("{what}, found {found}")))
        }
    }
}

/// The trimmed device name, or `missing_device` at `path` when blank.
fn non_blank(name: &str, path: &JsonPath, reason: &str) -> Result<String, PayloadError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(PayloadError::new(codes::MISSING_DEVICE, path.as_str(), reason));
    }
    if name.chars().any(char::is_control) {
        return Err(PayloadError::new(codes::INVALID_SHAPE, path.as_str(), "device name contains a control character"));
    }
    Ok(name.to_owned())
}

//! Message bodies per channel kind: our webhook envelope, DingTalk and WeCom robot messages,
//! email subject and text.

use mgc_alarms::{Delivery, RobotFormat};
use mgc_kernel::TenantId;
use serde_json::{json, Value};

/// The webhook JSON envelope (stable across retries; the idempotency id is the delivery id).
pub fn webhook_envelope(tenant: &TenantId, d: &Delivery) -> Value {
    json!({
        "id": d.id,
        "event": d.request.event,
        "tenant_id": tenant.as_str(),
        "created_at": d.created_at,
        "title": d.request.title,
        "text": d.request.text,
        "data": d.request.payload,
    })
}

/// DingTalk robot message.
pub fn dingtalk_body(d: &Delivery, format: RobotFormat) -> Value {
    match format {
        RobotFormat::Text => {
            json!({"msgtype": "text", "text": {"content": format!("{}\n{}", d.request.title, d.request.text)}})
        }
        RobotFormat::Markdown => json!({"msgtype": "markdown", "markdown": {
            "title": d.request.title, "text": format!("### {}\n\n{}", d.request.title, d.request.text)}}),
    }
}

/// WeCom robot message.
pub fn wecom_body(d: &Delivery, format: RobotFormat) -> Value {
    match format {
        RobotFormat::Text => {
            json!({"msgtype": "text", "text": {"content": format!("{}\n{}", d.request.title, d.request.text)}})
        }
        RobotFormat::Markdown => json!({"msgtype": "markdown", "markdown": {
            "content": format!("**{}**\n{}", d.request.title, d.request.text)}}),
    }
}

/// Email body text.
pub fn email_text(d: &Delivery) -> String {
    format!("{}\n\n{}\n\nNotification id: {}\n", d.request.title, d.request.text, d.id)
}

//! Schema-only responses of notification channels: the OpenAPI statement of how
//! `mgc_alarms::Channel` serializes (the handlers return it, secrets masked as `***` except right
//! after creation; these only describe it, so they must follow it field by field).

#![allow(dead_code)]

use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Message format of robot channels (`RobotFormat`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RobotFormatName {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
}

/// TLS mode of an SMTP connection (`SmtpTls`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTlsName {
    /// Plain SMTP.
    None,
    /// STARTTLS upgrade.
    Starttls,
    /// Implicit TLS.
    Tls,
}

/// Settings of a webhook channel.
#[derive(Deserialize, ToSchema)]
pub struct WebhookConfigView {
    /// Receiver URL.
    url: String,
    /// HMAC secret (`***` except in the create response).
    secret: String,
    /// Extra headers.
    headers: BTreeMap<String, String>,
}

/// Settings of a DingTalk robot channel.
#[derive(Deserialize, ToSchema)]
pub struct DingtalkConfigView {
    /// Robot webhook URL.
    url: String,
    /// Signing secret (`***` when set).
    #[schema(required = true)]
    secret: Option<String>,
    /// Text or markdown.
    format: RobotFormatName,
}

/// Settings of a WeCom robot channel.
#[derive(Deserialize, ToSchema)]
pub struct WecomConfigView {
    /// Robot webhook URL.
    url: String,
    /// Text or markdown.
    format: RobotFormatName,
}

/// Settings of an email channel.
#[derive(Deserialize, ToSchema)]
pub struct EmailConfigView {
    /// SMTP host.
    host: String,
    /// SMTP port (null: by TLS mode).
    #[schema(required = true)]
    port: Option<u16>,
    /// TLS mode.
    tls: SmtpTlsName,
    /// Login user.
    #[schema(required = true)]
    username: Option<String>,
    /// Login password (`***` when set).
    #[schema(required = true)]
    password: Option<String>,
    /// Sender address.
    from: String,
    /// Recipients.
    to: Vec<String>,
}

/// Kind and settings of a channel (`ChannelConfig`): `{"kind", "config"}`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", content = "config", rename_all = "snake_case")]
pub enum ChannelConfigView {
    /// Our signed JSON envelope, POSTed to `url`.
    Webhook(WebhookConfigView),
    /// DingTalk custom robot.
    Dingtalk(DingtalkConfigView),
    /// WeCom group robot.
    Wecom(WecomConfigView),
    /// Email through SMTP.
    Email(EmailConfigView),
}

/// A notification channel (`mgc_alarms::Channel`).
#[derive(Deserialize, ToSchema)]
pub struct ChannelView {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// Owning tenant.
    tenant: String,
    /// Human name.
    name: String,
    /// Whether notifications are sent to it.
    enabled: bool,
    /// `kind` and `config`.
    #[serde(flatten)]
    config: ChannelConfigView,
    /// Created.
    #[schema(format = DateTime)]
    created_at: String,
    /// Last changed.
    #[schema(format = DateTime)]
    updated_at: String,
}

/// One page of channels.
#[derive(Deserialize, ToSchema)]
pub struct ChannelPage {
    /// Channels.
    items: Vec<ChannelView>,
    /// Cursor of the next page (null on the last).
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// The queued test delivery.
#[derive(Deserialize, ToSchema)]
pub struct TestQueuedView {
    /// Delivery id: follow it at `/api/v1/notifications/{id}`.
    #[schema(format = Uuid)]
    notification_id: String,
}

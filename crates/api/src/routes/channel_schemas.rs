//! Schema-only request body of the notification channel routes: the OpenAPI statement of what
//! `mgc_alarms::ChannelInput` accepts (the handlers deserialize that type; these structs only
//! describe it, so they follow its fields and `ChannelConfig::validate` rule by rule).

#![allow(dead_code)]

use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

/// White space (Rust's `char::is_whitespace`) and control characters, as a regex class body.
macro_rules! blank_or_control {
    () => {
        "\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
    };
}

/// Text with at least one character that is not white space, and no NUL.
const NONBLANK: &str =
    "^[^\\u0000]*[^\\u0000\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$";

/// An http(s) URL without white space, control characters or brackets.
const URL: &str = concat!("^https?://[^", blank_or_control!(), "\\[\\]]+$");

/// `local@domain.tld` without white space or control characters.
const ADDRESS: &str =
    concat!("^[^@", blank_or_control!(), "]+@[^", blank_or_control!(), "]*\\.[^", blank_or_control!(), "]*$");

/// A webhook secret: empty or `***` (keep the stored one, or generate one on create), else at
/// least 16 characters.
const SECRET: &str = "^(|\\*\\*\\*|[^\\u0000]{16,})$";

/// A string schema with this pattern.
fn text(pattern: &str, description: &str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).description(Some(description))
}

fn url() -> RefOr<Schema> {
    text(URL, "an http(s) URL").into()
}

fn address() -> RefOr<Schema> {
    text(ADDRESS, "an email address").into()
}

fn recipients() -> RefOr<Schema> {
    utoipa::openapi::schema::ArrayBuilder::new().items(address()).min_items(Some(1)).into()
}

fn nonblank() -> RefOr<Schema> {
    text(NONBLANK, "not blank").into()
}

fn channel_name() -> RefOr<Schema> {
    text(NONBLANK, "1..=200 characters, not blank").max_length(Some(200)).into()
}

fn secret() -> RefOr<Schema> {
    text(SECRET, "empty or `***`: generated on create, kept on replace; else at least 16 characters").into()
}

/// Extra webhook headers: names of letters, digits, `-` and `_` not starting with `x-mgc-`, values
/// without control characters.
fn header_map() -> RefOr<Schema> {
    let name = ObjectBuilder::new().schema_type(Type::String).pattern(Some("^(?![xX]-[mM][gG][cC]-)[A-Za-z0-9_-]+$"));
    let value = ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[^\\u0000-\\u001f\\u007f-\\u009f]*$"));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(name))
        .additional_properties(Some(AdditionalProperties::RefOr(value.into())))
        .description(Some("extra request headers"))
        .into()
}

/// Message format of robot channels.
#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RobotFormatName {
    /// Plain text.
    Text,
    /// Markdown (default).
    #[default]
    Markdown,
}

/// TLS mode of an SMTP connection.
#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTlsName {
    /// Plain SMTP.
    None,
    /// STARTTLS (default).
    #[default]
    Starttls,
    /// Implicit TLS.
    Tls,
}

/// `config` of a `webhook` channel.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfigBody {
    /// Receiver URL.
    #[schema(schema_with = url)]
    url: String,
    /// HMAC secret, at least 16 characters; empty, absent or `***`: generated on create, kept on replace.
    #[serde(default)]
    #[schema(schema_with = secret)]
    secret: String,
    /// Extra headers.
    #[serde(default)]
    #[schema(schema_with = header_map)]
    headers: BTreeMap<String, String>,
}

/// `config` of a `dingtalk` channel.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DingtalkConfigBody {
    /// Robot webhook URL (with access_token).
    #[schema(schema_with = url)]
    url: String,
    /// Signing secret (`SEC...`); `***` keeps the stored one.
    secret: Option<String>,
    /// Text or markdown.
    #[serde(default)]
    format: RobotFormatName,
}

/// `config` of a `wecom` channel.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WecomConfigBody {
    /// Robot webhook URL (with key).
    #[schema(schema_with = url)]
    url: String,
    /// Text or markdown.
    #[serde(default)]
    format: RobotFormatName,
}

/// `config` of an `email` channel.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailConfigBody {
    /// SMTP host.
    #[schema(schema_with = nonblank)]
    host: String,
    /// SMTP port (default by TLS mode).
    #[schema(minimum = 1, maximum = 65535)]
    port: Option<u16>,
    /// TLS mode.
    #[serde(default)]
    tls: SmtpTlsName,
    /// Login user.
    username: Option<String>,
    /// Login password; `***` keeps the stored one.
    password: Option<String>,
    /// Sender address.
    #[schema(schema_with = address)]
    from: String,
    /// Recipients (at least one).
    #[schema(schema_with = recipients)]
    to: Vec<String>,
}

/// The kind `webhook`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookKind {
    /// Our signed JSON envelope.
    Webhook,
}

/// The kind `dingtalk`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DingtalkKind {
    /// DingTalk custom robot.
    Dingtalk,
}

/// The kind `wecom`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WecomKind {
    /// WeCom group robot.
    Wecom,
}

/// The kind `email`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    /// Email through SMTP.
    Email,
}

/// Fields every channel kind shares, then its kind and config.
macro_rules! channel_body {
    ($name:ident, $doc:literal, $kind:ty, $config:ty) => {
        #[doc = $doc]
        #[derive(Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Display name (1..=200 characters).
            #[schema(schema_with = channel_name)]
            name: String,
            /// Enabled (default true).
            enabled: Option<bool>,
            /// The kind.
            kind: $kind,
            /// Its settings.
            config: $config,
        }
    };
}

channel_body!(WebhookChannelBody, "A webhook channel.", WebhookKind, WebhookConfigBody);
channel_body!(DingtalkChannelBody, "A DingTalk robot channel.", DingtalkKind, DingtalkConfigBody);
channel_body!(WecomChannelBody, "A WeCom robot channel.", WecomKind, WecomConfigBody);
channel_body!(EmailChannelBody, "An email channel.", EmailKind, EmailConfigBody);

/// Body of `POST /api/v1/notification-channels` and `PUT /api/v1/notification-channels/{id}`.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ChannelBody {
    /// `kind: webhook`.
    Webhook(WebhookChannelBody),
    /// `kind: dingtalk`.
    Dingtalk(DingtalkChannelBody),
    /// `kind: wecom`.
    Wecom(WecomChannelBody),
    /// `kind: email`.
    Email(EmailChannelBody),
}

//! Notification channels: where notifications go (webhook, DingTalk, WeCom, email).

use crate::ChannelId;
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// TLS mode of an SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// Plain SMTP (local relays and tests only).
    None,
    /// STARTTLS upgrade (port 587).
    #[default]
    Starttls,
    /// Implicit TLS (port 465).
    Tls,
}

/// Message body format of robot channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RobotFormat {
    /// Plain text.
    Text,
    /// Markdown.
    #[default]
    Markdown,
}

/// Kind and settings of a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "config", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChannelConfig {
    /// Our signed JSON envelope, POSTed to `url`.
    Webhook {
        /// Receiver URL.
        url: String,
        /// HMAC secret (generated when not given).
        #[serde(default)]
        secret: String,
        /// Extra headers.
        #[serde(default)]
        headers: BTreeMap<String, String>,
    },
    /// DingTalk custom robot.
    Dingtalk {
        /// Robot webhook URL (with access_token).
        url: String,
        /// Optional signing secret (`SEC...`).
        #[serde(default)]
        secret: Option<String>,
        /// Text or markdown.
        #[serde(default)]
        format: RobotFormat,
    },
    /// WeCom (WeChat Work) group robot.
    Wecom {
        /// Robot webhook URL (with key).
        url: String,
        /// Text or markdown.
        #[serde(default)]
        format: RobotFormat,
    },
    /// Email through SMTP.
    Email {
        /// SMTP host.
        host: String,
        /// SMTP port (default by TLS mode).
        #[serde(default)]
        port: Option<u16>,
        /// TLS mode.
        #[serde(default)]
        tls: SmtpTls,
        /// Login user.
        #[serde(default)]
        username: Option<String>,
        /// Login password.
        #[serde(default)]
        password: Option<String>,
        /// Sender address.
        from: String,
        /// Recipients.
        to: Vec<String>,
    },
}

/// A tenant's channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// Id.
    pub id: ChannelId,
    /// Owner tenant.
    pub tenant: TenantId,
    /// Human name.
    pub name: String,
    /// Whether notifications are sent to it.
    pub enabled: bool,
    /// Kind and settings.
    #[serde(flatten)]
    pub config: ChannelConfig,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// White space or a control character: never part of a URL or an address.
fn blank_or_control(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// `http://` or `https://` and at least one more character, none of them white space, a control
/// character or a bracket (IPv6 literals are not taken: give the receiver a host name).
fn check_url(url: &str, field: &str) -> Result<(), String> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"));
    let bad = |c: char| blank_or_control(c) || c == '[' || c == ']';
    match rest {
        Some(rest) if !rest.is_empty() && !url.contains(bad) => Ok(()),
        _ => Err(format!("{field}: '{}' is not an http(s) URL", url.escape_debug())),
    }
}

fn check_address(a: &str, field: &str) -> Result<(), String> {
    match a.split_once('@') {
        Some((l, d)) if !l.is_empty() && d.contains('.') && !a.contains(blank_or_control) => Ok(()),
        _ => Err(format!("{field}: '{}' is not an email address", a.escape_debug())),
    }
}

impl ChannelConfig {
    /// `webhook`, `dingtalk`, `wecom` or `email`.
    pub fn kind(&self) -> &'static str {
        match self {
            ChannelConfig::Webhook { .. } => "webhook",
            ChannelConfig::Dingtalk { .. } => "dingtalk",
            ChannelConfig::Wecom { .. } => "wecom",
            ChannelConfig::Email { .. } => "email",
        }
    }

    /// Checks the settings; the message names the bad one.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            ChannelConfig::Webhook { url, secret, headers } => {
                check_url(url, "config.url")?;
                if secret.chars().count() < 16 {
                    return Err("config.secret: at least 16 characters (leave it out to have one generated)".into());
                }
                let bad_name = |h: &str| {
                    h.is_empty()
                        || h.to_ascii_lowercase().starts_with("x-mgc-")
                        || !h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                };
                if let Some(h) = headers.keys().find(|h| bad_name(h)) {
                    return Err(format!("config.headers: '{h}' is empty, reserved or not a header name"));
                }
                if let Some(h) = headers.iter().find(|(_, v)| v.chars().any(|c| c.is_control())).map(|(h, _)| h) {
                    return Err(format!("config.headers: the value of '{h}' contains control characters"));
                }
                Ok(())
            }
            ChannelConfig::Dingtalk { url, .. } | ChannelConfig::Wecom { url, .. } => check_url(url, "config.url"),
            ChannelConfig::Email { host, from, to, port, .. } => {
                if host.trim().is_empty() {
                    return Err("config.host: required".into());
                }
                if *port == Some(0) {
                    return Err("config.port: must be 1..65535".into());
                }
                check_address(from, "config.from")?;
                if to.is_empty() {
                    return Err("config.to: at least one recipient".into());
                }
                to.iter().try_for_each(|a| check_address(a, "config.to"))
            }
        }
    }

    /// The settings with secrets replaced by `***` (for reads).
    pub fn masked(&self) -> ChannelConfig {
        let mut c = self.clone();
        match &mut c {
            ChannelConfig::Webhook { secret, .. } => *secret = "***".into(),
            ChannelConfig::Dingtalk { secret, .. } => {
                if secret.is_some() {
                    *secret = Some("***".into());
                }
            }
            ChannelConfig::Email { password, .. } => {
                if password.is_some() {
                    *password = Some("***".into());
                }
            }
            ChannelConfig::Wecom { .. } => {}
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn given_channel_json_when_parsed_then_kind_and_config_validate() {
        let c: ChannelConfig = serde_json::from_value(
            json!({"kind": "webhook", "config": {"url": "http://127.0.0.1:9/x", "secret": "0123456789abcdef"}}),
        )
        .unwrap();
        c.validate().unwrap();
        assert_eq!(c.kind(), "webhook");
        assert!(matches!(c.masked(), ChannelConfig::Webhook { secret, .. } if secret == "***"));
    }

    #[test]
    fn given_bad_settings_when_validated_then_field_named() {
        let bad_url = ChannelConfig::Wecom { url: "ftp://x".into(), format: RobotFormat::Text };
        assert!(bad_url.validate().unwrap_err().starts_with("config.url"));
        let email = ChannelConfig::Email {
            host: "smtp.example.com".into(),
            port: None,
            tls: SmtpTls::Starttls,
            username: None,
            password: None,
            from: "alarms@example.com".into(),
            to: vec!["nobody".into()],
        };
        assert!(email.validate().unwrap_err().starts_with("config.to"));
    }

    #[test]
    fn given_urls_with_brackets_controls_or_nothing_after_the_scheme_then_refused() {
        let url = |u: &str| ChannelConfig::Wecom { url: u.into(), format: RobotFormat::Text }.validate();
        assert!(url("http://a").is_ok());
        assert!(url("https://hooks.example.com/x?y=1").is_ok());
        for bad in ["http://", "https://", "http://[::1]/x", "http://a\u{1}b", "http://a b", "http://a\u{85}"] {
            assert!(url(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn given_a_short_multibyte_secret_then_characters_are_counted() {
        let hook =
            |s: &str| ChannelConfig::Webhook { url: "http://a".into(), secret: s.into(), headers: BTreeMap::new() };
        assert!(hook(&"密".repeat(15)).validate().is_err(), "15 characters are too few, whatever their bytes");
        assert!(hook(&"密".repeat(16)).validate().is_ok());
    }

    #[test]
    fn given_channel_input_with_an_unknown_field_then_refused() {
        let base = json!({"name": "n", "kind": "wecom", "config": {"url": "http://a"}});
        assert!(serde_json::from_value::<crate::ChannelInput>(base.clone()).is_ok());
        let mut extra = base.clone();
        extra["colour"] = json!("red");
        assert!(serde_json::from_value::<crate::ChannelInput>(extra).is_err());
        let mut inner = base;
        inner["config"]["colour"] = json!("red");
        assert!(serde_json::from_value::<crate::ChannelInput>(inner).is_err());
    }
}

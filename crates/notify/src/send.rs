//! Sends one delivery to its channel: HTTP for webhook and robots, SMTP for email.

use crate::format::{dingtalk_body, email_text, webhook_envelope, wecom_body};
use crate::signature::{dingtalk_sign, webhook_signature};
use crate::ClaimedDelivery;
use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mgc_alarms::{ChannelConfig, SmtpTls};
use std::time::Duration;

/// Why a send failed (retried unless the delivery is out of attempts or age).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub String);

/// Sends deliveries; one shared HTTP client.
#[derive(Debug, Clone)]
pub struct Sender {
    http: reqwest::Client,
    timeout: Duration,
}

impl Sender {
    /// A sender with per-request `timeout`.
    pub fn new(timeout: Duration) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("mgc-notify/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build HTTP client: {e}"))?;
        Ok(Self { http, timeout })
    }

    /// Sends `c` (attempt number `attempt`, 1-based) at `now`.
    pub async fn send(&self, c: &ClaimedDelivery, attempt: u32, now: DateTime<Utc>) -> Result<(), SendError> {
        let Some(channel) = &c.channel else {
            return Err(SendError("channel no longer exists".into()));
        };
        let d = &c.delivery;
        match &channel.config {
            ChannelConfig::Webhook { url, secret, headers } => {
                let body = serde_json::to_vec(&webhook_envelope(&c.tenant, d)).map_err(|e| SendError(e.to_string()))?;
                let ts = now.timestamp().to_string();
                let mut req = self
                    .http
                    .post(url)
                    .header("content-type", "application/json")
                    .header("x-mgc-timestamp", &ts)
                    .header("x-mgc-signature", webhook_signature(secret, &ts, &body))
                    .header("x-mgc-delivery", d.id.to_string())
                    .header("idempotency-key", d.id.to_string())
                    .header("x-mgc-event", &d.request.event)
                    .header("x-mgc-attempt", attempt.to_string());
                for (k, v) in headers {
                    req = req.header(k, v);
                }
                self.expect_2xx(req.body(body)).await.map(|_| ())
            }
            ChannelConfig::Dingtalk { url, secret, format } => {
                let url = match secret {
                    Some(s) => {
                        let ms = now.timestamp_millis();
                        let sep = if url.contains('?') { '&' } else { '?' };
                        format!("{url}{sep}timestamp={ms}&sign={}", dingtalk_sign(s, ms))
                    }
                    None => url.clone(),
                };
                self.robot(self.http.post(url).json(&dingtalk_body(d, *format))).await
            }
            ChannelConfig::Wecom { url, format } => self.robot(self.http.post(url).json(&wecom_body(d, *format))).await,
            ChannelConfig::Email { .. } => self.email(&channel.config, c).await,
        }
    }

    async fn expect_2xx(&self, req: reqwest::RequestBuilder) -> Result<String, SendError> {
        let resp = req.send().await.map_err(|e| SendError(format!("request failed: {e}")))?;
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        if status.is_success() {
            Ok(text)
        } else {
            Err(SendError(format!("receiver answered {status}: {}", text.chars().take(200).collect::<String>())))
        }
    }

    /// Robots answer 200 with `errcode` 0 on success.
    async fn robot(&self, req: reqwest::RequestBuilder) -> Result<(), SendError> {
        let text = self.expect_2xx(req).await?;
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        match v.get("errcode").and_then(serde_json::Value::as_i64) {
            Some(0) | None => Ok(()),
            Some(code) => Err(SendError(format!("robot rejected the message: errcode {code}: {}", v["errmsg"]))),
        }
    }

    async fn email(&self, config: &ChannelConfig, c: &ClaimedDelivery) -> Result<(), SendError> {
        let ChannelConfig::Email { host, port, tls, username, password, from, to } = config else {
            return Err(SendError("not an email channel".into()));
        };
        let bad = |e: &dyn std::fmt::Display| SendError(format!("email: {e}"));
        let mut msg = Message::builder().from(from.parse::<Mailbox>().map_err(|e| bad(&e))?);
        for addr in to {
            msg = msg.to(addr.parse::<Mailbox>().map_err(|e| bad(&e))?);
        }
        let msg = msg
            .subject(c.delivery.request.title.clone())
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(email_text(&c.delivery))
            .map_err(|e| bad(&e))?;
        let builder = match tls {
            SmtpTls::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str()).port(port.unwrap_or(25))
            }
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| bad(&e))?
                .port(port.unwrap_or(587)),
            SmtpTls::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| bad(&e))?.port(port.unwrap_or(465))
            }
        };
        let mut builder = builder.timeout(Some(self.timeout));
        if let (Some(u), Some(p)) = (username, password) {
            builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
        }
        builder.build().send(msg).await.map(|_| ()).map_err(|e| bad(&e))
    }
}

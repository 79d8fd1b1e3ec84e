//! WinPower G2 web API client: `POST /api/v1/auth/login` for a bearer token (valid one hour,
//! renewed five minutes before it expires, and at once when the API answers 401), then
//! `GET /api/v1/deviceData/detail/list?current=N&pageSize=100&deviceType=1` page by page: each
//! entry carries the device (`assetDevice`), its real-time values (`realtime`) and `connected`.
//! One list call reads every device, so [`PullSource::read_device`] answers from that call.

pub mod wire;

use crate::settings::{Secret, SourceSettings};
use crate::source::{PullSource, Reading, SourceDevice, SourceError};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use std::collections::HashMap;
use wire::{DeviceEntry, DevicePage, LoginAnswer, LoginRequest, OK_CODE};

/// How long a WinPower token is valid after login.
pub const TOKEN_LIFETIME_SECS: i64 = 3600;
/// A token this close to its end is renewed before the next call.
pub const TOKEN_RENEW_MARGIN_SECS: i64 = 300;
/// Devices asked for per page.
const PAGE_SIZE: u32 = 100;
/// Most pages read in one poll.
const MAX_PAGES: u32 = 100;

struct Session {
    token: String,
    expires_at: DateTime<Utc>,
}

/// A WinPower G2 server.
pub struct WinPowerClient {
    http: reqwest::Client,
    base: String,
    username: String,
    password: Secret,
    timeout_ms: u64,
    session: Option<Session>,
    last_list: HashMap<String, DeviceEntry>,
    logins: u64,
}

impl WinPowerClient {
    /// A client of the source's server (no request is made yet).
    pub fn new(settings: &SourceSettings) -> Result<Self, SourceError> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .build()
            .map_err(|e| SourceError::Unreachable(format!("cannot build an HTTP client: {e}")))?;
        Ok(Self {
            http,
            base: settings.url.trim_end_matches('/').to_owned(),
            username: settings.username.clone(),
            password: settings.password.clone(),
            timeout_ms: u64::try_from(settings.timeout.as_millis()).unwrap_or(u64::MAX),
            session: None,
            last_list: HashMap::new(),
            logins: 0,
        })
    }

    /// Logins made so far (a new session each).
    pub fn logins(&self) -> u64 {
        self.logins
    }

    fn transport(&self, e: reqwest::Error) -> SourceError {
        if e.is_timeout() {
            SourceError::Timeout(self.timeout_ms)
        } else if e.is_decode() {
            SourceError::Protocol(format!("body is not the documented JSON: {e}"))
        } else {
            SourceError::Unreachable(e.without_url().to_string())
        }
    }

    async fn open_session(&mut self, now: DateTime<Utc>) -> Result<(), SourceError> {
        self.session = None;
        let body = LoginRequest { username: &self.username, password: self.password.expose() };
        let response = self
            .http
            .post(format!("{}/api/v1/auth/login", self.base))
            .header("Content-Language", "en")
            .json(&body)
            .send()
            .await
            .map_err(|e| self.transport(e))?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(SourceError::Credentials(format!(
                "WinPower answered {status} to the login of user '{}'",
                self.username
            )));
        }
        if !status.is_success() {
            return Err(SourceError::Protocol(format!("login answered {status}")));
        }
        let answer: LoginAnswer = response.json().await.map_err(|e| self.transport(e))?;
        match answer.data {
            Some(data) if answer.code == OK_CODE && !data.token.is_empty() => {
                self.logins += 1;
                self.session =
                    Some(Session { token: data.token, expires_at: now + Duration::seconds(TOKEN_LIFETIME_SECS) });
                Ok(())
            }
            _ => Err(SourceError::Credentials(format!(
                "WinPower refused the login of user '{}': code {} {}",
                self.username, answer.code, answer.message
            ))),
        }
    }

    async fn page(&self, page: u32) -> Result<Option<DevicePage>, SourceError> {
        let token = self.session.as_ref().map(|s| s.token.as_str()).unwrap_or_default();
        let response = self
            .http
            .get(format!("{}/api/v1/deviceData/detail/list", self.base))
            .query(&[("current", page), ("pageNum", page), ("pageSize", PAGE_SIZE), ("deviceType", 1)])
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| self.transport(e))?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(SourceError::Protocol(format!("device list answered {status}")));
        }
        let page: DevicePage = response.json().await.map_err(|e| self.transport(e))?;
        if page.code != OK_CODE {
            return Err(SourceError::Protocol(format!("device list answered code {} {}", page.code, page.msg)));
        }
        Ok(Some(page))
    }

    /// Every page of the device list; `None` when the token was refused.
    async fn all_pages(&self) -> Result<Option<Vec<DeviceEntry>>, SourceError> {
        let mut entries = Vec::new();
        for n in 1..=MAX_PAGES {
            let Some(page) = self.page(n).await? else { return Ok(None) };
            let empty = page.data.is_empty();
            entries.extend(page.data);
            if empty || entries.len() as u64 >= page.total {
                break;
            }
        }
        Ok(Some(entries))
    }
}

#[async_trait]
impl PullSource for WinPowerClient {
    async fn login(&mut self, now: DateTime<Utc>) -> Result<(), SourceError> {
        let fresh =
            self.session.as_ref().is_some_and(|s| now + Duration::seconds(TOKEN_RENEW_MARGIN_SECS) < s.expires_at);
        if fresh {
            return Ok(());
        }
        self.open_session(now).await
    }

    async fn list_devices(&mut self, now: DateTime<Utc>) -> Result<Vec<SourceDevice>, SourceError> {
        self.login(now).await?;
        let entries = match self.all_pages().await? {
            Some(entries) => entries,
            // The server ended the session before its documented hour: one new login.
            None => {
                self.open_session(now).await?;
                self.all_pages()
                    .await?
                    .ok_or_else(|| SourceError::Credentials("WinPower refused a token it has just issued".into()))?
            }
        };
        self.last_list.clear();
        let mut devices = Vec::with_capacity(entries.len());
        for entry in entries {
            let reference = entry.reference();
            if self.last_list.contains_key(&reference) {
                continue; // a second device under the same name cannot be told apart
            }
            devices.push(SourceDevice {
                reference: reference.clone(),
                source_id: entry.asset_device.id.clone(),
                model: entry.asset_device.model.clone(),
                connected: entry.connected,
            });
            self.last_list.insert(reference, entry);
        }
        Ok(devices)
    }

    async fn read_device(&mut self, device: &SourceDevice, _now: DateTime<Utc>) -> Result<Vec<Reading>, SourceError> {
        Ok(self.last_list.get(&device.reference).map(DeviceEntry::readings).unwrap_or_default())
    }
}

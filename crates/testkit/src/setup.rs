//! Configuring what a scenario needs through the API: tariffs and their assignment, webhook
//! channels, alarm rules and strategies. Each asserts the API accepted it.

use crate::app::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

impl TestApp {
    /// Creates a tariff from its JSON definition (see docs/settlement.md); returns its id.
    pub async fn create_tariff(&self, admin: &str, tariff: Value) -> String {
        let b = self.call_expecting(Method::POST, "/api/v1/tariffs", admin, tariff, StatusCode::CREATED).await;
        b["id"].as_str().unwrap().to_owned()
    }

    /// Assigns `tariff` to `station` from local date `from` (`YYYY-MM-DD`); returns the answer.
    pub async fn assign_tariff(&self, admin: &str, station: &str, tariff: &str, from: &str) -> Value {
        let path = format!("/api/v1/stations/{station}/tariff");
        let body = json!({"tariff_id": tariff, "effective_from": from});
        self.call_expecting(Method::PUT, &path, admin, body, StatusCode::OK).await
    }

    /// Creates a webhook notification channel to `url`; returns its id and signing secret.
    pub async fn webhook_channel(&self, admin: &str, url: &str) -> (String, String) {
        let body = json!({"name": "ops hook", "kind": "webhook", "config": {"url": url}});
        let b =
            self.call_expecting(Method::POST, "/api/v1/notification-channels", admin, body, StatusCode::CREATED).await;
        (b["id"].as_str().unwrap().to_owned(), b["config"]["secret"].as_str().unwrap().to_owned())
    }

    /// Creates an alarm rule from its JSON definition (see docs/alarms.md); returns it.
    pub async fn alarm_rule(&self, admin: &str, rule: Value) -> Value {
        self.call_expecting(Method::POST, "/api/v1/alarm-rules", admin, rule, StatusCode::CREATED).await
    }

    /// Creates a strategy from its JSON definition (see docs/strategies.md); returns it.
    pub async fn create_strategy(&self, token: &str, strategy: Value) -> Value {
        self.call_expecting(Method::POST, "/api/v1/strategies", token, strategy, StatusCode::CREATED).await
    }
}

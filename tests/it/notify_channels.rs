//! Email through an in-process SMTP sink, and DingTalk / WeCom robot bodies through a local
//! HTTP receiver, each carrying the rendered rule template.

use crate::alarm_support::*;
use crate::ingest_support::provisioned;
use axum::http::{Method, StatusCode};
use mgc_tests::all_databases;
use serde_json::json;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A tiny SMTP server: accepts every message and keeps its DATA.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let store = mails.clone();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = conn.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            w.write_all(b"354 go on\r\n").await.unwrap();
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push('\n');
                            }
                            store.lock().unwrap().push(data);
                            b"250 queued\r\n"
                        }
                        "QUIT" => {
                            w.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, mails)
}

#[tokio::test]
async fn alarm_email_arrives_at_the_smtp_sink_with_the_rendered_template() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let (port, mails) = smtp_sink().await;
        let (s, ch) = app
            .call(Method::POST, "/api/v1/notification-channels", Some(&admin), Some(json!({"name": "ops mail", "kind": "email",
                "config": {"host": "127.0.0.1", "port": port, "tls": "none", "from": "alarms@mgc.example", "to": ["ops@mgc.example", "boss@mgc.example"]}})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{ch}");
        rule(&app, &admin, power_rule(ch["id"].as_str().unwrap())).await;
        post_power(&app, &ing, 90.0).await;
        dispatch_all(&dispatcher(&app)).await;
        assert_eq!(worker(&app, worker_config()).run_once().await.unwrap().delivered, 1, "{}", db.backend);
        let mails = mails.lock().unwrap().clone();
        assert_eq!(mails.len(), 1, "{}", db.backend);
        let mail = &mails[0];
        assert!(mail.contains("Subject: [MAJOR] meter overload: raised"), "{mail}");
        assert!(mail.contains("meter-1 at Shenzhen PV + storage: 90000 W (> 80000)"), "{mail}");
        assert!(mail.contains("To: ops@mgc.example, boss@mgc.example"), "{mail}");
    }
}

#[tokio::test]
async fn dingtalk_and_wecom_robots_get_their_markdown_bodies() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let (ding, wecom) = (Receiver::start().await, Receiver::start().await);
        let mut ids = Vec::new();
        for (kind, url) in [("dingtalk", &ding.url), ("wecom", &wecom.url)] {
            let config =
                if kind == "dingtalk" { json!({"url": url, "secret": "SECtest"}) } else { json!({"url": url}) };
            let (s, b) = app
                .call(
                    Method::POST,
                    "/api/v1/notification-channels",
                    Some(&admin),
                    Some(json!({"name": kind, "kind": kind, "config": config})),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
            assert_eq!(b["config"]["secret"].as_str().unwrap_or("SECtest"), "SECtest");
            ids.push(b["id"].clone());
        }
        let mut body = power_rule(ids[0].as_str().unwrap());
        body["channels"] = json!(ids);
        rule(&app, &admin, body).await;
        post_power(&app, &ing, 90.0).await;
        dispatch_all(&dispatcher(&app)).await;
        assert_eq!(worker(&app, worker_config()).run_once().await.unwrap().delivered, 2, "{}", db.backend);
        let d = ding.accepted()[0].json();
        assert_eq!(d["msgtype"], "markdown");
        assert!(d["markdown"]["text"].as_str().unwrap().contains("meter-1 at Shenzhen PV + storage: 90000 W"));
        let w = wecom.accepted()[0].json();
        assert_eq!(w["msgtype"], "markdown");
        assert!(w["markdown"]["content"].as_str().unwrap().contains("[MAJOR] meter overload"));
    }
}

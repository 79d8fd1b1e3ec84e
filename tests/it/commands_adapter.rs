//! The ThingsBoard RPC adapter against the fake server, through the router and real stores:
//! every documented answer, re-login on 401, token refresh, retries until the deadline.

use crate::commands_support::{adapters_for, env, states, TB_PV};
use crate::support::t0;
use mgc_tests::all_databases;
use mgc_tests::fake_thingsboard::Answer;
use serde_json::json;

#[tokio::test]
async fn each_thingsboard_answer_gives_its_final_state_and_reason() {
    for db in all_databases().await {
        let e = env(&db).await;
        let cases: Vec<(&str, Answer, &str, Vec<&str>, &str)> = vec![
            (
                "setPower",
                Answer::Json(json!({"accepted": 5000})),
                "succeeded",
                vec!["pending", "sent", "succeeded"],
                "device replied",
            ),
            ("setPower", Answer::Empty, "succeeded", vec!["pending", "sent", "succeeded"], "without a body"),
            ("reboot", Answer::Empty, "succeeded", vec!["pending", "sent", "delivered", "succeeded"], "one-way"),
            ("setPower", Answer::Status(406, String::new()), "failed", vec!["pending", "sent", "failed"], "406"),
            (
                "setPower",
                Answer::Status(504, String::new()),
                "timed_out",
                vec!["pending", "sent", "timed_out"],
                "offline",
            ),
            (
                "setPower",
                Answer::Status(400, "params.w must be a number".into()),
                "failed",
                vec!["pending", "sent", "failed"],
                "params.w must be a number",
            ),
            (
                "setPower",
                Answer::Status(413, "payload too large".into()),
                "failed",
                vec!["pending", "sent", "failed"],
                "413",
            ),
        ];
        for (method, answer, state, path, reason) in cases {
            e.fake.script(TB_PV, [answer.clone()]);
            let id = e.issue_ok(method, 30).await;
            let report = e.round().await;
            assert_eq!(report.claimed, 1, "{}: {answer:?}", db.backend);
            let c = e.get(&id).await;
            assert_eq!(c["state"], state, "{}: {answer:?} → {c}", db.backend);
            assert_eq!(states(&c), path, "{answer:?}");
            assert!(c["reason"].as_str().unwrap().contains(reason), "{answer:?}: {}", c["reason"]);
            if let Answer::Json(v) = &answer {
                assert_eq!(&c["response"], v);
            } else {
                assert!(c["response"].is_null());
            }
        }
        let oneway = e.fake.requests_to("/api/rpc/oneway/");
        assert_eq!(oneway.len(), 1, "reboot goes one-way");
        assert_eq!(e.fake.logins(), 1, "one login for all calls");
    }
}

#[tokio::test]
async fn unauthorized_rpc_logs_in_again_once_then_succeeds_or_fails() {
    for db in all_databases().await {
        let e = env(&db).await;
        e.fake.script(TB_PV, [Answer::Unauthorized, Answer::Json(json!({"v": 1}))]);
        let id = e.issue_ok("setPower", 30).await;
        e.round().await;
        let c = e.get(&id).await;
        assert_eq!(c["state"], "succeeded", "{}: {c}", db.backend);
        assert_eq!(e.fake.logins(), 2, "re-login seen by ThingsBoard");
        let rpcs = e.fake.requests_to("/api/rpc/");
        assert_eq!(rpcs.len(), 2);
        assert_ne!(rpcs[0].headers["x-authorization"], rpcs[1].headers["x-authorization"], "new token used");

        // 401 twice: failed, never sent.
        e.fake.script(TB_PV, [Answer::Unauthorized, Answer::Unauthorized]);
        let id = e.issue_ok("setPower", 30).await;
        e.round().await;
        let c = e.get(&id).await;
        assert_eq!(c["state"], "failed");
        assert_eq!(states(&c), ["pending", "failed"]);
        assert!(c["reason"].as_str().unwrap().contains("401"));
    }
}

#[tokio::test]
async fn token_is_refreshed_before_expiry_without_a_new_login() {
    for db in all_databases().await {
        let e = env(&db).await;
        e.fake.set_token_exp((t0() + chrono::Duration::minutes(10)).timestamp());
        let first = e.issue_ok("setPower", 30).await;
        e.round().await;
        assert_eq!(e.get(&first).await["state"], "succeeded");
        e.advance(9 * 60 + 30); // 30 s before expiry: inside the refresh margin
        let second = e.issue_ok("setPower", 30).await;
        e.round().await;
        assert_eq!(e.get(&second).await["state"], "succeeded", "{}", db.backend);
        assert_eq!((e.fake.logins(), e.fake.refreshes()), (1, 1));
        assert_eq!(e.fake.requests_to("/api/auth/token")[0].body["refreshToken"], "refresh-1");
    }
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_then_succeed() {
    for db in all_databases().await {
        let e = env(&db).await;
        e.fake.script(
            TB_PV,
            [Answer::Status(500, "boom".into()), Answer::Status(503, String::new()), Answer::Json(json!({"ok": 1}))],
        );
        let id = e.issue_ok("setPower", 300).await;
        assert_eq!(e.round().await.retried, 1);
        let c = e.get(&id).await;
        assert_eq!((c["state"].as_str(), c["attempts"].as_u64()), (Some("pending"), Some(1)), "{c}");
        assert!(c["last_error"].as_str().unwrap().contains("500"));
        // Not due before its backoff.
        assert_eq!(e.round().await.claimed, 0, "{}", db.backend);
        e.advance(31);
        assert_eq!(e.round().await.retried, 1);
        e.advance(31);
        e.round().await;
        let c = e.get(&id).await;
        assert_eq!(c["state"], "succeeded", "{c}");
        assert_eq!(c["attempts"], 2);
        assert_eq!(e.fake.requests_to("/api/rpc/").len(), 3);
    }
}

#[tokio::test]
async fn unreachable_thingsboard_is_retried_until_the_deadline_then_timed_out() {
    for db in all_databases().await {
        let e = env(&db).await;
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}", l.local_addr().unwrap())
        };
        let dead = adapters_for(&closed, &e.app);
        let id = e.issue_ok("setPower", 60).await;
        let mut attempts = 0;
        // Rounds at 0, 20 and 40 s; the deadline is at 60 s.
        for _ in 0..3 {
            attempts += e.round_with(&dead).await.retried;
            assert_eq!(e.scan().await.timed_out, 0, "not before the deadline");
            e.advance(20);
        }
        assert_eq!(attempts, 3, "{}: every due round tried again", db.backend);
        assert_eq!(e.round_with(&dead).await.claimed, 0, "not sent past its deadline");
        let c = e.get(&id).await;
        assert_eq!(c["state"], "pending");
        assert_eq!(c["attempts"].as_u64().unwrap() as usize, attempts);
        assert!(c["last_error"].as_str().unwrap().contains("cannot reach ThingsBoard"), "{c}");
        assert_eq!(e.scan().await.timed_out, 1);
        let c = e.get(&id).await;
        assert_eq!(c["state"], "timed_out", "{c}");
        assert_eq!(states(&c), ["pending", "timed_out"]);
        assert!(c["reason"].as_str().unwrap().contains("failed attempts"));
    }
}

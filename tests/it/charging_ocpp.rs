//! OCPP frames through the CSMS dispatch onto the real store, both backends: what each kind of
//! bad or refused frame is answered with.

use crate::charging_store::{at, booted, cp};
use crate::support::{store, tenant};
use mgc_adapter_ocpp::csms::{answer, Caller};
use mgc_charging::ChargingSettings;
use mgc_tests::all_databases;
use serde_json::Value;

fn caller(identity: &str) -> Caller {
    Caller { tenant: tenant("acme"), identity: cp(identity) }
}

/// `(message type, id, error code)` of an answer frame.
fn head(reply: &str) -> (i64, String, String) {
    let v: Value = serde_json::from_str(reply).unwrap();
    (v[0].as_i64().unwrap(), v[1].as_str().unwrap().to_owned(), v[2].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn given_frames_of_every_kind_when_answered_then_callresult_callerror_or_nothing_on_both_backends() {
    for db in all_databases().await {
        let s = store(&db).await;
        booted(&s, &tenant("acme"), "CP1").await;
        let settings = ChargingSettings::default();
        let reply = |who: &'static str, text: &'static str| {
            let s = s.clone();
            let settings = settings.clone();
            async move { answer(&s, &settings, &caller(who), text, at(10)).await }
        };
        assert_eq!(reply("CP1", "not json").await, None, "no readable id, nothing to answer");
        assert_eq!(reply("CP1", r#"[3,"x",{}]"#).await, None, "an answer to no call of ours");
        let ok = reply("CP1", r#"[2,"1","Heartbeat",{}]"#).await.unwrap();
        assert_eq!(head(&ok).0, 3, "{} {ok}", db.backend);
        let cases = [
            ("CP1", r#"[2,"2","Reset",{"type":"Hard"}]"#, "NotImplemented"),
            ("CP1", r#"[5,"3","Heartbeat",{}]"#, "ProtocolError"),
            ("CP1", r#"[2,"4","Heartbeat",{"extra":1}]"#, "FormationViolation"),
            ("CP1", r#"[2,"5","Authorize",{"idTag":"123456789012345678901"}]"#, "TypeConstraintViolation"),
            (
                "CP1",
                r#"[2,"6","StartTransaction",{"connectorId":0,"idTag":"T","meterStart":0,"timestamp":"2026-03-01T12:00:00Z"}]"#,
                "PropertyConstraintViolation",
            ),
            ("NOBODY", r#"[2,"7","Heartbeat",{}]"#, "SecurityError"),
        ];
        for (who, text, code) in cases {
            let (kind, _, got) = head(&reply(who, text).await.unwrap());
            assert_eq!((kind, got.as_str()), (4, code), "{text} on {}", db.backend);
        }
    }
}

//! DataTransfer, diagnostics and firmware status reports.

use super::*;
use crate::{device_report, DataTransferDecision, DeviceReport, MAX_REPORT_DATA_CHARS};

fn transfer(vendor: &str, data: Option<String>) -> DeviceReport {
    DeviceReport::DataTransfer { vendor_id: vendor.into(), message_id: Some("m".into()), data }
}

#[tokio::test]
async fn given_vendor_list_when_data_transfers_arrive_then_answered_by_vendor_and_all_kept_bounded() {
    let mut w = World::new();
    w.settings.data_transfer_vendors = vec!["com.acme".into()];
    w.booted().await;
    let long = "x".repeat(MAX_REPORT_DATA_CHARS + 10);
    let (t, id) = (tenant(), cp1());
    let known = device_report(w.store.tx(), &t, &id, transfer("COM.ACME", None), &w.settings, at(1)).await;
    assert_eq!(known.unwrap(), Some(DataTransferDecision::Accepted));
    let other = device_report(w.store.tx(), &t, &id, transfer("com.other", Some(long)), &w.settings, at(2)).await;
    assert_eq!(other.unwrap(), Some(DataTransferDecision::UnknownVendorId));
    let state = w.store.state.lock().unwrap().clone();
    assert_eq!(state.reports.len(), 2);
    assert!(state.reports[1].data_truncated);
    let DeviceReport::DataTransfer { data: Some(kept), .. } = &state.reports[1].report else { panic!("not kept") };
    assert_eq!(kept.len(), MAX_REPORT_DATA_CHARS);
}

#[tokio::test]
async fn given_status_notifications_when_recorded_then_latest_is_on_the_charge_point_with_its_time() {
    let w = World::new();
    w.booted().await;
    for (report, when) in [
        (DeviceReport::FirmwareStatus("Downloading".into()), 1),
        (DeviceReport::FirmwareStatus("Installed".into()), 5),
        (DeviceReport::DiagnosticsStatus("Uploaded".into()), 7),
    ] {
        let answer = device_report(w.store.tx(), &tenant(), &cp1(), report, &w.settings, at(when)).await;
        assert_eq!(answer.unwrap(), None);
    }
    let cp = w.store.charge_point("CP-001");
    assert_eq!(cp.firmware.map(|f| (f.status, f.at)), Some(("Installed".to_owned(), at(5))));
    assert_eq!(cp.diagnostics.map(|d| (d.status, d.at)), Some(("Uploaded".to_owned(), at(7))));
    assert_eq!(w.store.state.lock().unwrap().reports.len(), 3);
}

#[tokio::test]
async fn given_unknown_charge_point_when_it_reports_then_refused_and_nothing_kept() {
    let w = World::new();
    let refused = device_report(w.store.tx(), &tenant(), &cp1(), transfer("v", None), &w.settings, at(1)).await;
    assert_eq!(refused.map_err(|e| e.code()), Err("unknown_charge_point"));
    assert!(w.store.state.lock().unwrap().reports.is_empty());
}

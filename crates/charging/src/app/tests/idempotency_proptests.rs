//! Property tests: any number of re-sent starts and stops yields one session, one start event
//! and one end event, with non-negative energy.

use super::*;
use mgc_contracts::{ChargingSessionEnded, ChargingSessionStarted};
use proptest::prelude::*;

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn resent_starts_and_stops_create_one_session_and_one_end(
        meter_start in 0i64..1_000_000,
        meter_stop in 0i64..2_000_000,
        starts in 1usize..4,
        stops in 1usize..4,
    ) {
        let (sessions, started, ended, energy) = run(async {
            let w = World::new();
            w.booted().await;
            let mut ids = Vec::new();
            for _ in 0..starts {
                ids.push(w.start(1, meter_start, 10).await.transaction_id);
            }
            ids.dedup();
            assert_eq!(ids.len(), 1);
            for _ in 0..stops {
                w.stop(ids[0], meter_stop, 500).await;
            }
            let ended = w.store.events::<ChargingSessionEnded>();
            (w.store.snapshot().sessions.len(), w.store.events::<ChargingSessionStarted>().len(), ended.len(), ended[0].energy_wh)
        });
        prop_assert_eq!((sessions, started, ended), (1, 1, 1));
        prop_assert_eq!(energy, Wh((meter_stop - meter_start).max(0)));
    }
}

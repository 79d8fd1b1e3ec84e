//! Property tests of the session state machine: energy never negative, end states terminal,
//! a repeated stop changes nothing.

use crate::domain::session::Stopped;
use crate::domain::session_tests::{session_with, stop_at, t0};
use crate::{AuthorizationStatus, MeterSample, SessionState, StopReason};
use mgc_kernel::Wh;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Move(usize),
    Samples(Vec<i64>),
    Stop(i64, i64),
    Close,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..SessionState::ALL.len()).prop_map(Op::Move),
        prop::collection::vec(-1_000_000i64..1_000_000, 0..4).prop_map(Op::Samples),
        (-1_000_000i64..1_000_000, -100_000i64..100_000).prop_map(|(m, s)| Op::Stop(m, s)),
        Just(Op::Close),
    ]
}

fn sample(register: i64) -> MeterSample {
    MeterSample { at: t0(), energy_register: Some(Wh(register)), power_w: Some(register), soc_percent: None }
}

proptest! {
    #[test]
    fn any_operation_sequence_keeps_energy_non_negative_and_end_states_terminal(
        start in -1_000_000i64..1_000_000,
        accepted in any::<bool>(),
        ops in prop::collection::vec(op(), 0..24),
    ) {
        let auth = if accepted { AuthorizationStatus::Accepted } else { AuthorizationStatus::Invalid };
        let mut s = session_with(auth, start);
        let mut ended: Option<(SessionState, Option<Wh>)> = None;
        for op in ops {
            let before = s.state;
            let result = match op {
                Op::Move(i) => s.transition(SessionState::ALL[i], "prop", t0()).map(|_| ()),
                Op::Samples(regs) => {
                    let samples: Vec<_> = regs.into_iter().map(sample).collect();
                    s.record_samples(&samples, t0()).map(|_| ())
                }
                Op::Stop(m, secs) => s.stop(&stop_at(m, secs), t0()).map(|_| ()),
                Op::Close => s.close(StopReason::ClosedAtBoot, "prop", t0()).map(|_| ()),
            };
            if result.is_err() {
                prop_assert_eq!(s.state, before);
            }
            prop_assert!(s.energy() >= Wh(0));
            prop_assert!(s.duration_s().unwrap_or(0) >= 0);
            if let Some((state, meter_stop)) = ended {
                prop_assert_eq!(s.state, state);
                prop_assert_eq!(s.meter_stop, meter_stop);
            } else if s.state.is_terminal() {
                ended = Some((s.state, s.meter_stop));
            }
        }
    }

    #[test]
    fn a_stop_sent_twice_ends_once_and_repeats_without_change(
        start in 0i64..1_000_000,
        stop in 0i64..2_000_000,
        secs in 0i64..100_000,
    ) {
        let mut s = session_with(AuthorizationStatus::Accepted, start);
        let first = s.stop(&stop_at(stop, secs), t0()).unwrap();
        prop_assert!(matches!(first, Stopped::Ended(_)));
        let after_first = s.clone();
        prop_assert_eq!(s.stop(&stop_at(stop, secs), t0()).unwrap(), Stopped::Repeated);
        prop_assert_eq!(&s, &after_first);
        prop_assert_eq!(s.energy(), Wh((stop - start).max(0)));
    }
}

//! The states of a charging session and the legal moves between them.

use crate::domain::named::named_enum;

named_enum! {
    /// Where a charging session is in its life.
    pub enum SessionState {
        /// StartTransaction received; no energy reported yet.
        Starting => "starting",
        /// Energy flows.
        Charging => "charging",
        /// The vehicle does not take energy.
        SuspendedEv => "suspended_ev",
        /// The charge point holds energy back.
        SuspendedEvse => "suspended_evse",
        /// Stopped at the connector; StopTransaction not yet received.
        Finishing => "finishing",
        /// Stopped with a StopTransaction; energy is final.
        Completed => "completed",
        /// Ended without a proper stop (tag refused, closed at a reboot, superseded by a new transaction).
        Failed => "failed",
    }
}

impl SessionState {
    /// True for the end states (nothing moves a session out of them).
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }

    /// Whether `self → to` is a legal transition: forward through the running states, between
    /// charging and the two suspended states both ways, and from any running state to an end state.
    pub fn may_become(self, to: SessionState) -> bool {
        use SessionState::*;
        match self {
            Starting => matches!(to, Charging | SuspendedEv | SuspendedEvse | Finishing | Completed | Failed),
            Charging => matches!(to, SuspendedEv | SuspendedEvse | Finishing | Completed | Failed),
            SuspendedEv => matches!(to, Charging | SuspendedEvse | Finishing | Completed | Failed),
            SuspendedEvse => matches!(to, Charging | SuspendedEv | Finishing | Completed | Failed),
            Finishing => matches!(to, Completed | Failed),
            Completed | Failed => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SessionState::{self, *};

    #[test]
    fn given_end_states_then_terminal_and_nothing_leaves_them() {
        for end in [Completed, Failed] {
            assert!(end.is_terminal());
            assert!(SessionState::ALL.iter().all(|to| !end.may_become(*to)));
        }
    }

    #[test]
    fn given_running_states_then_each_may_end_and_none_goes_back_to_starting() {
        for s in SessionState::ALL.iter().filter(|s| !s.is_terminal()) {
            assert!(s.may_become(Completed) && s.may_become(Failed), "{s}");
            assert!(!s.may_become(Starting), "{s}");
            assert!(!s.may_become(*s), "{s}");
        }
        assert!(!Finishing.may_become(Charging));
        assert!(SuspendedEv.may_become(Charging));
    }
}

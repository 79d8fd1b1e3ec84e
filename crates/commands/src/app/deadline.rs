//! The deadline scanner: live commands past their deadline become `expired` (never attempted)
//! or `timed_out` (attempted, interrupted while being sent, sent or delivered).

use crate::app::record;
use crate::domain::ports::{CommandRepository, CommandUnits};
use crate::CommandSettings;
use mgc_eventing::UnitOfWork;
use mgc_kernel::{RepoError, SharedClock};

/// What one scan did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Commands moved to `expired`.
    pub expired: usize,
    /// Commands moved to `timed_out`.
    pub timed_out: usize,
}

/// Moves up to `limit` overdue commands to their final state, one unit of work each. A command
/// being sent is left to its dispatcher until `settings.lease_margin` after its deadline (the
/// RPC timeout ends at the deadline); later its dispatcher is taken for dead.
pub async fn scan_deadlines<U: CommandUnits>(
    units: &U,
    clock: &SharedClock,
    settings: &CommandSettings,
    limit: u32,
) -> Result<ScanReport, RepoError> {
    let now = clock.now();
    let margin = chrono::Duration::from_std(settings.lease_margin).unwrap_or(chrono::Duration::seconds(30));
    let stuck_before = now - margin;
    let mut report = ScanReport::default();
    for (tenant, id) in units.overdue_commands(now, stuck_before, limit).await? {
        let mut tx = units.begin_command_tx().await?;
        let Some(mut command) = tx.command(&tenant, id).await? else { continue };
        let abandoned = command.deadline < stuck_before;
        if command.state.is_terminal() || command.deadline > now || (command.is_being_sent(now) && !abandoned) {
            continue;
        }
        let expected = command.state;
        let t = match command.on_deadline(now) {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(command_id = %id, error = %e, "deadline not applicable");
                continue;
            }
        };
        let new = [t];
        match record::save(&mut tx, &command, expected, &new).await {
            Ok(()) => {}
            Err(RepoError::Conflict(_)) => continue,
            Err(e) => return Err(e),
        }
        tx.commit().await?;
        record::count_transitions(&new);
        match command.state {
            crate::CommandState::Expired => report.expired += 1,
            _ => report.timed_out += 1,
        }
    }
    Ok(report)
}

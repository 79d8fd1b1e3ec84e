//! Which strategy a shadow run replays: parameters given inline, or a saved strategy of the
//! run's own station whose current version is pinned into the run.

use crate::app::shadow_run::ShadowError;
use crate::domain::shadow::run::SavedStrategyRef;
use crate::{StrategyId, StrategyParams, StrategyQueries};
use mgc_kernel::{Scope, StationId};

/// The strategy asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum StrategyChoice {
    /// Parameters given with the run.
    Inline(StrategyParams),
    /// A saved strategy.
    Saved(StrategyId),
}

/// Resolves `choice` for a run of `station` seen through `scope`: a saved strategy must be
/// visible and belong to that station; its parameters and version are what the run keeps.
pub async fn resolve_strategy<Q: StrategyQueries>(
    queries: &Q,
    scope: &Scope,
    station: StationId,
    choice: StrategyChoice,
) -> Result<(StrategyParams, Option<SavedStrategyRef>), ShadowError> {
    let id = match choice {
        StrategyChoice::Inline(params) => return Ok((params, None)),
        StrategyChoice::Saved(id) => id,
    };
    let saved = queries
        .get_strategy(scope, id)
        .await?
        .ok_or_else(|| ShadowError::Invalid(format!("strategy.id: no strategy {id}")))?;
    if saved.station_id != station {
        return Err(ShadowError::Invalid(format!(
            "strategy.id: strategy {id} belongs to station {}, not {station}",
            saved.station_id
        )));
    }
    Ok((saved.params, Some(SavedStrategyRef { id: saved.id.as_uuid(), version: saved.version })))
}

//! Group commit: concurrent ingest requests are gathered for a few milliseconds into one
//! transaction; each is answered only after that transaction committed.
//!
//! A replayed signature rejects only its own request. When a group's transaction fails, each
//! of its requests is retried alone, so one request can never fail the others.

use super::units::IngestUnits;
use super::IngestConfig;
use mgc_eventing::UnitOfWork;
use mgc_iam::IntegrationRepository;
use mgc_kernel::{IntegrationId, RepoError};
use mgc_telemetry::{record_batches, BatchInput, BatchReport};
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio::time::Instant;

/// One request's batch with the signature that must not have been seen before.
#[derive(Debug, Clone)]
pub struct IngestJob {
    /// Integration that authenticated the request.
    pub integration: IntegrationId,
    /// Its signature (signed mode) for the replay log.
    pub signature: Option<String>,
    /// The routed batch.
    pub batch: BatchInput,
}

/// Why a job was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// The signature was seen before.
    #[error("this signature was already used")]
    Replayed,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] RepoError),
    /// The committer is not running (shutting down).
    #[error("ingest is shutting down")]
    Unavailable,
}

type Reply = oneshot::Sender<Result<BatchReport, CommitError>>;

/// Handle to the committer workers.
pub struct GroupCommitter {
    queue: mpsc::Sender<(IngestJob, Reply)>,
}

impl GroupCommitter {
    /// Starts `config.group_commit_workers` workers (one where the database has a single writer);
    /// they stop when the last handle is dropped.
    pub fn start<U: IngestUnits>(units: U, config: &IngestConfig) -> Self {
        let (queue, rx) = mpsc::channel(4096);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..config.group_commit_workers.max(1) {
            tokio::spawn(worker(units.clone(), rx.clone(), config.clone()));
        }
        Self { queue }
    }

    /// Records `job` durably; returns after the commit that holds it.
    pub async fn submit(&self, job: IngestJob) -> Result<BatchReport, CommitError> {
        let (reply, answer) = oneshot::channel();
        self.queue.send((job, reply)).await.map_err(|_| CommitError::Unavailable)?;
        answer.await.map_err(|_| CommitError::Unavailable)?
    }
}

async fn worker<U: IngestUnits>(units: U, rx: Arc<Mutex<mpsc::Receiver<(IngestJob, Reply)>>>, config: IngestConfig) {
    loop {
        let group = {
            let mut rx = rx.lock().await;
            let Some(first) = rx.recv().await else { return };
            gather(&mut rx, first, &config).await
        };
        metrics::histogram!("mgc_ingest_group_size").record(group.len() as f64);
        commit_group(&units, group).await;
    }
}

/// Takes what is queued, and waits up to the linger time for more, up to the point limit.
async fn gather(
    rx: &mut mpsc::Receiver<(IngestJob, Reply)>,
    first: (IngestJob, Reply),
    config: &IngestConfig,
) -> Vec<(IngestJob, Reply)> {
    let deadline = Instant::now() + config.group_commit_linger;
    let mut points = first.0.batch.points.len();
    let mut group = vec![first];
    while points < config.group_commit_max_points {
        let next = match rx.try_recv() {
            Ok(job) => Some(job),
            Err(mpsc::error::TryRecvError::Empty) if !config.group_commit_linger.is_zero() => {
                tokio::time::timeout_at(deadline, rx.recv()).await.ok().flatten()
            }
            Err(_) => None,
        };
        let Some(job) = next else { break };
        points += job.0.batch.points.len();
        group.push(job);
    }
    group
}

async fn commit_group<U: IngestUnits>(units: &U, group: Vec<(IngestJob, Reply)>) {
    // A request that gave up (deadline, client gone) was answered with an error: not recording
    // it keeps "not acknowledged" and "not stored" together where that is still possible.
    let (jobs, replies): (Vec<IngestJob>, Vec<Reply>) =
        group.into_iter().filter(|(_, reply)| !reply.is_closed()).unzip();
    if jobs.is_empty() {
        return;
    }
    match try_commit(units, &jobs).await {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                let _ = reply.send(outcome);
            }
        }
        // Storage cannot take any of them now: retrying one by one would only wait longer.
        Err(e) if jobs.len() == 1 || matches!(e, RepoError::Unavailable(_)) => {
            for reply in replies {
                let _ = reply.send(Err(CommitError::Store(e.clone())));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, jobs = jobs.len(), "group commit failed; committing its requests one by one");
            for (job, reply) in jobs.into_iter().zip(replies) {
                let outcome = match try_commit(units, std::slice::from_ref(&job)).await {
                    Ok(mut o) => o.pop().unwrap_or(Err(CommitError::Unavailable)),
                    Err(e) => Err(CommitError::Store(e)),
                };
                let _ = reply.send(outcome);
            }
        }
    }
}

/// One transaction over `jobs`: replay log, then the batches whose signature is new.
async fn try_commit<U: IngestUnits>(
    units: &U,
    jobs: &[IngestJob],
) -> Result<Vec<Result<BatchReport, CommitError>>, RepoError> {
    let mut uow = units.begin().await?;
    let now = jobs.iter().map(|j| j.batch.received_at).max().unwrap_or_else(chrono::Utc::now);
    // The same signature twice in one group: the later one is the replay.
    let mut seen = HashSet::new();
    let mut first_use = vec![false; jobs.len()];
    let mut entries = Vec::new();
    for (i, j) in jobs.iter().enumerate() {
        match &j.signature {
            Some(s) if seen.insert((j.integration, s.as_str())) => {
                first_use[i] = true;
                entries.push((j.integration, s.as_str()));
            }
            Some(_) => {}
            None => first_use[i] = true,
        }
    }
    let fresh = uow.remember_signatures(&entries, now).await?;
    let mut fresh = fresh.into_iter();
    let accepted: Vec<bool> = jobs
        .iter()
        .zip(&first_use)
        .map(|(j, &first)| first && (j.signature.is_none() || fresh.next().unwrap_or(false)))
        .collect();
    let batches: Vec<&BatchInput> = jobs.iter().zip(&accepted).filter(|(_, &ok)| ok).map(|(j, _)| &j.batch).collect();
    let reports = record_batches(&mut uow, &batches).await?;
    uow.commit().await?;
    let mut reports = reports.into_iter();
    Ok(accepted
        .into_iter()
        .map(|ok| if ok { reports.next().ok_or(CommitError::Unavailable) } else { Err(CommitError::Replayed) })
        .collect())
}

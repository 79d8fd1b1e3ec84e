//! `mgc serve`: HTTP API plus the outbox dispatcher, with graceful shutdown.

use crate::config::Config;
use crate::secrets::jwt_keys;
use mgc_api::{ApiConfig, AppState};
use mgc_eventing::Dispatcher;
use mgc_kernel::{SharedClock, SystemClock};
use mgc_store::Store;
use std::sync::Arc;
use tokio::sync::watch;

/// Opens the store named by the config and applies migrations.
pub async fn open_store(config: &Config) -> Result<Store, String> {
    let url = config.database_url();
    let store = Store::connect(&url, &config.database.store_options()).await.map_err(|e| e.to_string())?;
    store.set_charging_timeline(config.charging.timeline_enabled);
    if !config.charging.timeline_enabled {
        tracing::warn!(
            "charging.timeline_enabled = false: the charging audit trail (timeline) is NOT recorded; \
             a benchmark and diagnostic switch, never for production"
        );
    }
    let status = store.migrate().await.map_err(|e| e.to_string())?;
    tracing::info!(backend = %store.backend(), url = %mgc_store::redact(&url), applied = ?status.applied, "database ready");
    crate::master_key::install(&store, config).await?;
    let tenant = config.bootstrap_tenant()?;
    if store.ensure_tenant(&tenant, "Bootstrap tenant", chrono::Utc::now()).await.map_err(|e| e.to_string())? {
        tracing::info!(tenant = %tenant, "bootstrap tenant created");
    }
    Ok(store)
}

/// Runs until SIGINT/SIGTERM: drains HTTP, then lets the dispatcher finish its batch.
pub async fn serve(mut config: Config) -> Result<(), String> {
    let clock: SharedClock = Arc::new(SystemClock);
    // Bound first: a port in use is reported before migrating or starting any task.
    let addr = config.listen_addr()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr} (setting `listen`, flag --listen, MGC_LISTEN): {e}"))?;
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("cannot create data dir {}: {e}", config.data_dir.display()))?;
    let store = open_store(&config).await?;
    crate::master_key::open_config_secrets(&mut config)?;
    let tenant = config.bootstrap_tenant()?;
    let keys = jwt_keys(&config)?;
    // OCPP connections are told to close as soon as shutdown is requested (upgraded connections
    // are not part of the HTTP drain), then drained with their own deadline.
    let (ocpp_stop_tx, ocpp_stop_rx) = watch::channel(false);
    let instance = config.instance_id();
    let commands_wakeup = Arc::new(tokio::sync::Notify::new());
    // The lease comes before any device connects: connections are recorded under it.
    let member =
        crate::cluster_tasks::join(&store, &clock, &config.cluster, &instance, commands_wakeup.clone()).await?;
    let directory = member.directory.clone();
    let mut ocpp = crate::charging_tasks::start(&store, &clock, &config.ocpp, directory, ocpp_stop_rx.clone()).await?;
    // One set of adapters: the dispatcher sends through it, the API checks commands with it.
    let ap3000 = crate::ap3000_tasks::start(
        &store,
        &clock,
        &config.ap3000,
        config.ocpp.to_settings().charging,
        &tenant,
        member.directory.clone(),
        ocpp_stop_rx.clone(),
    )
    .await?;
    let adapters = crate::command_tasks::adapters(
        &config.thingsboard,
        ocpp.as_ref().map(|o| o.connections()),
        ap3000.as_ref(),
        &store,
        &clock,
    )?;
    if let Some(path) = &keys.generated {
        crate::logging::notice(&format!(
            "first start: generated a JWT signing secret at {} (mode 0600).\n\
             get an admin token with: mgc token --tenant {tenant} --role admin{}",
            path.display(),
            if config.data_dir.as_os_str() == "data" {
                String::new()
            } else {
                format!(" --data-dir {}", config.data_dir.display())
            }
        ));
    }
    let tenants = Arc::new(mgc_iam::TenantGate::with_default_ttl(clock.clone()));
    let metrics = mgc_api::http_metrics::install_recorder();
    let collector_status = Arc::new(mgc_adapter_collector::CollectorStatus::default());
    mgc_api::metrics_catalogue::build_info(env!("CARGO_PKG_VERSION"), env!("MGC_REVISION"));
    let state = AppState {
        store: store.clone(),
        clock: clock.clone(),
        jwt: Arc::new(keys.verifier),
        metrics,
        config: Arc::new(ApiConfig {
            ready_max_outbox_lag_secs: config.outbox.ready_max_lag_secs,
            ready_timeout: std::time::Duration::from_millis(config.database.ready_timeout_ms),
            ready_max_write_failures: config.database.ready_max_write_failures,
            request_timeout: std::time::Duration::from_millis(config.database.request_timeout_ms),
            analytics: config.analytics(),
            commands: config.commands.to_settings(),
            metrics_token: Some(config.http.metrics_token.clone()).filter(|t| !t.is_empty()),
            stats_cache_bytes: config.analytics.stats_cache_bytes(),
        }),
        ingest: Arc::new(mgc_api::IngestService::start(
            store.clone(),
            clock.clone(),
            &config.ingest(store.backend() == mgc_store::Backend::Sqlite),
            tenants.clone(),
        )),
        tenants,
        jobs_wakeup: Arc::new(tokio::sync::Notify::new()),
        shadow_wakeup: Arc::new(tokio::sync::Notify::new()),
        commands_wakeup: commands_wakeup.clone(),
        adapters: Arc::new(adapters.clone()),
        collector: collector_status.clone(),
        refusal_audit: Arc::default(),
        stats_cache: Arc::new(mgc_api::stats_cache::StatsCache::new(config.analytics.stats_cache_bytes())),
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    match store.release_instance_claims(&instance).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(%instance, events = n, "released outbox claims of this instance's previous process"),
        Err(e) => tracing::warn!(%instance, error = %e, "cannot release the previous process's outbox claims"),
    }
    let cluster_tasks = member.spawn(&store, &clock, commands_wakeup, stop_rx.clone());
    let mut dispatcher =
        Dispatcher::new(Arc::new(store.clone()), clock, config.dispatcher()).with_owner(member.holder.clone());
    mgc_server::composition::register_consumers(&mut dispatcher, &state.config, &state.clock);
    let alarm_tasks = crate::alarm_tasks::spawn(&store, &state.clock, &config.alarms, &config.notify, stop_rx.clone())?;
    let dispatcher_task = tokio::spawn(dispatcher.run(store.wakeup(), stop_rx.clone()));
    let command_task = crate::command_tasks::spawn(
        store.clone(),
        state.clock.clone(),
        adapters,
        &config.commands,
        &member.holder,
        state.commands_wakeup.clone(),
        stop_rx.clone(),
    )?;
    let ap3000_connect_task = ap3000
        .as_ref()
        .map(|g| g.wake_on_connect(store.clone(), state.clock.clone(), state.commands_wakeup.clone(), stop_rx.clone()));
    let analytics_task = tokio::spawn(crate::analytics_tasks::run(
        store.clone(),
        state.clock.clone(),
        config.analytics(),
        std::time::Duration::from_secs(config.analytics.tick_secs),
        state.jobs_wakeup.clone(),
        stop_rx.clone(),
    ));
    crate::maintenance::run_once(&store, &state.clock, &config.telemetry).await;
    let settlement_task = tokio::spawn(crate::settlement_tasks::run(
        store.clone(),
        state.clock.clone(),
        config.settlement.clone(),
        stop_rx.clone(),
    ));
    let shadow_task = tokio::spawn(crate::shadow_tasks::run(
        store.clone(),
        state.clock.clone(),
        state.shadow_wakeup.clone(),
        stop_rx.clone(),
    ));
    let strategy_task = tokio::spawn(crate::strategy_tasks::run(
        store.clone(),
        state.clock.clone(),
        config.strategy.clone(),
        stop_rx.clone(),
    ));
    let timeline_task = tokio::spawn(crate::timeline_tasks::run(
        store.clone(),
        state.clock.clone(),
        config.charging.retention()?,
        std::time::Duration::from_secs(config.charging.timeline_sweep_interval_s),
        stop_rx.clone(),
    ));
    let collector_tasks = crate::collector_tasks::start(
        &store,
        &state.clock,
        state.ingest.clone(),
        collector_status,
        &config,
        &tenant,
        stop_rx.clone(),
    )
    .await?;
    let maintenance_task = tokio::spawn(crate::maintenance::run(
        store.clone(),
        state.clock.clone(),
        config.telemetry.clone(),
        state.ingest.clone(),
        stop_rx,
    ));
    let mut router = mgc_api::router(state);
    if let Some(routes) = ocpp.as_mut().and_then(|o| o.shared_router.take()) {
        router = router.merge(routes);
    }

    let local = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%local, "HTTP server started");
    let signal = shutdown_signal();
    println!("mgc: listening on http://{local}");
    let requested = async move {
        signal.await;
        let _ = ocpp_stop_tx.send(true);
    };
    crate::http_server::serve(listener, router, config.http.limits(), requested).await;
    if let Some(ocpp) = ocpp {
        ocpp.finish().await;
    }
    if let Some(ap3000) = ap3000 {
        ap3000.finish().await;
    }
    tracing::info!("HTTP drained; stopping dispatcher");
    let _ = stop_tx.send(true);
    if let Err(e) = dispatcher_task.await {
        tracing::error!(error = %e, "dispatcher task ended abnormally");
    }
    if let Err(e) = analytics_task.await {
        tracing::error!(error = %e, "analytics task ended abnormally");
    }
    if let Err(e) = settlement_task.await {
        tracing::error!(error = %e, "settlement task ended abnormally");
    }
    if let Err(e) = shadow_task.await {
        tracing::error!(error = %e, "shadow-run task ended abnormally");
    }
    if let Err(e) = strategy_task.await {
        tracing::error!(error = %e, "strategy task ended abnormally");
    }
    if let Err(e) = timeline_task.await {
        tracing::error!(error = %e, "timeline retention task ended abnormally");
    }
    if let Err(e) = maintenance_task.await {
        tracing::error!(error = %e, "maintenance task ended abnormally");
    }
    if let Err(e) = command_task.await {
        tracing::error!(error = %e, "command task ended abnormally");
    }
    if let Some(Err(e)) = match ap3000_connect_task {
        Some(task) => Some(task.await),
        None => None,
    } {
        tracing::error!(error = %e, "pile connect task ended abnormally");
    }
    for task in alarm_tasks.into_iter().chain(cluster_tasks).chain(collector_tasks) {
        let _ = task.await;
    }
    store.close().await;
    Ok(())
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is called, so a signal
/// that arrives just after "listening" is printed is neither lost nor fatal.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (mut term, mut int) = {
        use tokio::signal::unix::{signal, SignalKind};
        (signal(SignalKind::terminate()).ok(), signal(SignalKind::interrupt()).ok())
    };
    async move {
        #[cfg(unix)]
        {
            async fn recv(s: Option<&mut tokio::signal::unix::Signal>) {
                match s {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                _ = recv(term.as_mut()) => {}
                _ = recv(int.as_mut()) => {}
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutdown requested");
    }
}

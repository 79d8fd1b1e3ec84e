//! The HTTP accept loop of `mgc serve` (hyper's HTTP/1 server): a header-read timeout against
//! slowloris and idle keep-alive connections, an idle timeout on connections where nothing
//! moves, a cap on open connections per client address, and a bounded drain on shutdown in
//! which event streams (SSE) end at once instead of holding the process open.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use futures_util::StreamExt;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// What the accept loop enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Time to receive a complete request head (from opening or the previous answer).
    pub header_read_timeout: Duration,
    /// Time without a byte either way after which the connection is closed.
    pub idle_timeout: Duration,
    /// Open connections per client IP address (0 = no cap).
    pub max_per_address: usize,
    /// How long open connections may take to finish after shutdown was requested.
    pub drain_deadline: Duration,
}

/// Serves `app` on `listener` until `shutdown` completes, then drains (bounded).
pub async fn serve(listener: TcpListener, app: Router, limits: ConnectionLimits, shutdown: impl Future<Output = ()>) {
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let open = Arc::new(Mutex::new(HashMap::<IpAddr, usize>::new()));
    let (stop_tx, stop_rx) = watch::channel(false);
    let (alive_tx, mut alive_rx) = mpsc::channel::<()>(1);
    let app = app.layer(axum::middleware::from_fn_with_state(stop_rx.clone(), end_streams_on_stop));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = Slot::take(&open, peer.ip(), limits.max_per_address) else {
            metrics::counter!("mgc_http_connections_refused_total", "reason" => "per_address_cap").increment(1);
            refuse(&stream);
            continue;
        };
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Tracked { inner: stream, activity: activity.clone() });
        let conn = builder.serve_connection(io, TowerToHyperService::new(app.clone())).with_upgrades();
        let (stop, alive) = (stop_rx.clone(), alive_tx.clone());
        tokio::spawn(async move {
            drive(conn, &activity, limits.idle_timeout, stop).await;
            drop((slot, alive));
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(alive_tx);
    if tokio::time::timeout(limits.drain_deadline, alive_rx.recv()).await.is_err() {
        tracing::warn!("open HTTP connections did not finish within the drain deadline");
    }
}

/// Ends an event-stream answer's body when shutdown is requested, so its connection can close.
async fn end_streams_on_stop(State(stop): State<watch::Receiver<bool>>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let is_stream = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if !is_stream {
        return res;
    }
    let (parts, body) = res.into_parts();
    let mut stop = stop;
    let stopped = async move {
        // An error means the accept loop is gone: stop as well.
        let _ = stop.wait_for(|s| *s).await;
    };
    Response::from_parts(parts, Body::from_stream(body.into_data_stream().take_until(stopped)))
}

/// Runs one connection; asks it to close (after the answer in progress) when idle or on shutdown.
async fn drive<C>(conn: C, activity: &Activity, idle: Duration, mut stop: watch::Receiver<bool>)
where
    C: Future<Output = Result<(), hyper::Error>> + GracefulClose,
{
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        let idle_at = activity.last() + idle;
        tokio::select! {
            done = conn.as_mut() => {
                if let Err(e) = done {
                    tracing::debug!(error = %e, "HTTP connection ended with an error");
                }
                return;
            }
            changed = stop.changed(), if !closing => {
                if changed.is_err() || *stop.borrow() {
                    conn.as_mut().close_gracefully();
                    closing = true;
                }
            }
            () = tokio::time::sleep_until(idle_at), if !closing => {
                if activity.last() + idle <= Instant::now() {
                    metrics::counter!("mgc_http_connections_closed_total", "reason" => "idle").increment(1);
                    conn.as_mut().close_gracefully();
                    closing = true;
                }
            }
        }
    }
}

/// A connection that can be asked to finish its current answer and close.
trait GracefulClose {
    fn close_gracefully(self: Pin<&mut Self>);
}

impl<I, S> GracefulClose for hyper::server::conn::http1::UpgradeableConnection<I, S>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    S: hyper::service::HttpService<hyper::body::Incoming>,
    S::ResBody: 'static,
    <S::ResBody as hyper::body::Body>::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fn close_gracefully(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

/// Best effort: a 503 in the JSON error shape to a connection over the per-address cap.
fn refuse(stream: &TcpStream) {
    const BODY: &str =
        r#"{"error":{"code":"too_many_connections","message":"too many open connections from this address"}}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 2\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = stream.try_write(answer.as_bytes());
}

/// One open connection of an address; counted down when dropped.
struct Slot {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl Slot {
    fn take(open: &Arc<Mutex<HashMap<IpAddr, usize>>>, ip: IpAddr, max: usize) -> Option<Self> {
        let mut map = open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.entry(ip).or_insert(0);
        if max > 0 && *n >= max {
            return None;
        }
        *n += 1;
        Some(Self { open: open.clone(), ip })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// When a byte last moved on a connection.
struct Activity {
    start: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self { start: Instant::now(), last_ms: AtomicU64::new(0) }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }
}

/// A TCP stream that records activity.
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

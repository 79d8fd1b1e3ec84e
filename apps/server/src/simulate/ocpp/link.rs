//! One charge point's WebSocket to the central system: handshake (subprotocol `ocpp1.6`, HTTP
//! Basic), CALLs with their answers, and the CALLs the central system sends meanwhile.

use super::stats::{bump, Counters};
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use mgc_adapter_ocpp::Frame;
use serde_json::Value;
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A CALL from the central system, to answer with [`Link::reply`].
#[derive(Debug, Clone)]
pub(super) struct Incoming {
    pub(super) id: String,
    pub(super) action: String,
    pub(super) payload: Value,
}

/// The answer to one of our CALLs.
#[derive(Debug)]
pub(super) enum Answer {
    /// CALLRESULT payload.
    Result(Value),
    /// CALLERROR code.
    Error(String),
}

/// Why the connection is unusable (the caller reconnects).
#[derive(Debug, thiserror::Error)]
pub(super) enum LinkError {
    #[error("handshake refused: HTTP {0}")]
    Refused(u16),
    #[error("{0}")]
    Socket(#[from] WsError),
    #[error("closed by the central system")]
    Closed,
    #[error("no answer in time")]
    Timeout,
}

/// An open connection.
pub(super) struct Link {
    ws: Ws,
    next_id: u64,
    timeout: Duration,
    /// CALLs received while waiting for an answer, oldest first.
    pub(super) inbox: VecDeque<Incoming>,
}

/// Small buffers: thousands of idle charge points share one process; OCPP messages are small.
fn config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0).max_message_size(Some(1 << 20))
}

impl Link {
    /// Opens `url` as `identity` with `password`.
    pub(super) async fn connect(
        url: &str,
        identity: &str,
        password: &str,
        timeout: Duration,
    ) -> Result<Self, LinkError> {
        let mut req = url.into_client_request()?;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{identity}:{password}"));
        let headers = req.headers_mut();
        headers.insert("Sec-WebSocket-Protocol", HeaderValue::from_static("ocpp1.6"));
        // Identity and password were checked to be printable ASCII, so the header is valid.
        let auth = HeaderValue::from_str(&format!("Basic {basic}")).map_err(|e| WsError::HttpFormat(e.into()))?;
        headers.insert("Authorization", auth);
        let connecting = tokio_tungstenite::connect_async_with_config(req, Some(config()), true);
        match tokio::time::timeout(timeout, connecting).await {
            Err(_) => Err(LinkError::Timeout),
            Ok(Err(WsError::Http(resp))) => Err(LinkError::Refused(resp.status().as_u16())),
            Ok(Err(e)) => Err(e.into()),
            Ok(Ok((ws, _))) => Ok(Self { ws, next_id: 0, timeout, inbox: VecDeque::new() }),
        }
    }

    /// Sends a CALL and waits for its answer; CALLs received meanwhile go to the inbox.
    /// Records the latency and counts the answer.
    pub(super) async fn call(
        &mut self,
        action: &str,
        payload: Value,
        counters: &Counters,
        latencies_us: &mut Vec<u32>,
    ) -> Result<Answer, LinkError> {
        self.next_id += 1;
        let id = self.next_id.to_string();
        let text = Frame::Call { id: id.clone(), action: action.to_owned(), payload }.to_text();
        let sent = Instant::now();
        self.ws.send(Message::text(text)).await?;
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let frame = match tokio::time::timeout_at(deadline, self.next_frame()).await {
                Err(_) => {
                    bump(&counters.timeouts);
                    return Err(LinkError::Timeout);
                }
                Ok(frame) => frame?,
            };
            match frame {
                Frame::Call { id, action, payload } => self.inbox.push_back(Incoming { id, action, payload }),
                Frame::CallResult { id: answered, payload } if answered == id => {
                    latencies_us.push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
                    bump(&counters.calls);
                    return Ok(Answer::Result(payload));
                }
                Frame::CallError { id: answered, code, .. } if answered == id => {
                    latencies_us.push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
                    bump(&counters.calls);
                    bump(&counters.call_errors);
                    return Ok(Answer::Error(code.as_str().to_owned()));
                }
                // An answer to a call given up on earlier: nothing waits for it.
                Frame::CallResult { .. } | Frame::CallError { .. } => {}
            }
        }
    }

    /// The next CALL from the central system (answers nobody waits for are skipped).
    pub(super) async fn incoming(&mut self) -> Result<Incoming, LinkError> {
        if let Some(call) = self.inbox.pop_front() {
            return Ok(call);
        }
        loop {
            if let Frame::Call { id, action, payload } = self.next_frame().await? {
                return Ok(Incoming { id, action, payload });
            }
        }
    }

    /// Answers a CALL of the central system with a CALLRESULT.
    pub(super) async fn reply(&mut self, id: String, payload: Value) -> Result<(), LinkError> {
        self.ws.send(Message::text(Frame::CallResult { id, payload }.to_text())).await?;
        Ok(())
    }

    /// Answers a CALL of the central system with a CALLERROR.
    pub(super) async fn reply_error(&mut self, id: String, code: &str, description: &str) -> Result<(), LinkError> {
        let frame = serde_json::json!([4, id, code, description, {}]).to_string();
        self.ws.send(Message::text(frame)).await?;
        Ok(())
    }

    /// Closes the connection politely (bounded: a dead peer does not hold the run).
    pub(super) async fn close(mut self) {
        let closing = async {
            let _ = self.ws.close(None).await;
            while let Some(Ok(_)) = self.ws.next().await {}
        };
        let _ = tokio::time::timeout(Duration::from_secs(5), closing).await;
    }

    /// The next OCPP frame; pings are answered by the library, unreadable text frames skipped.
    async fn next_frame(&mut self) -> Result<Frame, LinkError> {
        loop {
            match self.ws.next().await {
                None | Some(Ok(Message::Close(_))) => return Err(LinkError::Closed),
                Some(Err(e)) => return Err(e.into()),
                Some(Ok(Message::Text(text))) => match Frame::parse(text.as_str()) {
                    Ok(frame) => return Ok(frame),
                    Err(e) => {
                        if let Some(id) = e.message_id.clone() {
                            self.reply_error(id, e.code.as_str(), &e.description).await?;
                        }
                    }
                },
                Some(Ok(_)) => {}
            }
        }
    }
}

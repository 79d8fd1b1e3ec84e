//! The device side of a connection, for the simulator and tests: a pile (or several behind one
//! socket) that sends reports and reads the server's frames.

use crate::frame::DEFAULT_MAX_LENGTH;
use crate::messages::Uplink;
use crate::{Frame, FrameError, Item, PhysicalId, StreamCutter};
use std::io;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One pile connection.
#[derive(Debug)]
pub struct PileClient {
    stream: TcpStream,
    cutter: StreamCutter,
    next_id: u16,
    buf: Vec<u8>,
}

impl PileClient {
    /// Connects to `addr` and announces `iccid` (20 ASCII digits) as a modem does.
    pub async fn connect(addr: &str, iccid: &str) -> io::Result<Self> {
        let mut stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        stream.write_all(iccid.as_bytes()).await?;
        Ok(Self { stream, cutter: StreamCutter::new(DEFAULT_MAX_LENGTH), next_id: 1, buf: vec![0; 2048] })
    }

    /// Sends `report` of `pile` with a fresh message id; returns the id.
    pub async fn send(&mut self, pile: PhysicalId, report: &Uplink) -> io::Result<u16> {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.send_with_id(pile, id, report).await?;
        Ok(id)
    }

    /// Sends `report` of `pile` with message id `id` (an answer to a server command carries its id).
    pub async fn send_with_id(&mut self, pile: PhysicalId, id: u16, report: &Uplink) -> io::Result<()> {
        let (command, data) = report.encode();
        let bytes = Frame::new(pile, id, command, data).encode().map_err(|e: FrameError| io::Error::other(e))?;
        self.stream.write_all(&bytes).await
    }

    /// Writes raw bytes (keep-alives, noise).
    pub async fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes).await
    }

    /// The next frame from the server, waiting at most `wait`; `Ok(None)` when the wait ran out.
    pub async fn recv(&mut self, wait: Duration) -> io::Result<Option<Frame>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(item) = self.cutter.next_item() {
                if let Item::Frame(frame) = item {
                    return Ok(Some(frame));
                }
            }
            let read = match tokio::time::timeout_at(deadline, self.stream.read(&mut self.buf)).await {
                Ok(read) => read?,
                Err(_) => return Ok(None),
            };
            if read == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the server closed the connection"));
            }
            self.cutter.push(&self.buf[..read]);
        }
    }
}

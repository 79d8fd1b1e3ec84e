//! A TCP proxy in front of a database that a test can cut and restore: the network-level fault
//! of a database that goes away (open connections reset, new ones refused) and comes back.

use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running proxy; dropping it stops it.
pub struct FaultProxy {
    /// The address clients connect to (the same before and after an outage).
    pub addr: SocketAddr,
    target: String,
    /// Bumped on every cut: the forwarding tasks of the connections then open end.
    generation: watch::Sender<u64>,
    listener: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts forwarding to `target` (`host:port`).
    pub async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (generation, _) = watch::channel(0);
        let task = tokio::spawn(accept(listener, target.clone(), generation.clone()));
        Self { addr, target, generation, listener: Some(task) }
    }

    /// The outage: the port stops listening (new connections are refused) and every open
    /// connection is dropped.
    pub fn cut(&mut self) {
        if let Some(task) = self.listener.take() {
            task.abort();
        }
        self.generation.send_modify(|g| *g += 1);
    }

    /// The end of the outage: the same port listens and forwards again.
    pub async fn restore(&mut self) {
        // The aborted task drops its listener when it is next polled; wait until the port is free.
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(_) => tokio::task::yield_now().await,
            }
        };
        self.listener = Some(tokio::spawn(accept(listener, self.target.clone(), self.generation.clone())));
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.cut();
    }
}

async fn accept(listener: TcpListener, target: String, generation: watch::Sender<u64>) {
    while let Ok((mut client, _)) = listener.accept().await {
        let Ok(mut server) = TcpStream::connect(&target).await else { continue };
        let mut cut = generation.subscribe();
        tokio::spawn(async move {
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                _ = cut.changed() => {}
            }
        });
    }
}

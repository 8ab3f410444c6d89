//! A real SMTP server inside the test (mailcrab), and what it received.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// A port nothing listens on yet.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// One received email, as mailcrab parsed it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    pub raw: String,
}

pub struct MailServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    _stop: CancelOnDrop,
}

fn header(v: &Value, name: &str) -> String {
    v["headers"]
        .as_object()
        .and_then(|h| {
            h.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.as_str())
        })
        .unwrap_or("")
        .trim()
        .to_string()
}

impl MailServer {
    /// Starts an SMTP server on `port` and waits until it accepts connections.
    pub async fn start(port: u16) -> MailServer {
        let handle = mailcrab::development_mail_server([127, 0, 0, 1], port).await;
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        let mut rx = handle.rx;
        tokio::spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(m) => {
                        let raw = m
                            .raw_bytes()
                            .map(|b| String::from_utf8_lossy(&b).into_owned())
                            .unwrap_or_default();
                        let v = serde_json::to_value(&m).expect("message as json");
                        let to = v["envelope_recipients"]
                            .as_array()
                            .map(|a| {
                                a.iter()
                                    .filter_map(|x| x.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        sink.lock().unwrap().push(Received {
                            to,
                            subject: v["subject"].as_str().unwrap_or("").to_string(),
                            text: v["text"].as_str().unwrap_or("").to_string(),
                            html: v["html"].as_str().unwrap_or("").to_string(),
                            message_id: header(&v, "message-id"),
                            raw,
                        });
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        panic!("the test mail collector fell {n} messages behind")
                    }
                    Err(_) => break,
                }
            }
        });
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        MailServer {
            port,
            received,
            _stop: CancelOnDrop(handle.token),
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Everything received so far.
    pub fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (briefly) until at least `n` emails have arrived: the server hands each message to
    /// the collector after answering the client, so the last one may be a moment behind.
    pub async fn expect_at_least(&self, n: usize) -> Vec<Received> {
        for _ in 0..500 {
            if self.received.lock().unwrap().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.all()
    }

    pub fn to(&self, addr: &str) -> Vec<Received> {
        self.all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == addr))
            .collect()
    }
}

/// Stops the server when the test's handle is dropped.
struct CancelOnDrop(tokio_util::sync::CancellationToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

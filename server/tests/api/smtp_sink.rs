//! A minimal SMTP server on an ephemeral port that records what it receives, or refuses
//! every message, for testing notice delivery.
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Default)]
pub struct Sink {
    pub messages: Arc<Mutex<Vec<String>>>,
}

/// Starts a sink; returns its `smtp://` URL and what it received.
pub async fn start(refuse: bool) -> (String, Sink) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let sink = Sink::default();
    let store = sink.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ready\r\n").await.ok();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store
                                .messages
                                .lock()
                                .unwrap()
                                .push(data.take().unwrap_or_default());
                            write.write_all(b"250 2.0.0 queued\r\n").await.ok();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let command = line.to_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO")
                    {
                        b"250 sink\r\n"
                    } else if command.starts_with("MAIL") && refuse {
                        b"451 4.3.0 try again later\r\n"
                    } else if command.starts_with("MAIL")
                        || command.starts_with("RCPT")
                        || command.starts_with("RSET")
                        || command.starts_with("NOOP")
                    {
                        b"250 2.0.0 ok\r\n"
                    } else if command.starts_with("DATA") {
                        data = Some(String::new());
                        b"354 go ahead\r\n"
                    } else if command.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.ok();
                        break;
                    } else {
                        b"502 not implemented\r\n"
                    };
                    write.write_all(reply).await.ok();
                }
            });
        }
    });
    (url, sink)
}

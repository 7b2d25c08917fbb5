//! The loopback listener that receives the browser's one OAuth callback. It listens on
//! 127.0.0.1 only, accepts exactly one callback on the redirect path, checks `state`, answers
//! the browser in both languages, and then closes, so a second callback finds nothing.

use std::collections::HashMap;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::Error;
use crate::language::text;
use crate::oauth::settings::CALLBACK_PATH;

/// How long the admin has to finish signing in in the browser.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// The most a browser may take to send its request once connected.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A listener waiting for the callback.
#[derive(Debug)]
pub struct Loopback {
    listener: TcpListener,
    port: u16,
}

/// What the callback carried.
#[derive(Debug)]
pub struct Callback {
    /// The authorization code.
    pub code: crate::secret::Secret,
}

impl Loopback {
    /// Listens on 127.0.0.1:`port` (0 picks a free port).
    pub async fn bind(port: u16) -> Result<Loopback, Error> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| Error::RedirectPortUnavailable { port, reason: e.to_string() })?;
        let port =
            listener.local_addr().map_err(|e| Error::RedirectPortUnavailable { port, reason: e.to_string() })?.port();
        Ok(Loopback { listener, port })
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits for the one callback. Requests for other paths (a browser's favicon) are
    /// answered 404 and do not count.
    pub async fn wait(self, expected_state: &str, timeout: Duration) -> Result<Callback, Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let accepted = tokio::time::timeout_at(deadline, self.listener.accept()).await;
            let Ok(Ok((stream, _))) = accepted else {
                return Err(match accepted {
                    Err(_) => Error::SignInTimedOut { minutes: timeout.as_secs().div_ceil(60) },
                    Ok(Err(e)) => Error::RedirectPortUnavailable { port: self.port, reason: e.to_string() },
                    Ok(Ok(_)) => unreachable!(),
                });
            };
            if let Some(result) = handle(stream, expected_state).await {
                return result;
            }
        }
    }
}

/// Handles one connection; `None` when it was not the callback.
async fn handle(mut stream: TcpStream, expected_state: &str) -> Option<Result<Callback, Error>> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 2048];
    let read = tokio::time::timeout(REQUEST_TIMEOUT, async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    if read.is_err() {
        return None;
    }
    let head = String::from_utf8_lossy(&buf);
    let target = head.lines().next().and_then(|l| {
        let mut parts = l.split(' ');
        (parts.next() == Some("GET")).then(|| parts.next()).flatten()
    });
    let Some(target) = target else {
        respond(&mut stream, 400, "Bad request").await;
        return None;
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        respond(&mut stream, 404, "Not found").await;
        return None;
    }
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let result = if params.get("state").map(String::as_str) != Some(expected_state) {
        Err(Error::SignInStateMismatch)
    } else if let Some(error) = params.get("error") {
        let description = params.get("error_description").cloned().unwrap_or_default();
        Err(Error::from_oauth_error(error, &description))
    } else if let Some(code) = params.get("code").filter(|c| !c.is_empty()) {
        Ok(Callback { code: crate::secret::Secret::new(code.clone()) })
    } else {
        Err(Error::from_oauth_error("invalid_request", "the callback carried no code"))
    };
    let page = match &result {
        Ok(_) => page(&text("signin.page.ok.title", &[]), &text("signin.page.ok.body", &[])),
        Err(e) => {
            let m = e.user_message();
            page(
                &text("signin.page.failed.title", &[]),
                &crate::language::Text {
                    en: format!("{} {}", m.what.en, m.next.en),
                    ja: format!("{} {}", m.what.ja, m.next.ja),
                },
            )
        }
    };
    respond(&mut stream, if result.is_ok() { 200 } else { 400 }, &page).await;
    Some(result)
}

fn page(title: &crate::language::Text, body: &crate::language::Text) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Reconnect</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:560px;margin:48px auto;line-height:1.5}}\
         h1{{font-size:20px}}section+section{{margin-top:24px;border-top:1px solid #ccc}}</style></head><body>\
         <section lang=\"en\"><h1>{}</h1><p>{}</p></section>\
         <section lang=\"ja\"><h1>{}</h1><p>{}</p></section></body></html>",
        crate::html::escape(&title.en),
        crate::html::escape(&body.en),
        crate::html::escape(&title.ja),
        crate::html::escape(&body.ja)
    )
}

async fn respond(stream: &mut TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

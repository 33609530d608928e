//! fetcher in Rust: the same protocol as `../fetcher.wat`, checked by the same test.
//!
//! handle-send [REQUEST] starts an HTTP request (http::send), which returns an op id at once;
//! REQUEST is `{"url": ..., "method"?, "headers"?, "body"?}`. The response arrives later in
//! handle-result `[OP_ID, {"Ok": {"status", "headers", "body"}} | {"Err": ...}]` and becomes the
//! state, `[OP_ID, RESULT]`. handle-request answers with the state (the last result; null before
//! the first).

use troupe::host::http;
use troupe::{json, Error, Reply, Result, Value};

/// A header's or body's text: a string as it is, anything else as its JSON (as the host does).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn handle_send(state: Value, request: Value) -> Result<Value> {
    let url = request
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::new(format!("expected {{\"url\": ..., \"method\"?, \"headers\"?, \"body\"?}}, got {}", request)))?;
    let method = request.get("method").and_then(Value::as_str).unwrap_or("GET");
    let headers: Vec<(String, String)> = match request.get("headers") {
        Some(Value::Object(h)) => h.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
        _ => Vec::new(),
    };
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let body = match request.get("body") {
        None | Some(Value::Null) => None,
        Some(b) => Some(text(b)),
    };
    http::send(method, url, &headers, body.as_deref())?;
    Ok(state)
}

fn handle_result(_state: Value, op_id: String, result: core::result::Result<Value, String>) -> Result<Value> {
    Ok(match result {
        Ok(response) => json!([op_id, { "Ok": response }]),
        Err(error) => json!([op_id, { "Err": error }]),
    })
}

fn handle_request(state: Value, _id: String, _msg: Value) -> Result<(Value, Reply)> {
    let last = state.clone();
    Ok((state, Reply::Now(last)))
}

troupe::actor! {
    state: Value,
    handle_send: handle_send,
    handle_result: handle_result,
    handle_request: handle_request,
}

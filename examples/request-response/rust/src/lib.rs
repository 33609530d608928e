//! front in Rust: the same protocol as `../front.wat`, checked by the same test.
//!
//! A request `[TARGET, MSG]` asks actor TARGET with MSG (only this actor waits) and answers with
//! TARGET's response; an error (unknown actor, timeout, request cycle, the target's own error)
//! becomes this request's error. State: how many requests were answered.

use troupe::host::message;
use troupe::{Error, Reply, Result, Value};

fn handle_request(answered: i64, _id: String, msg: Value) -> Result<(i64, Reply)> {
    let target = msg.get(0).and_then(Value::as_str);
    let inner = msg.get(1);
    match (target, inner) {
        (Some(target), Some(inner)) => {
            let response = message::request(target, inner.clone())?;
            Ok((answered + 1, Reply::Now(response)))
        }
        _ => Err(Error::new(format!("expected [target, message], got {}", msg))),
    }
}

troupe::actor! { state: i64, handle_request: handle_request }

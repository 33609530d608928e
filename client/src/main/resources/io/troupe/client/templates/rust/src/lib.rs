//! __name__: a counter. Send it a number or {"add": n}; ask it "total?" for the total.

use serde::{Deserialize, Serialize};
use troupe::{host::runtime, Reply, Result, Value};

#[derive(Serialize, Deserialize, Default)]
struct State {
    total: i64,
}

/// A number, or {"add": n}.
fn amount(msg: &Value) -> Result<i64> {
    msg.as_i64()
        .or_else(|| msg.get("add").and_then(Value::as_i64))
        .ok_or_else(|| format!("send a number or {{\"add\": n}}, not {}", msg).into())
}

fn handle_send(mut state: State, msg: Value) -> Result<State> {
    state.total += amount(&msg)?;
    runtime::log(&format!("total is now {}", state.total));
    Ok(state)
}

fn handle_request(state: State, _request_id: String, msg: Value) -> Result<(State, Reply)> {
    match msg.as_str() {
        Some("total?") => {
            let total = state.total;
            Ok((state, Reply::now(total)))
        }
        _ => Err(format!("ask \"total?\", not {}", msg).into()),
    }
}

troupe::actor! {
    state: State,
    handle_send: handle_send,
    handle_request: handle_request,
}

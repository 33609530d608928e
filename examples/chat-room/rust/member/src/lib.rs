//! member in Rust: the same protocol as `../../member.wat`, checked by the same test.
//!
//! init opens a channel to the room whose id is the manifest's init_state (a JSON string);
//! handle-send [TEXT] says TEXT in the room; handle-channel-message [CID, MSG] keeps MSG.
//! State: `["CID", heard...]`, the channel id then every message heard, oldest first.

use troupe::host::message;
use troupe::{json, Error, Result, Value};

fn init(state: Value, _actor_id: String) -> Result<Value> {
    let room = state
        .as_str()
        .ok_or_else(|| Error::new(format!("init_state must name the room (a string), got {}", state)))?;
    let channel = message::open_channel(room, json!({"join": true}))?;
    Ok(json!([channel]))
}

fn handle_send(state: Value, text: Value) -> Result<Value> {
    let channel = state.get(0).and_then(Value::as_str).ok_or("not in a room")?;
    message::send_on_channel(channel, text)?;
    Ok(state)
}

fn handle_channel_message(mut state: Value, _channel_id: String, msg: Value) -> Result<Value> {
    let heard = state.as_array_mut().ok_or("not in a room")?;
    heard.push(msg);
    Ok(state)
}

fn handle_channel_close(state: Value, _channel_id: String) -> Result<Value> {
    Ok(state)
}

troupe::actor! {
    state: Value,
    init: init,
    handle_send: handle_send,
    handle_channel_message: handle_channel_message,
    handle_channel_close: handle_channel_close,
}

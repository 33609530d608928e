//! room in Rust: the same protocol as `../../room.wat`, checked by the same test.
//!
//! Anyone opens a channel to the room (every one is accepted); each message sent on a channel is
//! broadcast on every open channel, the sender's included; a closed channel leaves the room.
//! State: the members' channel ids, e.g. `["c1","c2"]`.

use troupe::host::message;
use troupe::{ChannelAnswer, Result, Value};

type Members = Vec<String>;

fn handle_channel_open(mut members: Members, channel_id: String, _msg: Value) -> Result<(Members, ChannelAnswer)> {
    members.push(channel_id);
    Ok((members, ChannelAnswer::accept(Value::Null)))
}

fn handle_channel_message(members: Members, _channel_id: String, msg: Value) -> Result<Members> {
    for member in &members {
        // a member that left meanwhile is not an error here
        let _ = message::send_on_channel(member, msg.clone());
    }
    Ok(members)
}

fn handle_channel_close(mut members: Members, channel_id: String) -> Result<Members> {
    members.retain(|m| *m != channel_id);
    Ok(members)
}

troupe::actor! {
    state: Members,
    handle_channel_open: handle_channel_open,
    handle_channel_message: handle_channel_message,
    handle_channel_close: handle_channel_close,
}

// room in AssemblyScript: the same protocol as ../room.wat, checked by the same test.
//
// Anyone opens a channel to the room (every one is accepted); each message sent on a channel is
// broadcast on every open channel, the sender's included; a closed channel leaves the room.
// State: the members' channel ids, e.g. ["c1","c2"].
import {
  Json, JsonWriter, Outcome, channelAnswer, message, onChannelOpen, onChannelMessage, onChannelClose,
} from "troupe-sdk";
export { troupe_alloc, troupe_free } from "troupe-sdk";

/** The members' ids as a JSON array: those of `state` but `drop`, then `add` (when not null). */
function members(state: Json, drop: string | null, add: string | null): string {
  const w = new JsonWriter().beginArray();
  for (let k = 0; k < state.length; k++) {
    const id = state.at(k).asString();
    if (drop === null || id != drop) w.str(id);
  }
  if (add !== null) w.str(add);
  return w.endArray().toString();
}

function open(state: Json, channelId: string, msg: Json): Outcome {
  return Outcome.reply(members(state, null, channelId), channelAnswer(true, "null"));
}

function broadcast(state: Json, channelId: string, msg: Json): Outcome {
  const text = msg.toString();
  for (let k = 0; k < state.length; k++) {
    // a member that left meanwhile is not an error here
    message.sendOnChannel(state.at(k).asString(), text);
  }
  return Outcome.ok(state.toString());
}

function close(state: Json, channelId: string): Outcome {
  return Outcome.ok(members(state, channelId, null));
}

@exportAs("troupe:actor/message-server-client.handle-channel-open")
export function handleChannelOpen(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onChannelOpen(sp, sl, pp, pl, open);
}

@exportAs("troupe:actor/message-server-client.handle-channel-message")
export function handleChannelMessage(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onChannelMessage(sp, sl, pp, pl, broadcast);
}

@exportAs("troupe:actor/message-server-client.handle-channel-close")
export function handleChannelClose(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onChannelClose(sp, sl, pp, pl, close);
}

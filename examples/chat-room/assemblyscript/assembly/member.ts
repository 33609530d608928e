// member in AssemblyScript: the same protocol as ../member.wat, checked by the same test.
//
// init opens a channel to the room whose id is the manifest's init_state (a JSON string);
// handle-send [TEXT] says TEXT in the room; handle-channel-message [CID, MSG] keeps MSG.
// State: ["CID", heard...], the channel id then every message heard, oldest first.
import {
  Json, JsonWriter, Outcome, message, quote, onInit, onSend, onChannelMessage, onChannelClose,
} from "troupe-sdk";
export { troupe_alloc, troupe_free } from "troupe-sdk";

function init(state: Json, actorId: string): Outcome {
  if (!state.isString) return Outcome.err("init_state must name the room (a string), got " + state.toString());
  const channel = message.openChannel(state.asString(), "{\"join\":true}");
  if (!channel.ok) return Outcome.err(channel.error);
  return Outcome.ok("[" + quote(channel.value.asString()) + "]");
}

function say(state: Json, text: Json): Outcome {
  const channel = state.at(0);
  if (!channel.isString) return Outcome.err("not in a room");
  const sent = message.sendOnChannel(channel.asString(), text.toString());
  if (!sent.ok) return Outcome.err(sent.error);
  return Outcome.ok(state.toString());
}

function hear(state: Json, channelId: string, msg: Json): Outcome {
  if (!state.isArray) return Outcome.err("not in a room");
  const w = new JsonWriter().beginArray();
  for (let k = 0; k < state.length; k++) w.value(state.at(k));
  return Outcome.ok(w.value(msg).endArray().toString());
}

function closed(state: Json, channelId: string): Outcome {
  return Outcome.ok(state.toString());
}

@exportAs("troupe:actor/actor.init")
export function actorInit(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onInit(sp, sl, pp, pl, init);
}

@exportAs("troupe:actor/message-server-client.handle-send")
export function handleSend(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onSend(sp, sl, pp, pl, say);
}

@exportAs("troupe:actor/message-server-client.handle-channel-message")
export function handleChannelMessage(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onChannelMessage(sp, sl, pp, pl, hear);
}

@exportAs("troupe:actor/message-server-client.handle-channel-close")
export function handleChannelClose(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onChannelClose(sp, sl, pp, pl, closed);
}

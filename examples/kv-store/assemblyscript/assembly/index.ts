// kv-store in AssemblyScript: the same protocol as ../kv-store.wat, checked by the same test.
//
// State: a JSON object of the entries; none counts as {}. Requests are JSON arrays:
// ["put", KEY, VALUE] answers true; ["get", KEY] the value or null; ["delete", KEY] whether it was
// there. Anything else is an Err; the store goes on. The entries are rebuilt with a JsonWriter,
// each value written back as its JSON text.
import { Json, JsonWriter, Outcome, onRequest } from "troupe-sdk";
export { troupe_alloc, troupe_free } from "troupe-sdk";

/** The entries as JSON text: `putKey` (when not null) is set to `putValue`, `drop` (when not null) is left out. */
function entries(state: Json, drop: string | null, putKey: string | null, putValue: Json): string {
  const w = new JsonWriter().beginObject();
  let replaced = false;
  for (let k = 0; k < state.keys.length; k++) {
    const key = state.keys[k];
    if (drop !== null && key == drop) continue;
    if (putKey !== null && key == putKey) {
      w.key(key).value(putValue);
      replaced = true;
    } else {
      w.key(key).value(state.items[k]);
    }
  }
  if (putKey !== null && !replaced) w.key(putKey).value(putValue);
  return w.endObject().toString();
}

function request(state: Json, requestId: string, msg: Json): Outcome {
  const bad = "expected [op, key, value?], got " + msg.toString();
  const op = msg.at(0);
  const key = msg.at(1);
  if (!msg.isArray || !op.isString || !key.isString) return Outcome.err(bad);
  const k = key.asString();
  const n = msg.length;
  if (op.asString() == "put" && n == 3) {
    return Outcome.reply(entries(state, null, k, msg.at(2)), "true");
  }
  if (op.asString() == "get" && n == 2) {
    return Outcome.reply(entries(state, null, null, new Json()), state.get(k).toString());
  }
  if (op.asString() == "delete" && n == 2) {
    const had = state.has(k);
    return Outcome.reply(entries(state, k, null, new Json()), had ? "true" : "false");
  }
  return Outcome.err(bad);
}

@exportAs("troupe:actor/message-server-client.handle-request")
export function handleRequest(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onRequest(sp, sl, pp, pl, request);
}

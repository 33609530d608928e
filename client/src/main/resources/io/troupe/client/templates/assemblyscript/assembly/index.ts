// __name__: a counter. Send it a number or {"add": n}; ask it "total?" for the total.
import { Json, Outcome, onSend, onRequest, runtime } from "troupe-sdk";
export { troupe_alloc, troupe_free } from "troupe-sdk";

/** The state is {"total": n}; no state yet reads as 0. */
function total(state: Json): i64 {
  return state.get("total").asI64();
}

function stateOf(total: i64): string {
  return "{\"total\":" + total.toString() + "}";
}

function send(state: Json, msg: Json): Outcome {
  let amount: i64;
  if (msg.isInteger) amount = msg.asI64();
  else if (msg.get("add").isInteger) amount = msg.get("add").asI64();
  else return Outcome.err("send a number or {\"add\": n}, not " + msg.toString());
  const t = total(state) + amount;
  runtime.log("total is now " + t.toString());
  return Outcome.ok(stateOf(t));
}

function request(state: Json, requestId: string, msg: Json): Outcome {
  if (msg.isString && msg.asString() == "total?") {
    const t = total(state);
    return Outcome.reply(stateOf(t), t.toString());
  }
  return Outcome.err("ask \"total?\", not " + msg.toString());
}

@exportAs("troupe:actor/message-server-client.handle-send")
export function handleSend(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onSend(sp, sl, pp, pl, send);
}

@exportAs("troupe:actor/message-server-client.handle-request")
export function handleRequest(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onRequest(sp, sl, pp, pl, request);
}

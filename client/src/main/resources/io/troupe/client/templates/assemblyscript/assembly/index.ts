// __name__: a counter. Send it a number or {"add": n}; ask it "total?" for the total.
import { Json, Outcome, onSend, onRequest, runtime, stateAs, stateJson } from "troupe-sdk";
export { troupe_alloc, troupe_free } from "troupe-sdk";

/** The state, {"total": n}: a @state class is read from and written to JSON field by field. */
@state
class State {
  total: i64 = 0;
}

function send(state: Json, msg: Json): Outcome {
  const s = stateAs<State>(state); // no state yet: new State()
  let amount: i64;
  if (msg.isInteger) amount = msg.asI64();
  else if (msg.get("add").isInteger) amount = msg.get("add").asI64();
  else return Outcome.err("send a number or {\"add\": n}, not " + msg.toString());
  s.total += amount;
  runtime.log("total is now " + s.total.toString());
  return Outcome.ok(stateJson(s));
}

function request(state: Json, requestId: string, msg: Json): Outcome {
  if (msg.isString && msg.asString() == "total?") {
    const s = stateAs<State>(state);
    return Outcome.reply(stateJson(s), s.total.toString());
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

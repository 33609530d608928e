// front in AssemblyScript: the same protocol as ../front.wat, checked by the same test.
//
// A request [TARGET, MSG] asks actor TARGET with MSG (only this actor waits) and answers with
// TARGET's response; an error (unknown actor, timeout, request cycle, the target's own error)
// becomes this request's error. State: how many requests were answered.
import { Json, Outcome, message, onRequest } from "troupe-sdk";
export { troupe_alloc, troupe_free } from "troupe-sdk";

function request(state: Json, requestId: string, msg: Json): Outcome {
  const target = msg.at(0);
  if (!msg.isArray || msg.length < 2 || !target.isString) {
    return Outcome.err("expected [target, message], got " + msg.toString());
  }
  const answer = message.request(target.asString(), msg.at(1).toString());
  if (!answer.ok) return Outcome.err(answer.error);
  return Outcome.reply((state.asI64() + 1).toString(), answer.value.toString());
}

@exportAs("troupe:actor/message-server-client.handle-request")
export function handleRequest(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onRequest(sp, sl, pp, pl, request);
}

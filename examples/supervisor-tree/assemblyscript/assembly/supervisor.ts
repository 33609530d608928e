// supervisor in AssemblyScript: the same protocol as ../supervisor.wat, checked by the same test.
//
// init spawns worker.toml (the AssemblyScript worker beside this manifest; supervisor.spawn waits
// for the worker's init). handle-send [MSG] sends MSG to the worker; handle-request [id, MSG] asks
// it and answers with its response. When the worker crashes, the [supervision] policy in
// supervisor.toml restarts it from its last verified state; handle-child-error is told either way.
// State: the worker's id (a JSON string).
import {
  Json, Outcome, message, supervisor, quote, onInit, onSend, onRequest, onChildError,
} from "troupe-sdk";
export { troupe_alloc, troupe_free } from "troupe-sdk";

function init(state: Json, actorId: string): Outcome {
  const worker = supervisor.spawn("worker.toml");
  if (!worker.ok) return Outcome.err(worker.error);
  return Outcome.ok(quote(worker.value.asString()));
}

function send(worker: Json, msg: Json): Outcome {
  const sent = message.send(worker.asString(), msg.toString());
  if (!sent.ok) return Outcome.err(sent.error);
  return Outcome.ok(worker.toString());
}

function request(worker: Json, requestId: string, msg: Json): Outcome {
  const answer = message.request(worker.asString(), msg.toString());
  if (!answer.ok) return Outcome.err(answer.error);
  return Outcome.reply(worker.toString(), answer.value.toString());
}

/** The policy already decided (restart or not): keep the state. */
function childError(worker: Json, childId: string, text: string, restarting: bool): Outcome {
  return Outcome.ok(worker.toString());
}

@exportAs("troupe:actor/actor.init")
export function actorInit(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onInit(sp, sl, pp, pl, init);
}

@exportAs("troupe:actor/message-server-client.handle-send")
export function handleSend(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onSend(sp, sl, pp, pl, send);
}

@exportAs("troupe:actor/message-server-client.handle-request")
export function handleRequest(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onRequest(sp, sl, pp, pl, request);
}

@exportAs("troupe:actor/supervisor-handlers.handle-child-error")
export function handleChildError(sp: i32, sl: i32, pp: i32, pl: i32): i64 {
  return onChildError(sp, sl, pp, pl, childError);
}

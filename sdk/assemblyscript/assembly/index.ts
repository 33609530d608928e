// troupe-sdk: write Troupe actors in AssemblyScript (guest ABI v1, docs/abi.md).
//
//   import { Json, Outcome, onSend, runtime } from "troupe-sdk";
//   export { troupe_alloc, troupe_free } from "troupe-sdk";
//
//   function send(state: Json, msg: Json): Outcome { ... return Outcome.ok("{...}"); }
//
//   @exportAs("troupe:actor/message-server-client.handle-send")
//   export function handleSend(sp: i32, sl: i32, pp: i32, pl: i32): i64 { return onSend(sp, sl, pp, pl, send); }
//
// Build with build.mjs (the @exportAs transform, --runtime minimal, the abort handler).
export {
  troupe_alloc, troupe_free, inputString, inputJson, packResult, packedPtr, packedLen,
  enter, leave, logLine, troupeAbort,
} from "./abi";
export { Json, JsonKind, JsonWriter, quote, stringify, numberText, parse, parseBytes } from "./json";
export { stateAs, stateJson } from "./state";
export {
  Outcome, channelAnswer, onInit, onSend, onRequest, onChannelOpen, onChannelMessage, onChannelClose,
  onResult, onChildError, onChildExit, onChildExternalStop, onTcpEvent,
} from "./callbacks";
export {
  HostResult, hostAnswer, callHost, base64Encode, base64Decode,
  runtime, timing, random, environment, message, supervisor, store, http, tcp,
} from "./host";

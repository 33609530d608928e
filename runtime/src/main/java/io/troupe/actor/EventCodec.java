package io.troupe.actor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.error.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one writer and reader of the data of the built-in chain event types (docs/chain.md). Every
 * field name of the schema appears here and nowhere else.
 */
public final class EventCodec {
  private final ObjectMapper mapper;
  private final JsonNodeFactory f;
  private final WasmCallBytes callBytes;

  public EventCodec(ObjectMapper mapper) {
    this.mapper = mapper;
    this.f = mapper.getNodeFactory();
    this.callBytes = new WasmCallBytes(mapper);
  }

  /** The event's data, as recorded in the chain. */
  public byte[] encode(Event event) {
    return bytes(tree(event));
  }

  private ObjectNode tree(Event event) {
    if (event instanceof Event.Started e) {
      return started(e);
    } else if (event instanceof Event.Call e) {
      return call(e);
    } else if (event instanceof Event.Result e) {
      return result(e);
    } else if (event instanceof Event.Error e) {
      return error(e);
    } else if (event instanceof Event.HostCall e) {
      return hostCall(e);
    } else if (event instanceof Event.AsyncStarted e) {
      return asyncStarted(e);
    } else if (event instanceof Event.AsyncPlaced e) {
      return asyncPlaced(e);
    } else if (event instanceof Event.AsyncCompleted e) {
      return asyncCompleted(e);
    } else if (event instanceof Event.Stopped e) {
      return stopped(e);
    } else if (event instanceof Event.Restarted e) {
      return restarted(e);
    } else if (event instanceof Event.Moved e) {
      return moved(e);
    } else if (event instanceof Event.Checkpoint e) {
      return CheckpointData.write(f, e);
    } else if (event instanceof Event.Upgraded e) {
      return upgraded(e);
    }
    throw new IllegalArgumentException("cannot write an event of type " + event.type());
  }

  /**
   * The data of a {@code wasm.call}, with the params tuple spliced in exactly as the caller
   * serialised it (a turn's hot path: the params are not parsed again).
   */
  public byte[] encodeCall(
      String function, Optional<String> messageId, Optional<ActorId> sender, byte[] params) {
    return callBytes.encode(function, messageId, sender, params);
  }

  /**
   * The params tuple of a {@code wasm.call} byte for byte as the chain holds it (what the guest was
   * given), not parsed and written again.
   *
   * @throws InvalidArgumentException when {@code e} is not a {@code wasm.call} with params
   */
  public byte[] rawParams(ChainEvent e) {
    return callBytes.rawParams(e);
  }

  /**
   * The typed data of {@code e}; {@link Event.Other} for a type this version does not interpret.
   *
   * @throws InvalidArgumentException when the data of a built-in type is not its JSON
   */
  public Event decode(ChainEvent e) {
    if (!isBuiltIn(e.type())) {
      return new Event.Other(e.type());
    }
    JsonNode d;
    try {
      d = mapper.readTree(e.data());
    } catch (IOException ex) {
      throw new InvalidArgumentException(
          "event " + e.seq() + " of actor " + e.actor() + " (" + e.type() + ") is not JSON");
    }
    if (d == null || !d.isObject()) {
      throw new InvalidArgumentException(
          "event " + e.seq() + " of actor " + e.actor() + " (" + e.type() + ") is not an object");
    }
    return switch (e.type()) {
      case EventTypes.ACTOR_STARTED ->
          new Event.Started(
              d.path("manifest").path("name").asText(),
              d.path("manifest").path("version").asText(),
              d.path("manifest").path("source").asText(),
              d.path("module_sha256").asText(),
              strings(d.path("handlers")),
              text(d, "init_state_sha256"),
              d.path("node").asText(),
              d.path("epoch").asLong(),
              text(d, "parent").map(ActorId::of));
      case EventTypes.WASM_CALL ->
          new Event.Call(
              d.path("function").asText(),
              text(d, "message_id"),
              text(d, "sender").map(ActorId::of),
              d.path("params"));
      case EventTypes.WASM_RESULT ->
          new Event.Result(d.path("function").asText(), d.path("result"), text(d, "state_sha256"));
      case EventTypes.WASM_ERROR ->
          new Event.Error(
              d.path("function").asText(),
              d.path("message").asText(),
              d.path("fault").asBoolean(false));
      case EventTypes.HOST_CALL ->
          new Event.HostCall(d.path("function").asText(), d.path("input"), d.path("output"));
      case EventTypes.ASYNC_STARTED ->
          new Event.AsyncStarted(
              d.path("op_id").asText(),
              d.path("kind").asText(),
              d.path("request"),
              d.path("node").asText(),
              text(d, "worker"),
              d.path("idempotent").asBoolean(false),
              d.path("deadline_ms").asLong(0));
      case EventTypes.ASYNC_PLACED ->
          new Event.AsyncPlaced(
              d.path("op_id").asText(),
              d.path("worker").asText(),
              d.path("previous").asText(),
              d.path("node").asText());
      case EventTypes.ASYNC_COMPLETED ->
          new Event.AsyncCompleted(
              d.path("op_id").asText(),
              d.path("kind").asText(),
              d.has("error") ? null : d.path("result"),
              d.has("error")
                  ? Optional.of(d.get("error").isNull() ? "(no message)" : d.get("error").asText())
                  : Optional.empty(),
              d.path("node").asText());
      case EventTypes.ACTOR_STOPPED ->
          new Event.Stopped(d.path("reason").asText(), Optional.ofNullable(d.get("data")));
      case EventTypes.ACTOR_RESTARTED ->
          new Event.Restarted(
              d.path("reason").asText(),
              !d.path("resume").asText().equals("last-state"),
              text(d, "note"),
              d.path("restart").asInt(),
              text(d, "state_sha256"),
              d.path("node").asText());
      case EventTypes.ACTOR_MOVED ->
          new Event.Moved(
              d.path("from_node").asText(),
              d.path("node").asText(),
              d.path("epoch").asLong(),
              d.path("reason").asText(),
              text(d, "state_sha256"),
              strings(d.path("open_ops")));
      case EventTypes.ACTOR_CHECKPOINT -> CheckpointData.read(d);
      case EventTypes.ACTOR_UPGRADED ->
          new Event.Upgraded(
              d.path("from_module_sha256").asText(),
              d.path("module_sha256").asText(),
              d.path("module_ref").asText(),
              d.path("check").asText(),
              d.path("node").asText());
      default -> new Event.Other(e.type());
    };
  }

  /**
   * What {@code handle-result} gets for a completed operation: {@code {"Ok": result}} or {@code
   * {"Err": message}}.
   */
  public ObjectNode outcome(Event.AsyncCompleted c) {
    ObjectNode out = f.objectNode();
    if (c.error().isPresent()) {
      out.put("Err", c.error().get());
    } else {
      out.set("Ok", c.result());
    }
    return out;
  }

  private static boolean isBuiltIn(String type) {
    return switch (type) {
      case EventTypes.ACTOR_STARTED,
          EventTypes.WASM_CALL,
          EventTypes.WASM_RESULT,
          EventTypes.WASM_ERROR,
          EventTypes.HOST_CALL,
          EventTypes.ASYNC_STARTED,
          EventTypes.ASYNC_PLACED,
          EventTypes.ASYNC_COMPLETED,
          EventTypes.ACTOR_STOPPED,
          EventTypes.ACTOR_RESTARTED,
          EventTypes.ACTOR_MOVED,
          EventTypes.ACTOR_CHECKPOINT,
          EventTypes.ACTOR_UPGRADED ->
          true;
      default -> false;
    };
  }

  private ObjectNode started(Event.Started e) {
    ObjectNode data = f.objectNode();
    ObjectNode m = data.putObject("manifest");
    m.put("name", e.manifestName());
    m.put("version", e.manifestVersion());
    m.put("source", e.manifestSource());
    data.put("module_sha256", e.moduleSha256());
    ArrayNode hs = data.putArray("handlers");
    e.handlers().forEach(hs::add);
    data.put("init_state_sha256", e.initStateSha256().orElse(null));
    data.put("node", e.node());
    data.put("epoch", e.epoch());
    e.parent().ifPresent(p -> data.put("parent", p.value()));
    return data;
  }

  private ObjectNode call(Event.Call e) {
    ObjectNode data = f.objectNode();
    data.put("function", e.function());
    if (e.messageId().isPresent()) {
      data.put("message_id", e.messageId().get());
      data.put("sender", e.sender().map(ActorId::value).orElse(null));
    }
    data.set("params", e.params());
    return data;
  }

  private ObjectNode result(Event.Result e) {
    ObjectNode data = f.objectNode();
    data.put("function", e.function());
    data.set("result", e.result());
    data.put("state_sha256", e.stateSha256().orElse(null));
    return data;
  }

  private ObjectNode error(Event.Error e) {
    ObjectNode data = f.objectNode();
    data.put("function", e.function());
    data.put("message", e.message());
    data.put("fault", e.fault());
    return data;
  }

  private ObjectNode hostCall(Event.HostCall e) {
    ObjectNode data = f.objectNode();
    data.put("function", e.function());
    data.set("input", e.input());
    data.set("output", e.output());
    return data;
  }

  private ObjectNode asyncStarted(Event.AsyncStarted e) {
    ObjectNode data = f.objectNode();
    data.put("op_id", e.opId());
    data.put("kind", e.kind());
    data.set("request", e.request());
    data.put("node", e.node());
    if (e.worker().isPresent()) {
      data.put("worker", e.worker().get());
      data.put("idempotent", e.idempotent());
      data.put("deadline_ms", e.deadlineMillis());
    }
    return data;
  }

  private ObjectNode asyncPlaced(Event.AsyncPlaced e) {
    ObjectNode data = f.objectNode();
    data.put("op_id", e.opId());
    data.put("worker", e.worker());
    data.put("previous", e.previous());
    data.put("node", e.node());
    return data;
  }

  private ObjectNode asyncCompleted(Event.AsyncCompleted e) {
    ObjectNode data = f.objectNode();
    data.put("op_id", e.opId());
    data.put("kind", e.kind());
    if (e.error().isPresent()) {
      data.put("error", e.error().get());
    } else {
      data.set("result", e.result());
    }
    data.put("node", e.node());
    return data;
  }

  private ObjectNode stopped(Event.Stopped e) {
    ObjectNode data = f.objectNode();
    data.put("reason", e.reason());
    e.data().ifPresent(d -> data.set("data", d));
    return data;
  }

  private ObjectNode restarted(Event.Restarted e) {
    ObjectNode data = f.objectNode();
    data.put("reason", e.reason());
    data.put("resume", e.fresh() ? "fresh" : "last-state");
    e.note().ifPresent(n -> data.put("note", n));
    data.put("restart", e.restart());
    data.put("state_sha256", e.stateSha256().orElse(null));
    data.put("node", e.node());
    return data;
  }

  private ObjectNode upgraded(Event.Upgraded e) {
    ObjectNode data = f.objectNode();
    data.put("from_module_sha256", e.fromModuleSha256());
    data.put("module_sha256", e.moduleSha256());
    data.put("module_ref", e.moduleRef());
    data.put("check", e.check());
    data.put("node", e.node());
    return data;
  }

  private ObjectNode moved(Event.Moved e) {
    ObjectNode data = f.objectNode();
    data.put("from_node", e.fromNode());
    data.put("node", e.node());
    data.put("epoch", e.epoch());
    data.put("reason", e.reason());
    data.put("state_sha256", e.stateSha256().orElse(null));
    ArrayNode ops = data.putArray("open_ops");
    e.openOps().forEach(ops::add);
    return data;
  }

  private static Optional<String> text(JsonNode d, String field) {
    JsonNode v = d.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  private byte[] bytes(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

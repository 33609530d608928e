package io.troupe.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One asynchronous operation that may run on any node: what to run ({@code kind} and {@code
 * request}, both plain data), for whom ({@code actor}, {@code opId}), until when, and whether
 * running it twice is harmless ({@code idempotent}: it may be retried elsewhere if its worker
 * dies).
 */
public record Work(
    String opId,
    String actor,
    String kind,
    JsonNode request,
    long deadlineMillis,
    boolean idempotent) {

  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("op_id", opId);
    o.put("actor", actor);
    o.put("kind", kind);
    o.set("request", request);
    o.put("deadline_ms", deadlineMillis);
    o.put("idempotent", idempotent);
    return o;
  }

  public static Work fromJson(JsonNode o) {
    return new Work(
        o.path("op_id").asText(),
        o.path("actor").asText(),
        o.path("kind").asText(),
        o.get("request"),
        o.path("deadline_ms").asLong(),
        o.path("idempotent").asBoolean());
  }
}

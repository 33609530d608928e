package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data of {@code actor.checkpoint}, the largest event type (docs/chain.md), for {@link
 * EventCodec}, which alone uses it: what a new home continues from, written and read here.
 */
final class CheckpointData {
  private CheckpointData() {}

  static Event.Checkpoint read(JsonNode d) {
    java.util.Map<String, History.Answer> answered = new java.util.LinkedHashMap<>();
    for (JsonNode a : d.path("answered")) {
      answered.put(
          a.path("id").asText(),
          new History.Answer(
              a.hasNonNull("value") ? a.get("value") : null,
              text(a, "cancelled"),
              text(a, "asked")));
    }
    java.util.Set<String> owed = new java.util.LinkedHashSet<>(strings(d.path("owed")));
    List<History.OpenOperation> open = new ArrayList<>();
    for (JsonNode o : d.path("open")) {
      open.add(
          new History.OpenOperation(
              o.path("op_id").asText(),
              o.path("kind").asText(),
              o.path("request"),
              java.time.Instant.ofEpochMilli(o.path("started_at_ms").asLong()),
              text(o, "worker"),
              o.path("idempotent").asBoolean(false),
              o.path("deadline_ms").asLong(0)));
    }
    java.util.Map<String, JsonNode> undelivered = new java.util.LinkedHashMap<>();
    d.path("undelivered").fields().forEachRemaining(f -> undelivered.put(f.getKey(), f.getValue()));
    return new Event.Checkpoint(
        text(d, "state_sha256"), text(d, "module_sha256"), answered, owed, open, undelivered);
  }

  static ObjectNode write(JsonNodeFactory f, Event.Checkpoint e) {
    ObjectNode data = f.objectNode();
    data.put("state_sha256", e.stateSha256().orElse(null));
    e.moduleSha256().ifPresent(m -> data.put("module_sha256", m));
    ArrayNode answered = data.putArray("answered");
    e.answered()
        .forEach(
            (id, a) -> {
              ObjectNode o = answered.addObject();
              o.put("id", id);
              o.set("value", a.value());
              a.cancelled().ifPresent(c -> o.put("cancelled", c));
              a.asked().ifPresent(c -> o.put("asked", c));
            });
    ArrayNode owed = data.putArray("owed");
    e.owed().forEach(owed::add);
    ArrayNode open = data.putArray("open");
    for (History.OpenOperation o : e.open()) {
      ObjectNode op = open.addObject();
      op.put("op_id", o.opId());
      op.put("kind", o.kind());
      op.set("request", o.request());
      op.put("started_at_ms", o.startedAt().toEpochMilli());
      o.worker().ifPresent(w -> op.put("worker", w));
      op.put("idempotent", o.idempotent());
      op.put("deadline_ms", o.deadlineMillis());
    }
    ObjectNode undelivered = data.putObject("undelivered");
    e.undelivered().forEach(undelivered::set);
    return data;
  }

  private static Optional<String> text(JsonNode d, String field) {
    JsonNode v = d.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

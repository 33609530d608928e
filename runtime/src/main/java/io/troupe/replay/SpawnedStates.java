package io.troupe.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.Event;
import io.troupe.actor.EventCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.chain.Sha256;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The first states a parent gave the children it spawned, read from its chain's {@code
 * supervisor.spawn} host calls, by their SHA-256: what a replay of a child's chain starts from.
 */
public final class SpawnedStates implements Function<String, Optional<byte[]>> {
  private static final String SPAWN = "troupe:actor/supervisor.spawn";

  private final ObjectMapper mapper;
  private final EventCodec codec;
  private final Map<String, byte[]> byHash = new HashMap<>();

  public SpawnedStates(ObjectMapper mapper) {
    this.mapper = mapper;
    this.codec = new EventCodec(mapper);
  }

  /** Learns the states {@code event} gave children, if it is a successful spawn. */
  public SpawnedStates add(ChainEvent event) {
    if (event.type().equals(EventTypes.HOST_CALL)
        && codec.decode(event) instanceof Event.HostCall call
        && call.function().equals(SPAWN)
        && call.succeeded()) {
      JsonNode state = call.input().path(1);
      if (!state.isMissingNode() && !state.isNull()) {
        byte[] bytes = bytes(state); // as the supervisor writes a child's first state
        byHash.put(Sha256.hex(bytes), bytes);
      }
    }
    return this;
  }

  @Override
  public Optional<byte[]> apply(String sha256) {
    return Optional.ofNullable(byHash.get(sha256));
  }

  private byte[] bytes(JsonNode state) {
    try {
      return mapper.writeValueAsBytes(state);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

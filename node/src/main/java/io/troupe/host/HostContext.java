package io.troupe.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Optional;

/** What a handler may see of the actor it serves. */
public interface HostContext {
  /** The actor's id. */
  String actorId();

  /** The node's clock (injected, so tests control time). */
  Clock clock();

  /** The actor's state as of the start of the current turn, or empty for {@code none}. */
  Optional<JsonNode> state();

  /** Asks the runtime to stop the actor once the current turn ends. */
  void requestShutdown(JsonNode data);
}

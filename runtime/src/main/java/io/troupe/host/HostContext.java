package io.troupe.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.manifest.Manifest;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** What a handler may see and do on behalf of the actor it serves. */
public interface HostContext {
  /** The actor's id. */
  String actorId();

  /** The actor's manifest. */
  Manifest manifest();

  /** The node's clock (injected, so tests control time). */
  Clock clock();

  /** The node's scheduler, for timers; tasks must be short. */
  ScheduledExecutorService scheduler();

  /** The actor's state as of the start of the current turn, or empty for {@code none}. */
  Optional<JsonNode> state();

  /** Asks the runtime to stop the actor once the current turn ends. */
  void requestShutdown(JsonNode data);

  /** Messages, requests and channels, sent as this actor. */
  Messenger messenger();

  /** Operation splitting: work that finishes after the turn, delivered to handle-result. */
  AsyncOperations async();

  /** This actor's children. */
  Supervisor supervisor();

  /**
   * Delivers an event to one of the actor's callbacks in a later turn of its own (the seed's event
   * queue). The actor must export {@code callback}. Not bounded by the mailbox: a handler keeps at
   * most a few events in flight per source and buffers the rest itself, with its own bound.
   *
   * @return completes once the callback ran (whatever its outcome)
   */
  java.util.concurrent.CompletableFuture<Void> enqueueEvent(String callback, JsonNode params);
}

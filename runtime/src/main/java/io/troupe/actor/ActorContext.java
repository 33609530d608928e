package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.host.HostContext;
import io.troupe.manifest.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the handlers of one actor see of it: its id, manifest and state, the node's clock and
 * scheduler, and its capabilities (messages, operations, children, its event queue).
 */
final class ActorContext implements HostContext {
  private final Actor actor;
  private final ActorMessenger messenger;
  private final ActorSupervisor supervisor;

  ActorContext(Actor actor) {
    this.actor = actor;
    this.messenger = new ActorMessenger(actor);
    this.supervisor = new ActorSupervisor(actor);
  }

  @Override
  public String actorId() {
    return actor.id().value();
  }

  @Override
  public Manifest manifest() {
    return actor.manifest();
  }

  @Override
  public Clock clock() {
    return actor.services().clock();
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return actor.services().scheduler();
  }

  @Override
  public Optional<JsonNode> state() {
    byte[] s = actor.turns().state();
    if (s == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(actor.services().mapper().readTree(s));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void requestShutdown(JsonNode data) {
    actor.turns().requestShutdown(data);
  }

  @Override
  public ActorMessenger messenger() {
    return messenger;
  }

  @Override
  public PendingOperations async() {
    return actor.operations();
  }

  @Override
  public ActorSupervisor supervisor() {
    return supervisor;
  }

  @Override
  public CompletableFuture<Void> enqueueEvent(String callback, JsonNode params) {
    return actor.inbox().enqueueEvent(callback, params);
  }
}

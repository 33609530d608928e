package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.troupe.chain.ChainEvent;
import io.troupe.manifest.Manifest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The typed call layer over an actor (the seed's {@code actor_handle.call_function}): params are a
 * Java list that becomes the JSON params tuple, the result is converted to {@code resultType}.
 * Calls are queued in the actor's mailbox and run one at a time, in order.
 */
public final class ActorHandle {
  private final Actor actor;
  private final ObjectMapper mapper;
  private final Duration requestTimeout;

  ActorHandle(Actor actor, ObjectMapper mapper, Duration requestTimeout) {
    this.actor = actor;
    this.mapper = mapper;
    this.requestTimeout = requestTimeout;
  }

  Actor actor() {
    return actor;
  }

  public ActorId id() {
    return actor.id();
  }

  public Manifest manifest() {
    return actor.manifest();
  }

  public ActorStatus status() {
    return actor.status();
  }

  /**
   * The chain so far, in seq order: the whole of it, or (where the chain store keeps the history)
   * its part from the last checkpoint on.
   */
  public List<ChainEvent> chain() {
    return actor.chain().events();
  }

  /**
   * Calls {@code listener} with the committed events from {@code fromSeq} on: those committed so
   * far at once, then each commit's as it completes, in seq order. The listener runs on the thread
   * that completes a commit and must not block.
   *
   * @return cancels the subscription
   */
  public Runnable subscribe(long fromSeq, java.util.function.Consumer<List<ChainEvent>> listener) {
    return actor.recorder().subscribe(fromSeq, listener);
  }

  /**
   * Like {@link #subscribe(long, java.util.function.Consumer)}; the events before the part of the
   * chain this actor holds (it let go of them after a checkpoint, its store keeps them) are read
   * from {@code older} ({@code (fromSeq, toSeq) -> events}), with no gap.
   */
  public Runnable subscribe(
      long fromSeq,
      java.util.function.Consumer<List<ChainEvent>> listener,
      java.util.function.BiFunction<Long, Long, List<ChainEvent>> older) {
    return actor.recorder().subscribe(fromSeq, listener, older);
  }

  /** Completes once every event recorded so far is durable in the chain store. */
  public CompletableFuture<Void> durable() {
    return actor.recorder().durable();
  }

  /** The chain length known durable (committed to the chain store). */
  public long committedLength() {
    return actor.recorder().committedLength();
  }

  /** The current state, or empty for {@code none}. */
  public Optional<JsonNode> state() {
    return actor.context().state();
  }

  /** Messages waiting in the mailbox. */
  public int mailboxDepth() {
    return actor.mailbox().depth();
  }

  /** Asynchronous operations (timers, HTTP requests, ...) the actor has in flight. */
  public int pendingOperations() {
    return actor.operations().size();
  }

  /** The actor that spawned this one, if any. */
  public Optional<ActorId> parent() {
    return actor.parent();
  }

  /** The children this actor spawned and has not stopped. */
  public List<ActorId> children() {
    synchronized (actor.children()) {
      return List.copyOf(actor.children());
    }
  }

  /** Requests this actor has seen and not answered yet (deferred replies). */
  public List<String> outstandingRequests() {
    return actor.ledger().outstanding();
  }

  /**
   * Calls callback {@code function} with {@code params} as its tuple (the seed's typed call layer).
   *
   * @param resultType the type of the callback's result value; {@code Void.class} when it returns
   *     only the state
   * @return completes with the result, or exceptionally with a {@link
   *     io.troupe.error.TroupeException}; fails at once (without queueing) on a message over {@code
   *     limits.max_message_bytes} or a full mailbox
   */
  public <R> CompletableFuture<R> callFunction(
      String function, List<?> params, Class<R> resultType) {
    ArrayNode tuple = mapper.valueToTree(params);
    return actor.inbox().call(function, tuple).thenApply(v -> convert(v, resultType));
  }

  /** Delivers {@code message} to {@code handle-send} (from outside); completes once handled. */
  public CompletableFuture<Void> send(JsonNode message) {
    return actor
        .services()
        .postOffice()
        .send(Optional.empty(), actor.id(), message)
        .thenApply(v -> null);
  }

  /**
   * Delivers {@code message} to {@code handle-request} with a fresh request id; completes with the
   * response, which the actor may defer, within the system's request timeout.
   */
  public CompletableFuture<JsonNode> request(JsonNode message) {
    return request(message, requestTimeout);
  }

  /** Like {@link #request(JsonNode)} with its own deadline. */
  public CompletableFuture<JsonNode> request(JsonNode message, Duration timeout) {
    return actor
        .services()
        .postOffice()
        .request(Optional.empty(), actor.id(), message, timeout)
        .thenApply(v -> v == null ? mapper.nullNode() : v);
  }

  private <R> R convert(JsonNode value, Class<R> type) {
    if (type == Void.class) {
      return null;
    }
    if (type == JsonNode.class) {
      return type.cast(value == null ? mapper.nullNode() : value);
    }
    try {
      return mapper.treeToValue(value, type);
    } catch (IOException e) {
      throw new io.troupe.error.InvalidArgumentException(
          "result of actor " + actor.id() + " is not a " + type.getSimpleName() + ": " + value);
    }
  }
}

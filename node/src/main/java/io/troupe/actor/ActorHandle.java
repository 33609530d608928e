package io.troupe.actor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.troupe.chain.ChainEvent;
import io.troupe.error.LimitExceededException;
import io.troupe.manifest.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The typed call layer over an actor (the seed's {@code actor_handle.call_function}): params are a
 * Java list that becomes the JSON params tuple, the result is converted to {@code resultType}.
 * Calls are queued in the actor's mailbox and run one at a time, in order.
 */
public final class ActorHandle {
  private final Actor actor;
  private final ObjectMapper mapper;
  private final Supplier<String> ids;

  ActorHandle(Actor actor, ObjectMapper mapper, Supplier<String> ids) {
    this.actor = actor;
    this.mapper = mapper;
    this.ids = ids;
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

  /** The chain so far, in seq order. */
  public List<ChainEvent> chain() {
    return actor.chain().events();
  }

  /** The current state, or empty for {@code none}. */
  public Optional<JsonNode> state() {
    return actor.state();
  }

  /** Messages waiting in the mailbox. */
  public int mailboxDepth() {
    return actor.mailbox().depth();
  }

  /**
   * Calls callback {@code function} with {@code params} as its tuple.
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
    byte[] bytes = checkSize(tuple);
    CompletableFuture<R> future = new CompletableFuture<>();
    Runnable turn =
        () -> {
          try {
            JsonNode value = actor.invoke(function, bytes);
            future.complete(convert(value, resultType));
          } catch (RuntimeException e) {
            future.completeExceptionally(e);
          }
        };
    try {
      if (!actor.mailbox().offer(turn)) {
        throw new LimitExceededException(
            "mailbox of actor "
                + actor.id()
                + " is full ("
                + actor.mailbox().capacity()
                + " messages, limits.mailbox_capacity)");
      }
    } catch (RejectedExecutionException e) {
      throw new io.troupe.error.ActorNotRunningException("node is shutting down");
    }
    return future;
  }

  /** Delivers {@code message} to {@code handle-send}. */
  public CompletableFuture<Void> send(JsonNode message) {
    return callFunction(Callbacks.HANDLE_SEND, List.of(message), Void.class);
  }

  /**
   * Delivers {@code message} to {@code handle-request} with a fresh request id; completes with the
   * response.
   */
  public CompletableFuture<JsonNode> request(JsonNode message) {
    return callFunction(Callbacks.HANDLE_REQUEST, List.of(ids.get(), message), JsonNode.class);
  }

  private byte[] checkSize(ArrayNode tuple) {
    int limit = actor.manifest().limits().maxMessageBytes();
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(tuple);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    int size = bytes.length;
    if (size > limit) {
      throw new LimitExceededException(
          "message of "
              + size
              + " bytes to actor "
              + actor.id()
              + " exceeds its limit of "
              + limit
              + " bytes (limits.max_message_bytes)");
    }
    return bytes;
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

package io.troupe.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Operation splitting (the seed's pattern): a host function starts work and returns an op id at
 * once; the result arrives later as {@code troupe:actor/async-client.handle-result(state, [op_id,
 * {"Ok": value} | {"Err": message}])}. Both ends are chain events ({@code async.started}, {@code
 * async.completed}).
 *
 * <p>An operation outlives the node it started on: when the actor moves (its node died or left),
 * the new home finds the operations its chain shows open and asks the {@link Resumer} registered
 * for their kind to go on with them; a kind without one, or whose resumer declines (the work is not
 * safe to repeat), completes with an error. Either way {@code handle-result} is called once.
 */
public interface AsyncOperations {
  /**
   * Records {@code async.started} and starts {@code work}.
   *
   * @param kind what the operation is, e.g. {@code timing.sleep}
   * @param request what was asked, recorded in the chain; a {@link Resumer} gets it back
   * @return the op id
   * @throws io.troupe.error.LimitExceededException when the actor has {@code
   *     limits.max_pending_ops} operations in flight
   * @throws io.troupe.error.InvalidArgumentException when the actor does not export handle-result
   */
  String start(String kind, JsonNode request, Supplier<CompletableFuture<JsonNode>> work);

  /**
   * Records {@code async.started} and hands the work to the cluster's dispatcher, which runs it on
   * the least-loaded node (a {@link io.troupe.dispatch.Runners.Runner} registered for {@code kind}
   * on every node); its result reaches the actor wherever it lives by then.
   *
   * @param idempotent whether running it twice is harmless: if its worker node dies, it is run
   *     again elsewhere; otherwise it completes with an error
   * @param timeout the operation's deadline, from now
   * @return the op id
   * @throws io.troupe.error.LimitExceededException when the actor has {@code
   *     limits.max_pending_ops} operations in flight, or every node's queue is full
   */
  String dispatch(String kind, JsonNode request, boolean idempotent, java.time.Duration timeout);

  /**
   * Like {@link #dispatch(String, JsonNode, boolean, java.time.Duration)}, but the chain records
   * {@code recorded} instead of {@code request} (a request with secrets taken out, marked {@code
   * "redacted": true}). Such an operation is never run again from its record: if its worker dies,
   * or the actor moves before the worker is known to live, it completes with an error.
   */
  String dispatch(
      String kind,
      JsonNode request,
      JsonNode recorded,
      boolean idempotent,
      java.time.Duration timeout);

  /** The field a redacted record of a request carries ({@code true}). */
  String REDACTED = "redacted";

  /** Cancels a pending operation; its result is an error. False when it is not pending. */
  boolean cancel(String opId);

  /**
   * Declares how operations of {@code kind} go on after the actor moved to another node. Handlers
   * call it when they register.
   */
  void onResume(String kind, Resumer resumer);

  /** Goes on with an operation that an earlier copy of the actor started on another node. */
  @FunctionalInterface
  interface Resumer {
    /**
     * @param request the request recorded in {@code async.started}
     * @param startedAt when the operation started (the time of its {@code async.started})
     * @return the work, going on here; empty when repeating it is not safe (it then completes with
     *     an error saying so)
     */
    Optional<CompletableFuture<JsonNode>> resume(JsonNode request, Instant startedAt);
  }
}

package io.troupe.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Operation splitting (the seed's pattern): a host function starts work and returns an op id at
 * once; the result arrives later as {@code troupe:actor/async-client.handle-result(state, [op_id,
 * {"Ok": value} | {"Err": message}])}. Both ends are chain events ({@code async.started}, {@code
 * async.completed}).
 */
public interface AsyncOperations {
  /**
   * Records {@code async.started} and starts {@code work}.
   *
   * @param kind what the operation is, e.g. {@code timing.sleep}
   * @param request what was asked, recorded in the chain
   * @return the op id
   * @throws io.troupe.error.LimitExceededException when the actor has {@code
   *     limits.max_pending_ops} operations in flight
   * @throws io.troupe.error.InvalidArgumentException when the actor does not export handle-result
   */
  String start(String kind, JsonNode request, Supplier<CompletableFuture<JsonNode>> work);

  /** Cancels a pending operation; its result is an error. False when it is not pending. */
  boolean cancel(String opId);
}

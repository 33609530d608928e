package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.EventTypes;
import io.troupe.error.CancelledException;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.LimitExceededException;
import io.troupe.host.AsyncOperations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * An actor's operations in flight. Starting one records {@code async.started}; its completion is
 * queued into the actor's mailbox (past the mailbox bound: the number in flight is bounded by
 * {@code limits.max_pending_ops} instead), recorded as {@code async.completed} and handed to {@code
 * handle-result}. Operations still pending when the actor stops complete with an error, recorded
 * before {@code actor.stopped}, so none is silently dropped.
 */
final class PendingOperations implements AsyncOperations {
  private record Op(String kind, CompletableFuture<JsonNode> future) {}

  private final Actor actor;
  private final Map<String, Op> pending = new ConcurrentHashMap<>();

  PendingOperations(Actor actor) {
    this.actor = actor;
  }

  @Override
  public String start(String kind, JsonNode request, Supplier<CompletableFuture<JsonNode>> work) {
    if (!actor.exports(Callbacks.HANDLE_RESULT)) {
      throw new InvalidArgumentException(
          "actor "
              + actor.id()
              + " must export "
              + Callbacks.HANDLE_RESULT
              + " to receive the result of "
              + kind);
    }
    int limit = actor.manifest().limits().maxPendingOps();
    if (pending.size() >= limit) {
      throw new LimitExceededException(
          "actor "
              + actor.id()
              + " already has "
              + limit
              + " operations in flight (limits.max_pending_ops)");
    }
    String opId = actor.services().postOffice().newId();
    ObjectNode started = actor.services().mapper().createObjectNode();
    started.put("op_id", opId);
    started.put("kind", kind);
    started.set("request", request);
    started.put("node", actor.services().nodeName());
    actor.record(EventTypes.ASYNC_STARTED, started);
    CompletableFuture<JsonNode> future;
    try {
      future = work.get();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    Op op = new Op(kind, future);
    pending.put(opId, op);
    future.whenComplete(
        (value, error) -> actor.mailbox().offerAlways(() -> complete(opId, op, value, error)));
    return opId;
  }

  @Override
  public boolean cancel(String opId) {
    Op op = pending.get(opId);
    return op != null
        && op.future().completeExceptionally(new CancelledException("operation cancelled"));
  }

  int size() {
    return pending.size();
  }

  /** In the mailbox: records the completion and calls handle-result. */
  private void complete(String opId, Op op, JsonNode value, Throwable error) {
    if (!pending.remove(opId, op)) {
      return; // already completed at stop
    }
    ObjectNode result = record(opId, op.kind(), value, error);
    if (actor.status() == ActorStatus.RUNNING) {
      actor.callInTurn(
          Callbacks.HANDLE_RESULT, List.of(opId, result), "result of " + op.kind() + " " + opId);
    }
  }

  /** In the mailbox, before {@code actor.stopped}: fails every pending operation. */
  void failAll(String reason) {
    for (String opId : new ArrayList<>(pending.keySet())) {
      Op op = pending.remove(opId);
      if (op != null) {
        op.future().cancel(true);
        record(opId, op.kind(), null, new CancelledException(reason));
      }
    }
  }

  private ObjectNode record(String opId, String kind, JsonNode value, Throwable error) {
    ObjectNode result = actor.services().mapper().createObjectNode();
    if (error == null) {
      result.set("Ok", value);
    } else {
      result.put("Err", io.troupe.error.Errors.unwrap(error).getMessage());
    }
    ObjectNode done = actor.services().mapper().createObjectNode();
    done.put("op_id", opId);
    done.put("kind", kind);
    if (error == null) {
      done.set("result", value);
    } else {
      done.set("error", result.get("Err"));
    }
    done.put("node", actor.services().nodeName());
    actor.record(EventTypes.ASYNC_COMPLETED, done);
    return result;
  }
}

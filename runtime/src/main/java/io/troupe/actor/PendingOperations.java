package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.error.CancelledException;
import io.troupe.error.Errors;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.LimitExceededException;
import io.troupe.error.UnavailableException;
import io.troupe.host.AsyncOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * An actor's operations in flight. Starting one records {@code async.started}; its completion is
 * queued into the actor's mailbox (past the mailbox bound: the number in flight is bounded by
 * {@code limits.max_pending_ops} instead), recorded as {@code async.completed} and handed to {@code
 * handle-result} in the same mailbox task, so both are committed together. Operations still pending
 * when the actor stops complete with an error, recorded before {@code actor.stopped}, so none is
 * silently dropped. When the actor moves, the new home reads the open operations from the chain and
 * resumes them ({@link #resume}).
 */
final class PendingOperations implements AsyncOperations {
  /** An operation in flight; {@code worker} is the node a dispatched one runs on, else null. */
  private record Op(String kind, CompletableFuture<JsonNode> future, String worker) {
    Op(String kind, CompletableFuture<JsonNode> future) {
      this(kind, future, null);
    }
  }

  /**
   * An operation the chain shows started and not completed; {@code worker} is the node a dispatched
   * one was placed on (null for work the home ran itself).
   */
  private record Open(
      String opId,
      String kind,
      JsonNode request,
      Instant startedAt,
      String worker,
      boolean idempotent,
      long deadlineMillis) {}

  private final Actor actor;
  private final Map<String, Op> pending = new ConcurrentHashMap<>();
  private final Map<String, Resumer> resumers = new ConcurrentHashMap<>();

  PendingOperations(Actor actor) {
    this.actor = actor;
  }

  @Override
  public String dispatch(
      String kind, JsonNode request, boolean idempotent, java.time.Duration timeout) {
    checkCanStart(kind);
    String opId = actor.services().postOffice().newId();
    long deadline = actor.services().clock().millis() + timeout.toMillis();
    // the result can only arrive after this turn (through the mailbox), so the operation is
    // registered once its worker is known
    String worker =
        actor
            .services()
            .dispatcher()
            .dispatch(
                new io.troupe.dispatch.Work(
                    opId, actor.id().value(), kind, request, deadline, idempotent));
    pending.put(opId, new Op(kind, new CompletableFuture<>(), worker));
    expireAt(opId, deadline);
    ObjectNode started = started(opId, kind, request);
    started.put("worker", worker);
    started.put("idempotent", idempotent);
    started.put("deadline_ms", deadline);
    actor.record(EventTypes.ASYNC_STARTED, started);
    return opId;
  }

  /**
   * The dispatcher placed dispatched operation {@code opId} on another worker (the first refused it
   * or died): records {@code async.placed}, so that a later home watches the right worker.
   */
  void placed(String opId, String worker) {
    actor
        .mailbox()
        .offerAlways(
            () -> {
              Op op = pending.get(opId);
              if (op == null
                  || op.worker() == null
                  || op.worker().equals(worker)
                  || actor.status() != ActorStatus.RUNNING
                  || !pending.replace(opId, op, new Op(op.kind(), op.future(), worker))) {
                return; // completed, cancelled or stopped meanwhile, or nothing new
              }
              ObjectNode placed = actor.services().mapper().createObjectNode();
              placed.put("op_id", opId);
              placed.put("worker", worker);
              placed.put("previous", op.worker());
              placed.put("node", actor.services().nodeName());
              actor.record(EventTypes.ASYNC_PLACED, placed);
            });
  }

  /**
   * The result of a dispatched operation reached this actor (from whichever node ran it). Records
   * it and hands it to handle-result, once; completes when that is durable (the worker then stops
   * resending it), or fails as unavailable when this copy of the actor is not its home any more.
   */
  CompletableFuture<Void> arrived(String opId, JsonNode value, String error) {
    CompletableFuture<Void> ack = new CompletableFuture<>();
    actor
        .mailbox()
        .offerAlways(
            () -> {
              if (actor.status() == ActorStatus.LOST) {
                ack.completeExceptionally(
                    new UnavailableException("actor " + actor.id() + " moved; resend"));
                return;
              }
              actor.services().dispatcher().settled(opId);
              Op op = pending.get(opId);
              if (op == null || !pending.remove(opId, op)) {
                ack.complete(null); // completed already (a resend), cancelled, or stopped
                return;
              }
              Throwable failure = error == null ? null : new RuntimeException(error);
              if (failure == null) {
                op.future().complete(value);
              } else {
                op.future().completeExceptionally(failure);
              }
              deliver(opId, op.kind(), record(opId, op.kind(), value, failure));
              actor
                  .durable()
                  .whenComplete(
                      (v, e) -> {
                        if (e != null) {
                          ack.completeExceptionally(e);
                        } else {
                          ack.complete(null);
                        }
                      });
            });
    return ack;
  }

  @Override
  public String start(String kind, JsonNode request, Supplier<CompletableFuture<JsonNode>> work) {
    checkCanStart(kind);
    String opId = actor.services().postOffice().newId();
    actor.record(EventTypes.ASYNC_STARTED, started(opId, kind, request));
    CompletableFuture<JsonNode> future;
    try {
      future = work.get();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    track(opId, kind, future);
    return opId;
  }

  /** The data of {@code async.started}. */
  private ObjectNode started(String opId, String kind, JsonNode request) {
    ObjectNode started = actor.services().mapper().createObjectNode();
    started.put("op_id", opId);
    started.put("kind", kind);
    started.set("request", request);
    started.put("node", actor.services().nodeName());
    return started;
  }

  private void checkCanStart(String kind) {
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
  }

  /**
   * In a turn: the cancellation is recorded at once (so a move after this turn cannot resume the
   * operation); handle-result gets it in a later turn.
   */
  @Override
  public boolean cancel(String opId) {
    Op op = pending.remove(opId);
    if (op == null) {
      return false;
    }
    op.future().cancel(true);
    dropOnWorker(opId, op);
    ObjectNode result =
        record(opId, op.kind(), null, new CancelledException("operation cancelled"));
    actor.mailbox().offerAlways(() -> deliver(opId, op.kind(), result));
    return true;
  }

  @Override
  public void onResume(String kind, Resumer resumer) {
    resumers.put(kind, resumer);
  }

  int size() {
    return pending.size();
  }

  private void track(String opId, String kind, CompletableFuture<JsonNode> future) {
    Op op = new Op(kind, future);
    pending.put(opId, op);
    future.whenComplete(
        (value, error) -> actor.mailbox().offerAlways(() -> complete(opId, op, value, error)));
  }

  /** In the mailbox: records the completion and calls handle-result. */
  private void complete(String opId, Op op, JsonNode value, Throwable error) {
    if (!pending.remove(opId, op)) {
      return; // already completed at stop
    }
    ObjectNode result = record(opId, op.kind(), value, error);
    deliver(opId, op.kind(), result);
  }

  private void deliver(String opId, String kind, ObjectNode result) {
    if (actor.status() == ActorStatus.RUNNING) {
      actor.callInTurn(
          Callbacks.HANDLE_RESULT, List.of(opId, result), "result of " + kind + " " + opId);
    }
  }

  /** In the mailbox, before {@code actor.stopped}: fails every pending operation. */
  void failAll(String reason) {
    for (String opId : new ArrayList<>(pending.keySet())) {
      Op op = pending.remove(opId);
      if (op != null) {
        op.future().cancel(true);
        dropOnWorker(opId, op);
        record(opId, op.kind(), null, new CancelledException(reason));
      }
    }
  }

  /** How long past its deadline a dispatched operation's result may still travel to the actor. */
  private static final long RESULT_GRACE_MS = 5_000;

  /**
   * A dispatched operation whose result has not come a little after its deadline (its worker ends
   * it at the deadline, so the result is lost or was never coming) completes with an error.
   */
  private void expireAt(String opId, long deadlineMillis) {
    long delay = Math.max(0, deadlineMillis - actor.services().clock().millis()) + RESULT_GRACE_MS;
    try {
      actor
          .services()
          .scheduler()
          .schedule(
              () ->
                  actor
                      .mailbox()
                      .offerAlways(
                          () -> {
                            Op op = pending.get(opId);
                            if (op != null && op.worker() != null && pending.remove(opId, op)) {
                              deliver(
                                  opId,
                                  op.kind(),
                                  record(
                                      opId,
                                      op.kind(),
                                      null,
                                      new io.troupe.error.DeadlineExceededException(
                                          "no result from worker node "
                                              + op.worker()
                                              + " by the operation's deadline")));
                            }
                          }),
              delay,
              java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the node is shutting down: the actor stops, and its stop completes the operation
    }
  }

  /** A dispatched operation nobody waits for any more: its worker abandons it. */
  private void dropOnWorker(String opId, Op op) {
    if (op.worker() != null) {
      actor.services().dispatcher().cancel(opId, op.worker());
    }
  }

  /**
   * This copy of the actor lost its home: its operations stop here without a record, since the
   * chain goes on elsewhere and the new home resumes them.
   */
  void abandon() {
    for (String opId : new ArrayList<>(pending.keySet())) {
      Op op = pending.remove(opId);
      if (op != null) {
        op.future().cancel(true);
      }
    }
  }

  /**
   * In the mailbox, as the actor moves in: finds in its committed {@code history} the operations an
   * earlier copy started and did not complete, and the results it recorded but did not hand to
   * handle-result. Call {@link Resumption#run} after recording {@code actor.moved}.
   */
  Resumption resume(List<ChainEvent> history, String fromNode) {
    Map<String, Open> open = new LinkedHashMap<>();
    Map<String, ObjectNode> undelivered = new LinkedHashMap<>();
    for (ChainEvent e : history) {
      switch (e.type()) {
        case EventTypes.ASYNC_STARTED -> {
          JsonNode d = read(e.data());
          String opId = d.path("op_id").asText();
          open.put(
              opId,
              new Open(
                  opId,
                  d.path("kind").asText(),
                  d.get("request"),
                  Instant.ofEpochMilli(e.timestamp()),
                  d.hasNonNull("worker") ? d.get("worker").asText() : null,
                  d.path("idempotent").asBoolean(false),
                  d.path("deadline_ms").asLong(0)));
        }
        case EventTypes.ASYNC_PLACED -> {
          JsonNode d = read(e.data());
          open.computeIfPresent(
              d.path("op_id").asText(),
              (id, o) ->
                  new Open(
                      o.opId(),
                      o.kind(),
                      o.request(),
                      o.startedAt(),
                      d.path("worker").asText(),
                      o.idempotent(),
                      o.deadlineMillis()));
        }
        case EventTypes.ASYNC_COMPLETED -> {
          JsonNode d = read(e.data());
          String opId = d.path("op_id").asText();
          open.remove(opId);
          ObjectNode result = actor.services().mapper().createObjectNode();
          if (d.has("error")) {
            result.set("Err", d.get("error"));
          } else {
            result.set("Ok", d.get("result"));
          }
          undelivered.put(opId, result);
        }
        case EventTypes.WASM_CALL -> {
          JsonNode d = read(e.data());
          if (d.path("function").asText().equals(Callbacks.HANDLE_RESULT)) {
            undelivered.remove(d.path("params").path(0).asText());
          }
        }
        case EventTypes.ACTOR_STOPPED, EventTypes.ACTOR_RESTARTED -> {
          open.clear(); // a stop fails what is pending, and hands none of it to handle-result
          undelivered.clear();
        }
        default -> {}
      }
    }
    return new Resumption(List.copyOf(open.values()), undelivered, fromNode);
  }

  /** What a moved actor goes on with: see {@link #resume}. */
  final class Resumption {
    private final List<Open> open;
    private final Map<String, ObjectNode> undelivered;
    private final String fromNode;

    private Resumption(List<Open> open, Map<String, ObjectNode> undelivered, String fromNode) {
      this.open = open;
      this.undelivered = undelivered;
      this.fromNode = fromNode;
    }

    /** The open operations' ids, for {@code actor.moved}. */
    ArrayNode openIds() {
      ArrayNode ids = actor.services().mapper().createArrayNode();
      open.forEach(o -> ids.add(o.opId()));
      return ids;
    }

    /**
     * In the mailbox: hands recorded results to handle-result, resumes each open operation whose
     * kind can go on here, and completes the others with an error.
     */
    void run() {
      undelivered.forEach(
          (opId, result) -> actor.mailbox().offerAlways(() -> deliver(opId, "operation", result)));
      for (Open o : open) {
        if (o.worker() != null) {
          resumeDispatched(o);
          continue;
        }
        Resumer r = resumers.get(o.kind());
        Optional<CompletableFuture<JsonNode>> work;
        String why;
        try {
          work = r == null ? Optional.empty() : r.resume(o.request(), o.startedAt());
          why = r == null ? "no handler here resumes " + o.kind() : "it is not safe to repeat";
        } catch (RuntimeException e) {
          work = Optional.empty();
          why = Errors.unwrap(e).getMessage();
        }
        if (work.isPresent()) {
          track(o.opId(), o.kind(), work.get());
        } else {
          String message =
              "operation lost with node " + fromNode + " and not repeated here: " + why;
          track(
              o.opId(),
              o.kind(),
              CompletableFuture.failedFuture(new UnavailableException(message)));
        }
      }
    }
  }

  /**
   * A dispatched operation of an earlier home: if its worker still runs, its result will find the
   * actor here; if the worker is gone, it runs again elsewhere when idempotent, or completes with
   * an error.
   */
  private void resumeDispatched(Open o) {
    var dispatcher = actor.services().dispatcher();
    var work =
        new io.troupe.dispatch.Work(
            o.opId(),
            actor.id().value(),
            o.kind(),
            o.request(),
            o.deadlineMillis(),
            o.idempotent());
    Op op = new Op(o.kind(), new CompletableFuture<>(), o.worker());
    expireAt(o.opId(), o.deadlineMillis());
    if (dispatcher.alive(o.worker())) {
      pending.put(o.opId(), op);
      dispatcher.watch(work, o.worker());
    } else if (o.idempotent()) {
      pending.put(o.opId(), op);
      try {
        placed(o.opId(), dispatcher.dispatch(work)); // recorded after actor.moved
      } catch (RuntimeException e) {
        pending.remove(o.opId(), op);
        track(o.opId(), o.kind(), CompletableFuture.failedFuture(e));
      }
    } else {
      track(
          o.opId(),
          o.kind(),
          CompletableFuture.failedFuture(
              new UnavailableException(
                  "operation lost with node "
                      + o.worker()
                      + " and not repeated here: it is not idempotent")));
    }
  }

  private ObjectNode record(String opId, String kind, JsonNode value, Throwable error) {
    ObjectNode result = actor.services().mapper().createObjectNode();
    if (error == null) {
      result.set("Ok", value);
    } else {
      result.put("Err", Errors.unwrap(error).getMessage());
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

  private JsonNode read(byte[] data) {
    try {
      return actor.services().mapper().readTree(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

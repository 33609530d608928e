package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.dispatch.Work;
import io.troupe.error.CancelledException;
import io.troupe.error.DeadlineExceededException;
import io.troupe.error.Errors;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.LimitExceededException;
import io.troupe.error.PermissionDeniedException;
import io.troupe.error.UnavailableException;
import io.troupe.host.AsyncOperations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An actor's operations in flight. Starting one records {@code async.started}; its completion is
 * queued into the actor's mailbox (past the mailbox bound: the number in flight is bounded by
 * {@code limits.max_pending_ops} instead), recorded as {@code async.completed} and handed to {@code
 * handle-result} in the same mailbox task, so both are committed together. Operations still pending
 * when the actor stops complete with an error, recorded before {@code actor.stopped}, so none is
 * silently dropped. When the actor moves, the new home goes on with the operations its chain's
 * {@link History} shows open ({@link #resume}).
 */
final class PendingOperations implements AsyncOperations {
  /** How long past its deadline a dispatched operation's result may still travel to the actor. */
  private static final long RESULT_GRACE_MS = 5_000;

  /** An operation in flight; {@code worker} is the node a dispatched one runs on, else null. */
  private record Op(String kind, CompletableFuture<JsonNode> future, String worker) {
    Op(String kind, CompletableFuture<JsonNode> future) {
      this(kind, future, null);
    }
  }

  private final Actor actor;
  private final Map<String, Op> pending = new ConcurrentHashMap<>();
  private final Map<String, Resumer> resumers = new ConcurrentHashMap<>();

  /** What the chain left open or undelivered; taken by {@link #resume}. */
  private History inherited;

  PendingOperations(Actor actor, History history) {
    this.actor = actor;
    this.inherited = history;
  }

  private Services services() {
    return actor.services();
  }

  @Override
  public String dispatch(String kind, JsonNode request, boolean idempotent, Duration timeout) {
    return dispatch(kind, request, request, idempotent, timeout);
  }

  @Override
  public String dispatch(
      String kind, JsonNode request, JsonNode recorded, boolean idempotent, Duration timeout) {
    checkCanStart(kind);
    String opId = services().postOffice().newId();
    long deadline = services().clock().millis() + timeout.toMillis();
    // the result can only arrive after this turn (through the mailbox), so the operation is
    // registered once its worker is known
    String worker =
        services()
            .dispatcher()
            .dispatch(new Work(opId, actor.id().value(), kind, request, deadline, idempotent));
    pending.put(opId, new Op(kind, new CompletableFuture<>(), worker));
    expireAt(opId, deadline);
    actor.record(
        new Event.AsyncStarted(
            opId,
            kind,
            recorded,
            services().nodeName(),
            Optional.of(worker),
            idempotent,
            deadline));
    return opId;
  }

  @Override
  public String start(String kind, JsonNode request, Supplier<CompletableFuture<JsonNode>> work) {
    checkCanStart(kind);
    String opId = services().postOffice().newId();
    actor.record(
        new Event.AsyncStarted(
            opId, kind, request, services().nodeName(), Optional.empty(), false, 0));
    CompletableFuture<JsonNode> future;
    try {
      future = work.get();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    track(opId, kind, future);
    return opId;
  }

  private void checkCanStart(String kind) {
    if (!actor.turns().exports(Callbacks.HANDLE_RESULT)) {
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
              actor.record(new Event.AsyncPlaced(opId, worker, op.worker(), services().nodeName()));
            });
  }

  /**
   * The result of a dispatched operation reached this actor (from whichever node ran it). Records
   * it and hands it to handle-result, once; completes when that is durable (the worker then stops
   * resending it), or fails as unavailable when this copy of the actor is not its home any more.
   */
  CompletableFuture<Void> arrived(String opId, JsonNode value, String error, String worker) {
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
              Op op = pending.get(opId);
              if (op != null
                  && !worker.equals(op.worker())
                  && !worker.equals(services().nodeName())) {
                // only the node the operation was placed on answers it, or this node's own
                // dispatcher (for a worker that died, or work it could not place)
                ack.completeExceptionally(
                    new PermissionDeniedException(
                        "operation "
                            + opId
                            + " of actor "
                            + actor.id()
                            + " runs on "
                            + (op.worker() == null ? "its home" : "node " + op.worker())
                            + ", not on node "
                            + worker));
                return;
              }
              services().dispatcher().settled(opId);
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
              deliver(opId, record(opId, op.kind(), value, failure));
              actor.release(ack, null, null);
            });
    return ack;
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
    actor.mailbox().offerAlways(() -> deliver(opId, result));
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
    deliver(opId, record(opId, op.kind(), value, error));
  }

  private void deliver(String opId, ObjectNode result) {
    if (actor.status() == ActorStatus.RUNNING) {
      actor.turns().callInTurn(Callbacks.HANDLE_RESULT, List.of(opId, result), "result of " + opId);
    }
  }

  /** In the mailbox, before {@code actor.stopped}: every pending operation fails, recorded. */
  void stopAll(String reason) {
    for (String opId : new ArrayList<>(pending.keySet())) {
      Op op = pending.remove(opId);
      if (op != null) {
        op.future().cancel(true);
        dropOnWorker(opId, op);
        record(opId, op.kind(), null, new CancelledException(reason));
      }
    }
  }

  /**
   * This copy of the actor lost its home (or handed it off): its operations stop here without a
   * record, since the chain goes on elsewhere and the new home resumes them.
   */
  void loseAll() {
    for (String opId : new ArrayList<>(pending.keySet())) {
      Op op = pending.remove(opId);
      if (op != null) {
        op.future().cancel(true);
      }
    }
  }

  /**
   * A dispatched operation whose result has not come a little after its deadline (its worker ends
   * it at the deadline, so the result is lost or was never coming) completes with an error.
   */
  private void expireAt(String opId, long deadlineMillis) {
    long delay = Math.max(0, deadlineMillis - services().clock().millis()) + RESULT_GRACE_MS;
    try {
      services()
          .scheduler()
          .schedule(
              () -> actor.mailbox().offerAlways(() -> expire(opId)), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the node is shutting down: the actor stops, and its stop completes the operation
    }
  }

  private void expire(String opId) {
    Op op = pending.get(opId);
    if (op != null && op.worker() != null && pending.remove(opId, op)) {
      String why = "no result from worker node " + op.worker() + " by the operation's deadline";
      deliver(opId, record(opId, op.kind(), null, new DeadlineExceededException(why)));
    }
  }

  /** A dispatched operation nobody waits for any more: its worker abandons it. */
  private void dropOnWorker(String opId, Op op) {
    if (op.worker() != null) {
      services().dispatcher().cancel(opId, op.worker());
    }
  }

  /** The ids of the operations the chain left open, for {@code actor.moved}. */
  List<String> openIds() {
    return inherited.open().stream().map(History.OpenOperation::opId).toList();
  }

  /**
   * In the mailbox, after {@code actor.moved}: hands the results the chain recorded but did not
   * hand over to handle-result, resumes each open operation whose kind can go on here, and
   * completes the others with an error.
   */
  void resume(String fromNode) {
    History from = inherited;
    inherited = History.empty();
    from.undelivered()
        .forEach((opId, result) -> actor.mailbox().offerAlways(() -> deliver(opId, result)));
    for (History.OpenOperation o : from.open()) {
      if (o.worker().isPresent()) {
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
      track(
          o.opId(),
          o.kind(),
          work.orElse(
              CompletableFuture.failedFuture(lostWith(fromNode, "not repeated here: " + why))));
    }
  }

  /**
   * A dispatched operation of an earlier home: if its worker still runs, its result will find the
   * actor here; if the worker is gone, it runs again elsewhere when idempotent, or completes with
   * an error.
   */
  private void resumeDispatched(History.OpenOperation o) {
    var dispatcher = services().dispatcher();
    String worker = o.worker().orElseThrow();
    // a request recorded without its secrets cannot be sent again from the record
    boolean repeatable = o.idempotent() && !o.request().path(REDACTED).asBoolean(false);
    Work work =
        new Work(
            o.opId(), actor.id().value(), o.kind(), o.request(), o.deadlineMillis(), repeatable);
    Op op = new Op(o.kind(), new CompletableFuture<>(), worker);
    expireAt(o.opId(), o.deadlineMillis());
    if (dispatcher.alive(worker)) {
      pending.put(o.opId(), op);
      dispatcher.watch(work, worker);
    } else if (repeatable) {
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
              lostWith(
                  worker,
                  o.idempotent()
                      ? "not repeated here: the chain keeps its request without its secrets"
                      : "not repeated here: it is not idempotent")));
    }
  }

  private static UnavailableException lostWith(String node, String what) {
    return new UnavailableException("operation lost with node " + node + " and " + what);
  }

  /** What an operation's error says, in a sentence even when it came without a message. */
  private static String message(Throwable error) {
    RuntimeException e = Errors.unwrap(error);
    return e.getMessage() != null
        ? e.getMessage()
        : "failed (" + e.getClass().getSimpleName() + ")";
  }

  private ObjectNode record(String opId, String kind, JsonNode value, Throwable error) {
    Event.AsyncCompleted done =
        new Event.AsyncCompleted(
            opId,
            kind,
            value,
            error == null ? Optional.empty() : Optional.of(message(error)),
            services().nodeName());
    actor.record(done);
    return services().events().outcome(done);
  }
}

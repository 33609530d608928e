package io.troupe.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.troupe.error.DeadlineExceededException;
import io.troupe.error.LimitExceededException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's share of the cluster's asynchronous work: at most {@code slots} operations run at
 * once (a slot is held until the operation's future completes, so slow I/O counts too), and at most
 * {@code queueLimit} wait; past that, work is refused with a clear error and placed elsewhere.
 *
 * <p>Work nobody wants any more is abandoned: cancelled while it waits, it is dropped; cancelled
 * while it runs, or past its deadline, its runner is told to stop ({@link Runners.Runner}) and its
 * slot is freed at once.
 */
public final class WorkerPool {
  private static final class Item {
    final Work work;
    final CompletableFuture<JsonNode> result;
    final long queuedAt;
    volatile boolean cancelled; // by its actor: nobody wants the result
    volatile CompletableFuture<JsonNode> running; // the runner's future, once it returned one

    Item(Work work, CompletableFuture<JsonNode> result, long queuedAt) {
      this.work = work;
      this.result = result;
      this.queuedAt = queuedAt;
    }
  }

  private final Runners runners;
  private final ExecutorService executor;
  private final Clock clock;
  private final int slots;
  private final int queueLimit;
  private final Deque<Item> queue = new ArrayDeque<>();
  private final Map<String, Item> running = new HashMap<>(); // by op id; guarded by this
  private final AtomicLong ran = new AtomicLong();
  private final AtomicLong cancelled = new AtomicLong();
  private final MeterRegistry meters;

  /**
   * @param meters where {@code troupe.dispatch.queue.depth} (gauge) and {@code troupe.dispatch.run}
   *     (timer by kind and outcome: counts and latency) go
   */
  public WorkerPool(
      Runners runners,
      ExecutorService executor,
      Clock clock,
      int slots,
      int queue,
      MeterRegistry meters) {
    this.runners = runners;
    this.executor = executor;
    this.clock = clock;
    this.slots = slots;
    this.queueLimit = queue;
    this.meters = meters;
    Gauge.builder("troupe.dispatch.queue.depth", this, WorkerPool::depth)
        .description("dispatched operations running or waiting on this node")
        .register(meters);
    Gauge.builder("troupe.dispatch.slots", this, WorkerPool::capacity).register(meters);
    meters.counter("troupe.dispatch.cancelled"); // at zero from the start
  }

  /**
   * Queues {@code w}; completes with its result. The same operation sent here again while it waits
   * or runs is not run twice: it gets the result of the one here.
   *
   * @throws LimitExceededException when the queue is full
   */
  public CompletableFuture<JsonNode> submit(Work w) {
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    synchronized (this) {
      Item here = running.get(w.opId());
      if (here == null) {
        here = queue.stream().filter(i -> i.work.opId().equals(w.opId())).findFirst().orElse(null);
      }
      if (here != null) {
        return here.result;
      }
      if (running.size() + queue.size() >= slots + queueLimit) {
        throw new LimitExceededException(
            "the operation queue of this node is full (" + queueLimit + " waiting)");
      }
      queue.add(new Item(w, result, System.nanoTime()));
    }
    startNext();
    return result;
  }

  /**
   * Abandons operation {@code opId} (its actor stopped or cancelled it): if it waits here, it is
   * dropped; if it runs, its runner is told to stop and its slot is freed. Its result future fails
   * with {@link io.troupe.error.CancelledException}.
   *
   * @return whether it was waiting or running here
   */
  public boolean cancel(String opId) {
    Item dropped = null;
    Item abandoned;
    synchronized (this) {
      for (var it = queue.iterator(); it.hasNext(); ) {
        Item item = it.next();
        if (item.work.opId().equals(opId)) {
          it.remove();
          dropped = item;
          break;
        }
      }
      abandoned = dropped == null ? running.get(opId) : null;
      if (abandoned != null) {
        abandoned.cancelled = true;
      }
    }
    if (dropped != null) {
      countCancelled();
      dropped.result.completeExceptionally(cancelledError(opId));
      return true;
    }
    if (abandoned == null) {
      return false;
    }
    CompletableFuture<JsonNode> f = abandoned.running;
    if (f != null) {
      f.cancel(true); // finish() follows at once; a runner still computing sees the flag
    }
    return true;
  }

  private void countCancelled() {
    cancelled.incrementAndGet();
    meters.counter("troupe.dispatch.cancelled").increment();
  }

  private static io.troupe.error.CancelledException cancelledError(String opId) {
    return new io.troupe.error.CancelledException("operation " + opId + " cancelled");
  }

  /** Operations abandoned while they waited or ran. */
  public long cancelled() {
    return cancelled.get();
  }

  /** Operations running or waiting here. */
  public synchronized int depth() {
    return running.size() + queue.size();
  }

  public int capacity() {
    return slots;
  }

  /** Operations that ran here to completion (with a result or an error), not abandoned. */
  public long ran() {
    return ran.get();
  }

  private void startNext() {
    Item next;
    synchronized (this) {
      if (running.size() >= slots || queue.isEmpty()) {
        return;
      }
      next = queue.poll();
      running.put(next.work.opId(), next);
    }
    try {
      executor.execute(() -> run(next));
    } catch (RuntimeException e) {
      finish(next, null, e);
    }
  }

  private void run(Item item) {
    Work w = item.work;
    long left = w.deadlineMillis() - clock.millis();
    if (left <= 0) {
      finish(
          item,
          null,
          new DeadlineExceededException(
              "operation " + w.opId() + " reached its deadline before it could run"));
      return;
    }
    CompletableFuture<JsonNode> f =
        runners.run(w, () -> item.cancelled || clock.millis() >= w.deadlineMillis());
    item.running = f;
    if (item.cancelled) {
      f.cancel(true); // cancelled while the runner started
    }
    f.orTimeout(left, TimeUnit.MILLISECONDS).whenComplete((v, e) -> finish(item, v, e));
  }

  private void finish(Item item, JsonNode value, Throwable error) {
    synchronized (this) {
      if (!running.remove(item.work.opId(), item)) {
        return; // finished already
      }
    }
    boolean cancelledHere = item.cancelled;
    if (cancelledHere) {
      countCancelled();
    } else {
      ran.incrementAndGet();
    }
    Throwable cause = error == null ? null : io.troupe.error.Errors.unwrap(error);
    Timer.builder("troupe.dispatch.run")
        .description("dispatched operations run on this node, from queued to done")
        .tag("kind", item.work.kind())
        .tag("outcome", cancelledHere ? "cancelled" : cause == null ? "ok" : "error")
        .register(meters)
        .record(System.nanoTime() - item.queuedAt, TimeUnit.NANOSECONDS);
    if (cancelledHere) {
      item.result.completeExceptionally(cancelledError(item.work.opId()));
    } else if (cause != null) {
      item.result.completeExceptionally(
          cause instanceof java.util.concurrent.TimeoutException
                  || cause instanceof java.util.concurrent.CancellationException
              ? new DeadlineExceededException(
                  "operation " + item.work.opId() + " ran past its deadline")
              : cause);
    } else {
      item.result.complete(value);
    }
    startNext();
  }
}

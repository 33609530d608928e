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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's share of the cluster's asynchronous work: at most {@code slots} operations run at
 * once (a slot is held until the operation's future completes, so slow I/O counts too), and at most
 * {@code queueLimit} wait; past that, work is refused with a clear error and placed elsewhere.
 */
public final class WorkerPool {
  private record Item(Work work, CompletableFuture<JsonNode> result, long queuedAt) {}

  private final Runners runners;
  private final ExecutorService executor;
  private final Clock clock;
  private final int slots;
  private final int queueLimit;
  private final Deque<Item> queue = new ArrayDeque<>();
  private int running; // guarded by this
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
  }

  /**
   * Queues {@code w}; completes with its result.
   *
   * @throws LimitExceededException when the queue is full
   */
  public CompletableFuture<JsonNode> submit(Work w) {
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    synchronized (this) {
      if (running + queue.size() >= slots + queueLimit) {
        throw new LimitExceededException(
            "the operation queue of this node is full (" + queueLimit + " waiting)");
      }
      queue.add(new Item(w, result, System.nanoTime()));
    }
    startNext();
    return result;
  }

  /**
   * Drops operation {@code opId} if it is still waiting here (its actor stopped or cancelled it);
   * one that already runs finishes, and its result is dropped by its actor.
   *
   * @return whether it was waiting
   */
  public boolean cancel(String opId) {
    Item dropped = null;
    synchronized (this) {
      for (var it = queue.iterator(); it.hasNext(); ) {
        Item item = it.next();
        if (item.work().opId().equals(opId)) {
          it.remove();
          dropped = item;
          break;
        }
      }
    }
    if (dropped == null) {
      return false;
    }
    cancelled.incrementAndGet();
    meters.counter("troupe.dispatch.cancelled").increment();
    dropped
        .result()
        .completeExceptionally(
            new io.troupe.error.CancelledException("operation " + opId + " cancelled"));
    return true;
  }

  /** Operations dropped while they waited. */
  public long cancelled() {
    return cancelled.get();
  }

  /** Operations running or waiting here. */
  public synchronized int depth() {
    return running + queue.size();
  }

  public int capacity() {
    return slots;
  }

  /** Operations that ran here to completion (with a result or an error). */
  public long ran() {
    return ran.get();
  }

  private void startNext() {
    Item next;
    synchronized (this) {
      if (running >= slots || queue.isEmpty()) {
        return;
      }
      next = queue.poll();
      running++;
    }
    try {
      executor.execute(() -> run(next));
    } catch (RuntimeException e) {
      finish(next, null, e);
    }
  }

  private void run(Item item) {
    long left = item.work().deadlineMillis() - clock.millis();
    if (left <= 0) {
      finish(
          item,
          null,
          new DeadlineExceededException(
              "operation " + item.work().opId() + " reached its deadline before it could run"));
      return;
    }
    runners
        .run(item.work())
        .orTimeout(left, TimeUnit.MILLISECONDS)
        .whenComplete((v, e) -> finish(item, v, e));
  }

  private void finish(Item item, JsonNode value, Throwable error) {
    synchronized (this) {
      running--;
    }
    ran.incrementAndGet();
    Timer.builder("troupe.dispatch.run")
        .description("dispatched operations run on this node, from queued to done")
        .tag("kind", item.work().kind())
        .tag("outcome", error == null ? "ok" : "error")
        .register(meters)
        .record(System.nanoTime() - item.queuedAt(), TimeUnit.NANOSECONDS);
    if (error != null) {
      Throwable cause = io.troupe.error.Errors.unwrap(error);
      item.result()
          .completeExceptionally(
              cause instanceof java.util.concurrent.TimeoutException
                  ? new DeadlineExceededException(
                      "operation " + item.work().opId() + " ran past its deadline")
                  : cause);
    } else {
      item.result().complete(value);
    }
    startNext();
  }
}

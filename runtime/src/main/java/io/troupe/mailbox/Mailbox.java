package io.troupe.mailbox;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An actor's mailbox: runs its tasks one at a time, in FIFO order, on a shared executor (never a
 * thread per actor), like grpc-java's {@code SerializingExecutor}. Bounded: {@link #offer} refuses
 * when {@code capacity} tasks are waiting. A drain runs at most {@code batch} tasks before giving
 * the thread back, so one busy actor cannot starve the others.
 */
public final class Mailbox {
  private static final Logger log = LoggerFactory.getLogger(Mailbox.class);
  private static final int BATCH = 64;

  private final Executor executor;
  private final int capacity;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger depth = new AtomicInteger();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable afterTask;

  public Mailbox(Executor executor, int capacity) {
    this(executor, capacity, () -> {});
  }

  /**
   * @param afterTask runs after every task, still in the mailbox (the actor uses it to commit the
   *     chain events of the turn that just ended)
   */
  public Mailbox(Executor executor, int capacity, Runnable afterTask) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1");
    }
    this.executor = executor;
    this.capacity = capacity;
    this.afterTask = afterTask;
  }

  /**
   * Queues {@code task}.
   *
   * @return false, without queueing, when the mailbox is full
   * @throws RejectedExecutionException when the executor has been shut down
   */
  public boolean offer(Runnable task) {
    if (depth.incrementAndGet() > capacity) {
      depth.decrementAndGet();
      return false;
    }
    queue.add(task);
    schedule();
    return true;
  }

  /**
   * Queues {@code task} even when the mailbox is full: for work the runtime owes the actor (stops,
   * results of operations it started, which are bounded by other means).
   */
  public void offerAlways(Runnable task) {
    depth.incrementAndGet();
    queue.add(task);
    try {
      schedule();
    } catch (RejectedExecutionException e) {
      log.debug("executor shut down; task not run");
    }
  }

  /** Tasks waiting, not counting the one running. */
  public int depth() {
    return depth.get();
  }

  public int capacity() {
    return capacity;
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        throw e;
      }
    }
  }

  private void drain() {
    try {
      for (int i = 0; i < BATCH; i++) {
        Runnable task = queue.poll();
        if (task == null) {
          break;
        }
        depth.decrementAndGet();
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          // A task owns its errors (turns complete their futures); this is a last resort.
          log.error("mailbox task failed", e);
        }
        try {
          afterTask.run();
        } catch (RuntimeException e) {
          log.error("mailbox after-task hook failed", e);
        }
      }
    } finally {
      scheduled.set(false);
      if (!queue.isEmpty()) {
        try {
          schedule();
        } catch (RejectedExecutionException e) {
          log.debug("executor shut down with {} tasks queued", queue.size());
        }
      }
    }
  }
}

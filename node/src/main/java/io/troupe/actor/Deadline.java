package io.troupe.actor;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Interrupts the calling thread if it is still inside the guarded call when the deadline passes;
 * Chicory then stops the guest with {@code ChicoryInterruptedException}. {@link #close()} makes
 * sure no interrupt can arrive afterwards and clears one that raced in, so the pool thread's next
 * task starts clean.
 */
final class Deadline implements AutoCloseable {
  private final Thread thread;
  private ScheduledFuture<?> timer;
  private boolean done;
  private boolean fired;

  private Deadline(Thread thread) {
    this.thread = thread;
  }

  static Deadline arm(ScheduledExecutorService scheduler, Duration timeout) {
    Deadline d = new Deadline(Thread.currentThread());
    d.timer = scheduler.schedule(d::fire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    return d;
  }

  private synchronized void fire() {
    if (!done) {
      fired = true;
      thread.interrupt();
    }
  }

  synchronized boolean fired() {
    return fired;
  }

  @Override
  public void close() {
    synchronized (this) {
      done = true;
    }
    timer.cancel(false);
    Thread.interrupted();
  }
}

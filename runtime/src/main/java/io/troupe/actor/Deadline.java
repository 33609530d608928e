package io.troupe.actor;

/**
 * Interrupts the thread that armed it if it is still inside the guarded call when the deadline
 * passes; Chicory then stops the guest with {@code ChicoryInterruptedException}. {@link #close()}
 * makes sure no interrupt can arrive afterwards and clears one that raced in, so the pool thread's
 * next task starts clean.
 */
final class Deadline implements AutoCloseable {
  private final Thread thread;
  private final long dueNanos;
  private final Watchdog owner;
  private boolean done;

  Deadline(Thread thread, long dueNanos, Watchdog owner) {
    this.thread = thread;
    this.dueNanos = dueNanos;
    this.owner = owner;
  }

  /** Time until the deadline (zero once it passed). */
  java.time.Duration remaining() {
    long left = dueNanos - System.nanoTime();
    return java.time.Duration.ofNanos(Math.max(0, left));
  }

  synchronized void fireIfDue(long nowNanos) {
    if (!done && nowNanos - dueNanos >= 0) {
      thread.interrupt();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      done = true;
    }
    owner.disarm(this);
    Thread.interrupted();
  }
}

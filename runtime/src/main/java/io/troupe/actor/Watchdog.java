package io.troupe.actor;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Enforces call deadlines with one periodic sweep instead of a timer per turn: arming is a set
 * insert, so a turn costs no thread wake-up. Deadlines are honoured to within one tick.
 */
final class Watchdog implements AutoCloseable {
  private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();
  private final ScheduledFuture<?> sweep;

  Watchdog(ScheduledExecutorService scheduler, Duration tick) {
    long nanos = tick.toNanos();
    this.sweep = scheduler.scheduleWithFixedDelay(this::sweep, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Arms a deadline for the calling thread. */
  Deadline arm(Duration timeout) {
    Deadline d = new Deadline(Thread.currentThread(), System.nanoTime() + timeout.toNanos(), this);
    armed.add(d);
    return d;
  }

  void disarm(Deadline d) {
    armed.remove(d);
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Deadline d : armed) {
      d.fireIfDue(now);
    }
  }

  @Override
  public void close() {
    sweep.cancel(false);
  }
}

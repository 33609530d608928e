package io.troupe.actor;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Idle actors sleep: an actor that ran no turn for {@code after} drops its guest instance (its
 * linear memory is most of what an idle actor costs) and keeps its record, state, chain and ledger;
 * its next turn makes a new instance from the compiled module, cached by hash. The chain records
 * neither the sleep nor the wake: callbacks are handed their state on every call, so an instance
 * holds nothing a turn needs, and replaying or failing over an actor never depended on one.
 */
final class Passivation {
  /** Never: instances are kept for the actor's life. */
  static final Duration OFF = Duration.ZERO;

  private final Duration after;
  private final Clock clock;
  private final LongAdder slept = new LongAdder();
  private final LongAdder woke = new LongAdder();

  Passivation(Duration after, Clock clock) {
    this.after = after;
    this.clock = clock;
  }

  boolean enabled() {
    return after.compareTo(OFF) > 0;
  }

  /** Sweeps {@code residents} every quarter of the idle time (10 ms to 1 s). */
  void start(ScheduledExecutorService scheduler, Residents residents) {
    if (!enabled()) {
      return;
    }
    long every = Math.max(10, Math.min(1000, after.toMillis() / 4));
    scheduler.scheduleWithFixedDelay(() -> sweep(residents), every, every, TimeUnit.MILLISECONDS);
  }

  /** Asks every actor idle for long enough to sleep. */
  void sweep(Residents residents) {
    long now = clock.millis();
    long idle = after.toMillis();
    residents.forEach(a -> sleepIfIdle(a, now, idle));
  }

  /**
   * Puts {@code a} to sleep when it runs, has nothing queued and ran nothing for {@code
   * idleMillis}: checked here, and again in its mailbox, where no turn can be running.
   */
  private void sleepIfIdle(Actor a, long now, long idleMillis) {
    if (!idle(a, now, idleMillis)) {
      return;
    }
    a.mailbox()
        .offerAlways(
            () -> {
              if (idle(a, now(), idleMillis)) {
                a.sleep();
                slept.increment();
              }
            });
  }

  private static boolean idle(Actor a, long now, long idleMillis) {
    return a.status() == ActorStatus.RUNNING
        && !a.sleeping()
        && a.mailbox().depth() == 0
        && now - a.lastActive() >= idleMillis;
  }

  long now() {
    return clock.millis();
  }

  void woke() {
    woke.increment();
  }

  /** Actors put to sleep since the system started. */
  long sleeps() {
    return slept.sum();
  }

  /** Sleeping actors woken by a turn since the system started. */
  long wakes() {
    return woke.sum();
  }
}

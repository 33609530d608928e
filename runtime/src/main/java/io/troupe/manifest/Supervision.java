package io.troupe.manifest;

import java.time.Duration;
import java.util.Locale;

/**
 * How an actor restarts the children it spawns, from its manifest's {@code [supervision]} table.
 * One-for-one: a child that fails is restarted on its own.
 *
 * @param restart when a child is restarted by the runtime ({@code restart}, default on-failure)
 * @param maxRestarts restarts allowed within {@code window}; past it the child stays failed ({@code
 *     max_restarts}, default 3)
 * @param window the sliding window restarts are counted in ({@code window_ms}, default 60000)
 * @param backoff delay before the first restart in the window, doubled for each further one ({@code
 *     backoff_ms}, default 100)
 * @param backoffMax the longest delay ({@code backoff_max_ms}, default 5000)
 * @param resume the state a restarted child starts from ({@code resume}, default last-state)
 */
public record Supervision(
    Restart restart,
    int maxRestarts,
    Duration window,
    Duration backoff,
    Duration backoffMax,
    Resume resume) {

  /** When the runtime restarts a child by itself. */
  public enum Restart {
    /** After a fault (trap, deadline, ABI violation); not after a clean exit. */
    ON_FAILURE,
    /** After a fault or a clean exit. */
    ALWAYS,
    /** Never: the parent decides in {@code handle-child-error} (it may call restart-child). */
    NEVER
  }

  /** What a restarted child's state is. */
  public enum Resume {
    /** The state after its last recorded turn, checked against the chain. */
    LAST_STATE,
    /** Its initial state, and {@code init} runs again. */
    FRESH
  }

  public Supervision {
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("max_restarts must be >= 0, got " + maxRestarts);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window_ms must be positive, got " + window.toMillis());
    }
    if (backoff.isNegative() || backoffMax.compareTo(backoff) < 0) {
      throw new IllegalArgumentException(
          "backoff_ms must be >= 0 and <= backoff_max_ms, got "
              + backoff.toMillis()
              + " and "
              + backoffMax.toMillis());
    }
  }

  public static Supervision defaults() {
    return new Supervision(
        Restart.ON_FAILURE,
        3,
        Duration.ofSeconds(60),
        Duration.ofMillis(100),
        Duration.ofSeconds(5),
        Resume.LAST_STATE);
  }

  /** The delay before restart number {@code n} (1-based) within the window. */
  public Duration backoffFor(int n) {
    long ms = backoff.toMillis();
    for (int i = 1; i < n && ms < backoffMax.toMillis(); i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, backoffMax.toMillis()));
  }

  /** The TOML spelling of an enum constant: {@code ON_FAILURE} is {@code on-failure}. */
  static String configName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}

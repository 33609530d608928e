package io.troupe.home;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dispatcher loads the peers last reported over the node links. A report older than {@link
 * #STALE} counts as none: a peer that went quiet is no place for new work.
 */
public final class LoadBoard {
  /** Peers report every 200 ms. */
  static final Duration STALE = Duration.ofSeconds(2);

  /** One peer's report: operations running and waiting, worker slots, CPU load (0..1). */
  public record Load(int depth, int capacity, double cpu, long atMillis) {}

  private final Clock clock;
  private final Map<String, Load> loads = new ConcurrentHashMap<>();

  public LoadBoard(Clock clock) {
    this.clock = clock;
  }

  void report(String peer, int depth, int capacity, double cpu) {
    loads.put(peer, new Load(depth, capacity, cpu, clock.millis()));
  }

  /** {@code peer}'s load, unless it is stale. */
  public Optional<Load> current(String peer) {
    Load l = loads.get(peer);
    return l == null || clock.millis() - l.atMillis() > STALE.toMillis()
        ? Optional.empty()
        : Optional.of(l);
  }
}

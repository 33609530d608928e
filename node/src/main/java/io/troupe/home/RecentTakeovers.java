package io.troupe.home;

import io.troupe.actor.ActorId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The last takeovers this node made, newest first: what the status page shows as failovers. */
public final class RecentTakeovers {
  /** How many are kept. */
  static final int KEPT = 20;

  /**
   * One takeover.
   *
   * @param fromNode the actor's former home
   * @param epoch its new epoch
   * @param reason why it moved, in words
   * @param atMillis when it ran again here (epoch milliseconds)
   * @param tookMillis from the start of the takeover to the actor running here
   */
  public record Takeover(
      ActorId actor, String fromNode, long epoch, String reason, long atMillis, long tookMillis) {}

  private final Deque<Takeover> last = new ArrayDeque<>();

  synchronized void add(Takeover t) {
    last.addFirst(t);
    while (last.size() > KEPT) {
      last.removeLast();
    }
  }

  /** Newest first. */
  public synchronized List<Takeover> list() {
    return new ArrayList<>(last);
  }
}

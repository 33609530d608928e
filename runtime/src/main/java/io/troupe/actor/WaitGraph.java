package io.troupe.actor;

import java.util.List;
import java.util.Optional;

/**
 * Who is parked waiting on whom (requests, channel opens, spawns from inside a callback). Parking
 * on an actor that transitively waits on the parker would deadlock until the deadline; the graph
 * refuses it at once and names the cycle.
 */
public interface WaitGraph {
  /**
   * Records that {@code waiter} waits on {@code target}, unless that closes a cycle.
   *
   * @return the cycle, starting and ending with {@code waiter}, when there is one (nothing is
   *     recorded then)
   */
  Optional<List<ActorId>> park(ActorId waiter, ActorId target);

  void unpark(ActorId waiter);
}

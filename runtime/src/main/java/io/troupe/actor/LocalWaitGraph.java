package io.troupe.actor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's wait graph. Each actor waits on at most one other (a turn parks once at a time), so the
 * graph is a set of chains; a walk from the target finds a cycle. Writing the edge before walking
 * makes two actors that request each other at the same moment see each other: at least one of them
 * finds the cycle.
 */
final class LocalWaitGraph implements WaitGraph {
  private final Map<ActorId, ActorId> waitsOn = new ConcurrentHashMap<>();

  @Override
  public Optional<List<ActorId>> park(ActorId waiter, ActorId target) {
    waitsOn.put(waiter, target);
    List<ActorId> path = new ArrayList<>(List.of(waiter));
    ActorId at = target;
    for (int hops = 0; at != null && hops <= waitsOn.size(); hops++) {
      path.add(at);
      if (at.equals(waiter)) {
        waitsOn.remove(waiter, target);
        return Optional.of(List.copyOf(path));
      }
      at = waitsOn.get(at);
    }
    return Optional.empty();
  }

  @Override
  public void unpark(ActorId waiter) {
    waitsOn.remove(waiter);
  }
}

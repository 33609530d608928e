package io.troupe.sink;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import java.util.List;
import java.util.Map;

/** Where a node reads committed chains from: its store, or the cluster's record. */
public interface ChainSource {
  /**
   * Committed events {@code from <= seq < to} of actor {@code id}, in seq order: fewer, or ones
   * starting later, where retention pruned them.
   *
   * @throws io.troupe.error.ActorNotFoundException when the actor is not known (removed)
   */
  List<ChainEvent> read(ActorId id, long from, long to);

  /** The seq of the first event kept of actor {@code id}'s chain: 0 unless retention pruned it. */
  long firstKept(ActorId id);

  /**
   * The actors that ended whose records this node keeps (owns), by their chain lengths: nobody
   * commits for them any more, so a delivery cut short by a crash is finished from here.
   */
  Map<ActorId, Long> endedHere();
}

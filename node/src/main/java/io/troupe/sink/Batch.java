package io.troupe.sink;

import io.troupe.chain.ChainEvent;
import java.util.List;

/**
 * Consecutive committed events of one actor, to deliver.
 *
 * @param events in seq order, without gaps
 * @param startsChain the first event is the first one the store keeps of the chain (seq 0, or the
 *     first after retention's anchor): a sink that holds nothing of the actor may begin with it
 */
public record Batch(List<ChainEvent> events, boolean startsChain) {
  public Batch {
    events = List.copyOf(events);
  }
}

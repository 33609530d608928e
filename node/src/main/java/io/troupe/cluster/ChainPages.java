package io.troupe.cluster;

import com.hazelcast.map.IMap;
import io.troupe.actor.ActorId;
import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.error.ActorNotFoundException;
import io.troupe.store.ActorStore;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of actors' committed events, a page per round trip: from the durable store when there is
 * one (it holds every event; the cluster's record, only the recent part), else from the cluster's
 * record on its partition's owner, only the events asked for crossing the network.
 */
final class ChainPages {
  /** Events read per round trip when a whole chain is read. */
  private static final int PAGE = 2048;

  private final IMap<String, ActorRecord> actors;
  private final ActorStore store; // null: nothing on disk

  ChainPages(IMap<String, ActorRecord> actors, ActorStore store) {
    this.actors = actors;
    this.store = store;
  }

  /**
   * Up to {@code max} committed events of actor {@code id} from {@code from} on (fewer at the
   * chain's end): from the durable store (which has them all), else from the cluster's record.
   */
  List<ChainEvent> page(ActorId id, long from, int max) {
    if (store != null) {
      return store.events(id, from, max); // it has every event; the record, its recent part
    }
    String lines =
        ClusterErrors.call(
            () -> actors.executeOnKey(id.value(), new ReadProcessor.Range(from, from + max)));
    if (lines == null) {
      throw new ActorNotFoundException("no actor " + id);
    }
    return ChainCodec.read(new StringReader(lines));
  }

  /** Committed events {@code from <= seq < to} of actor {@code id}, read in pages. */
  List<ChainEvent> chain(ActorId id, long from, long to) {
    if (store != null) {
      List<ChainEvent> out = new ArrayList<>();
      long next = from;
      while (next < to) {
        List<ChainEvent> page = store.events(id, next, (int) Math.min(PAGE, to - next));
        out.addAll(page);
        if (page.isEmpty()) {
          break;
        }
        next = page.get(page.size() - 1).seq() + 1;
      }
      return out;
    }
    List<ChainEvent> out = new ArrayList<>();
    long next = from;
    while (next < to) {
      long end = Math.min(to, next + PAGE);
      long first = next;
      String lines =
          ClusterErrors.call(
              () -> actors.executeOnKey(id.value(), new ReadProcessor.Range(first, end)));
      if (lines == null) {
        throw new ActorNotFoundException("no actor " + id);
      }
      List<ChainEvent> page = ChainCodec.read(new StringReader(lines));
      out.addAll(page);
      if (page.size() < end - next) {
        break;
      }
      next = end;
    }
    return out;
  }
}

package io.troupe.server;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.error.ActorNotFoundException;
import io.troupe.sink.ChainSink;
import io.troupe.sink.ChainSinks;
import io.troupe.sink.ChainSource;
import io.troupe.sink.JsonlSink;
import io.troupe.sink.OtlpSink;
import io.troupe.storage.Stores;
import io.troupe.store.ActorStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The node's chain sink, when its config names one, wired to the cluster's records. */
final class NodeSinks {
  private NodeSinks() {}

  /**
   * The sink {@code config} names, opened (its directory made): before the node binds anything, so
   * that a bad one stops the start.
   */
  static Optional<ChainSink> open(NodeConfig config, Optional<ActorStore> store, Clock clock) {
    return config
        .sink()
        .map(
            s ->
                switch (s.type()) {
                  case JSONL -> JsonlSink.open(s.dir().orElseThrow(), clock);
                  case OTLP ->
                      OtlpSink.open(
                          s.endpoint().orElseThrow(),
                          s.name(),
                          s.timeout(),
                          Stores.sinkCursors(store),
                          config.name(),
                          clock);
                });
  }

  /** Starts delivering to {@code sink} what this node commits, reading from {@code records}. */
  static ChainSinks start(ChainSink sink, ClusterChainStore records, String node, Clock clock) {
    return ChainSinks.start(sink, source(records), clock, node);
  }

  private static ChainSource source(ClusterChainStore records) {
    return new ChainSource() {
      @Override
      public List<ChainEvent> read(ActorId id, long from, long to) {
        List<ChainEvent> events = records.chain(id, from, to);
        if (events.isEmpty() && records.describe(id).isEmpty()) {
          throw new ActorNotFoundException("no actor " + id); // removed
        }
        return events;
      }

      @Override
      public long firstKept(ActorId id) {
        return records.anchor(id).map(a -> a.seq() + 1).orElse(0L);
      }

      @Override
      public Map<ActorId, Long> endedHere() {
        Map<ActorId, Long> out = new HashMap<>();
        for (ActorId id : records.ownedHere()) {
          records.describe(id).filter(a -> !a.live()).ifPresent(a -> out.put(id, a.chainLength()));
        }
        return out;
      }
    };
  }
}

package io.troupe.cluster;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import java.io.Serializable;
import java.util.Map;

/**
 * Reads a part of an actor's record on the partition owner, so that neither the whole record nor
 * its chain crosses the network to answer a small question. Never backed up (read-only).
 */
abstract sealed class ReadProcessor<R>
    implements EntryProcessor<String, ActorRecord, R>, ReadOnly, Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public R process(Map.Entry<String, ActorRecord> entry) {
    ActorRecord r = entry.getValue();
    return r == null ? null : read(r);
  }

  abstract R read(ActorRecord r);

  @Override
  public EntryProcessor<String, ActorRecord, R> getBackupProcessor() {
    return null;
  }

  /** The record without its chain. */
  static final class Summary extends ReadProcessor<SummaryData> {
    private static final long serialVersionUID = 1L;

    @Override
    SummaryData read(ActorRecord r) {
      return r.summary();
    }
  }

  /** Events {@code from <= seq < to} as chain v1 JSON lines. */
  static final class Range extends ReadProcessor<String> {
    private static final long serialVersionUID = 1L;
    private final long from;
    private final long to;

    Range(long from, long to) {
      this.from = from;
      this.to = to;
    }

    @Override
    String read(ActorRecord r) {
      return r.lines(from, to);
    }
  }

  /** The state snapshot and the chain length it belongs to. */
  static final class State extends ReadProcessor<StateSnapshot> {
    private static final long serialVersionUID = 1L;

    @Override
    StateSnapshot read(ActorRecord r) {
      return new StateSnapshot(r.state, r.stateSeq);
    }
  }
}

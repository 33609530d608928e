package io.troupe.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.error.InvalidArgumentException;
import io.troupe.store.ActorStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * {@code GetChain}: a chain streamed page by page, as fast as the client takes it (gRPC flow
 * control), so that neither the node nor the client holds more than a page of a long chain.
 */
final class ChainExport {
  /** Events read per page. */
  static final int PAGE = 1024;

  private final ClusterChainStore records;
  private final ActorId id;
  private final long to;
  private final ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out;
  private final Deque<ChainEvent> page = new ArrayDeque<>();
  private long next;
  private boolean done;

  private ChainExport(
      ClusterChainStore records,
      ActorId id,
      long from,
      long to,
      ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    this.records = records;
    this.id = id;
    this.next = from;
    this.to = to;
    this.out = out;
  }

  /**
   * Streams events {@code from <= seq < to} of actor {@code id} to {@code out}; from 0, the whole
   * chain that is kept (from its anchor, after retention).
   */
  static void start(
      ClusterChainStore records,
      ActorId id,
      long from,
      long to,
      ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    ChainExport export = new ChainExport(records, id, firstSeq(records, id, from), to, out);
    out.setOnReadyHandler(export::pump);
    out.setOnCancelHandler(export::cancel);
    export.pump();
  }

  /** Sends while the client takes them; reads the next page when one is used up. */
  private synchronized void pump() {
    try {
      while (!done && out.isReady()) {
        if (page.isEmpty()) {
          if (next >= to) {
            finish();
            return;
          }
          List<ChainEvent> read = records.page(id, next, (int) Math.min(PAGE, to - next));
          if (read.isEmpty()) {
            finish(); // the chain is shorter than asked
            return;
          }
          if (read.get(0).seq() != next) {
            throw notKept(id, next); // retention let go of them while they were read
          }
          page.addAll(read);
        }
        ChainEvent e = page.poll();
        next = e.seq() + 1;
        out.onNext(Protos.event(e));
      }
    } catch (RuntimeException e) {
      if (!done) {
        done = true;
        out.onError(Statuses.toStatus(e));
      }
    }
  }

  /**
   * Where a read that asks for events from {@code from} on begins: there, or, for a read of the
   * whole chain ({@code from} 0) of a chain that retention pruned, after its anchor.
   *
   * @throws InvalidArgumentException when it asks for events retention let go of
   */
  static long firstSeq(ClusterChainStore records, ActorId id, long from) {
    Optional<ActorStore.Anchor> anchor = records.anchor(id);
    if (anchor.isEmpty() || from > anchor.get().seq()) {
      return from;
    }
    if (from == 0) {
      return anchor.get().seq() + 1;
    }
    throw notKept(id, from);
  }

  static InvalidArgumentException notKept(ActorId id, long seq) {
    return new InvalidArgumentException(
        "actor "
            + id
            + " no longer keeps its events from seq "
            + seq
            + " (retention let go of them); read its chain from seq 0 to start at what it keeps");
  }

  private void finish() {
    done = true;
    out.onCompleted();
  }

  private synchronized void cancel() {
    done = true;
    page.clear();
  }
}

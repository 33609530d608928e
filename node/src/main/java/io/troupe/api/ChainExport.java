package io.troupe.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.cluster.ClusterChainStore;
import java.util.ArrayDeque;
import java.util.Deque;

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

  /** Streams events {@code from <= seq < to} of actor {@code id} to {@code out}. */
  static void start(
      ClusterChainStore records,
      ActorId id,
      long from,
      long to,
      ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    ChainExport export = new ChainExport(records, id, from, to, out);
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
          page.addAll(records.page(id, next, (int) Math.min(PAGE, to - next)));
          if (page.isEmpty()) {
            finish(); // the chain is shorter than asked
            return;
          }
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

  private void finish() {
    done = true;
    out.onCompleted();
  }

  private synchronized void cancel() {
    done = true;
    page.clear();
  }
}

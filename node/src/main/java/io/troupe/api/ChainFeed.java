package io.troupe.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.troupe.actor.ActorHandle;
import io.troupe.chain.ChainEvent;
import java.util.List;

/**
 * One client's subscription to an actor's chain, on the actor's home: the committed events from a
 * seq on (the backfill), then each commit's events as it completes, until the actor stops (once all
 * it recorded is durable) or the client goes away.
 */
final class ChainFeed {
  private final ActorHandle actor;
  private final ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out;
  private Runnable unsubscribe;
  private boolean done;

  private ChainFeed(
      ActorHandle actor, ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    this.actor = actor;
    this.out = out;
  }

  /**
   * @param older the committed events {@code [from, to)} the actor let go of (after a checkpoint)
   */
  static void start(
      ActorHandle actor,
      long fromSeq,
      java.util.function.BiFunction<Long, Long, List<ChainEvent>> older,
      ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    ChainFeed feed = new ChainFeed(actor, out);
    Runnable unsubscribe = actor.subscribe(fromSeq, feed::accept, older);
    synchronized (feed) {
      feed.unsubscribe = unsubscribe;
      if (feed.done) {
        unsubscribe.run();
      }
    }
    out.setOnCancelHandler(unsubscribe);
    feed.endIfStopped();
  }

  private synchronized void accept(List<ChainEvent> events) {
    if (done || out.isCancelled()) {
      return;
    }
    events.forEach(e -> out.onNext(Protos.event(e)));
    endIfStopped();
  }

  /** A stopped actor's chain ends once everything it recorded is durable (and sent). */
  private void endIfStopped() {
    if (!actor.status().live()) {
      actor.durable().whenComplete((v, e) -> end());
    }
  }

  private synchronized void end() {
    if (done) {
      return;
    }
    done = true;
    if (unsubscribe != null) {
      unsubscribe.run();
    }
    if (!out.isCancelled()) {
      out.onCompleted();
    }
  }
}

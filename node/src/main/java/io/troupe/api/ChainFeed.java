package io.troupe.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.troupe.actor.ActorHandle;
import io.troupe.chain.ChainEvent;
import io.troupe.error.UnavailableException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * One client's subscription to an actor's chain, on the actor's home: the committed events from a
 * seq on (the backfill), then each commit's events as it completes, until the actor stops (once all
 * it recorded is durable) or the client goes away.
 *
 * <p>The backfill is read from the cluster's record or the store page by page, as fast as the
 * client takes it (gRPC flow control), without holding up the actor's commits; only the events
 * committed during the last page are read as the feed joins the live commits. Live events wait in a
 * queue while the client is slow; a client more than {@value #MAX_BEHIND} events behind is ended
 * with an UNAVAILABLE error naming the seq to go on from (the SDK does so by itself), so that a
 * stalled reader cannot make the node hold an unbounded backlog.
 */
final class ChainFeed {
  /** Events read per page of the backfill. */
  static final int PAGE = 1024;

  /** How far (in bytes of events waiting for it) a live subscriber may fall behind. */
  static final long MAX_BEHIND_BYTES = 16L << 20;

  /** What an event waiting in the queue is counted at beyond its data. */
  private static final int EVENT_OVERHEAD = 128;

  private final ActorHandle actor;
  private final BiFunction<Long, Long, List<ChainEvent>> read;
  private final ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out;
  private final AtomicBoolean stopping = new AtomicBoolean(); // waiting for it to be durable

  // guarded by this
  private final Deque<ChainEvent> queue = new ArrayDeque<>();
  private long next; // the seq of the next event to queue
  private long queuedBytes;
  private boolean joining; // subscribing to the live commits (outside this lock)
  private boolean live;
  private boolean ending; // the actor stopped and all it recorded is queued
  private boolean done;
  private Runnable unsubscribe;

  private ChainFeed(
      ActorHandle actor,
      long fromSeq,
      BiFunction<Long, Long, List<ChainEvent>> committed,
      ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    this.actor = actor;
    this.next = fromSeq;
    this.read = committed;
    this.out = out;
  }

  /**
   * @param committed reads the committed events {@code [from, to)} from the cluster's record or the
   *     store (not from the actor, which may have let go of them)
   */
  static void start(
      ActorHandle actor,
      long fromSeq,
      BiFunction<Long, Long, List<ChainEvent>> committed,
      ServerCallStreamObserver<io.troupe.proto.v1.ChainEvent> out) {
    ChainFeed feed = new ChainFeed(actor, fromSeq, committed, out);
    out.setOnReadyHandler(feed::pump);
    out.setOnCancelHandler(feed::cancel);
    feed.pump();
  }

  /** Sends while the client takes them; reads the backfill page by page; then joins the commits. */
  private void pump() {
    // Lock order: the actor's commit lock, then this feed's (accept runs with the commit lock
    // held), so nothing that takes the commit lock is called with only this feed's lock held.
    long upTo = actor.committedLength();
    long joinAt;
    synchronized (this) {
      try {
        joinAt = backfill(upTo);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      if (joinAt < 0) {
        return;
      }
      joining = true;
    }
    Runnable u = actor.subscribe(joinAt, this::accept, read);
    synchronized (this) {
      unsubscribe = u;
      joining = false;
      live = true;
      if (done) {
        u.run();
        return;
      }
    }
    endIfStopped();
    pump();
  }

  /**
   * Sends what is queued while the client takes it, reading the backfill up to {@code upTo} page by
   * page.
   *
   * @return the seq to join the live commits at, or -1 to wait (for the client, or for commits)
   */
  private long backfill(long upTo) {
    while (!done) {
      if (queue.isEmpty()) {
        if (live || joining) {
          if (ending) {
            finish();
          }
          return -1;
        }
        if (next >= upTo) {
          return next; // caught up: join the commits
        }
        if (!out.isReady()) {
          return -1;
        }
        List<ChainEvent> page = read.apply(next, Math.min(upTo, next + PAGE));
        if (page.isEmpty() || page.get(0).seq() != next) {
          throw ChainExport.notKept(actor.id(), next);
        }
        page.forEach(this::add);
        next = page.get(page.size() - 1).seq() + 1;
        continue;
      }
      if (!out.isReady()) {
        return -1;
      }
      send();
    }
    return -1;
  }

  /**
   * A commit's events (or the last few of the backfill), on the thread that completed it, with the
   * actor's commit lock held.
   */
  private void accept(List<ChainEvent> events) {
    synchronized (this) {
      if (!queue(events)) {
        return;
      }
    }
    endIfStopped();
  }

  private boolean queue(List<ChainEvent> events) {
    if (done) {
      return false;
    }
    events.forEach(this::add);
    next = events.get(events.size() - 1).seq() + 1;
    if (live && queuedBytes > MAX_BEHIND_BYTES) {
      fail(
          new UnavailableException(
              "this subscriber fell more than "
                  + (MAX_BEHIND_BYTES >> 20)
                  + " MiB of events behind actor "
                  + actor.id()
                  + "; subscribe again from seq "
                  + queue.peek().seq()));
      return false;
    }
    while (!queue.isEmpty() && out.isReady()) {
      send();
    }
    return true;
  }

  /** A stopped actor's chain ends once everything it recorded is durable (and sent). */
  private void endIfStopped() {
    if (!actor.status().live() && stopping.compareAndSet(false, true)) {
      actor.durable().whenComplete((v, e) -> ending());
    }
  }

  private void ending() {
    synchronized (this) {
      ending = true;
    }
    pump();
  }

  private void add(ChainEvent e) {
    queue.add(e);
    queuedBytes += e.dataSize() + EVENT_OVERHEAD;
  }

  private void send() {
    ChainEvent e = queue.poll();
    queuedBytes -= e.dataSize() + EVENT_OVERHEAD;
    out.onNext(Protos.event(e));
  }

  private void finish() {
    done = true;
    release();
    if (!out.isCancelled()) {
      out.onCompleted();
    }
  }

  private void fail(RuntimeException e) {
    done = true;
    queue.clear();
    queuedBytes = 0;
    release();
    if (!out.isCancelled()) {
      out.onError(Statuses.toStatus(e));
    }
  }

  private synchronized void cancel() {
    done = true;
    queue.clear();
    queuedBytes = 0;
    release();
  }

  private void release() {
    if (unsubscribe != null) {
      unsubscribe.run();
      unsubscribe = null;
    }
  }
}

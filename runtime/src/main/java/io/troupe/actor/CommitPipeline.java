package io.troupe.actor;

import io.troupe.chain.Chain;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import io.troupe.error.TroupeException;
import io.troupe.error.UnavailableException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Group commit of one actor's chain to its {@link ChainStore}. After every turn ({@link #flush}, in
 * the mailbox) the events the turn appended become ready; at most one commit is in flight, and the
 * events of the turns that end meanwhile go out together in the next one, so the actor never waits
 * for replication and replication needs fewer round trips than turns. A turn's acknowledgement
 * waits for {@link #durable} of the chain length at its end.
 */
final class CommitPipeline {
  /** What the pipeline reads from its actor at a flush. */
  interface Source {
    ActorId id();

    Chain chain();

    byte[] stateBytes();

    ActorStatus status();

    long epoch();

    String node();

    Optional<ChainStore.Origin> origin();

    /** The store refused a commit: this copy of the actor has lost its home. */
    void lost(TroupeException why);
  }

  private final Source source;
  private final ChainStore store;
  private final Map<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
  private final List<Consumer<List<ChainEvent>>> listeners = new CopyOnWriteArrayList<>();

  // guarded by this
  private long committed;
  private long submitted;
  private long readyUpTo;
  private byte[] readyState;
  private ActorStatus readyStatus = ActorStatus.STARTING;
  private boolean inFlight;
  private TroupeException failure;

  /**
   * @param durable how many events of the source's chain are durable already (a resumed chain)
   */
  CommitPipeline(Source source, ChainStore store, long durable) {
    this.source = source;
    this.store = store;
    this.committed = durable;
    this.submitted = durable;
    this.readyUpTo = durable;
  }

  /** In the mailbox, after a turn: what the turn appended is ready to commit. */
  void flush() {
    long size = source.chain().size();
    synchronized (this) {
      if (size <= readyUpTo) {
        return;
      }
      readyUpTo = size;
      readyState = source.stateBytes();
      readyStatus = source.status();
    }
    submitNext();
  }

  /** Completes once the first {@code length} events are durable (at once if they are). */
  synchronized CompletableFuture<Void> durable(long length) {
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    if (length <= committed) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    waiters.computeIfAbsent(length, k -> new ArrayList<>()).add(f);
    return f;
  }

  /** The actor lets go of its events before {@code seq} (durable, and kept by the store). */
  synchronized void forgetBefore(long seq) {
    source.chain().forgetBefore(Math.min(seq, committed));
  }

  /** The chain length known durable. */
  synchronized long committed() {
    return committed;
  }

  /**
   * Calls {@code listener} with every committed event from {@code fromSeq} on: the ones already
   * committed at once (the backfill), then each commit's as it completes, in order.
   *
   * @return cancels the subscription
   */
  Runnable subscribe(long fromSeq, Consumer<List<ChainEvent>> listener) {
    return subscribe(fromSeq, listener, (from, to) -> List.of());
  }

  /**
   * Like {@link #subscribe(long, Consumer)}; events before the part of the chain the actor holds
   * (it let go of them after a checkpoint) come from {@code older}, with no gap: nothing is let go
   * while the backfill is read.
   */
  Runnable subscribe(
      long fromSeq,
      Consumer<List<ChainEvent>> listener,
      java.util.function.BiFunction<Long, Long, List<ChainEvent>> older) {
    Consumer<List<ChainEvent>> filtered =
        events -> {
          List<ChainEvent> wanted = events.stream().filter(e -> e.seq() >= fromSeq).toList();
          if (!wanted.isEmpty()) {
            listener.accept(wanted);
          }
        };
    synchronized (this) { // no commit completes between the backfill and the registration
      long held = source.chain().firstSeq();
      if (fromSeq < held) {
        List<ChainEvent> before = older.apply(fromSeq, held);
        if (!before.isEmpty()) {
          listener.accept(before);
        }
      }
      List<ChainEvent> backfill = source.chain().range(Math.max(fromSeq, held), committed);
      if (!backfill.isEmpty()) {
        listener.accept(backfill);
      }
      listeners.add(filtered);
    }
    return () -> listeners.remove(filtered);
  }

  /** A commit that changes the actor's module carries its origin again, for its record. */
  private static boolean upgrades(List<ChainEvent> events) {
    for (ChainEvent e : events) {
      if (e.type().equals(io.troupe.chain.EventTypes.ACTOR_UPGRADED)) {
        return true;
      }
    }
    return false;
  }

  private void submitNext() {
    ChainStore.Commit commit;
    synchronized (this) {
      if (inFlight || failure != null || readyUpTo <= submitted) {
        return;
      }
      inFlight = true;
      List<ChainEvent> events = source.chain().range(submitted, readyUpTo);
      EventHash expected =
          submitted == 0 ? EventHash.ZERO : events.get(0).parent(); // linked by construction
      commit =
          new ChainStore.Commit(
              source.id(),
              source.epoch(),
              submitted,
              expected,
              events,
              readyState,
              readyStatus,
              source.node(),
              submitted == 0 || upgrades(events) ? source.origin() : Optional.empty());
      submitted = readyUpTo;
    }
    CompletableFuture<Void> f;
    try {
      f = store.commit(commit);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((v, e) -> done(commit, e));
  }

  private void done(ChainStore.Commit commit, Throwable error) {
    List<CompletableFuture<Void>> release = new ArrayList<>();
    TroupeException lost = null;
    synchronized (this) {
      inFlight = false;
      if (error == null) {
        committed = commit.toSeq();
        for (Iterator<Map.Entry<Long, List<CompletableFuture<Void>>>> it =
                waiters.entrySet().iterator();
            it.hasNext(); ) {
          var entry = it.next();
          if (entry.getKey() > committed) {
            break;
          }
          release.addAll(entry.getValue());
          it.remove();
        }
        for (Consumer<List<ChainEvent>> l : listeners) {
          l.accept(commit.events());
        }
      } else {
        RuntimeException cause = io.troupe.error.Errors.unwrap(error);
        failure =
            cause instanceof TroupeException t
                ? t
                : new UnavailableException(
                    "commit of actor " + commit.actor() + " failed: " + cause.getMessage(), cause);
        lost = failure;
        waiters.values().forEach(release::addAll);
        waiters.clear();
      }
    }
    if (lost == null) {
      release.forEach(w -> w.complete(null));
      submitNext();
    } else {
      TroupeException why = lost;
      release.forEach(w -> w.completeExceptionally(why));
      source.lost(why);
    }
  }
}

package io.troupe.actor;

import io.troupe.chain.Chain;
import io.troupe.chain.ChainEvent;
import io.troupe.error.TroupeException;
import io.troupe.manifest.ChainSettings;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an actor records, and when it is durable: its chain, its {@link CommitPipeline} and its
 * checkpoints. Appends happen in the actor's mailbox; commits go out between mailbox tasks.
 */
final class Recorder {
  private static final Logger log = LoggerFactory.getLogger(Recorder.class);

  private final Actor actor;
  private final Chain chain;
  private final Services services;
  private final CommitPipeline commits;

  /** When to checkpoint: the manifest's {@code [chain]}, else the node's defaults. */
  private final ChainSettings checkpoints;

  /** The seq of the last checkpoint (or where the held chain begins); mailbox only. */
  private long checkpointSeq;

  /** Bytes of event data appended since then; mailbox only. */
  private long bytesSinceCheckpoint;

  Recorder(Actor actor, Chain chain, Services services, long committedLength) {
    this.actor = actor;
    this.chain = chain;
    this.services = services;
    this.commits = new CommitPipeline(new Source(), services.chainStore(), committedLength);
    this.checkpointSeq = chain.firstSeq();
    this.checkpoints = actor.manifest().chain().orNodeDefaults(services.chainDefaults());
  }

  /** Appends {@code event} to the chain (committed after the mailbox task). */
  void record(Event event) {
    append(event.type(), services.events().encode(event));
  }

  void append(String type, byte[] data) {
    chain.append(type, services.clock().millis(), data);
    bytesSinceCheckpoint += data.length;
  }

  /**
   * Settles what a turn acknowledges once the events appended so far are durable (a commit that
   * fails fails it instead). In the mailbox, at the end of the turn or inside it: a value given
   * inside a turn waits for the turn's own end, since commits go out between turns.
   */
  <T> void release(CompletableFuture<T> target, T value, Throwable error) {
    durable()
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                target.completeExceptionally(e);
              } else if (error != null) {
                target.completeExceptionally(error);
              } else {
                target.complete(value);
              }
            });
  }

  /** Completes once every event appended so far is durable. */
  CompletableFuture<Void> durable() {
    return commits.durable(chain.size());
  }

  /** Committed events from {@code fromSeq} on, backfill then live; returns the cancel action. */
  Runnable subscribe(long fromSeq, Consumer<List<ChainEvent>> listener) {
    return commits.subscribe(fromSeq, listener);
  }

  /** Like {@link #subscribe(long, Consumer)}, with events it let go of read from {@code older}. */
  Runnable subscribe(
      long fromSeq,
      Consumer<List<ChainEvent>> listener,
      BiFunction<Long, Long, List<ChainEvent>> older) {
    return commits.subscribe(fromSeq, listener, older);
  }

  long committedLength() {
    return commits.committed();
  }

  /** After every mailbox task: a checkpoint when one is due, then the commit of what it added. */
  void afterTask() {
    checkpointIfDue();
    commits.flush();
  }

  /**
   * Records a checkpoint every {@code [chain] checkpoint_events} events or {@code checkpoint_bytes}
   * bytes, between turns, where the chain store keeps the history; once it is durable, the actor
   * lets go of the events before it (the store has them).
   */
  private void checkpointIfDue() {
    if (actor.status() != ActorStatus.RUNNING || !services.chainStore().retainsHistory()) {
      return;
    }
    if (chain.size() - checkpointSeq < checkpoints.checkpointEvents()
        && bytesSinceCheckpoint < checkpoints.checkpointBytes()) {
      return;
    }
    History history = History.read(chain.range(checkpointSeq, chain.size()), services.events());
    byte[] state = actor.turns().state();
    if (state != null) {
      services.chainStore().keepState(state.clone()); // where a replay can start
    }
    record(history.checkpoint());
    long seq = chain.size() - 1;
    checkpointSeq = seq;
    bytesSinceCheckpoint = 0;
    durable().thenRun(() -> commits.forgetBefore(seq));
  }

  /** What the commit pipeline reads from the actor. */
  private final class Source implements CommitPipeline.Source {
    @Override
    public ActorId id() {
      return actor.id();
    }

    @Override
    public Chain chain() {
      return chain;
    }

    @Override
    public byte[] stateBytes() {
      return actor.turns().state();
    }

    @Override
    public ActorStatus status() {
      return actor.status();
    }

    @Override
    public long epoch() {
      return actor.epoch();
    }

    @Override
    public String node() {
      return services.nodeName();
    }

    @Override
    public Optional<ChainStore.Origin> origin() {
      var manifest = actor.manifest();
      return Optional.of(
          new ChainStore.Origin(
              manifest.name(),
              actor.turns().moduleSha256(),
              actor.parent(),
              manifest.text(),
              manifest.module(),
              manifest.chain().keepEvents()));
    }

    @Override
    public void lost(TroupeException why) {
      log.warn("actor {}: this node lost it: {}", actor.id(), why.getMessage());
      services.residents().lose(actor, why);
    }
  }
}

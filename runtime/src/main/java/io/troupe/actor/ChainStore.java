package io.troupe.actor;

import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where an actor's chain is made durable. After each turn the actor hands the turn's events to the
 * store as one {@link Commit}; what the turn acknowledges (a send, a request's response, a start)
 * is released only once the commit completes. A cluster's store replicates the events and refuses a
 * commit whose expected head is stale; the default store keeps nothing beyond the actor's own
 * in-memory chain.
 */
@FunctionalInterface
public interface ChainStore {
  /**
   * Commits {@code commit.events()} after the head the actor expects.
   *
   * @return completes once durable; fails with {@link io.troupe.error.StaleAppendException} when
   *     the head moved on (this node lost the actor)
   */
  CompletableFuture<Void> commit(Commit commit);

  /**
   * Whether the store keeps each chain's whole history, so that an actor's home may let go of the
   * part before a checkpoint (and readers find it in the store). A store that keeps nothing does
   * not: its actors hold their whole chains.
   */
  default boolean retainsHistory() {
    return false;
  }

  /**
   * Keeps {@code state}, which a checkpoint of an actor names by its SHA-256, so that a replay of
   * the chain from that checkpoint has it (the events before may be pruned). Best effort, off the
   * caller's thread; a store that keeps no history keeps no states either.
   */
  default void keepState(byte[] state) {}

  /** A store that keeps nothing: every commit is durable at once. */
  static ChainStore inMemory() {
    return c -> CompletableFuture.completedFuture(null);
  }

  /**
   * One turn's worth (or several turns' worth) of events for one actor.
   *
   * @param epoch the actor's epoch on this home; a commit from an older epoch is refused
   * @param fromSeq the seq of the first event: the chain length the store must have
   * @param expectedHead the hash of the event before it ({@link EventHash#ZERO} at seq 0)
   * @param state the actor's state after the last event, or null for none
   * @param status the actor's status after the last event
   * @param origin set on the commit that carries the genesis event, and on one that carries {@code
   *     actor.upgraded} (the record then names the new module)
   */
  record Commit(
      ActorId actor,
      long epoch,
      long fromSeq,
      EventHash expectedHead,
      List<ChainEvent> events,
      byte[] state,
      ActorStatus status,
      String node,
      Optional<Origin> origin) {
    public Commit {
      Objects.requireNonNull(actor);
      Objects.requireNonNull(expectedHead);
      events = List.copyOf(events);
      Objects.requireNonNull(status);
      Objects.requireNonNull(node);
      Objects.requireNonNull(origin);
    }

    /** The chain length after this commit. */
    public long toSeq() {
      return fromSeq + events.size();
    }
  }

  /**
   * What an actor was started from: its manifest's name and TOML, its module's content hash, and
   * where the module's bytes are ({@code moduleRef}: the manifest's {@code module}, a path or an
   * uploaded {@code sha256:} reference); and its retention ({@code [chain] keep_events}: how many
   * events before its latest checkpoint a store keeps, or empty for all).
   */
  record Origin(
      String manifestName,
      String moduleSha256,
      Optional<ActorId> parent,
      String manifestToml,
      String moduleRef,
      java.util.OptionalLong keepEvents) {
    public Origin {
      Objects.requireNonNull(keepEvents);
    }
  }
}

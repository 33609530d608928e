package io.troupe.store;

import io.troupe.actor.ActorId;
import io.troupe.actor.ChainStore;
import io.troupe.actor.ModuleSource;
import io.troupe.chain.ChainEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where actors survive restarts: their records (manifest, module, epoch, status, parent), their
 * committed chains and last states, uploaded modules, and the content store's blobs and labels. The
 * runtime defines this port so that it stays free of any database; the node implements it (SQLite
 * for one node, PostgreSQL shared by a cluster).
 *
 * <p>Appends are fenced: each carries the actor's epoch, the seq it starts at and the hash of the
 * event before it, and the store refuses one that does not follow its record's head in that epoch,
 * so two homes can never both persist. A takeover {@link #fence fences} the record first.
 */
public interface ActorStore extends AutoCloseable {
  /**
   * Makes {@code commit} durable. Commits of many actors that arrive together go to disk in one
   * transaction.
   *
   * @return completes once the events are on disk; fails with {@link
   *     io.troupe.error.StaleAppendException} when the commit does not follow the record's head in
   *     its epoch (or a genesis commit finds a record), and with {@link
   *     io.troupe.error.UnavailableException} when the store cannot be written
   */
  CompletableFuture<Void> append(ChainStore.Commit commit);

  /**
   * Takes actor {@code id} over for {@code node} in {@code epoch}: from now on appends of an older
   * epoch are refused.
   *
   * @return what the actor continues from; empty when the store has no record of it, or its record
   *     is at {@code epoch} or later already (another node took it over)
   * @throws io.troupe.error.UnavailableException when the store cannot be reached
   */
  Optional<StoredActor> fence(ActorId id, long epoch, String node);

  /** The record of actor {@code id} and its chain since its last checkpoint, if it has one. */
  Optional<StoredActor> load(ActorId id);

  /** The record of actor {@code id}, without its chain. */
  Optional<StoredActor> record(ActorId id);

  /**
   * Where the chain of actor {@code id} begins after retention pruned it: the last pruned event's
   * seq and hash (the first kept event links to it); empty while it keeps its whole chain.
   */
  Optional<Anchor> anchor(ActorId id);

  /** The last event retention let go of: what a pruned chain's first kept event links to. */
  record Anchor(long seq, io.troupe.chain.EventHash hash) {}

  /** Every actor's record, without chains, in id order. */
  List<StoredActor> records();

  /** The ids of the actors that should be running somewhere (their status is live). */
  List<ActorId> live();

  /**
   * Committed events of actor {@code id} from {@code fromSeq} on, at most {@code max}, in seq order
   * (fewer at the chain's end).
   */
  List<ChainEvent> events(ActorId id, long fromSeq, int max);

  /**
   * Deletes actor {@code id}'s record and its whole chain, so that the id can be used again.
   *
   * @return false when there is no such record
   * @throws io.troupe.error.ActorRunningException when the actor is live (stop it first)
   */
  boolean remove(ActorId id);

  /** Uploaded modules, by {@code sha256:<hex>}. */
  ModuleSource.Repository modules();

  /** The blobs and labels of the {@code store} handler. */
  ContentStore content();

  /** Where the store is, for messages: a file or a database's address, without credentials. */
  String describe();

  @Override
  void close();
}

package io.troupe.home;

import io.troupe.actor.ActorId;
import io.troupe.store.StoredActor;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster's record of every actor, as placement and failover use it. Each operation is atomic
 * on the record's owner; none of them is a chain commit (that is the runtime's chain store).
 */
public interface Records {
  /** The record of actor {@code id}, if the cluster knows it. */
  Optional<ActorSummary> describe(ActorId id);

  /** The actors whose records this node holds as their partition's owner. */
  Set<ActorId> ownedHere();

  /**
   * Takes actor {@code id} over for {@code self} if its record still names {@code formerHome} (the
   * same membership) and the actor is live: bumps the epoch, which fences the former home out (its
   * next commit is refused), and names this node.
   *
   * @return what the actor continues from; empty when the record moved on meanwhile
   */
  Optional<Takeover> takeOver(ActorId id, NodeRef formerHome, NodeRef self);

  /**
   * {@code self} hands actor {@code id} off (its copy stopped taking deliveries and all it recorded
   * is durable): if the record still names {@code self} in {@code epoch}, it is marked handed off,
   * and the partition's owner takes the actor over.
   *
   * @return whether the record was marked
   */
  boolean handOff(ActorId id, long epoch, NodeRef self);

  /**
   * Brings ended (stopped or failed) actor {@code id} back to life with {@code self} as its home,
   * in a new epoch: on the partition owner, only if it has ended.
   *
   * @return what it continues from; empty when there is no such actor or it is live
   */
  Optional<Takeover> revive(ActorId id, NodeRef self);

  /**
   * Puts actor {@code s}'s record back into the cluster from the durable store, naming {@code self}
   * as its home in {@code epoch}, unless the cluster has a record of it already.
   *
   * @return whether the record was put
   */
  boolean restore(StoredActor s, long epoch, NodeRef self);

  /**
   * Brings actor {@code s}'s record up to what the durable store holds (a home that died between
   * writing the store and the record left it behind), in {@code epoch}, the one just taken over.
   *
   * @return whether the record now ends where the store does
   */
  boolean catchUp(StoredActor s, long epoch, NodeRef self);
}

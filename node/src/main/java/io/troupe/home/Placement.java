package io.troupe.home;

import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.hosting.Hosting;
import io.troupe.store.ActorStore;
import io.troupe.store.StoredActor;
import java.util.Optional;

/**
 * The one rule for where an actor lives, used by everything that must reach one: the post office
 * (messages, requests, channels), the client API (start, stop, subscribe), deliveries forwarded
 * between nodes, and the results of dispatched work.
 *
 * <ol>
 *   <li>A copy that runs on this node: here.
 *   <li>Otherwise, the owner of the actor's partition, when that is another node: there (it knows
 *       better, and forwards once more if the actor lives elsewhere).
 *   <li>This node owns the partition but runs no copy: the record decides. A live actor whose
 *       record names another live member (a spawned child lives beside its parent, wherever its id
 *       belongs; an actor being handed over lives on at its old home) is there. A live actor whose
 *       home is gone, is this node, or handed it off is moving here: retry. An actor that stopped
 *       or failed has ended. An actor the cluster does not know is here (a start begins here;
 *       anything else is not found) — unless the durable store holds it: then it is being recovered
 *       (retry), or has ended.
 * </ol>
 */
public final class Placement {
  /** Where an actor is to be reached from this node. */
  public sealed interface Home {}

  /** This node: a copy runs here, or none should run anywhere and this node owns its id. */
  public record Here() implements Home {}

  /** Another node. */
  public record There(NodeRef node) implements Home {}

  /** Nowhere right now (its home is changing, or partitions are unassigned): retry. */
  public record Retry(String why) implements Home {}

  /** Nowhere any more: it stopped or failed, and no copy of it runs. */
  public record Ended(ActorStatus status) implements Home {}

  private static final Here HERE = new Here();

  private final Members members;
  private final Records records;
  private final Hosting hosting;
  private final ActorStore store; // null: nothing on disk

  public Placement(Members members, Records records, Hosting hosting) {
    this(members, records, hosting, Optional.empty());
  }

  /**
   * @param store the durable store: an actor it holds that the cluster does not (yet) is being
   *     recovered, or has ended
   */
  public Placement(Members members, Records records, Hosting hosting, Optional<ActorStore> store) {
    this.members = members;
    this.records = records;
    this.hosting = hosting;
    this.store = store.orElse(null);
  }

  public Home locate(ActorId id) {
    if (hosting.resident(id).isPresent()) {
      return HERE;
    }
    Optional<NodeRef> owner = members.owner(id);
    if (owner.isEmpty()) {
      return new Retry("actor " + id + " has no home right now; retry");
    }
    NodeRef self = members.self();
    if (!owner.get().equals(self)) {
      return new There(owner.get());
    }
    Optional<ActorSummary> record = records.describe(id);
    if (record.isEmpty()) {
      return unknownToTheCluster(id);
    }
    ActorSummary r = record.get();
    if (!r.live()) {
      return new Ended(r.status());
    }
    if (!r.handedOff() && !r.home().equals(self) && members.isLive(r.home())) {
      return new There(r.home());
    }
    return new Retry(
        "actor "
            + id
            + " is moving from node "
            + r.home().name()
            + " to node "
            + self.name()
            + "; retry");
  }

  /** An id the cluster has no record of: new, or (after a restart) still in the store only. */
  private Home unknownToTheCluster(ActorId id) {
    if (store == null) {
      return HERE;
    }
    Optional<StoredActor> stored = store.record(id);
    if (stored.isEmpty()) {
      return HERE;
    }
    if (!stored.get().status().live()) {
      return new Ended(stored.get().status());
    }
    return new Retry("actor " + id + " is being recovered from the store; retry");
  }
}

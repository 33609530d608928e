package io.troupe.home;

import io.troupe.actor.ActorId;
import io.troupe.error.ActorRunningException;
import io.troupe.error.UnavailableException;
import io.troupe.hosting.Hosting;
import io.troupe.hosting.Resident;
import io.troupe.hosting.Resumption;
import io.troupe.store.ActorStore;
import io.troupe.store.StoredActor;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every actor running exactly once, from this node's side. Each {@link #reconcile} (the node
 * runs one every 200 ms and at once when a member leaves):
 *
 * <ol>
 *   <li>Without a quorum (a minority after a split, or too many nodes gone), this node loses every
 *       actor it runs: its commits would be refused anyway, and the majority takes them over.
 *   <li>A copy this node lost (a refused commit, no quorum for a while) whose record still names
 *       this node was taken over by nobody: it comes back here, in a new epoch.
 *   <li>Every live actor whose record this node owns and whose home is gone (or handed it off, or
 *       is this node without a copy) is taken over here: the epoch is bumped, which fences the old
 *       home out, and the actor continues from its committed chain ({@code actor.moved}).
 *   <li>Rebalancing: an actor running here whose partition now belongs to another node (it joined)
 *       is handed off: what was queued runs, the copy stops taking deliveries, and once all it
 *       recorded is durable its record is marked handed off, for the new owner to take over.
 *       Spawned children stay beside their parent.
 * </ol>
 */
public final class Failover {
  private static final Logger log = LoggerFactory.getLogger(Failover.class);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Members members;
  private final Records records;
  private final Hosting hosting;
  private final Links links;
  private final ActorStore store; // null: nothing on disk
  private final Recovery recovery;
  private final Clock clock;
  private final RecentTakeovers recent = new RecentTakeovers();

  /** Actors being taken over or handed off by this node right now. */
  private final Set<ActorId> moving = ConcurrentHashMap.newKeySet();

  /** Actors handed off from here whose record is not marked yet, with their epoch. */
  private final Map<ActorId, Long> unmarked = new ConcurrentHashMap<>();

  public Failover(Members members, Records records, Hosting hosting, Links links) {
    this(members, records, hosting, links, Optional.empty(), Clock.systemUTC());
  }

  /**
   * @param store the durable store, when the node keeps actors on disk: a takeover fences it and
   *     continues from what it holds, and actors it holds that the cluster does not are recovered
   * @param clock paces the recovery's passes over the store
   */
  public Failover(
      Members members,
      Records records,
      Hosting hosting,
      Links links,
      Optional<ActorStore> store,
      Clock clock) {
    this.members = members;
    this.records = records;
    this.hosting = hosting;
    this.links = links;
    this.store = store.orElse(null);
    this.clock = clock;
    this.recovery = store.map(s -> new Recovery(members, records, hosting, s, clock)).orElse(null);
  }

  /** The last takeovers this node made. */
  public RecentTakeovers recent() {
    return recent;
  }

  /** Whether this node is taking actor {@code id} over or handing it off right now. */
  public boolean moving(ActorId id) {
    return moving.contains(id);
  }

  /** One pass; see {@link Failover}. Failures are logged, and the next pass tries again. */
  public void reconcile() {
    if (Thread.interrupted()) {
      // a stray interrupt (a cluster call cut short while this node rejoined) must not fail the
      // next module compilation or record read on this thread
      log.debug("failover check: cleared a stray interrupt");
    }
    try {
      if (!members.quorum()) {
        loseEverything();
        return;
      }
      if (recovery != null) {
        recovery.whenDue();
      }
      takeBackLostCopies();
      takeOverOrphans();
      rebalance();
    } catch (RuntimeException e) {
      log.debug("failover check: {}", e.getMessage());
    }
  }

  private void loseEverything() {
    if (hosting.residents().isEmpty()) {
      return;
    }
    NodeRef self = members.self();
    log.warn(
        "node {}: no quorum ({}); stopping its actors here",
        self.name(),
        members.quorumDescription());
    hosting.loseAll(
        new UnavailableException(
            "node " + self.name() + " has no quorum (it is cut off from the majority)"));
  }

  private void takeBackLostCopies() {
    NodeRef self = members.self();
    for (ActorId id : hosting.lostCopies()) {
      if (moving.contains(id) || hosting.resident(id).isPresent()) {
        continue;
      }
      Optional<ActorSummary> s = records.describe(id);
      if (s.isPresent() && s.get().home().equals(self) && s.get().live()) {
        takeOver(id, s.get());
      } else {
        hosting.forgetLost(id);
      }
    }
  }

  private void takeOverOrphans() {
    NodeRef self = members.self();
    for (ActorId id : records.ownedHere()) {
      if (moving.contains(id) || hosting.resident(id).isPresent()) {
        continue;
      }
      Optional<ActorSummary> s = records.describe(id);
      if (s.isEmpty() || !s.get().live()) {
        continue;
      }
      ActorSummary r = s.get();
      boolean homeGone = r.handedOff() || r.home().equals(self) || !members.isLive(r.home());
      if (homeGone) {
        takeOver(id, r);
      }
    }
  }

  private void rebalance() {
    NodeRef self = members.self();
    // records of actors handed off from here whose marking failed (the cluster was busy): again
    unmarked.forEach(
        (id, epoch) -> {
          records.handOff(id, epoch, self);
          unmarked.remove(id);
        });
    for (Resident r : hosting.residents()) {
      ActorId id = r.id();
      if (r.status() != io.troupe.actor.ActorStatus.RUNNING
          || r.parent().isPresent()
          || moving.contains(id)) {
        continue;
      }
      Optional<NodeRef> owner = members.owner(id);
      if (owner.isEmpty() || owner.get().equals(self) || !links.connected(owner.get())) {
        continue;
      }
      handOff(id, owner.get());
    }
  }

  private void handOff(ActorId id, NodeRef to) {
    moving.add(id);
    try {
      long epoch = hosting.handOff(id).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      unmarked.put(id, epoch);
      if (records.handOff(id, epoch, members.self())) {
        log.info("handed actor {} over to node {} (its partition moved there)", id, to.name());
      }
      unmarked.remove(id);
    } catch (Exception e) {
      log.warn("handing actor {} over to node {} failed: {}", id, to.name(), e.toString());
    } finally {
      moving.remove(id);
    }
  }

  /**
   * What actor {@code id}, taken over as {@code t}, continues from: its record, or (with a durable
   * store) the store, fenced first; null when the store has it in a later epoch.
   */
  private Resumption resumption(ActorId id, Takeover t, String why) {
    return store == null
        ? new Resumption(
            id,
            Recovery.manifest(id, t.manifestToml(), t.moduleRef()),
            t.parent(),
            t.events(),
            t.state(),
            t.epoch(),
            t.fromNode(),
            why)
        : fromStore(id, t, why);
  }

  /**
   * Fences the durable store in the takeover's epoch and continues from what it holds (the truth: a
   * home that died between writing the store and the record left the record behind, which is
   * brought up to the store first).
   */
  private Resumption fromStore(ActorId id, Takeover t, String why) {
    NodeRef self = members.self();
    Optional<StoredActor> fenced = store.fence(id, t.epoch(), self.name());
    if (fenced.isEmpty()) {
      log.warn("taking actor {} over: the store has it in a later epoch; leaving it", id);
      return null;
    }
    StoredActor s = fenced.get();
    long recorded = t.events().isEmpty() ? 0 : t.events().get(t.events().size() - 1).seq() + 1;
    if (s.length() > recorded && !records.catchUp(s, t.epoch(), self)) {
      log.warn("taking actor {} over: its record could not catch up with the store", id);
      return null;
    }
    return Recovery.resumption(s, t.epoch(), t.fromNode(), why);
  }

  /**
   * Starts ended (stopped or failed) actor {@code id} again on this node, in a new epoch, from its
   * last committed state: the chain goes on with {@code actor.moved} saying {@code why}.
   *
   * @return completes once that is durable
   * @throws ActorRunningException when it is live
   */
  public CompletableFuture<Void> revive(ActorId id, String why) {
    moving.add(id);
    try {
      Takeover t =
          records
              .revive(id, members.self())
              .or(() -> reviveFromStore(id))
              .orElseThrow(
                  () -> new ActorRunningException("actor " + id + " runs already: stop it first"));
      Resumption r = resumption(id, t, why);
      if (r == null) {
        throw new UnavailableException("actor " + id + " was taken over meanwhile; try again");
      }
      return hosting.resume(r).whenComplete((v, e) -> moving.remove(id));
    } catch (RuntimeException e) {
      moving.remove(id);
      throw e;
    }
  }

  /**
   * An ended actor that only the durable store knows (it ended before the cluster last restarted):
   * its record is put back, still ended, in a new epoch, and revived from there.
   *
   * @throws ActorNotFoundException when neither the cluster nor the store knows it
   */
  private Optional<Takeover> reviveFromStore(ActorId id) {
    if (records.describe(id).isPresent()) {
      return Optional.empty(); // the cluster has it: live, or revived by another call meanwhile
    }
    Optional<StoredActor> before = store == null ? Optional.empty() : store.record(id);
    if (before.isEmpty()) {
      throw new io.troupe.error.ActorNotFoundException("no actor " + id);
    }
    if (before.get().status().live()) {
      return Optional.empty(); // recovery brings it back
    }
    NodeRef self = members.self();
    return Recovery.putBack(store, records, before.get(), self)
        .flatMap(fenced -> records.revive(id, self));
  }

  private void takeOver(ActorId id, ActorSummary s) {
    moving.add(id);
    NodeRef self = members.self();
    long t0 = clock.millis();
    try {
      Optional<Takeover> taken = records.takeOver(id, s.home(), self);
      if (taken.isEmpty()) {
        return;
      }
      Takeover t = taken.get();
      String why =
          s.handedOff()
              ? "node " + t.fromNode() + " handed it over (its partition moved here)"
              : t.fromNode().equals(self.name())
                  ? "resumed after this node's copy lost a commit"
                  : "home node " + t.fromNode() + " left the cluster";
      Resumption r = resumption(id, t, why);
      if (r == null) {
        return;
      }
      long t1 = clock.millis();
      hosting.resume(r).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      long t2 = clock.millis();
      recent.add(new RecentTakeovers.Takeover(id, t.fromNode(), t.epoch(), why, t2, t2 - t0));
      log.info(
          "took actor {} over from node {} (epoch {}; record {} ms, resume {} ms)",
          id,
          t.fromNode(),
          t.epoch(),
          t1 - t0,
          t2 - t1);
    } catch (Exception e) {
      log.error("taking actor {} over from node {} failed: {}", id, s.home(), e.toString());
    } finally {
      moving.remove(id);
    }
  }
}

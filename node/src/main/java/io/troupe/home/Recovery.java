package io.troupe.home;

import io.troupe.actor.ActorId;
import io.troupe.hosting.Hosting;
import io.troupe.hosting.Resumption;
import io.troupe.manifest.Manifest;
import io.troupe.store.ActorStore;
import io.troupe.store.StoredActor;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings back, after a restart of the node (or of the whole cluster), every actor that was running:
 * each live actor the durable store holds and the cluster does not is recovered by the owner of its
 * partition — the store is fenced in the next epoch, the record is put back into the cluster, and
 * the actor continues from its last committed state with {@code actor.moved} saying why.
 *
 * <p>A node passes over the store as soon as it can write, and again every {@link #AGAIN} while
 * some live actor the store holds is still unknown to the cluster (while nodes join, a partition's
 * owner changes between two passes, so each node recovers what it owns at the time); once a pass
 * finds none, it rests until the members change (members that leave at once can take a partition
 * and its backups with them: the actors whose records were there are recovered the same way).
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);
  private static final Duration WAIT = Duration.ofSeconds(30);
  static final Duration AGAIN = Duration.ofSeconds(1);

  private final Members members;
  private final Records records;
  private final Hosting hosting;
  private final ActorStore store;
  private final Clock clock;
  private volatile boolean done;
  private long nextPass;
  private java.util.Set<NodeRef> seen = java.util.Set.of();

  Recovery(Members members, Records records, Hosting hosting, ActorStore store, Clock clock) {
    this.members = members;
    this.records = records;
    this.hosting = hosting;
    this.store = store;
    this.clock = clock;
  }

  /** A pass over the store, when one is due (see {@link Recovery}). */
  void whenDue() {
    java.util.Set<NodeRef> now = java.util.Set.copyOf(members.live());
    if (!now.equals(seen)) {
      seen = now;
      done = false;
    }
    if (done || clock.millis() < nextPass) {
      return;
    }
    nextPass = clock.millis() + AGAIN.toMillis();
    try {
      pass();
    } catch (RuntimeException e) {
      log.warn("recovery from store {}: {}; trying again", store.describe(), e.getMessage());
    }
  }

  private void pass() {
    NodeRef self = members.self();
    int recovered = 0;
    int elsewhere = 0;
    for (ActorId id : store.live()) { // throws while the store is unreachable: tried again later
      if (records.describe(id).isPresent() || hosting.resident(id).isPresent()) {
        continue;
      }
      if (!members.owner(id).map(self::equals).orElse(false)) {
        elsewhere++; // its owner recovers it (or this node will, if it comes to own it)
      } else if (recover(id, self)) {
        recovered++;
      } else {
        elsewhere++;
      }
    }
    done = elsewhere == 0;
    if (recovered > 0) {
      log.info(
          "node {}: recovered {} actor(s) from store {}", self.name(), recovered, store.describe());
    }
  }

  /**
   * Puts {@code before}'s record back into the cluster in the next epoch, the store fenced there
   * first (so no other copy writes either); empty when another node got there first.
   */
  static Optional<StoredActor> putBack(
      ActorStore store, Records records, StoredActor before, NodeRef self) {
    long epoch = before.epoch() + 1;
    Optional<StoredActor> fenced = store.fence(before.id(), epoch, self.name());
    return fenced.isPresent() && records.restore(fenced.get(), epoch, self)
        ? fenced
        : Optional.empty();
  }

  private boolean recover(ActorId id, NodeRef self) {
    try {
      Optional<StoredActor> before = store.record(id);
      if (before.isEmpty() || !before.get().status().live()) {
        return false;
      }
      Optional<StoredActor> fenced = putBack(store, records, before.get(), self);
      if (fenced.isEmpty()) {
        return false; // another node got there first
      }
      long epoch = fenced.get().epoch();
      String from = before.get().node();
      hosting
          .resume(
              resumption(
                  fenced.get(),
                  epoch,
                  from,
                  "recovered from store "
                      + store.describe()
                      + " after node "
                      + from
                      + " stopped with it"))
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      log.error("recovering actor {} failed: {}", id, e.toString());
      return false;
    }
  }

  /** What an actor the store holds continues from. */
  static Resumption resumption(StoredActor s, long epoch, String fromNode, String why) {
    return new Resumption(
        s.id(),
        manifest(s.id(), s.manifestToml(), s.moduleRef()),
        s.parent(),
        s.events(),
        s.state(),
        epoch,
        fromNode,
        why);
  }

  /**
   * The manifest an actor is started again from. One a client submitted (its module is an uploaded
   * {@code sha256:} ref) reads no file; one from the operator's files (its module is a path) reads
   * from its module's folder.
   */
  static Manifest manifest(ActorId id, String toml, String moduleRef) {
    return new ActorDefinition(toml, moduleRef).manifest(id);
  }
}

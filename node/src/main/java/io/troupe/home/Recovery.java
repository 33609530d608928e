package io.troupe.home;

import io.troupe.actor.ActorId;
import io.troupe.hosting.Hosting;
import io.troupe.hosting.Resumption;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.store.ActorStore;
import io.troupe.store.StoredActor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings back, after a restart of the node (or of the whole cluster), every actor that was running:
 * each live actor the durable store holds and the cluster does not is recovered by the owner of its
 * partition — the store is fenced in the next epoch, the record is put back into the cluster, and
 * the actor continues from its last committed state with {@code actor.moved} saying why. Runs once
 * per node, as soon as it can write.
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ManifestParser MANIFESTS = new ManifestParser();

  private final Members members;
  private final Records records;
  private final Hosting hosting;
  private final ActorStore store;
  private volatile boolean done;

  Recovery(Members members, Records records, Hosting hosting, ActorStore store) {
    this.members = members;
    this.records = records;
    this.hosting = hosting;
    this.store = store;
  }

  /** Recovers what there is to recover, the first time it is called with the store reachable. */
  void once() {
    if (done) {
      return;
    }
    NodeRef self = members.self();
    int recovered = 0;
    for (ActorId id : store.live()) { // throws while the store is unreachable: tried again later
      if (!members.owner(id).map(self::equals).orElse(false)
          || records.describe(id).isPresent()
          || hosting.resident(id).isPresent()) {
        continue;
      }
      if (recover(id, self)) {
        recovered++;
      }
    }
    done = true;
    if (recovered > 0) {
      log.info(
          "node {}: recovered {} actor(s) from store {}", self.name(), recovered, store.describe());
    }
  }

  private boolean recover(ActorId id, NodeRef self) {
    try {
      Optional<StoredActor> before = store.record(id);
      if (before.isEmpty() || !before.get().status().live()) {
        return false;
      }
      long epoch = before.get().epoch() + 1;
      Optional<StoredActor> fenced = store.fence(id, epoch, self.name());
      if (fenced.isEmpty() || !records.restore(fenced.get(), epoch, self)) {
        return false; // another node got there first
      }
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

  static Manifest manifest(ActorId id, String toml, String moduleRef) {
    return MANIFESTS.parse(toml, Path.of("."), "manifest of " + id).withModule(moduleRef);
  }
}

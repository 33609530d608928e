package io.troupe.home;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.actor.ChainStore;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.storage.Stores;
import io.troupe.store.ActorStore;
import io.troupe.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery's decisions after a restart, against fake members and records, a real SQLite store and
 * an injected clock: what the store holds and the cluster does not comes back on its partition's
 * owner, and passes over the store are paced by the clock until none is left to recover.
 */
class RecoveryTest {
  static final Manifest COUNTER =
      new ManifestParser().parse(Path.of("..", "examples", "counter", "counter.toml"));

  @TempDir Path data;
  @RegisterExtension final ActorSystems systems = new ActorSystems();

  final NodeRef a = new NodeRef("a", "member-a");
  final NodeRef b = new NodeRef("b", "member-b");
  final FakeMembers members = new FakeMembers(a, b);
  final FakeRecords records = new FakeRecords(name -> name.equals("a") ? a : b);
  final MutableClock clock = MutableClock.start();
  ActorStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /** The store as a node's chain store writes it (the cluster's records aside). */
  private ChainStore into(ActorStore s) {
    return new ChainStore() {
      @Override
      public CompletableFuture<Void> commit(Commit c) {
        return s.append(c);
      }

      @Override
      public boolean retainsHistory() {
        return true;
      }
    };
  }

  /** A store that counts its passes: how often recovery asks it for its live actors. */
  private ActorStore counting(ActorStore s, AtomicInteger passes) {
    return (ActorStore)
        java.lang.reflect.Proxy.newProxyInstance(
            ActorStore.class.getClassLoader(),
            new Class<?>[] {ActorStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("live")) {
                passes.incrementAndGet();
              }
              try {
                return method.invoke(s, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void whatTheStoreHoldsComesBackOnItsOwner_andPassesArePacedByTheClock() throws Exception {
    store = Stores.open("sqlite", data, "recovery").orElseThrow();
    // a node that ran two counters, and stopped with them (the cluster forgot them)
    ActorSystem before =
        systems.build(
            b -> b.handlers(StandardHandlers.catalog()).nodeName("a").chainStore(into(store)));
    ActorId mine = ActorId.of("mine");
    ActorId theirs = ActorId.of("theirs");
    for (ActorId id : new ActorId[] {mine, theirs}) {
      ActorHandle h = before.start(COUNTER, id);
      h.send(IntNode.valueOf(7)).get();
    }
    before.hosting().handOffAll(Duration.ofSeconds(10));
    members.owners.put(mine, a);
    members.owners.put(theirs, b);

    ActorSystem after =
        systems.build(b -> b.handlers(StandardHandlers.catalog()).nodeName("a").clock(clock));
    AtomicInteger passes = new AtomicInteger();
    Recovery recovery =
        new Recovery(members, records, after.hosting(), counting(store, passes), clock);

    recovery.whenDue();
    assertThat(passes).hasValue(1);
    ActorHandle back = after.find(mine).orElseThrow();
    assertThat(back.request(TextNode.valueOf("total?")).get().asInt()).isEqualTo(7);
    assertThat(after.hosting().resident(mine).orElseThrow().epoch()).isEqualTo(1);
    assertThat(records.describe(mine)).isPresent();
    assertThat(after.find(theirs)).as("its owner is b").isEmpty();

    recovery.whenDue(); // not due yet: the clock has not moved
    assertThat(passes).hasValue(1);
    clock.advance(Recovery.AGAIN);
    recovery.whenDue(); // "theirs" is still unknown to the cluster: another pass
    assertThat(passes).hasValue(2);

    members.owners.put(theirs, a); // b left: its partitions are a's now, and the members changed
    members.leave(b);
    recovery.whenDue(); // a change of members makes a pass due at once... once the clock allows
    clock.advance(Recovery.AGAIN);
    recovery.whenDue();
    assertThat(after.find(theirs)).isPresent();
    int passesSoFar = passes.get();
    clock.advance(Recovery.AGAIN.multipliedBy(10));
    recovery.whenDue(); // nothing left to recover: it rests until the members change
    assertThat(passes).hasValue(passesSoFar);
    assertThat(store.record(mine).map(r -> r.epoch())).isEqualTo(Optional.of(1L));
  }
}

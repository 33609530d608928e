package io.troupe.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ActorSystem;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.testing.ChainAssert;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover's decisions on node a, against fake members, records and links, with real actor systems
 * for a and for the other nodes: takeover of orphans, fencing, quorum loss, lost copies coming
 * back, and rebalancing.
 */
class FailoverDecisionsTest {
  final NodeRef a = new NodeRef("a", "member-a");
  final NodeRef b = new NodeRef("b", "member-b");
  final FakeMembers members = new FakeMembers(a, b);
  final FakeRecords records = new FakeRecords(name -> name.equals("a") ? a : b);
  final FakeLinks links = new FakeLinks();

  @org.junit.jupiter.api.extension.RegisterExtension
  final io.troupe.actor.ActorSystems systems = new io.troupe.actor.ActorSystems();

  final ActorSystem here = system("a");
  final ActorSystem there = system("b");
  final Failover failover = new Failover(members, records, here.hosting(), links);
  final ActorId id = ActorId.of("c1");

  /** A node's actor system; its actors are checked after each test (chains, nothing left open). */
  ActorSystem system(String name) {
    return systems.track(
        ActorSystem.builder()
            .handlers(StandardHandlers.catalog())
            .nodeName(name)
            .chainStore(records)
            .build());
  }

  @AfterEach
  void stop() {
    for (ActorSystem s : List.of(here, there)) {
      s.shutdown();
      s.list().forEach(h -> ChainAssert.assertThatChain(h.chain()).verifies());
    }
  }

  private long total(ActorHandle h) {
    return h.request(TextNode.valueOf("total?")).join().asLong();
  }

  private static ChainEvent moved(ActorHandle h) {
    return h.chain().stream()
        .filter(e -> e.type().equals(EventTypes.ACTOR_MOVED))
        .findFirst()
        .orElseThrow();
  }

  private ActorHandle startThere() {
    ActorHandle h = there.start(PlacementTest.COUNTER, id);
    h.send(JsonNodeFactory.instance.numberNode(5)).join();
    return h;
  }

  @Test
  void anActorWhoseHomeLeftIsTakenOverHereInANewEpochAndItsOldCopyIsFencedOut() {
    ActorHandle old = startThere();
    records.owned.add(id);
    members.leave(b);

    failover.reconcile();

    ActorHandle moved = here.get(id);
    assertThat(total(moved)).isEqualTo(5);
    assertThat(records.describe(id).orElseThrow().epoch()).isEqualTo(1);
    assertThat(records.describe(id).orElseThrow().home()).isEqualTo(a);
    assertThat(moved(moved).dataAsString())
        .contains("\"from_node\":\"b\"", "\"epoch\":1", "home node b left the cluster");
    // the old copy (cut off, say) cannot commit any more: it loses the actor
    old.send(JsonNodeFactory.instance.numberNode(1)).exceptionally(e -> null).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> there.find(id).isEmpty());
    assertThat(there.hosting().lostCopies()).contains(id);
  }

  @Test
  void anActorWhoseHomeIsAliveIsLeftAlone() {
    startThere();
    records.owned.add(id);
    failover.reconcile();
    assertThat(here.find(id)).isEmpty();
    assertThat(records.calls).isEmpty();
  }

  @Test
  void withoutAQuorumEveryActorHereIsLostAndComesBackWhenTheQuorumDoes() {
    ActorHandle h = here.start(PlacementTest.COUNTER, id);
    h.send(JsonNodeFactory.instance.numberNode(7)).join();
    members.quorum = false;

    failover.reconcile();
    await().atMost(Duration.ofSeconds(5)).until(() -> here.hosting().resident(id).isEmpty());
    assertThat(here.hosting().lostCopies()).containsExactly(id);

    members.quorum = true;
    failover.reconcile(); // its record still names this node: nobody else took it over
    ActorHandle back = here.get(id);
    assertThat(back.status()).isEqualTo(ActorStatus.RUNNING);
    assertThat(total(back)).isEqualTo(7);
    assertThat(records.describe(id).orElseThrow().epoch()).isEqualTo(1);
    assertThat(here.hosting().lostCopies()).isEmpty();
  }

  @Test
  void aLostCopyThatLivesElsewhereNowIsForgotten() {
    here.start(PlacementTest.COUNTER, id);
    members.quorum = false;
    failover.reconcile();
    await().atMost(Duration.ofSeconds(5)).until(() -> here.hosting().resident(id).isEmpty());
    records.moveTo(id, b); // the majority took it over meanwhile
    members.quorum = true;

    failover.reconcile();
    assertThat(here.find(id)).isEmpty();
    assertThat(here.hosting().lostCopies()).isEmpty();
  }

  @Test
  void anActorWhosePartitionMovedToAConnectedPeerIsHandedOffAndItsRecordMarked() {
    ActorHandle h = here.start(PlacementTest.COUNTER, id);
    h.send(JsonNodeFactory.instance.numberNode(3)).join();
    members.owners.put(id, b);
    failover.reconcile();
    assertThat(here.find(id)).isPresent(); // the new owner's link is not up yet: it stays

    links.connected.add(b);
    failover.reconcile();
    assertThat(here.hosting().resident(id)).isEmpty();
    assertThat(records.describe(id).orElseThrow().handedOff()).isTrue();
    assertThat(records.calls).containsExactly("handOff c1 epoch 0");

    // the new owner (b) takes it over from its record
    FakeMembers onB = new FakeMembers(b, a);
    records.owned.add(id);
    new Failover(onB, records, there.hosting(), new FakeLinks()).reconcile();
    ActorHandle moved = there.get(id);
    assertThat(total(moved)).isEqualTo(3);
    assertThat(moved(moved).dataAsString())
        .contains("node a handed it over (its partition moved here)");
  }

  @Test
  void aSpawnedChildStaysBesideItsParent() {
    ActorHandle sup =
        here.start(
            new io.troupe.manifest.ManifestParser()
                .parse(
                    java.nio.file.Path.of("..", "examples", "supervisor-tree", "supervisor.toml")),
            ActorId.of("sup"));
    ActorId child = sup.children().get(0);
    members.owners.put(child, b);
    members.owners.put(ActorId.of("sup"), a);
    links.connected.add(b);
    failover.reconcile();
    assertThat(here.hosting().resident(child)).isPresent();
    assertThat(records.calls).isEmpty();
  }
}

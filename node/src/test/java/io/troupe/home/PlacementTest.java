package io.troupe.home;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ActorSystem;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The one placement rule, decided against fake members and records and real actor systems. */
class PlacementTest {
  static final Manifest COUNTER =
      new ManifestParser().parse(Path.of("..", "examples", "counter", "counter.toml"));

  final NodeRef a = new NodeRef("a", "member-a");
  final NodeRef b = new NodeRef("b", "member-b");
  final FakeMembers members = new FakeMembers(a, b);
  final FakeRecords records = new FakeRecords(name -> name.equals("a") ? a : b);

  @org.junit.jupiter.api.extension.RegisterExtension
  final io.troupe.actor.ActorSystems systems = new io.troupe.actor.ActorSystems();

  final ActorSystem here = system("a");
  final ActorSystem there = system("b");
  final Placement placement = new Placement(members, records, here.hosting());
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

  @Test
  void aCopyRunningHereIsHereWhoeverOwnsItsId() {
    here.start(COUNTER, id);
    members.owners.put(id, b);
    assertThat(placement.locate(id)).isEqualTo(new Placement.Here());
  }

  @Test
  void anActorNotHereIsAtTheOwnerOfItsPartition() {
    members.owners.put(id, b);
    assertThat(placement.locate(id)).isEqualTo(new Placement.There(b));
  }

  @Test
  void anIdTheClusterDoesNotKnowBelongsHereWhenThisNodeOwnsIt() {
    assertThat(placement.locate(id)).isEqualTo(new Placement.Here());
  }

  @Test
  void aLiveActorWhoseRecordNamesAnotherLiveMemberIsThere() {
    there.start(COUNTER, id); // a spawned child beside its parent, away from its partition owner
    assertThat(placement.locate(id)).isEqualTo(new Placement.There(b));
  }

  @Test
  void aLiveActorWhoseHomeLeftOrHandedItOffIsMovingHere() {
    there.start(COUNTER, id);
    members.leave(b);
    assertThat(placement.locate(id))
        .isEqualTo(new Placement.Retry("actor c1 is moving from node b to node a; retry"));
    members.live.add(b);
    long epoch = there.hosting().handOff(id).join();
    assertThat(records.handOff(id, epoch, b)).isTrue();
    assertThat(placement.locate(id)).isInstanceOf(Placement.Retry.class);
  }

  @Test
  void aRecordFromAnEarlierMembershipOfThisNodeIsMovingHereToo() {
    there.start(COUNTER, id);
    records.moveTo(id, new NodeRef("a", "member-a-before-it-rejoined"));
    assertThat(placement.locate(id)).isInstanceOf(Placement.Retry.class);
  }

  @Test
  void aStoppedActorHasEndedWhereverItRan() {
    there.start(COUNTER, id);
    there.stop(id, "done").join();
    assertThat(placement.locate(id)).isEqualTo(new Placement.Ended(ActorStatus.STOPPED));
  }

  @Test
  void withoutAPartitionOwnerThereIsNoHomeYet() {
    members.defaultOwner = null;
    assertThat(placement.locate(id))
        .isEqualTo(new Placement.Retry("actor c1 has no home right now; retry"));
  }
}

package io.troupe.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ChainStore;
import io.troupe.chain.Chain;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import io.troupe.chain.EventTypes;
import io.troupe.home.ActorSummary;
import io.troupe.home.NodeRef;
import io.troupe.storage.SqlStore;
import io.troupe.store.StoredActor;
import io.troupe.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's record of an actor against a real Hazelcast member and a real SQLite file: a home
 * that died between writing the store and the record leaves the record behind, and the next home
 * brings the record up to the store before it resumes.
 */
class ClusterChainStoreTest {
  @TempDir Path dir;

  private HazelcastMembers members;
  private SqlStore store;
  private ExecutorService committers;
  private ClusterChainStore records;

  @BeforeEach
  void start() {
    String cluster = "records-" + UUID.randomUUID();
    members =
        HazelcastMembers.join(
            new MemberSettings(
                "n1",
                "127.0.0.1",
                "127.0.0.1",
                FreePorts.next(),
                0,
                0,
                List.of(),
                java.util.Optional.empty(),
                cluster,
                0,
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                ""));
    // Hazelcast counts a new member towards its quorum only after a heartbeat
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(members::quorum);
    store = SqlStore.sqlite(dir, cluster);
    committers = Executors.newFixedThreadPool(2);
    records = new ClusterChainStore(members.instance(), committers, Optional.of(store));
  }

  @AfterEach
  void stop() {
    committers.shutdownNow();
    members.instance().shutdown();
    store.close();
  }

  /** Members deserialize only Troupe's, Hazelcast's and the JDK's classes. */
  @Test
  void aMemberDeserializesNoClassOutsideItsList() {
    var probe = members.instance().<String, Object>getMap("probe");
    probe.put("ours", new StateSnapshot(new byte[] {1}, 1));
    assertThat(probe.get("ours")).isInstanceOf(StateSnapshot.class);
    probe.put("theirs", org.slf4j.MarkerFactory.getDetachedMarker("gadget")); // Serializable
    assertThatThrownBy(() -> probe.get("theirs"))
        .hasStackTraceContaining("org.slf4j.helpers.BasicMarker");
  }

  @Test
  void aRecordThatMissedACommitWithACheckpointStartsOverFromTheStore() throws Exception {
    Chain chain = new Chain("a");
    records.commit(commit(chain, 0, "test.event", "test.event", "test.event")).get(10, SECONDS);
    // the home dies after the store took the next turn (which checkpointed) but before the record
    store
        .append(commit(chain, 0, "test.event", EventTypes.ACTOR_CHECKPOINT, "test.event"))
        .get(10, SECONDS);
    assertThat(records.describe(ActorId.of("a")).orElseThrow().chainLength()).isEqualTo(3);

    long epoch = takeOver();
    StoredActor fenced = store.fence(ActorId.of("a"), epoch, "n2").orElseThrow();
    assertThat(fenced.length() - fenced.events().size()).isEqualTo(4); // from the checkpoint on

    assertThat(records.catchUp(fenced, epoch, self("n2"))).isTrue();
    ActorSummary after = records.describe(ActorId.of("a")).orElseThrow();
    assertThat(after.chainLength()).isEqualTo(6);
    assertThat(after.head()).isEqualTo(chain.head());
    assertThat(after.epoch()).isEqualTo(epoch);
    // and the new home's next commit follows it
    records.commit(commit(chain, epoch, "test.event")).get(10, SECONDS);
    assertThat(records.describe(ActorId.of("a")).orElseThrow().chainLength()).isEqualTo(7);
  }

  @Test
  void aRecordThatMissedACommitIsAppendedTheEventsItLacks() throws Exception {
    Chain chain = new Chain("a");
    records.commit(commit(chain, 0, "test.event", "test.event")).get(10, SECONDS);
    store.append(commit(chain, 0, "test.event", "test.event")).get(10, SECONDS);

    long epoch = takeOver();
    StoredActor fenced = store.fence(ActorId.of("a"), epoch, "n2").orElseThrow();
    assertThat(records.catchUp(fenced, epoch, self("n2"))).isTrue();
    ActorSummary after = records.describe(ActorId.of("a")).orElseThrow();
    assertThat(after.chainLength()).isEqualTo(4);
    assertThat(after.head()).isEqualTo(chain.head());
  }

  @Test
  void aRecordThatDisagreesWithTheStoreIsNotJoinedToIt() throws Exception {
    Chain chain = new Chain("a");
    records.commit(commit(chain, 0, "test.event", "test.event")).get(10, SECONDS);
    store.append(commit(chain, 0, "test.event")).get(10, SECONDS);
    long epoch = takeOver();
    StoredActor fenced = store.fence(ActorId.of("a"), epoch, "n2").orElseThrow();
    // a store whose chain forked from the record's after event 1
    Chain other = new Chain("a");
    other.append("test.event", 1, new byte[] {'1'});
    other.append("test.event", 2, new byte[] {'2'});
    other.append("test.event", 3, new byte[] {'3'});
    StoredActor forked =
        new StoredActor(
            fenced.id(),
            fenced.name(),
            fenced.manifestToml(),
            fenced.moduleRef(),
            fenced.moduleSha256(),
            fenced.parent(),
            fenced.epoch(),
            fenced.node(),
            fenced.status(),
            3,
            other.head(),
            fenced.state(),
            other.range(0, 3));

    assertThat(records.catchUp(forked, epoch, self("n2"))).isFalse();
    assertThat(records.describe(ActorId.of("a")).orElseThrow().chainLength()).isEqualTo(2);
  }

  private long takeOver() {
    NodeRef former = members.self();
    return records.takeOver(ActorId.of("a"), former, self("n2")).orElseThrow().epoch();
  }

  private NodeRef self(String name) {
    return new NodeRef(name, members.self().member());
  }

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;

  private static ChainStore.Commit commit(Chain chain, long epoch, String... types) {
    long from = chain.size();
    EventHash expected = chain.head();
    for (String type : types) {
      chain.append(type, 1_000 + chain.size(), ("{\"n\":" + chain.size() + "}").getBytes());
    }
    List<ChainEvent> events = chain.range(from, chain.size());
    return new ChainStore.Commit(
        ActorId.of(chain.actor()),
        epoch,
        from,
        expected,
        events,
        ("\"" + chain.size() + "\"").getBytes(StandardCharsets.UTF_8),
        ActorStatus.RUNNING,
        "n1",
        from == 0
            ? Optional.of(
                new ChainStore.Origin(
                    "test",
                    "ab",
                    Optional.empty(),
                    "name = \"test\"",
                    "sha256:ab",
                    OptionalLong.empty()))
            : Optional.empty());
  }
}

package io.troupe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ChainStore;
import io.troupe.chain.Chain;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.StaleAppendException;
import io.troupe.store.StoredActor;
import io.troupe.testing.ChainAssert;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every durable store must do, run against real databases (a SQLite file, a PostgreSQL
 * server): appends, fencing, group commit, reopening, content, refusing another cluster.
 */
abstract class StoreContract {
  final List<SqlStore> open = new ArrayList<>();

  /** Opens the test's store (the same one each time) as a node of {@code cluster}. */
  abstract SqlStore open(String cluster);

  SqlStore store() {
    SqlStore s = open("test-cluster");
    open.add(s);
    return s;
  }

  @AfterEach
  void close() {
    open.forEach(SqlStore::close);
  }

  /** An actor's chain, committed turn by turn as its home would. */
  static final class Writer {
    final Chain chain;
    long committed;
    long epoch;
    java.util.OptionalLong keepEvents = java.util.OptionalLong.empty();

    Writer(String id) {
      chain = new Chain(id);
    }

    ChainStore.Commit next(int events, String state) {
      return next(events, state, "test.event");
    }

    ChainStore.Commit next(int events, String state, String type) {
      long from = chain.size();
      EventHash expected = chain.head();
      for (int i = 0; i < events; i++) {
        chain.append(type, 1_000 + chain.size(), ("{\"n\":" + chain.size() + "}").getBytes());
      }
      List<ChainEvent> out = chain.range(from, chain.size());
      return new ChainStore.Commit(
          ActorId.of(chain.actor()),
          epoch,
          from,
          expected,
          out,
          state.getBytes(StandardCharsets.UTF_8),
          ActorStatus.RUNNING,
          "n1",
          from == 0
              ? Optional.of(
                  new ChainStore.Origin(
                      "test", "ab", Optional.empty(), "name = \"test\"", "sha256:ab", keepEvents))
              : Optional.empty());
    }
  }

  @Test
  void committedTurnsSurviveReopeningTheFile() throws Exception {
    SqlStore s = store();
    Writer a = new Writer("a");
    s.append(a.next(1, "0")).get(10, TimeUnit.SECONDS);
    s.append(a.next(3, "3")).get(10, TimeUnit.SECONDS);
    s.close();
    open.clear();

    StoredActor stored = store().load(ActorId.of("a")).orElseThrow();
    assertThat(stored.length()).isEqualTo(4);
    assertThat(stored.head()).isEqualTo(a.chain.head());
    assertThat(new String(stored.state(), StandardCharsets.UTF_8)).isEqualTo("3");
    assertThat(stored.status()).isEqualTo(ActorStatus.RUNNING);
    assertThat(stored.manifestToml()).isEqualTo("name = \"test\"");
    assertThat(stored.events()).isEqualTo(a.chain.events());
    ChainAssert.assertThatChain(stored.events()).verifies();
    assertThat(store().live()).containsExactly(ActorId.of("a"));
  }

  @Test
  void anAppendThatDoesNotFollowTheHeadIsRefusedAndChangesNothing() throws Exception {
    SqlStore s = store();
    Writer a = new Writer("a");
    s.append(a.next(2, "0")).get(10, TimeUnit.SECONDS);
    ChainStore.Commit next = a.next(1, "1");
    ChainStore.Commit wrongSeq =
        new ChainStore.Commit(
            next.actor(),
            0,
            next.fromSeq() + 1,
            next.expectedHead(),
            next.events(),
            null,
            ActorStatus.RUNNING,
            "n1",
            Optional.empty());
    assertThatThrownBy(() -> s.append(wrongSeq).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(StaleAppendException.class)
        .hasMessageContaining("stale append to actor a")
        .hasMessageContaining("is at (epoch 0, seq 2");
    Writer again = new Writer("a");
    assertThatThrownBy(() -> s.append(again.next(1, "x")).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StaleAppendException.class)
        .hasMessageContaining("exists already");
    s.append(next).get(10, TimeUnit.SECONDS); // the right one still goes in
    assertThat(s.load(ActorId.of("a")).orElseThrow().length()).isEqualTo(3);
  }

  @Test
  void aFenceRefusesTheOldHomesAppendsAndReturnsWhatTheNewOneGoesOnFrom() throws Exception {
    SqlStore s = store();
    Writer a = new Writer("a");
    s.append(a.next(2, "0")).get(10, TimeUnit.SECONDS);

    StoredActor fenced = s.fence(ActorId.of("a"), 1, "n2").orElseThrow();
    assertThat(fenced.epoch()).isEqualTo(1);
    assertThat(fenced.node()).isEqualTo("n2");
    assertThat(fenced.length()).isEqualTo(2);
    assertThat(s.fence(ActorId.of("a"), 1, "n3")).isEmpty(); // taken already
    assertThat(s.fence(ActorId.of("nobody"), 1, "n3")).isEmpty();

    assertThatThrownBy(() -> s.append(a.next(1, "1")).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StaleAppendException.class);
    Writer heir = new Writer("a");
    fenced.events().forEach(e -> heir.chain.append(e.type(), e.timestamp(), e.data()));
    heir.epoch = 1;
    s.append(heir.next(1, "h")).get(10, TimeUnit.SECONDS);
    assertThat(s.load(ActorId.of("a")).orElseThrow().length()).isEqualTo(3);
  }

  @Test
  void appendsOfManyActorsGoToDiskTogether() throws Exception {
    SqlStore s = store();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    List<Writer> writers = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Writer w = new Writer("actor-" + i);
      writers.add(w);
      done.add(s.append(w.next(2, "0")));
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(s.live()).hasSize(300);
    for (Writer w : writers) {
      assertThat(s.events(ActorId.of(w.chain.actor()), 0, 10)).isEqualTo(w.chain.events());
    }
  }

  @Test
  void aCommitThatCannotBeWrittenFailsAloneNotTheOthersWrittenWithIt() throws Exception {
    SqlStore s = store();
    List<CompletableFuture<Void>> good = new ArrayList<>();
    CompletableFuture<Void> bad = null;
    for (int i = 0; i < 200; i++) {
      if (i == 100) {
        // a commit that cannot be written (it carries no events)
        ChainStore.Commit rejected =
            new ChainStore.Commit(
                ActorId.of("bad"),
                0,
                0,
                EventHash.ZERO,
                List.of(),
                "0".getBytes(StandardCharsets.UTF_8),
                ActorStatus.RUNNING,
                "n1",
                Optional.empty());
        bad = s.append(rejected);
      }
      good.add(s.append(new Writer("actor-" + i).next(1, "0")));
    }
    CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(s.live()).hasSize(200);
    CompletableFuture<Void> rejected = bad;
    assertThatThrownBy(() -> rejected.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(io.troupe.error.UnavailableException.class)
        .hasMessageContaining("could not write a commit");
  }

  @Test
  void blobsLabelsAndModulesAreKept() {
    SqlStore s = store();
    String ref = s.content().put("hello".getBytes(StandardCharsets.UTF_8));
    s.content().label("ns", "greeting", ref);
    s.modules().put("sha256:mod", new byte[] {0, 97, 115, 109});
    s.close();
    open.clear();
    SqlStore again = store();
    assertThat(again.content().byLabel("ns", "greeting")).contains(ref);
    assertThat(again.content().get(ref)).hasValueSatisfying(b -> assertThat(b).hasSize(5));
    assertThat(again.content().labels("ns")).containsExactly("greeting");
    assertThat(again.modules().get("sha256:mod")).isPresent();
    assertThatThrownBy(() -> again.content().label("ns", "x", "sha256:none"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("no blob sha256:none");
  }

  @Test
  void retentionKeepsTheEventsBeforeTheCheckpointItWasAskedToAndAnchorsTheRest() throws Exception {
    SqlStore s = store();
    Writer a = new Writer("a");
    a.keepEvents = java.util.OptionalLong.of(2);
    s.append(a.next(6, "0")).get(10, TimeUnit.SECONDS); // seq 0..5
    s.append(a.next(1, "1", "actor.checkpoint")).get(10, TimeUnit.SECONDS); // seq 6
    List<ChainEvent> kept = s.events(ActorId.of("a"), 0, 100);
    assertThat(kept).extracting(ChainEvent::seq).containsExactly(4L, 5L, 6L);
    ChainEvent anchor = a.chain.events().get(3);
    assertThat(
            io.troupe.chain.ChainVerifier.verifyFrom(kept, anchor.seq() + 1, anchor.hash()).valid())
        .isTrue();
    assertThat(s.load(ActorId.of("a")).orElseThrow().events())
        .extracting(ChainEvent::seq)
        .containsExactly(6L); // a new home still starts from the checkpoint

    Writer all = new Writer("b"); // no keep_events: everything stays
    s.append(all.next(6, "0")).get(10, TimeUnit.SECONDS);
    s.append(all.next(1, "1", "actor.checkpoint")).get(10, TimeUnit.SECONDS);
    assertThat(s.events(ActorId.of("b"), 0, 100)).hasSize(7);
  }

  @Test
  void sinkCursorsAreKeptPerSinkAndActorAndNeverMoveBack() {
    var cursors = store().sinkCursors();
    ActorId a = ActorId.of("a");
    EventHash h5 = EventHash.of(new byte[32]);
    byte[] seven = new byte[32];
    seven[0] = 7;
    EventHash h7 = EventHash.of(seven);
    assertThat(cursors.get("otlp", a)).isEmpty();
    cursors.put("otlp", a, new io.troupe.sink.Position(5, h5, ""));
    cursors.put("otlp", a, new io.troupe.sink.Position(7, h7, ""));
    cursors.put("otlp", a, new io.troupe.sink.Position(6, h5, "")); // a slower writer
    assertThat(cursors.get("otlp", a)).contains(new io.troupe.sink.Position(7, h7, ""));
    assertThat(cursors.get("audit", a)).isEmpty();
    cursors.remove("otlp", a);
    assertThat(cursors.get("otlp", a)).isEmpty();
    cursors.put("otlp", a, new io.troupe.sink.Position(2, h5, "")); // anew after a removal
    assertThat(store().sinkCursors().get("otlp", a).orElseThrow().next()).isEqualTo(2);
  }

  @Test
  void aStoreOfAnotherClusterIsRefusedByName() {
    store().close();
    open.clear();
    assertThatThrownBy(() -> open("other-cluster"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("belongs to cluster 'test-cluster', not 'other-cluster'");
  }
}

package io.troupe.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ChainStore;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import io.troupe.error.ActorNotFoundException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's delivery, over a fake store: commits, backfill, conflicts, retention and sweeps. */
class ChainSinksTest {
  static final ActorId A = ActorId.of("a-1");
  @TempDir Path dir;
  final Store store = new Store();
  ChainSinks sinks;

  @AfterEach
  void close() {
    if (sinks != null) {
      sinks.close(Duration.ofSeconds(5));
    }
  }

  ChainStore start() {
    sinks = ChainSinks.start(JsonlSink.open(dir, Clock.systemUTC()), store, Clock.systemUTC(), "t");
    return sinks.watch(store);
  }

  @Test
  void everyCommitIsDeliveredOnceInOrder() throws Exception {
    List<ChainEvent> chain = Chains.chain("a-1", 300, "x");
    ChainStore watched = start();
    commitInPieces(watched, chain, 0, 300);
    awaitFile(chain);
  }

  @Test
  void aRestartedNodeGoesOnFromTheFileReadingWhatItMissedFromTheStore() throws Exception {
    List<ChainEvent> chain = Chains.chain("a-1", 100, "x");
    ChainStore watched = start();
    commitInPieces(watched, chain, 0, 40);
    awaitFile(chain.subList(0, 40));
    sinks.close(Duration.ofSeconds(5));
    store.put(chain.subList(40, 90)); // committed while no sink ran (a crash before delivery)
    watched = start();
    commitInPieces(watched, chain, 90, 100); // the first commit after: the feed backfills
    awaitFile(chain);
  }

  @Test
  void aFileOfAnEarlierActorOfTheSameIdIsSetAside() throws Exception {
    JsonlSink other = JsonlSink.open(dir, Clock.systemUTC());
    other.deliver(A, new Batch(Chains.chain("a-1", 30, "old"), false), Position.NONE);
    other.close();
    List<ChainEvent> chain = Chains.chain("a-1", 10, "new");
    ChainStore watched = start();
    commitInPieces(watched, chain, 0, 10);
    awaitFile(chain);
  }

  @Test
  void eventsPrunedBeforeDeliveryStartANewFileFromTheFirstKept() throws Exception {
    List<ChainEvent> chain = Chains.chain("a-1", 50, "x");
    JsonlSink early = JsonlSink.open(dir, Clock.systemUTC());
    early.deliver(A, new Batch(chain.subList(0, 5), false), Position.NONE);
    early.close();
    store.put(chain.subList(0, 40));
    store.firstKept = 20; // retention let go of 0..19 while no sink ran
    ChainStore watched = start();
    commitInPieces(watched, chain, 40, 50);
    awaitFile(chain.subList(20, 50));
  }

  @Test
  void theSweepFinishesAnEndedActorNobodyCommitsFor() throws Exception {
    List<ChainEvent> chain = Chains.chain("a-1", 25, "x");
    store.put(chain);
    store.ended.put(A, 25L);
    start();
    await().atMost(Duration.ofSeconds(20)).until(() -> Chains.read(file()).size() == 25);
    assertThat(Chains.read(file())).isEqualTo(chain);
  }

  private void commitInPieces(ChainStore watched, List<ChainEvent> chain, int from, int to)
      throws Exception {
    int seq = from;
    int piece = 1;
    while (seq < to) {
      int end = Math.min(to, seq + piece);
      List<ChainEvent> events = chain.subList(seq, end);
      watched
          .commit(
              new ChainStore.Commit(
                  A,
                  0,
                  seq,
                  seq == 0 ? EventHash.ZERO : events.get(0).parent(),
                  events,
                  null,
                  ActorStatus.RUNNING,
                  "t",
                  Optional.empty()))
          .get();
      seq = end;
      piece = piece % 7 + 1;
    }
  }

  private void awaitFile(List<ChainEvent> expected) throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Chains.read(file()).size() >= expected.size());
    assertThat(Chains.read(file())).isEqualTo(expected);
  }

  private Path file() {
    return dir.resolve("a-1.jsonl");
  }

  /** A chain store and source in memory. */
  static final class Store implements ChainStore, ChainSource {
    final Map<Long, ChainEvent> events = new ConcurrentHashMap<>();
    final Map<ActorId, Long> ended = new ConcurrentHashMap<>();
    volatile long firstKept;

    void put(List<ChainEvent> es) {
      es.forEach(e -> events.put(e.seq(), e));
    }

    @Override
    public CompletableFuture<Void> commit(Commit c) {
      put(c.events());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<ChainEvent> read(ActorId id, long from, long to) {
      if (!id.equals(A)) {
        throw new ActorNotFoundException("no actor " + id);
      }
      List<ChainEvent> out = new ArrayList<>();
      for (long s = Math.max(from, firstKept); s < to && events.containsKey(s); s++) {
        out.add(events.get(s));
      }
      return out;
    }

    @Override
    public long firstKept(ActorId id) {
      return firstKept;
    }

    @Override
    public Map<ActorId, Long> endedHere() {
      return Map.copyOf(ended);
    }
  }
}

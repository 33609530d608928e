package io.troupe.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlSinkTest {
  static final ActorId A = ActorId.of("a-1");
  @TempDir Path dir;

  @Test
  void appendsWhatItDoesNotHoldAndRefusesAGap() throws Exception {
    List<ChainEvent> chain = Chains.chain("a-1", 10, "x");
    try (JsonlSink sink = JsonlSink.open(dir, Clock.systemUTC())) {
      assertThat(sink.position(A)).isEqualTo(Position.NONE);
      Position p = sink.deliver(A, new Batch(chain.subList(0, 4), false), Position.NONE);
      assertThat(p.next()).isEqualTo(4);
      // an overlapping batch adds only what is new
      p = sink.deliver(A, new Batch(chain.subList(2, 7), false), p);
      assertThat(p.next()).isEqualTo(7);
      // a batch after a gap: the sink says where it is
      Position at = p;
      assertThatThrownBy(() -> sink.deliver(A, new Batch(chain.subList(8, 10), false), at))
          .isInstanceOfSatisfying(
              ChainSink.Behind.class, b -> assertThat(b.position().next()).isEqualTo(7));
      // a stale hint is checked against the file
      p = sink.deliver(A, new Batch(chain.subList(7, 10), false), Position.NONE);
      assertThat(p.next()).isEqualTo(10);
    }
    assertThat(Chains.read(dir.resolve("a-1.jsonl"))).isEqualTo(chain);
  }

  @Test
  void aFreshSinkStartsAtTheGenesisOrWhereTheStoreBegins() {
    List<ChainEvent> chain = Chains.chain("a-1", 10, "x");
    try (JsonlSink sink = JsonlSink.open(dir, Clock.systemUTC())) {
      assertThatThrownBy(
              () -> sink.deliver(A, new Batch(chain.subList(5, 10), false), Position.NONE))
          .isInstanceOf(ChainSink.Behind.class);
      assertThat(sink.deliver(A, new Batch(chain.subList(5, 10), true), Position.NONE).next())
          .isEqualTo(10);
    }
  }

  @Test
  void aTornLastLineIsCutOff() throws Exception {
    List<ChainEvent> chain = Chains.chain("a-1", 5, "x");
    Path file = dir.resolve("a-1.jsonl");
    StringBuilder text = new StringBuilder();
    for (ChainEvent e : chain.subList(0, 3)) {
      text.append(ChainCodec.toLine(e)).append('\n');
    }
    String torn = ChainCodec.toLine(chain.get(3));
    text.append(torn, 0, torn.length() / 2); // a crash in mid-write
    Files.writeString(file, text);
    try (JsonlSink sink = JsonlSink.open(dir, Clock.systemUTC())) {
      Position p = sink.position(A);
      assertThat(p.next()).isEqualTo(3);
      assertThat(p.last()).isEqualTo(chain.get(2).hash());
      sink.deliver(A, new Batch(chain.subList(3, 5), false), p);
    }
    assertThat(Chains.read(file)).isEqualTo(chain);
  }

  @Test
  void anotherChainUnderTheSameIdConflictsAndIsSetAside() throws Exception {
    List<ChainEvent> old = Chains.chain("a-1", 6, "old");
    List<ChainEvent> now = Chains.chain("a-1", 8, "new");
    try (JsonlSink sink = JsonlSink.open(dir, Clock.systemUTC())) {
      sink.deliver(A, new Batch(old, false), Position.NONE);
      assertThatThrownBy(() -> sink.deliver(A, new Batch(now, false), Position.NONE))
          .isInstanceOf(ChainSink.Conflict.class);
      sink.setAside(A, "test");
      assertThat(sink.position(A)).isEqualTo(Position.NONE);
      sink.deliver(A, new Batch(now, false), Position.NONE);
    }
    assertThat(Chains.read(dir.resolve("a-1.jsonl"))).isEqualTo(now);
    try (var files = Files.list(dir)) {
      Path aside =
          files
              .filter(f -> f.getFileName().toString().startsWith("a-1.jsonl.aside-"))
              .findFirst()
              .orElseThrow();
      assertThat(Chains.read(aside)).isEqualTo(old);
    }
  }

  @Test
  void aLastLineOfAnotherActorIsAConflict() throws Exception {
    Files.writeString(
        dir.resolve("a-1.jsonl"),
        ChainCodec.toLine(Chains.chain("b-2", 1, "x").get(0)) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE);
    try (JsonlSink sink = JsonlSink.open(dir, Clock.systemUTC())) {
      assertThatThrownBy(() -> sink.position(A)).isInstanceOf(ChainSink.Conflict.class);
    }
  }

  @Test
  void twoWritersOfOneDirectoryDeliverEachEventOnce() throws Exception {
    List<ChainEvent> chain = Chains.chain("a-1", 400, "x");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (JsonlSink one = JsonlSink.open(dir, Clock.systemUTC());
        JsonlSink two = JsonlSink.open(dir, Clock.systemUTC())) {
      Future<?> a = pool.submit(() -> deliverAll(one, chain, 7));
      Future<?> b = pool.submit(() -> deliverAll(two, chain, 11));
      a.get();
      b.get();
    } finally {
      pool.shutdownNow();
    }
    assertThat(Chains.read(dir.resolve("a-1.jsonl"))).isEqualTo(chain);
  }

  /** Delivers the chain in batches of {@code size}, going back when the sink says it is behind. */
  private static void deliverAll(JsonlSink sink, List<ChainEvent> chain, int size) {
    Position p = Position.NONE;
    int from = 0;
    while (from < chain.size()) {
      int to = Math.min(chain.size(), from + size);
      try {
        p = sink.deliver(A, new Batch(chain.subList(from, to), false), p);
        from = to;
      } catch (ChainSink.Behind e) {
        p = e.position();
        from = (int) p.next();
      }
    }
  }
}

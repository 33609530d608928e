package io.troupe.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventHash;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.StaleAppendException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain-store port as the cluster drives it: acknowledgements wait for durability, turns go on
 * while a commit is in flight and their events go out together in the next commit, and a refused
 * commit stops this copy of the actor.
 */
class CommitPipelineTest {
  /** A store whose commits complete only when the test says so. */
  static final class GatedStore implements ChainStore {
    final List<Commit> commits = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
    volatile boolean open = true;
    volatile boolean refuse;

    @Override
    public CompletableFuture<Void> commit(Commit c) {
      commits.add(c);
      if (refuse) {
        return CompletableFuture.failedFuture(new StaleAppendException("stale append (test)"));
      }
      if (open) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }

    void release() {
      open = true;
      List<CompletableFuture<Void>> out = new ArrayList<>(pending);
      pending.clear();
      out.forEach(f -> f.complete(null));
    }
  }

  @TempDir Path dir;
  final GatedStore store = new GatedStore();
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  final ActorSystem system = systems.build(b -> b.turnThreads(2).chainStore(store));

  @AfterEach
  void release() {
    store.release();
  }

  ActorHandle start() {
    byte[] module = Guests.module(Guests.setsState(Callbacks.HANDLE_SEND, "$arg1"));
    return system.start(Fixture.manifest(dir, module, ""), ActorId.of("a"));
  }

  @Test
  void turnsGoOnWhileACommitIsInFlightAndTheirEventsGoOutTogether() {
    ActorHandle a = start();
    long started = a.chain().size();
    assertThat(store.commits).hasSize(1);
    assertThat(store.commits.get(0).origin()).isPresent(); // the genesis commit names the origin

    store.open = false;
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      sends.add(a.send(JsonNodeFactory.instance.numberNode(i)));
    }
    // all five turns ran (two events each), though only the first turn's commit went out
    await().atMost(Duration.ofSeconds(10)).until(() -> a.chain().size() == started + 10);
    await().atMost(Duration.ofSeconds(10)).until(() -> store.commits.size() == 2);
    assertThat(sends).noneMatch(CompletableFuture::isDone);
    assertThat(store.commits.get(1).events()).hasSize(2);

    store.release(); // the first completes; the other four turns' events go out as one commit
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> sends.stream().allMatch(CompletableFuture::isDone));
    sends.forEach(CompletableFuture::join);
    assertThat(store.commits).hasSize(3);
    ChainStore.Commit batch = store.commits.get(2);
    assertThat(batch.events()).hasSize(8);
    assertThat(new String(batch.state())).isEqualTo("5");
    assertThat(a.committedLength()).isEqualTo(a.chain().size());

    // the commits tile the chain: each starts where the previous ended, after its head
    long seq = 0;
    EventHash head = EventHash.ZERO;
    for (ChainStore.Commit c : store.commits) {
      assertThat(c.fromSeq()).isEqualTo(seq);
      assertThat(c.expectedHead()).isEqualTo(head);
      seq = c.toSeq();
      head = c.events().get(c.events().size() - 1).hash();
    }
    assertThat(seq).isEqualTo(a.chain().size());
    assertThat(ChainVerifier.verify(a.chain()).valid()).isTrue();
  }

  @Test
  void aSubscriberSeesOnlyCommittedEvents() {
    ActorHandle a = start();
    List<Long> seen = new CopyOnWriteArrayList<>();
    Runnable cancel = a.subscribe(0, events -> events.forEach(e -> seen.add(e.seq())));
    assertThat(seen).hasSize((int) a.chain().size()); // the backfill
    store.open = false;
    a.send(JsonNodeFactory.instance.numberNode(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> store.commits.size() == 2);
    int before = seen.size();
    assertThat(a.chain().size()).isGreaterThan(before); // appended, not yet committed
    store.release();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == a.chain().size());
    for (int i = 0; i < seen.size(); i++) {
      assertThat(seen.get(i)).isEqualTo(i);
    }
    cancel.run();
  }

  @Test
  void aRefusedCommitStopsThisCopyAndFailsWhatItOwes() {
    ActorHandle a = start();
    store.refuse = true;
    assertThatThrownBy(() -> a.send(JsonNodeFactory.instance.numberNode(1)).join())
        .hasCauseInstanceOf(StaleAppendException.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> a.status() == ActorStatus.LOST);
    assertThat(system.find(ActorId.of("a"))).isEmpty();
    assertThatThrownBy(
            () -> system.send(ActorId.of("a"), JsonNodeFactory.instance.numberNode(2)).join())
        .hasCauseInstanceOf(ActorNotFoundException.class);
  }
}

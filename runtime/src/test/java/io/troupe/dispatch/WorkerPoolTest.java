package io.troupe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.troupe.error.CancelledException;
import io.troupe.error.DeadlineExceededException;
import io.troupe.error.Errors;
import io.troupe.host.compute.ComputeHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Work nobody wants any more stops: the compute runner is told so while it runs, its slot and its
 * thread are free again at once.
 */
class WorkerPoolTest {
  /** Far more rounds than any of these tests waits for: an hour of hashing. */
  private static final int LONG = 2_000_000_000;

  private final ExecutorService thread = Executors.newSingleThreadExecutor();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Clock clock = Clock.systemUTC();
  private final WorkerPool pool = new WorkerPool(runners(), thread, clock, 1, 8, meters);

  @AfterEach
  void stop() {
    thread.shutdownNow();
  }

  private static Runners runners() {
    Runners r = new Runners();
    new ComputeHandler().runners(r);
    return r;
  }

  private Work sha(String opId, int rounds, Duration deadline) {
    return new Work(
        opId,
        "a",
        "compute.sha256",
        JsonNodeFactory.instance.arrayNode().add("x").add(rounds),
        clock.millis() + deadline.toMillis(),
        true);
  }

  @Test
  void workCancelledWhileItRunsStopsAndFreesItsThread() throws Exception {
    CompletableFuture<JsonNode> running = pool.submit(sha("op-1", LONG, Duration.ofMinutes(5)));
    CompletableFuture<JsonNode> waiting = pool.submit(sha("op-2", 1, Duration.ofMinutes(5)));
    assertThat(pool.depth()).isEqualTo(2);

    assertThat(pool.cancel("op-1")).isTrue();

    // the next one gets the only thread: the hashing stopped
    assertThat(waiting.get(30, java.util.concurrent.TimeUnit.SECONDS).asText()).hasSize(64);
    assertThat(running).isCompletedExceptionally();
    assertThat(running.handle((v, e) -> Errors.unwrap(e)).get())
        .isInstanceOf(CancelledException.class);
    assertThat(pool.cancelled()).isEqualTo(1);
    assertThat(pool.ran()).isEqualTo(1);
    assertThat(pool.depth()).isZero();
    assertThat(meters.get("troupe.dispatch.run").tags("outcome", "cancelled").timer().count())
        .isEqualTo(1);
  }

  @Test
  void workPastItsDeadlineStopsAndFreesItsThread() throws Exception {
    CompletableFuture<JsonNode> late = pool.submit(sha("op-1", LONG, Duration.ofMillis(300)));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(late::isDone); // far sooner than the hour of hashing it was given
    assertThat(late.handle((v, e) -> Errors.unwrap(e)).get())
        .isInstanceOf(DeadlineExceededException.class);
    assertThat(thread.submit(() -> "free").get(30, java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo("free");
    assertThat(pool.depth()).isZero();
  }

  @Test
  void theSameOperationSentTwiceRunsOnce() throws Exception {
    // the pool's only slot is busy, so both copies of op-1 are still waiting when the second comes
    // (a fast op-1 could otherwise be done before it is sent again, and then it rightly runs again)
    CompletableFuture<JsonNode> blocker = pool.submit(sha("blocker", LONG, Duration.ofMinutes(5)));
    Work w = sha("op-1", 1, Duration.ofMinutes(5));
    CompletableFuture<JsonNode> first = pool.submit(w);
    CompletableFuture<JsonNode> again = pool.submit(w);
    assertThat(pool.cancel("blocker")).isTrue();
    assertThat(blocker.handle((v, e) -> Errors.unwrap(e)).get(30, TimeUnit.SECONDS))
        .isInstanceOf(CancelledException.class);
    assertThat(again.get(30, java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo(first.get(30, java.util.concurrent.TimeUnit.SECONDS));
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.depth() == 0);
    assertThat(pool.ran()).isEqualTo(1);
  }

  @Test
  void unknownOperationsAreNotCancelled() {
    assertThat(pool.cancel("nothing")).isFalse();
    assertThat(pool.cancelled()).isZero();
  }
}

package io.troupe.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MailboxTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void tasks_runOneAtATime_inFifoOrder_onASharedPool() {
    Mailbox mailbox = new Mailbox(pool, 100_000);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    List<Integer> order = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      int n = i;
      assertThat(
              mailbox.offer(
                  () -> {
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    order.add(n);
                    inFlight.decrementAndGet();
                  }))
          .isTrue();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> order.size() == 10_000);
    assertThat(maxInFlight.get()).isEqualTo(1);
    for (int i = 0; i < order.size(); i++) {
      assertThat(order.get(i)).isEqualTo(i);
    }
  }

  @Test
  void aFailingTask_doesNotStopTheMailbox() {
    Mailbox mailbox = new Mailbox(pool, 10);
    AtomicInteger ran = new AtomicInteger();
    mailbox.offer(
        () -> {
          throw new IllegalStateException("boom");
        });
    mailbox.offer(ran::incrementAndGet);
    await().atMost(Duration.ofSeconds(30)).until(() -> ran.get() == 1);
  }

  @Test
  void offer_refusesPastCapacity() {
    Mailbox mailbox = new Mailbox(command -> {}, 2); // an executor that never runs anything
    assertThat(mailbox.offer(() -> {})).isTrue();
    assertThat(mailbox.offer(() -> {})).isTrue();
    assertThat(mailbox.offer(() -> {})).isFalse();
    assertThat(mailbox.depth()).isEqualTo(2);
  }
}

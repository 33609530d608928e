package io.troupe.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** The CLI's progress line: on a terminal only, after half a second, redrawn in place, wiped. */
class ProgressTest {
  private final StringWriter screen = new StringWriter();
  private final PrintWriter err = new PrintWriter(screen);

  /** A ticker the test moves by hand: {@link #tick} is one timer tick. */
  private static final class HandTicker implements Progress.Ticker {
    Runnable draw;
    long firstMs = -1;
    long everyMs = -1;
    boolean stopped;

    @Override
    public Runnable start(Runnable draw, long firstMs, long everyMs) {
      this.draw = draw;
      this.firstMs = firstMs;
      this.everyMs = everyMs;
      return () -> stopped = true;
    }

    void tick() {
      draw.run();
    }
  }

  /** A line that says each of {@code texts} in turn, then the last again. */
  private static java.util.function.Supplier<String> saying(String... texts) {
    Queue<String> next = new ArrayDeque<>(List.of(texts));
    return () -> next.size() > 1 ? next.poll() : next.peek();
  }

  @Test
  void notATerminal_drawsNothing_andStartsNoTimer() {
    HandTicker ticker = new HandTicker();
    try (Progress p = Progress.of(err, saying("uploading"), false, ticker)) {
      assertThat(ticker.draw).isNull();
    }
    assertThat(screen.toString()).isEmpty();
  }

  @Test
  void workThatEndsBeforeTheFirstTick_showsNothing_andStopsItsTimer() {
    HandTicker ticker = new HandTicker();
    try (Progress p = Progress.of(err, saying("uploading"), true, ticker)) {
      assertThat(ticker.firstMs).isEqualTo(500);
      assertThat(ticker.everyMs).isEqualTo(250);
    }
    assertThat(ticker.stopped).isTrue();
    assertThat(screen.toString()).isEmpty();
  }

  @Test
  void eachTickRedrawsTheLineInPlace_blankingWhatAShorterOneLeaves_andTheEndWipesIt() {
    HandTicker ticker = new HandTicker();
    Progress p =
        Progress.of(
            err,
            saying("exporting kv: 10 events", "exporting kv: 2000 events", "done"),
            true,
            ticker);
    ticker.tick();
    assertThat(screen.toString()).isEqualTo("\rexporting kv: 10 events");
    ticker.tick();
    ticker.tick();
    assertThat(screen.toString())
        .isEqualTo(
            "\rexporting kv: 10 events"
                + "\rexporting kv: 2000 events"
                + "\rdone"
                + " ".repeat("exporting kv: 2000 events".length() - "done".length()));
    int before = screen.toString().length();

    p.close();

    assertThat(ticker.stopped).isTrue();
    assertThat(screen.toString().substring(before)).isEqualTo("\r    \r");
    // a tick that was already under way when the work ended draws nothing
    ticker.tick();
    assertThat(screen.toString().substring(before)).isEqualTo("\r    \r");
  }

  @Test
  void theRealTimer_drawsTheLine_andTheEndWipesIt() {
    Progress p = Progress.of(err, () -> "uploading", true, Progress.TIMER);
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                synchronized (p) {
                  return screen.toString().startsWith("\ruploading");
                }
              });
    } finally {
      p.close();
    }
    assertThat(screen.toString()).startsWith("\ruploading").endsWith("\r         \r");
  }
}

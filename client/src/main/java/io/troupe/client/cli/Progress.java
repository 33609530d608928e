package io.troupe.client.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A progress line on stderr for long work (an upload, an export): shown only when the CLI runs in a
 * terminal, first after half a second (quick work shows nothing), redrawn four times a second, and
 * wiped when the work ends. Never on stdout: what a command prints there stays clean.
 */
final class Progress implements AutoCloseable {
  /** When the line is first drawn: quick work shows nothing. */
  static final long FIRST_MS = 500;

  /** How often it is redrawn after that. */
  static final long EVERY_MS = 250;

  /** What calls for the drawing of the line: a timer, or a test's hand. */
  interface Ticker {
    /**
     * Calls {@code draw} first after {@code firstMs}, then every {@code everyMs}, until the
     * returned stop runs.
     */
    Runnable start(Runnable draw, long firstMs, long everyMs);
  }

  /** A daemon thread's timer. */
  static final Ticker TIMER =
      (draw, firstMs, everyMs) -> {
        ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "troupe-progress");
                  t.setDaemon(true);
                  return t;
                });
        timer.scheduleAtFixedRate(draw, firstMs, everyMs, TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
      };

  private final PrintWriter err;
  private final Supplier<String> line;
  private final Runnable stop; // null: not a terminal, nothing is drawn
  private int shown; // the length of the line on the screen; guarded by this
  private boolean done; // guarded by this

  private Progress(PrintWriter err, Supplier<String> line, boolean terminal, Ticker ticker) {
    this.err = err;
    this.line = line;
    this.stop = terminal ? ticker.start(this::draw, FIRST_MS, EVERY_MS) : null;
  }

  /** Shows {@code line}'s text while the work goes on, if stderr is a terminal. */
  static Progress of(PrintWriter err, Supplier<String> line) {
    return of(err, line, System.console() != null, TIMER);
  }

  /**
   * Shows {@code line}'s text on {@code err} when {@code terminal}, drawn when {@code ticker} says.
   */
  static Progress of(PrintWriter err, Supplier<String> line, boolean terminal, Ticker ticker) {
    return new Progress(err, line, terminal, ticker);
  }

  private synchronized void draw() {
    if (done) {
      return;
    }
    String text = line.get();
    err.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
    err.flush();
    shown = text.length();
  }

  @Override
  public void close() {
    if (stop == null) {
      return;
    }
    stop.run();
    synchronized (this) {
      done = true;
      if (shown > 0) {
        err.print("\r" + " ".repeat(shown) + "\r");
        err.flush();
      }
    }
  }
}

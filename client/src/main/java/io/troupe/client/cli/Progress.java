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
  private final PrintWriter err;
  private final Supplier<String> line;
  private final ScheduledExecutorService timer;
  private int shown; // the length of the line on the screen; guarded by this
  private boolean done; // guarded by this

  private Progress(PrintWriter err, Supplier<String> line, boolean terminal) {
    this.err = err;
    this.line = line;
    this.timer =
        terminal
            ? Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "troupe-progress");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    if (timer != null) {
      timer.scheduleAtFixedRate(this::draw, 500, 250, TimeUnit.MILLISECONDS);
    }
  }

  /** Shows {@code line}'s text while the work goes on, if stderr is a terminal. */
  static Progress of(PrintWriter err, Supplier<String> line) {
    return new Progress(err, line, System.console() != null);
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
    if (timer == null) {
      return;
    }
    timer.shutdownNow();
    synchronized (this) {
      done = true;
      if (shown > 0) {
        err.print("\r" + " ".repeat(shown) + "\r");
        err.flush();
      }
    }
  }
}

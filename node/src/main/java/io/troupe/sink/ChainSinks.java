package io.troupe.sink;

import io.troupe.actor.ActorId;
import io.troupe.actor.ChainStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's chain sink at work (docs/operations.md, "Chain sinks"): every commit this node completes
 * — it is the home of the actors it commits for — is handed to that actor's {@link Feed}, which
 * delivers it to the {@link ChainSink} once it is committed, from where the sink's own record says
 * it stands. A sweep at start, after a member leaves and every few minutes finishes the delivery of
 * ended actors whose home died before it delivered their last events.
 *
 * <pre>{@code
 * ChainSinks sinks = ChainSinks.start(JsonlSink.open(dir, clock), source, clock, "node-1");
 * ActorSystem system = ActorSystem.builder().chainStore(sinks.watch(records)).build();
 * }</pre>
 */
public final class ChainSinks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChainSinks.class);

  /** Events waiting in memory for the sink, across actors; beyond it they are read again. */
  static final long QUEUE_BYTES = 64L << 20;

  private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);
  private static final Duration SWEEP_DELAY = Duration.ofSeconds(5);
  private static final Duration IDLE = Duration.ofMinutes(5);

  private final ChainSink sink;
  private final ChainSource source;
  private final Clock clock;
  private final ScheduledExecutorService threads;
  private final Map<ActorId, Feed> feeds = new ConcurrentHashMap<>();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicBoolean sweepQueued = new AtomicBoolean();
  private volatile boolean closed;

  private ChainSinks(ChainSink sink, ChainSource source, Clock clock, String node, int threads) {
    this.sink = sink;
    this.source = source;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            threads,
            r -> {
              Thread t = new Thread(r, node + "-sink-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.setRemoveOnCancelPolicy(true);
    this.threads = pool;
  }

  /**
   * Starts delivering to {@code sink}: sweeps once soon, then every few minutes.
   *
   * @param node this node's name, for its threads
   */
  public static ChainSinks start(ChainSink sink, ChainSource source, Clock clock, String node) {
    ChainSinks s = new ChainSinks(sink, source, clock, node, 2);
    s.threads.scheduleWithFixedDelay(
        s::sweep, SWEEP_DELAY.toMillis(), SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    log.info("chain sink {}: delivering committed events", sink.describe());
    return s;
  }

  /**
   * {@code store} with this node's commits watched: each one that completes (committed) is handed
   * to its actor's feed before the actor learns of it.
   */
  public ChainStore watch(ChainStore store) {
    return new ChainStore() {
      @Override
      public CompletableFuture<Void> commit(Commit c) {
        return store
            .commit(c)
            .thenApply(
                v -> {
                  committed(c);
                  return v;
                });
      }

      @Override
      public boolean retainsHistory() {
        return store.retainsHistory();
      }

      @Override
      public void keepState(byte[] state) {
        store.keepState(state);
      }
    };
  }

  /** Sweeps for ended actors soon (a member left: it may have died before it delivered). */
  public void sweepSoon() {
    if (closed || !sweepQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      threads.schedule(
          () -> {
            sweepQueued.set(false);
            sweep();
          },
          SWEEP_DELAY.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      sweepQueued.set(false); // closing
    }
  }

  /**
   * Stops delivering: waits up to {@code within} for the deliveries under way and due (the last
   * commits of the actors this node handed off), then closes the sink.
   */
  public void close(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline && !drained()) {
      try {
        Thread.sleep(20); // shutdown only: the feeds finish on their own threads
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closed = true;
    threads.shutdown(); // not shutdownNow: an interrupt would close the files under the writers
    try {
      if (!threads.awaitTermination(
          Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        log.warn("chain sink {}: deliveries still under way at shutdown", sink.describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sink.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  /** Whether every feed has delivered all it knows of. */
  boolean drained() {
    return feeds.values().stream().allMatch(Feed::delivered);
  }

  private void committed(ChainStore.Commit c) {
    try {
      if (closed || c.events().isEmpty()) {
        return;
      }
      while (!feed(c.actor()).committed(c.fromSeq(), c.events())) {
        Thread.onSpinWait(); // a retired feed leaves the map at once
      }
    } catch (RuntimeException e) {
      // never the commit's concern: the sweep or the next commit catches up
      log.warn("chain sink {}: commit of actor {} not queued: {}", sink.describe(), c.actor(), e);
    }
  }

  private Feed feed(ActorId id) {
    return feeds.computeIfAbsent(id, k -> new Feed(k, this));
  }

  private void sweep() {
    if (closed) {
      return;
    }
    try {
      Map<ActorId, Long> ended = source.endedHere();
      ended.forEach(
          (id, length) -> {
            if (length > 0) {
              while (!feed(id).committedUpTo(length)) {
                Thread.onSpinWait();
              }
            }
          });
      long before = clock.millis() - IDLE.toMillis();
      feeds.values().removeIf(f -> f.retireIfIdle(before));
    } catch (RuntimeException e) {
      log.warn("chain sink {}: sweep failed: {}", sink.describe(), e.getMessage());
    }
  }

  // for the feeds

  ChainSink sink() {
    return sink;
  }

  ChainSource source() {
    return source;
  }

  String describe() {
    return sink.describe();
  }

  long millis() {
    return clock.millis();
  }

  boolean reserve(long bytes) {
    if (queued.addAndGet(bytes) <= QUEUE_BYTES) {
      return true;
    }
    queued.addAndGet(-bytes);
    return false;
  }

  void release(long bytes) {
    queued.addAndGet(-bytes);
  }

  void execute(Feed f) {
    try {
      threads.execute(f);
    } catch (RejectedExecutionException e) {
      log.debug("chain sink {}: closed before actor {} was delivered", describe(), f.id());
    }
  }

  void schedule(Feed f, Duration after) {
    try {
      threads.schedule(f, after.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("chain sink {}: closed before actor {} was delivered", describe(), f.id());
    }
  }

  void forget(Feed f) {
    feeds.remove(f.id(), f);
  }
}

package io.troupe.actor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads an {@link ActorSystem} makes when it is given none. */
final class ActorThreads {
  private ActorThreads() {}

  /** Daemon threads named {@code prefix1}, {@code prefix2}, … */
  static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The turn pool: a {@link ForkJoinPool}, so a turn parked on another actor (a managed block) gets
   * a compensating thread and the node stays live. At most {@code maxParkedTurns} extra threads.
   */
  static ExecutorService turnPool(int turnThreads, int maxParkedTurns) {
    AtomicInteger n = new AtomicInteger();
    ForkJoinPool.ForkJoinWorkerThreadFactory factory =
        pool -> {
          ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
          t.setName("troupe-turn-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    return new ForkJoinPool(
        turnThreads,
        factory,
        null,
        true,
        0,
        turnThreads + maxParkedTurns + 16,
        1,
        pool -> true,
        60,
        TimeUnit.SECONDS);
  }
}

package io.troupe.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a node owns besides its actors' (the actor system has its own): client API calls,
 * chain commits to the cluster, timers, and the one thread that runs failover passes.
 */
final class NodeThreads {
  final ExecutorService api;
  final ExecutorService commits;
  final ScheduledExecutorService scheduler;
  final ScheduledExecutorService failover;

  NodeThreads(String node, int committers) {
    this.api = Executors.newFixedThreadPool(8, daemon(node + "-api-"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon(node + "-sched-"));
    this.failover = Executors.newSingleThreadScheduledExecutor(daemon(node + "-failover-"));
    this.commits = Executors.newFixedThreadPool(committers, daemon(node + "-commit-"));
  }

  void stop() {
    api.shutdownNow();
    commits.shutdownNow();
    scheduler.shutdownNow();
    failover.shutdownNow();
  }

  /** Waits until {@code deadline} ({@link System#nanoTime}) for the pools to end. */
  boolean awaitTermination(long deadline) throws InterruptedException {
    for (ExecutorService e : new ExecutorService[] {api, commits, scheduler, failover}) {
      if (!e.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}

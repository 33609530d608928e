package io.troupe.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.troupe.error.Errors;
import io.troupe.error.LimitExceededException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads asynchronous work over the cluster: each operation goes to the node with the lowest load
 * (operations running and waiting per slot, scaled by its CPU load) as that node last published it,
 * counting what this node placed there since; this node wins ties, saving a hop. The result goes to
 * the actor's current home through the {@link ResultSink}, wherever the actor went meanwhile. When
 * a worker node dies, its idempotent operations are placed again and the others complete with an
 * error.
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** A node's load, as it last published it: operations, worker slots, CPU (0..1). */
  public record Load(String node, int depth, int capacity, double cpu) {
    /**
     * Lower is better: operations per slot (counting the new one), scaled up by how busy the CPU is
     * (a node twice as busy counts as twice as loaded). The slots decide first: a node with one
     * slot taken does not win over an idle one because its CPU looked quieter for a moment.
     */
    double score() {
      return (depth + 1.0) / Math.max(1, capacity) * (1 + cpu);
    }
  }

  /** The cluster as the dispatcher sees it. */
  public interface Cluster {
    /** The other nodes that can take work now. */
    List<Load> peers();

    /** Sends {@code w} to run on {@code node}; completes once that node accepted it. */
    CompletableFuture<Void> run(String node, Work w);

    /** Whether {@code node} is a member. */
    boolean alive(String node);

    /** This node's recent CPU load, 0..1. */
    default double cpu() {
      return 0;
    }

    /** Asks {@code node} to abandon operation {@code opId}, waiting or running (best effort). */
    default void cancel(String node, String opId) {}

    /** A node alone. */
    static Cluster alone() {
      return new Cluster() {
        @Override
        public List<Load> peers() {
          return List.of();
        }

        @Override
        public CompletableFuture<Void> run(String node, Work w) {
          return CompletableFuture.failedFuture(new IllegalStateException("no other nodes"));
        }

        @Override
        public boolean alive(String node) {
          return false;
        }
      };
    }
  }

  /** Where results go: the actor's current home. */
  @FunctionalInterface
  public interface ResultSink {
    /** Delivers the result ({@code error} null) or the error of operation {@code opId}. */
    void deliver(String actor, String opId, JsonNode value, String error);
  }

  /** Told when work runs on another worker than the one its actor recorded. */
  @FunctionalInterface
  public interface Replacements {
    /** Operation {@code opId} of {@code actor} now runs on {@code worker}. */
    void placedOn(String actor, String opId, String worker);
  }

  private record Placed(Work work, String worker) {}

  private final String self;
  private final WorkerPool pool;
  private final Cluster cluster;
  private final ResultSink sink;
  private final Replacements replacements;
  private final Map<String, Placed> placed = new ConcurrentHashMap<>();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final MeterRegistry meters;

  /** The reasons of {@code troupe.dispatch.failed}. */
  private static final String UNPLACEABLE = "unplaceable";

  private static final String QUEUES_FULL = "queues-full";
  private static final String WORKER_DIED = "worker-died";

  /**
   * @param replacements told when work runs elsewhere than first placed (its first worker refused
   *     it or died), so that the actor records where it runs now
   * @param meters where {@code troupe.dispatch.placed} (by node), {@code troupe.dispatch.retried}
   *     and {@code troupe.dispatch.failed} (by reason) go
   */
  public Dispatcher(
      String self,
      WorkerPool pool,
      Cluster cluster,
      ResultSink sink,
      Replacements replacements,
      MeterRegistry meters) {
    this.self = self;
    this.pool = pool;
    this.cluster = cluster;
    this.sink = sink;
    this.replacements = replacements;
    this.meters = meters;
    // the counters exist from the start, at zero, so that a rate over them is 0 rather than no data
    meters.counter("troupe.dispatch.retried");
    for (String reason : List.of(UNPLACEABLE, QUEUES_FULL, WORKER_DIED)) {
      meters.counter("troupe.dispatch.failed", "reason", reason);
    }
  }

  public WorkerPool pool() {
    return pool;
  }

  /**
   * Places {@code w} and returns the node it runs on; its result goes to the {@link ResultSink}.
   *
   * @throws LimitExceededException when every node's queue is full
   */
  public String dispatch(Work w) {
    return place(w, List.of(), false);
  }

  /** {@code again}: placed before, so the actor is told where it runs now. */
  private String place(Work w, List<String> excluded, boolean again) {
    List<Load> options = new ArrayList<>();
    options.add(new Load(self, pool.depth(), pool.capacity(), cluster.cpu()));
    Map<String, Long> mine =
        placed.values().stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    Placed::worker, java.util.stream.Collectors.counting()));
    for (Load l : cluster.peers()) {
      if (!excluded.contains(l.node())) {
        int here = mine.getOrDefault(l.node(), 0L).intValue();
        options.add(new Load(l.node(), Math.max(l.depth(), here), l.capacity(), l.cpu()));
      }
    }
    options.sort(Comparator.comparingDouble(Load::score));
    for (Load target : options) {
      if (target.node().equals(self)) {
        try {
          if (again) { // before it runs: its result must not reach the actor first
            replacements.placedOn(w.actor(), w.opId(), self);
          }
          runHere(w);
          count(self);
          return self;
        } catch (LimitExceededException full) {
          continue;
        }
      }
      placed.put(w.opId(), new Placed(w, target.node()));
      count(target.node());
      if (again) { // before it is sent: a refusal told at once must come after
        replacements.placedOn(w.actor(), w.opId(), target.node());
      }
      cluster
          .run(target.node(), w)
          .whenComplete(
              (ok, e) -> {
                if (e != null && placed.remove(w.opId()) != null) {
                  log.debug("placing {} on {} failed: {}", w.opId(), target.node(), e.toString());
                  List<String> more = new ArrayList<>(excluded);
                  more.add(target.node());
                  try {
                    place(w, more, true);
                  } catch (RuntimeException unplaceable) {
                    failed(UNPLACEABLE);
                    sink.deliver(
                        w.actor(), w.opId(), null, Errors.unwrap(unplaceable).getMessage());
                  }
                }
              });
      return target.node();
    }
    failed(QUEUES_FULL);
    throw new LimitExceededException("every node's operation queue is full; try again later");
  }

  private void count(String node) {
    meters.counter("troupe.dispatch.placed", "node", node).increment();
  }

  private void failed(String reason) {
    meters.counter("troupe.dispatch.failed", "reason", reason).increment();
  }

  /** Work from another node (or placed here): runs it in this node's pool. */
  public void runHere(Work w) {
    pool.submit(w)
        .whenComplete(
            (v, e) -> {
              if (!(Errors.unwrap(e) instanceof io.troupe.error.CancelledException)) {
                sink.deliver(
                    w.actor(), w.opId(), v, e == null ? null : Errors.unwrap(e).getMessage());
              } // cancelled by its actor, which expects no result
            });
  }

  /**
   * An operation that an earlier home of its actor placed on {@code worker} (the actor moved here
   * while it ran): if that worker dies, it is handled as if placed from here.
   */
  public void watch(Work w, String worker) {
    if (!worker.equals(self)) {
      placed.put(w.opId(), new Placed(w, worker));
    }
  }

  /**
   * The actor cancelled operation {@code opId} (or stopped): its worker abandons it, dropping it if
   * it waits and stopping it if it runs.
   */
  public void cancel(String opId, String worker) {
    placed.remove(opId);
    if (worker == null || worker.equals(self)) {
      pool.cancel(opId);
    } else {
      cluster.cancel(worker, opId);
    }
  }

  /** The result of operation {@code opId} reached its actor: nothing to watch any more. */
  public void settled(String opId) {
    placed.remove(opId);
  }

  /** Whether {@code node} can still deliver the results of what runs there. */
  public boolean alive(String node) {
    return node.equals(self) || cluster.alive(node);
  }

  /**
   * Node {@code node} left the cluster: what it was running for actors here is placed again if it
   * is idempotent and otherwise completes with an error.
   */
  public void workerLost(String node) {
    for (Placed p : List.copyOf(placed.values())) {
      if (!p.worker().equals(node) || !placed.remove(p.work().opId(), p)) {
        continue;
      }
      Work w = p.work();
      if (w.idempotent()) {
        retried.incrementAndGet();
        meters.counter("troupe.dispatch.retried").increment();
        try {
          place(w, List.of(node), true);
        } catch (RuntimeException e) {
          sink.deliver(w.actor(), w.opId(), null, Errors.unwrap(e).getMessage());
        }
      } else {
        lost.incrementAndGet();
        failed(WORKER_DIED);
        sink.deliver(
            w.actor(),
            w.opId(),
            null,
            "worker node "
                + node
                + " died while running "
                + w.kind()
                + "; not retried, since it is not idempotent");
      }
    }
  }

  /** How many other nodes take work right now (linked, with a fresh load report). */
  public int peersTakingWork() {
    return cluster.peers().size();
  }

  public long retried() {
    return retried.get();
  }

  public long lostToDeadWorkers() {
    return lost.get();
  }
}

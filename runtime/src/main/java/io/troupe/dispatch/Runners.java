package io.troupe.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.error.InvalidArgumentException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The kinds of work this node can run for any actor, by kind. Every node registers the same kinds,
 * so work can be placed anywhere.
 */
public final class Runners {
  /**
   * Runs one kind of work from its request; completes with the result.
   *
   * <p>When nobody wants the result any more (its actor stopped or cancelled it, or its deadline
   * passed), the pool cancels the returned future and {@code abandoned} turns true. A runner that
   * waits on I/O propagates the cancel to what it waits on; one that computes checks {@code
   * abandoned} now and then and stops, so the work does not hold a thread for nothing.
   */
  @FunctionalInterface
  public interface Runner {
    CompletableFuture<JsonNode> run(JsonNode request, BooleanSupplier abandoned);
  }

  private final Map<String, Runner> byKind = new ConcurrentHashMap<>();

  public Runners register(String kind, Runner runner) {
    byKind.put(kind, runner);
    return this;
  }

  CompletableFuture<JsonNode> run(Work w, BooleanSupplier abandoned) {
    Runner r = byKind.get(w.kind());
    if (r == null) {
      return CompletableFuture.failedFuture(
          new InvalidArgumentException("this node cannot run operations of kind " + w.kind()));
    }
    try {
      return r.run(w.request(), abandoned);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}

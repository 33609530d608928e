package io.troupe.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.error.InvalidArgumentException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kinds of work this node can run for any actor, by kind. Every node registers the same kinds,
 * so work can be placed anywhere.
 */
public final class Runners {
  /** Runs one kind of work from its request; completes with the result. */
  @FunctionalInterface
  public interface Runner {
    CompletableFuture<JsonNode> run(JsonNode request);
  }

  private final Map<String, Runner> byKind = new ConcurrentHashMap<>();

  public Runners register(String kind, Runner runner) {
    byKind.put(kind, runner);
    return this;
  }

  CompletableFuture<JsonNode> run(Work w) {
    Runner r = byKind.get(w.kind());
    if (r == null) {
      return CompletableFuture.failedFuture(
          new InvalidArgumentException("this node cannot run operations of kind " + w.kind()));
    }
    try {
      return r.run(w.request());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}

package io.troupe.home;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.actor.ActorId;
import io.troupe.actor.Delivery;
import io.troupe.dispatch.Work;
import java.util.concurrent.CompletableFuture;

/**
 * This node's links to its peers, as the home room uses them: what it sends. Every call is
 * asynchronous and never blocks; a link that breaks fails what waits on it as unavailable.
 */
public interface Links {
  /**
   * Sends {@code delivery} to {@code node}, the {@code hops}-th forward; completes with its reply.
   */
  CompletableFuture<JsonNode> forward(NodeRef node, Delivery delivery, int hops);

  /** Asks {@code node} to run dispatched work; completes once it queued it. */
  CompletableFuture<Void> runOperation(NodeRef node, Work work);

  /** Asks {@code node} to abandon dispatched work, waiting or running there (best effort). */
  void cancelOperation(NodeRef node, String opId);

  /**
   * Sends the result of dispatched work to {@code actor}'s home {@code node}; completes once it is
   * recorded and durable there.
   */
  CompletableFuture<Void> operationResult(NodeRef node, ActorId actor, OperationResult result);

  /** Tells every connected peer this node's dispatcher load. */
  void broadcastLoad(int depth, int capacity, double cpu);

  /** Whether the link to {@code node} is up. */
  boolean connected(NodeRef node);
}

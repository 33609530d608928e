package io.troupe.home;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.actor.ActorId;
import io.troupe.actor.ChannelListener;
import io.troupe.actor.Delivery;
import io.troupe.dispatch.Work;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What this node does with what its peers send over the node links. Called on the links' own
 * threads: nothing here may block.
 */
public interface Inbound {
  /**
   * A delivery for an actor that lives here, or that this node forwards ({@code hops} forwards so
   * far).
   *
   * @param back where what the actor sends on a channel this delivery opens goes
   */
  CompletableFuture<JsonNode> deliver(Delivery delivery, int hops, ChannelListener back);

  /** Dispatched work from the peer, to run here; completes once queued. */
  CompletableFuture<Void> runOperation(Work work);

  /** The peer's dispatcher load and CPU load (0..1). */
  void load(String peer, int depth, int capacity, double cpu);

  /** The actor that dispatched {@code opId} here does not want it any more. */
  void cancelOperation(String opId);

  /** The result of dispatched work for actor {@code target}; completes once durable here. */
  CompletableFuture<Void> operationResult(ActorId target, OperationResult result, NodeRef from);

  /** Channel traffic from an actor on the peer, for a channel opened here. */
  void channelBack(String channelId, ActorId from, Optional<JsonNode> message, String reason);
}

package io.troupe.home;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.actor.ActorId;
import io.troupe.actor.Delivery;
import io.troupe.dispatch.Work;
import io.troupe.error.UnavailableException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Links that record what would be sent, and say which peers are connected. */
final class FakeLinks implements Links {
  final Set<NodeRef> connected = ConcurrentHashMap.newKeySet();
  final List<String> sent = new CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<JsonNode> forward(NodeRef node, Delivery delivery, int hops) {
    sent.add("forward " + delivery.target() + " to " + node.name() + " hop " + hops);
    return CompletableFuture.failedFuture(new UnavailableException("no real link"));
  }

  @Override
  public CompletableFuture<Void> runOperation(NodeRef node, Work work) {
    sent.add("run " + work.opId() + " on " + node.name());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void cancelOperation(NodeRef node, String opId) {
    sent.add("cancel " + opId + " on " + node.name());
  }

  @Override
  public CompletableFuture<Void> operationResult(
      NodeRef node, ActorId actor, OperationResult result) {
    sent.add("result " + result.opId() + " for " + actor + " to " + node.name());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void broadcastLoad(int depth, int capacity, double cpu) {}

  @Override
  public boolean connected(NodeRef node) {
    return connected.contains(node);
  }
}

package io.troupe.home;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.actor.ActorId;
import io.troupe.actor.ChannelListener;
import io.troupe.actor.Delivery;
import io.troupe.dispatch.Work;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.PermissionDeniedException;
import io.troupe.error.UnavailableException;
import io.troupe.hosting.Hosting;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node does with what its peers send: deliveries for its actors (forwarded on, at most
 * twice in all, when the actor lives elsewhere), dispatched work to run, results of work that ran
 * elsewhere, loads, and channel traffic back from actors on other nodes.
 */
public final class PeerInbound implements Inbound {
  private static final Logger log = LoggerFactory.getLogger(PeerInbound.class);

  /** Forwards a delivery may take in all: entry node, partition owner, the home it names. */
  static final int MAX_HOPS = 2;

  private final Hosting hosting;
  private final Members members;
  private final Placement placement;
  private final Links links;
  private final LoadBoard loads;
  private final Executor blocking;

  /**
   * @param blocking where work that may wait on the cluster's records runs (never the link's own
   *     thread)
   */
  public PeerInbound(
      Hosting hosting,
      Members members,
      Placement placement,
      Links links,
      LoadBoard loads,
      Executor blocking) {
    this.hosting = hosting;
    this.members = members;
    this.placement = placement;
    this.links = links;
    this.loads = loads;
    this.blocking = blocking;
  }

  @Override
  public CompletableFuture<JsonNode> deliver(Delivery d, int hops, ChannelListener back) {
    try {
      return hosting.deliver(d, back);
    } catch (ActorNotFoundException notHere) {
      // Finding where it went reads the cluster's record, which may wait on a migrating
      // partition: never on the link's transport thread.
      return CompletableFuture.supplyAsync(() -> elsewhere(d, hops, back, notHere), blocking)
          .thenCompose(f -> f);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  static ActorNotRunningException ended(ActorId id, Placement.Ended ended) {
    return new ActorNotRunningException(
        "actor " + id + " is " + ended.status().name().toLowerCase(java.util.Locale.ROOT));
  }

  private CompletableFuture<JsonNode> elsewhere(
      Delivery d, int hops, ChannelListener back, ActorNotFoundException notHere) {
    Placement.Home home = placement.locate(d.target());
    if (home instanceof Placement.There there
        && hops < MAX_HOPS
        && !(d instanceof Delivery.ChannelOpen)) {
      return links.forward(there.node(), d, hops + 1); // it lives elsewhere
    }
    if (home instanceof Placement.Retry retry) {
      throw new UnavailableException(retry.why());
    }
    if (home instanceof Placement.Ended ended) {
      throw ended(d.target(), ended);
    }
    if (home instanceof Placement.Here && hosting.resident(d.target()).isPresent()) {
      return hosting.deliver(d, back); // it moved in while this delivery looked for it
    }
    if (home instanceof Placement.There there) {
      throw new UnavailableException(
          "actor " + d.target() + " lives on node " + there.node().name() + "; retry there");
    }
    throw notHere;
  }

  @Override
  public CompletableFuture<Void> runOperation(Work work) {
    try {
      hosting.dispatcher().runHere(work);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void load(String peer, int depth, int capacity, double cpu) {
    loads.report(peer, depth, capacity, cpu);
  }

  @Override
  public void cancelOperation(String opId) {
    hosting.dispatcher().pool().cancel(opId);
  }

  /**
   * A result for an actor of this node. One for an actor that lives beside its parent, away from
   * its partition's owner (this node), is passed on to where it lives: senders route results to the
   * owner, which alone knows better.
   */
  @Override
  public CompletableFuture<Void> operationResult(ActorId target, OperationResult r, NodeRef from) {
    // from the worker itself, or passed on by the partition's owner (above): never from a third
    // node speaking for a worker
    if (!from.name().equals(r.worker())
        && members.owner(target).filter(o -> o.equals(from)).isEmpty()) {
      return CompletableFuture.failedFuture(
          new PermissionDeniedException(
              "node "
                  + from.name()
                  + " sent the result of operation "
                  + r.opId()
                  + " run by "
                  + r.worker()
                  + ": a result comes from its worker"));
    }
    if (hosting.resident(target).isPresent()) {
      return hosting.operationResult(
          target, r.opId(), r.value(), r.error().orElse(null), r.worker());
    }
    return CompletableFuture.supplyAsync(
            () -> {
              Placement.Home home = placement.locate(target);
              if (home instanceof Placement.There there
                  && members.owner(target).filter(o -> o.equals(members.self())).isPresent()) {
                return links.operationResult(there.node(), target, r);
              }
              return hosting.operationResult(
                  target, r.opId(), r.value(), r.error().orElse(null), r.worker());
            },
            blocking)
        .thenCompose(f -> f);
  }

  @Override
  public void channelBack(
      String channelId, ActorId from, Optional<JsonNode> message, String reason) {
    try {
      hosting.channelBack(channelId, from, message, reason);
    } catch (RuntimeException e) {
      log.debug("channel {} traffic from {} dropped: {}", channelId, from, e.getMessage());
    }
  }
}

package io.troupe.server;

import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import io.troupe.actor.ActorSystem;
import io.troupe.cluster.HazelcastMembers;
import io.troupe.error.UnavailableException;
import io.troupe.home.NodeRef;
import io.troupe.sink.ChainSinks;
import io.troupe.transport.LinkHub;
import io.troupe.transport.PeerChannels;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a node does as members join and leave, and when its own cluster member stops under it. */
final class NodeMembership implements HazelcastMembers.Listener {
  private static final Logger log = LoggerFactory.getLogger(NodeMembership.class);

  private final String nodeName;
  private final LinkHub hub;
  private final ActorSystem system;
  private final PeerChannels channels;
  private final Optional<ChainSinks> sinks;
  private final HealthStatusManager health;
  private final Runnable reconcileSoon;
  private final BooleanSupplier shuttingDown;

  NodeMembership(
      String nodeName,
      LinkHub hub,
      ActorSystem system,
      PeerChannels channels,
      Optional<ChainSinks> sinks,
      HealthStatusManager health,
      Runnable reconcileSoon,
      BooleanSupplier shuttingDown) {
    this.nodeName = nodeName;
    this.hub = hub;
    this.system = system;
    this.channels = channels;
    this.sinks = sinks;
    this.health = health;
    this.reconcileSoon = reconcileSoon;
    this.shuttingDown = shuttingDown;
  }

  @Override
  public void joined(NodeRef node) {
    hub.memberAdded(node);
  }

  @Override
  public void left(NodeRef node) {
    log.info("node {} left the cluster", node.name());
    hub.memberRemoved(node);
    system.hosting().dispatcher().workerLost(node.name());
    channels.forget(node);
    reconcileSoon.run();
    sinks.ifPresent(ChainSinks::sweepSoon); // it may have died before it delivered
  }

  @Override
  public void partitionsMoved() {
    reconcileSoon.run();
  }

  @Override
  public void stopped() {
    if (shuttingDown.getAsBoolean()) {
      return;
    }
    // our actors' homes are elsewhere from now on, and this node must not serve them
    log.error("node {}: its cluster member stopped; it serves nothing", nodeName);
    health.setStatus("", HealthCheckResponse.ServingStatus.NOT_SERVING);
    system
        .hosting()
        .loseAll(
            new UnavailableException(
                "node " + nodeName + " is not in the cluster any more; retry"));
  }
}

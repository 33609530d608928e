package io.troupe.server;

import io.troupe.cluster.ClusterChainStore;
import io.troupe.cluster.HazelcastMembers;
import io.troupe.error.UnavailableException;
import io.troupe.home.ActorSummary;
import io.troupe.home.LoadBoard;
import io.troupe.home.NodeRef;
import io.troupe.home.RecentTakeovers;
import io.troupe.proto.v1.ClusterStatusResponse;
import io.troupe.proto.v1.Member;
import io.troupe.status.NodeStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster as this node sees it: for {@code ClusterStatus} (the members, their addresses,
 * partitions and actor counts) and for the status page (also every actor's record, the dispatcher
 * loads and this node's recent takeovers).
 */
final class StatusReport {
  private static final Logger log = LoggerFactory.getLogger(StatusReport.class);

  private final String clusterName;
  private final HazelcastMembers members;
  private final ClusterChainStore records;
  private final LoadBoard loads;
  private final Supplier<NodeStatus.Load> localLoad;
  private final RecentTakeovers takeovers;
  private final Clock clock;

  /**
   * @param loads the peers' dispatcher loads, as last reported
   * @param localLoad this node's dispatcher load
   * @param takeovers the actors this node took over lately
   */
  StatusReport(
      String clusterName,
      HazelcastMembers members,
      ClusterChainStore records,
      LoadBoard loads,
      Supplier<NodeStatus.Load> localLoad,
      RecentTakeovers takeovers,
      Clock clock) {
    this.clusterName = clusterName;
    this.members = members;
    this.records = records;
    this.loads = loads;
    this.localLoad = localLoad;
    this.takeovers = takeovers;
    this.clock = clock;
  }

  /** The actor records, or (without a quorum they cannot be read) none and why. */
  private record Actors(List<ActorSummary> list, String error) {
    Map<String, Integer> liveByHome() {
      Map<String, Integer> out = new HashMap<>();
      list.stream()
          .filter(ActorSummary::live)
          .forEach(s -> out.merge(s.home().name(), 1, Integer::sum));
      return out;
    }
  }

  private Actors actors() {
    try {
      return new Actors(records.list(), null);
    } catch (UnavailableException e) {
      log.debug("cluster status without actors: {}", e.getMessage());
      return new Actors(List.of(), e.getMessage());
    }
  }

  ClusterStatusResponse now() {
    Map<NodeRef, Integer> partitions = members.partitionsOwned();
    Map<String, Integer> actors = actors().liveByHome();
    NodeRef self = members.self();
    ClusterStatusResponse.Builder b =
        ClusterStatusResponse.newBuilder()
            .setClusterName(clusterName)
            .setThisNode(self.name())
            .setPartitions(members.partitions())
            .setQuorumPresent(members.quorum())
            .setPublicKey(members.publicKey(self).orElse(""));
    for (NodeRef m : members.live()) {
      b.addMembers(
          Member.newBuilder()
              .setName(m.name())
              .setUuid(m.member())
              .setHazelcastAddress(members.hazelcastAddress(m).orElse(""))
              .setGrpcAddress(members.grpcAddress(m).orElse(""))
              .setActors(actors.getOrDefault(m.name(), 0))
              .setOwnedPartitions(partitions.getOrDefault(m, 0))
              .setLocal(m.equals(self))
              .setPublicKey(members.publicKey(m).orElse("")));
    }
    return b.build();
  }

  /** What the status page shows. */
  NodeStatus page() {
    Map<NodeRef, Integer> partitions = members.partitionsOwned();
    Actors all = actors();
    Map<String, Integer> byHome = all.liveByHome();
    NodeRef self = members.self();
    List<NodeStatus.Member> rows = new ArrayList<>();
    for (NodeRef m : members.live()) {
      boolean local = m.equals(self);
      NodeStatus.Load load =
          local
              ? localLoad.get()
              : loads
                  .current(m.name())
                  .map(l -> new NodeStatus.Load(l.depth(), l.capacity(), l.cpu()))
                  .orElse(null);
      rows.add(
          new NodeStatus.Member(
              m.name(),
              members.hazelcastAddress(m).orElse(""),
              members.grpcAddress(m).orElse(""),
              partitions.getOrDefault(m, 0),
              byHome.getOrDefault(m.name(), 0),
              local,
              load));
    }
    List<NodeStatus.Actor> actors =
        all.list().stream().limit(NodeStatus.MAX_ACTORS).map(StatusReport::actor).toList();
    List<NodeStatus.Failover> failovers = new ArrayList<>();
    for (RecentTakeovers.Takeover t : takeovers.list()) {
      failovers.add(
          new NodeStatus.Failover(
              t.actor().value(),
              t.fromNode(),
              t.epoch(),
              t.reason(),
              t.atMillis(),
              t.tookMillis()));
    }
    return new NodeStatus(
        clusterName,
        self.name(),
        members.quorum(),
        members.partitions(),
        rows,
        actors,
        all.error() == null ? all.list().size() : -1,
        all.error(),
        failovers,
        clock.millis());
  }

  private static NodeStatus.Actor actor(ActorSummary s) {
    return new NodeStatus.Actor(
        s.id().value(),
        s.name(),
        s.home().name(),
        s.epoch(),
        s.status().name().toLowerCase(Locale.ROOT),
        s.handedOff(),
        s.chainLength(),
        s.head().toHex(),
        s.parent().map(p -> p.value()).orElse(null));
  }
}

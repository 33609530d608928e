package io.troupe.server;

import io.troupe.cluster.ClusterChainStore;
import io.troupe.cluster.HazelcastMembers;
import io.troupe.error.UnavailableException;
import io.troupe.home.ActorSummary;
import io.troupe.home.NodeRef;
import io.troupe.proto.v1.ClusterStatusResponse;
import io.troupe.proto.v1.Member;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code ClusterStatus}: the members, their addresses, partitions and actors. */
final class StatusReport {
  private static final Logger log = LoggerFactory.getLogger(StatusReport.class);

  private final String clusterName;
  private final HazelcastMembers members;
  private final ClusterChainStore records;

  StatusReport(String clusterName, HazelcastMembers members, ClusterChainStore records) {
    this.clusterName = clusterName;
    this.members = members;
    this.records = records;
  }

  ClusterStatusResponse now() {
    Map<NodeRef, Integer> partitions = members.partitionsOwned();
    Map<String, Integer> actors = new HashMap<>();
    try {
      for (ActorSummary s : records.list()) {
        if (s.live()) {
          actors.merge(s.home().name(), 1, Integer::sum);
        }
      }
    } catch (UnavailableException e) {
      // without a quorum the records cannot be read; the status still tells who is here
      log.debug("cluster status without actor counts: {}", e.getMessage());
    }
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
}

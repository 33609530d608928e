package io.troupe.cluster;

import java.time.Duration;
import java.util.List;

/**
 * How this node joins the cluster: its name and addresses, whom it joins, how many backups every
 * record has, how failures are detected, and how many members a side of a split needs to write.
 *
 * @param grpcPort the port of this node's gRPC server, announced to the others
 */
public record MemberSettings(
    String name,
    String host,
    String apiHost,
    int hzPort,
    int grpcPort,
    int linkPort,
    List<String> members,
    java.util.Optional<String> kubernetesDns,
    String clusterName,
    int backupCount,
    int quorum,
    Duration heartbeat,
    Duration maxNoHeartbeat,
    String publicKey) {
  public MemberSettings {
    members = List.copyOf(members);
    java.util.Objects.requireNonNull(kubernetesDns);
  }
}

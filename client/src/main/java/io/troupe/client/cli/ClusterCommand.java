package io.troupe.client.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.proto.v1.ClusterStatusResponse;
import io.troupe.proto.v1.Member;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code troupe cluster status}: the members of the cluster, as JSON. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Shows the cluster.",
    subcommands = {ClusterCommand.StatusCommand.class})
final class ClusterCommand implements Runnable {
  @ParentCommand TroupeCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "status", description = "Prints the members, their addresses and actors (JSON).")
  static final class StatusCommand implements Callable<Integer> {
    @ParentCommand ClusterCommand cluster;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (TroupeClient client = cluster.root.client()) {
        ClusterStatusResponse s = client.clusterStatus();
        ObjectNode o = ActorCommand.JSON.createObjectNode();
        o.put("cluster", s.getClusterName());
        o.put("node", s.getThisNode());
        o.put("partitions", s.getPartitions());
        o.put("quorum_present", s.getQuorumPresent());
        ArrayNode members = o.putArray("members");
        for (Member m : s.getMembersList()) {
          ObjectNode j = members.addObject();
          j.put("name", m.getName());
          j.put("uuid", m.getUuid());
          j.put("hazelcast", m.getHazelcastAddress());
          j.put("grpc", m.getGrpcAddress());
          j.put("actors", m.getActors());
          j.put("partitions", m.getOwnedPartitions());
          j.put("local", m.getLocal());
        }
        spec.commandLine().getOut().println(o);
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }
}

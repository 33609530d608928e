package io.troupe.client.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.proto.v1.ClusterStatusResponse;
import io.troupe.proto.v1.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code troupe cluster status|members}: the cluster as a node sees it. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Shows the cluster.",
    subcommands = {ClusterCommand.StatusCommand.class, ClusterCommand.Members.class})
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

  @Command(
      name = "members",
      description = {
        "Prints the members: name, API address, actors at home there, partitions owned, receipt",
        "public key; a table, or with --output json one JSON object per line."
      })
  static final class Members implements Callable<Integer> {
    @ParentCommand ClusterCommand cluster;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--output",
        paramLabel = "FORMAT",
        description = "table (default) or json (one JSON object per line).")
    Output output = Output.table;

    @Override
    public Integer call() {
      try (TroupeClient client = cluster.root.client()) {
        List<ObjectNode> rows = new ArrayList<>();
        for (Member m : client.clusterStatus().getMembersList()) {
          ObjectNode j = ActorCommand.JSON.createObjectNode();
          j.put("name", m.getName());
          j.put("address", m.getGrpcAddress());
          j.put("actors", m.getActors());
          j.put("partitions", m.getOwnedPartitions());
          j.put("public_key", m.getPublicKey());
          if (output == Output.json) {
            j.put("uuid", m.getUuid());
            j.put("hazelcast", m.getHazelcastAddress());
            j.put("local", m.getLocal());
          }
          rows.add(j);
        }
        output.print(spec.commandLine().getOut(), rows);
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }
}

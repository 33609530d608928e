package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.client.sdk.TroupeClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The failover benchmark, behind a flag ({@code -Dtroupe.soak=true}, rounds from {@code
 * -Dtroupe.soak.rounds}, default 10): kill -9 a node, rotating the victim through every position in
 * the cluster's member order (the oldest member, the Hazelcast master, first), time until one of
 * its actors is served again, start the node again, repeat. Each round is broken down from the
 * survivors' logs: until a survivor saw the member leave, until the actor's takeover began and
 * ended, until the client's request was served. Writes the figures to target/failover-bench.txt.
 */
@EnabledIfSystemProperty(named = "troupe.soak", matches = "true")
class FailoverSoakIT {
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
  private static final int ACTORS = 12;

  @Test
  void repeatedKillsOfEveryPosition() throws Exception {
    int rounds = Integer.getInteger("troupe.soak.rounds", 10);
    List<Long> times = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    try (NodeProcesses cluster = NodeProcesses.start(3)) {
      Map<String, Integer> totals = new HashMap<>();
      try (TroupeClient client = client(cluster.targets())) {
        for (int i = 0; i < ACTORS; i++) {
          client.start(Launcher.REPO.resolve("examples/counter/counter.toml"), "s" + i);
          totals.put("s" + i, 0);
        }
      }
      for (int round = 1; round <= rounds; round++) {
        int position = (round - 1) % cluster.nodes.size();
        NodeProcesses.Node dead;
        String probe;
        try (TroupeClient client = client(cluster.targets())) {
          List<String> age =
              client.clusterStatus().getMembersList().stream()
                  .map(io.troupe.proto.v1.Member::getName)
                  .toList();
          String victim = age.get(position);
          dead =
              cluster.nodes.stream().filter(n -> n.name().equals(victim)).findFirst().orElseThrow();
          probe = actorOn(client, victim, totals);
        }
        List<NodeProcesses.Node> survivors = cluster.nodes.stream().filter(n -> n != dead).toList();
        try (TroupeClient client =
            client(survivors.stream().map(NodeProcesses.Node::target).toList())) {
          client.clusterStatus(); // connected before the kill: only the failover is timed
          LocalTime killedAt = LocalTime.now();
          long t0 = System.nanoTime();
          dead.process().destroyForcibly();
          assertThat(client.request(probe, "\"total?\"")).isEqualTo(totals.get(probe).toString());
          long served = (System.nanoTime() - t0) / 1_000_000;
          times.add(served);
          for (String id : totals.keySet()) {
            assertThat(client.request(id, "\"total?\"")).isEqualTo(totals.get(id).toString());
          }
          String line =
              String.format(
                  "round %d: killed %s (member position %d of %d): %d ms (%s)%n",
                  round,
                  dead.name(),
                  position + 1,
                  cluster.nodes.size(),
                  served,
                  breakdown(survivors, dead.name(), probe, killedAt, served));
          report.append(line);
          System.out.print("failover " + line);
        }
        dead.process().waitFor();
        cluster.restart(dead, round);
        cluster.awaitFormed();
      }
    }
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    String summary =
        String.format(
            "kill -9 to first served request over %d rounds: p50 %d ms, max %d ms; all: %s%n%s",
            sorted.size(),
            sorted.get((sorted.size() - 1) / 2),
            sorted.get(sorted.size() - 1),
            times,
            report);
    System.out.print(summary);
    Files.writeString(Path.of("target", "failover-bench.txt"), summary);
  }

  private static TroupeClient client(List<String> targets) {
    return TroupeClient.builder().targets(targets).deadline(Duration.ofSeconds(60)).build();
  }

  /**
   * One of {@code node}'s actors, after a send to every actor (counted in {@code totals}); starts
   * more actors until one lives there.
   */
  private static String actorOn(TroupeClient client, String node, Map<String, Integer> totals)
      throws Exception {
    String found = null;
    for (String id : totals.keySet()) {
      client.send(id, "1");
      totals.merge(id, 1, Integer::sum);
      if (found == null && client.describe(id).getNode().equals(node)) {
        found = id;
      }
    }
    while (found == null) {
      String id = "s" + totals.size();
      client.start(Launcher.REPO.resolve("examples/counter/counter.toml"), id);
      totals.put(id, 0);
      if (client.describe(id).getNode().equals(node)) {
        found = id;
      }
    }
    return found;
  }

  /** Milestones of one failover, from the survivors' logs, in ms after the kill. */
  private static String breakdown(
      List<NodeProcesses.Node> survivors,
      String victim,
      String probe,
      LocalTime killedAt,
      long served)
      throws Exception {
    Long left = null;
    Long tookOver = null;
    String takeover = "?";
    Pattern took =
        Pattern.compile(
            "^(\\S+) .*took actor "
                + Pattern.quote(probe)
                + " over from node "
                + Pattern.quote(victim)
                + " .*record (\\d+) ms, resume (\\d+) ms");
    for (NodeProcesses.Node n : survivors) {
      for (String l : Files.readAllLines(n.log())) {
        if (l.length() < 12) {
          continue;
        }
        Long at = after(killedAt, l.substring(0, 12));
        if (at == null) {
          continue;
        }
        if (l.contains("node " + victim + " left the cluster")) {
          left = left == null ? at : Math.min(left, at);
        }
        Matcher m = took.matcher(l);
        if (m.find()) {
          tookOver = at;
          takeover = "record " + m.group(2) + " ms, resume " + m.group(3) + " ms";
        }
      }
    }
    return String.format(
        "member removed %s ms, taken over %s ms [%s], served %d ms",
        left, tookOver, takeover, served);
  }

  /** {@code stamp} as ms after {@code since}, or null if it is not a time or is before it. */
  private static Long after(LocalTime since, String stamp) {
    LocalTime t;
    try {
      t = LocalTime.parse(stamp, LOG_TIME);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
    long ms = Duration.between(since, t).toMillis();
    if (ms < -12 * 3600_000L) {
      ms += 24 * 3600_000L; // past midnight
    }
    return ms < 0 || ms > 120_000 ? null : ms;
  }
}

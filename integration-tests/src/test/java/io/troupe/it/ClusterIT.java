package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.proto.v1.ActorDescription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three real node processes on loopback ports: actors placed on all of them, messages across nodes,
 * and every actor's chain read from every node and verified with the CLI.
 */
class ClusterIT {
  static NodeProcesses cluster;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void up() throws Exception {
    cluster = NodeProcesses.start(3);
  }

  @AfterAll
  static void down() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void actorsOnEveryNodeMessageAcrossNodesAndTheirChainsVerifyFromAnyNode() throws Exception {
    var targets = cluster.targets();
    Map<String, String> homes = new HashMap<>(); // id -> node
    try (TroupeClient client =
        TroupeClient.builder().targets(targets).deadline(Duration.ofSeconds(30)).build()) {
      // place counters until every node is home to at least one
      for (int i = 0; homes.size() < 60 && new TreeSet<>(homes.values()).size() < 3; i++) {
        String id = "counter-" + i;
        client.start(Launcher.REPO.resolve("examples/counter/counter.toml"), id);
        homes.put(id, client.describe(id).getNode());
      }
      assertThat(new TreeSet<>(homes.values())).containsExactlyInAnyOrder("it-1", "it-2", "it-3");
      // every counter gets messages through every node
      for (String id : homes.keySet()) {
        for (int n = 0; n < 3; n++) {
          try (TroupeClient via = TroupeClient.builder().target(targets.get(n)).build()) {
            via.send(id, Integer.toString(n + 1));
          }
        }
      }
      for (String id : homes.keySet()) {
        assertThat(client.request(id, "\"total?\"")).isEqualTo("6");
      }
      // actor to actor across nodes: front and kv on different homes
      client.start(Launcher.REPO.resolve("examples/kv-store/kv-store.toml"), "kv");
      String kvHome = client.describe("kv").getNode();
      String front = null;
      for (int i = 0; front == null; i++) {
        String id = "front-" + i;
        client.start(Launcher.REPO.resolve("examples/request-response/front.toml"), id);
        if (!client.describe(id).getNode().equals(kvHome)) {
          front = id;
        }
      }
      assertThat(client.request(front, "[\"kv\",[\"put\",\"k\",{\"v\":[1,2]}]]")).isEqualTo("true");
      assertThat(client.request(front, "[\"kv\",[\"get\",\"k\"]]")).isEqualTo("{\"v\":[1,2]}");
      homes.put("kv", kvHome);
    }

    // the CLI, through each node in turn: describe, chain export, offline verification
    Path dir = Files.createTempDirectory("troupe-it-chains");
    // every actor's chain verifies on the cluster, through every node
    try (TroupeClient client = TroupeClient.builder().targets(targets).build()) {
      for (String id : homes.keySet()) {
        for (String target : targets) {
          try (TroupeClient via = TroupeClient.builder().target(target).build()) {
            var v = via.verify(id);
            assertThat(v.getValid()).as(v.getProblem()).isTrue();
            assertThat(via.describe(id).getNode()).isEqualTo(homes.get(id));
          }
        }
      }
    }
    // one actor per home through the CLI: describe, export, offline verification
    Map<String, String> oneEach = new HashMap<>();
    homes.forEach((id, node) -> oneEach.putIfAbsent(node, id));
    Set<String> sample = new TreeSet<>(oneEach.values());
    sample.add("kv");
    int turn = 0;
    for (String id : sample) {
      String reference = null;
      int first = turn++ % 3;
      int count = id.equals("kv") ? 3 : 1; // the kv-store's export through every node
      for (int k = 0; k < count; k++) {
        int n = (first + k) % 3;
        String target = targets.get(n);
        var describe = Launcher.run("troupe", "--target", target, "actor", "describe", id);
        assertThat(describe.exit()).as(describe.err()).isZero();
        JsonNode d = JSON.readTree(describe.out());
        assertThat(d.get("node").asText()).isEqualTo(homes.get(id));
        assertThat(d.get("epoch").asLong()).isZero();
        Path file = dir.resolve(id + "-" + n + ".jsonl");
        var chain =
            Launcher.run(
                "troupe", "--target", target, "actor", "chain", id, "--out", file.toString());
        assertThat(chain.exit()).as(chain.err()).isZero();
        var verify = Launcher.run("troupe", "chain", "verify", file.toString());
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).startsWith("ok:");
        String text = Files.readString(file);
        if (reference == null) {
          reference = text;
        } else {
          assertThat(text).isEqualTo(reference);
        }
      }
    }

    var status = Launcher.run("troupe", "--target", targets.get(2), "cluster", "status");
    assertThat(status.exit()).as(status.err()).isZero();
    JsonNode s = JSON.readTree(status.out());
    assertThat(s.get("members")).hasSize(3);
    int actors = 0;
    for (JsonNode m : s.get("members")) {
      actors += m.get("actors").asInt();
    }
    assertThat(actors).isEqualTo(homes.size() + countFronts(targets));

    var request =
        Launcher.run(
            "troupe", "--target", targets.get(0), "actor", "request", "kv", "[\"get\",\"k\"]");
    assertThat(request.out().strip()).isEqualTo("{\"v\":[1,2]}");
    var missing = Launcher.run("troupe", "--target", targets.get(1), "actor", "describe", "nobody");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no actor nobody");
  }

  private static int countFronts(java.util.List<String> targets) {
    try (TroupeClient client = TroupeClient.builder().targets(targets).build()) {
      return (int)
          client.list().stream()
              .map(ActorDescription::getId)
              .filter(i -> i.startsWith("front-"))
              .count();
    }
  }
}

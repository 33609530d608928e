package io.troupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.EventHash;
import io.troupe.proto.v1.ActorDescription;
import io.troupe.proto.v1.DescribeActorRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The status page every node serves on {@code --http-port}, read by a real browser (headless
 * Chromium) and by plain HTTP: members, actors with their home, epoch, status and chain head, and
 * the failovers a node made.
 */
class StatusPageTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aBrowserShowsTheMembersAndAnActorStartedByTheTest() throws Exception {
    HeadlessChromium.binary(); // fails first, and clearly, without a browser
    try (TestCluster cluster = TestCluster.start(2, b -> b.httpPort(0))) {
      String id = "status-page-counter";
      cluster.client(0).startActor(ClusterTest.startRequest("counter/counter.toml", id));
      ActorDescription d =
          cluster.client(0).describeActor(DescribeActorRequest.newBuilder().setId(id).build());
      String head = EventHash.of(d.getHead().toByteArray()).toHex();
      String page = "http://" + cluster.node(1).httpAddress().orElseThrow() + "/";

      AtomicReference<String> dom = new AtomicReference<>("");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                dom.set(HeadlessChromium.dumpDom(page, 5000));
                assertThat(dom.get()).contains("data-rendered=\"true\"", id);
              });
      String html = dom.get();
      // both members, this one marked, with their partitions (271 in all)
      assertThat(html)
          .contains("<td>" + cluster.node(0).name() + "</td>")
          .contains("<tr class=\"local\"><td>" + cluster.node(1).name() + "</td>")
          .contains("quorum present")
          .contains("271 partitions");
      // the actor's row: id, manifest name, home, epoch, status, chain length, head
      assertThat(html)
          .contains(
              "<td>"
                  + id
                  + "</td><td>"
                  + d.getName()
                  + "</td><td>"
                  + d.getNode()
                  + "</td><td class=\"num\">0</td><td>running</td><td class=\"num\">"
                  + d.getChainLength()
                  + "</td>")
          .contains("title=\"" + head + "\"");
      assertThat(html).contains("none since this node started");
    }
  }

  @Test
  void aNodeThatTookAnActorOverListsTheFailover() throws Exception {
    try (TestCluster cluster = TestCluster.start(3, b -> b.httpPort(0))) {
      ClusterTest.cluster = cluster;
      String id = ClusterTest.idOn(2, "status-failover");
      cluster.client(0).startActor(ClusterTest.startRequest("counter/counter.toml", id));
      String gone = cluster.node(2).name();
      cluster.node(2).hazelcast().getLifecycleService().terminate();

      // one of the survivors takes it over, and says so on its page
      JsonNode status = awaitFailover(List.of(cluster.node(0), cluster.node(1)));
      String newHome = status.get("node").asText();
      JsonNode f = status.get("failovers").get(0);
      assertThat(f.get("actor").asText()).isEqualTo(id);
      assertThat(f.get("from").asText()).isEqualTo(gone);
      assertThat(f.get("epoch").asLong()).isEqualTo(1);
      assertThat(f.get("reason").asText()).isEqualTo("home node " + gone + " left the cluster");
      JsonNode actor = status.get("actors").get(0);
      assertThat(actor.get("id").asText()).isEqualTo(id);
      assertThat(actor.get("home").asText()).isEqualTo(newHome);
      assertThat(actor.get("epoch").asLong()).isEqualTo(1);
      assertThat(status.get("members")).hasSize(2);
    } finally {
      ClusterTest.cluster = null;
    }
  }

  @Test
  void theServerIsReadOnlyAndServesMetricsBesideThePage() throws Exception {
    try (TestCluster cluster = TestCluster.start(1, b -> b.httpPort(0))) {
      String base = "http://" + cluster.node(0).httpAddress().orElseThrow();
      HttpResponse<String> metrics = get(base + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("troupe_dispatch_slots{");
      HttpResponse<String> page = get(base + "/");
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.body()).contains("<script src=\"status.js\"");
      assertThat(get(base + "/status.js").body()).contains("status.json");
      assertThat(get(base + "/nothing-here").statusCode()).isEqualTo(404);
      HttpResponse<String> post =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/status.json"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      JsonNode status = JSON.readTree(get(base + "/status.json").body());
      assertThat(status.get("node").asText()).isEqualTo(cluster.node(0).name());
      assertThat(status.get("quorum").asBoolean()).isTrue();
      JsonNode self = status.get("members").get(0);
      assertThat(self.get("local").asBoolean()).isTrue();
      assertThat(self.get("partitions").asInt()).isEqualTo(271);
      assertThat(self.get("load").get("capacity").asInt())
          .isEqualTo(cluster.node(0).system().hosting().dispatcher().pool().capacity());
    }
  }

  /** The status of the first of {@code nodes} that lists a failover, once the record shows it. */
  private static JsonNode awaitFailover(List<TroupeNode> nodes) {
    AtomicReference<JsonNode> status = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              for (TroupeNode n : nodes) {
                String url = "http://" + n.httpAddress().orElseThrow() + "/status.json";
                JsonNode s = JSON.readTree(get(url).body());
                if (s.get("failovers").size() == 1
                    && s.get("actors").get(0).get("epoch").asLong() == 1) {
                  status.set(s);
                  return true;
                }
              }
              return false;
            });
    return status.get();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}

package io.troupe.server;

import static io.troupe.server.ClusterTest.json;
import static io.troupe.server.ClusterTest.startRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.proto.v1.SendRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ops/grafana/troupe.json} queries what a real node exports: every metric and every label
 * its PromQL names appears in a scrape of a node that ran dispatched work.
 */
class GrafanaDashboardTest {
  private static final Path DASHBOARD = Path.of("..", "ops", "grafana", "troupe.json");

  /** PromQL's words that are not metric names (functions are told apart by their parenthesis). */
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "bool",
          "offset");

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? ");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  @Test
  void everyQueryNamesMetricsAndLabelsTheNodeExports() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> queries = new ArrayList<>();
    collect(dashboard.path("panels"), queries);
    for (JsonNode v : dashboard.at("/templating/list")) {
      if (v.path("type").asText().equals("query")) {
        queries.add(v.at("/query/query").asText());
      }
    }
    assertThat(queries).hasSizeGreaterThan(10);

    Map<String, Set<String>> exported = scrapeAfterWork();
    for (String q : queries) {
      Set<String> metrics = metricsIn(q);
      assertThat(metrics).as("metrics in %s", q).isNotEmpty();
      assertThat(exported.keySet()).as("metrics the node exports, for %s", q).containsAll(metrics);
      Set<String> labels = new HashSet<>();
      metrics.forEach(m -> labels.addAll(exported.get(m)));
      assertThat(labels).as("labels of %s, for %s", metrics, q).containsAll(labelsIn(q));
    }
  }

  @Test
  void everyPanelReadsTheChosenPrometheusAndHasItsOwnIdAndPlace() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertThat(dashboard.path("uid").asText()).isNotBlank();
    assertThat(dashboard.at("/templating/list/0/type").asText()).isEqualTo("datasource");
    assertThat(dashboard.at("/templating/list/0/query").asText()).isEqualTo("prometheus");
    String chosen = "${" + dashboard.at("/templating/list/0/name").asText() + "}";
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : dashboard.path("panels")) {
      assertThat(ids.add(p.path("id").asInt())).as("panel id %s once", p.path("id")).isTrue();
      assertThat(p.at("/gridPos/w").asInt()).isBetween(1, 24);
      if (!p.path("type").asText().equals("row")) {
        assertThat(p.at("/datasource/uid").asText()).as(p.path("title").asText()).isEqualTo(chosen);
        assertThat(p.path("targets")).isNotEmpty();
      }
    }
  }

  private static void collect(JsonNode panels, List<String> out) {
    for (JsonNode p : panels) {
      p.path("targets").forEach(t -> out.add(t.path("expr").asText()));
      collect(p.path("panels"), out); // a collapsed row keeps its panels inside
    }
  }

  /** The metric names of a PromQL expression. */
  static Set<String> metricsIn(String promql) {
    String bare =
        promql
            .replaceAll("label_values\\(([^,]+),[^)]*\\)", "$1") // Grafana's: (metric, label)
            .replaceAll("\\{[^}]*}", " ") // label matchers
            .replaceAll("\\[[^]]*]", " ") // ranges
            .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ") // grouping
            .replaceAll("\"[^\"]*\"", " ");
    Set<String> out = new HashSet<>();
    Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(bare);
    while (m.find()) {
      boolean call = m.group(2) != null;
      if (!call && !KEYWORDS.contains(m.group(1))) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /** The label names a PromQL expression matches on or groups by. */
  static Set<String> labelsIn(String promql) {
    Set<String> out = new HashSet<>();
    Matcher matchers = Pattern.compile("\\{([^}]*)}").matcher(promql);
    while (matchers.find()) {
      for (String m : matchers.group(1).split(",")) {
        if (!m.isBlank()) {
          out.add(m.split("[=!~]")[0].strip());
        }
      }
    }
    Matcher grouping = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)").matcher(promql);
    while (grouping.find()) {
      for (String l : grouping.group(1).split(",")) {
        out.add(l.strip());
      }
    }
    Matcher values = Pattern.compile("label_values\\([^,]+,\\s*([a-zA-Z_]+)\\)").matcher(promql);
    while (values.find()) {
      out.add(values.group(1));
    }
    return out;
  }

  /**
   * A node's metrics, name → label names, once it ran dispatched operations (the hasher's sha256),
   * so that the meters made on first use are there too.
   */
  private static Map<String, Set<String>> scrapeAfterWork() throws Exception {
    try (TestCluster cluster = TestCluster.start(1, b -> b.httpPort(0))) {
      var client = cluster.client(0);
      client.startActor(startRequest("hasher/hasher.toml", "dashboard-hasher"));
      client.send(
          SendRequest.newBuilder()
              .setId("dashboard-hasher")
              .setMessageJson(json("[\"dashboard\", 1000]"))
              .build());
      String[] text = new String[1];
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                text[0] = DispatcherTest.scrape(cluster.node(0));
                return text[0].contains("troupe_dispatch_run_seconds_count{")
                    && text[0].contains("troupe_dispatch_placed_total{");
              });
      Map<String, Set<String>> out = new HashMap<>();
      for (String line : text[0].lines().toList()) {
        Matcher m = SAMPLE.matcher(line);
        if (line.startsWith("#") || !m.find()) {
          continue;
        }
        Set<String> labels = out.computeIfAbsent(m.group(1), k -> new HashSet<>());
        if (m.group(3) != null) {
          Matcher l = LABEL.matcher(m.group(3));
          while (l.find()) {
            labels.add(l.group(1));
          }
        }
      }
      return out;
    }
  }
}

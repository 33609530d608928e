package io.troupe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.troupe.server.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The deployment files in {@code ops/} against the node itself: their command lines go through the
 * node's own parser and settings (so a flag it does not know, a missing certificate or a store a
 * cluster cannot share fails here), and their ports, probes and mounts match what that node would
 * serve.
 */
class DeploymentFilesTest {
  private static final Path OPS = Path.of("..", "ops");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final NodeConfig DEFAULTS = NodeConfig.builder().build();

  /** Parses {@code args} (what follows {@code troupe-node}) as {@code troupe-node} does. */
  private static StartCommand start(List<String> args) {
    CommandLine.ParseResult parsed =
        new CommandLine(new NodeCommand()).parseArgs(args.toArray(String[]::new));
    assertThat(parsed.subcommand()).as("a subcommand in %s", args).isNotNull();
    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("start");
    return (StartCommand) parsed.subcommand().commandSpec().userObject();
  }

  // --- systemd -------------------------------------------------------------------------------

  @Test
  void theSystemdUnitStartsANodeOfThreeWithTheExampleConfig() throws IOException {
    Map<String, Map<String, String>> unit = unitFile(OPS.resolve("systemd/troupe-node.service"));
    Map<String, String> service = unit.get("Service");
    assertThat(unit).containsKeys("Unit", "Service", "Install");

    List<String> exec = List.of(service.get("ExecStart").trim().split("\\s+"));
    assertThat(exec.get(0)).isEqualTo("/opt/troupe/ops/troupe-node");
    // the unit names its files in /etc/troupe; the examples beside it stand in for them
    List<String> args = new ArrayList<>(exec.subList(1, exec.size()));
    int config = args.indexOf("--config");
    assertThat(args.get(config + 1)).isEqualTo("/etc/troupe/node.toml");
    args.set(config + 1, OPS.resolve("systemd/node.toml").toString());
    assertThat(service.get("EnvironmentFile")).isEqualTo("/etc/troupe/troupe.env");
    Map<String, String> env = envFile(OPS.resolve("systemd/troupe.env"));
    assertThat(env).containsKeys("TROUPE_STORE", "TROUPE_JAVA_OPTS");

    NodeConfig c = start(args).settings(env).build();
    assertThat(c.store()).startsWith(NodeConfig.POSTGRESQL);
    assertThat(c.grpcPort()).isEqualTo(DEFAULTS.grpcPort());
    assertThat(c.hzPort()).isEqualTo(DEFAULTS.hzPort());
    assertThat(c.httpPort()).isEqualTo(9464);
    assertThat(c.healthPort()).isEqualTo(7072);
    assertThat(c.members()).hasSize(3).contains(c.host() + ":" + c.hzPort());
    assertThat(c.quorum()).isEqualTo(2);
    assertThat(c.security().apiTls()).isTrue();
    assertThat(c.security().tokens()).isPresent();
    assertThat(c.security().clusterCert().orElseThrow().getFileName().toString())
        .as("a link certificate names its node")
        .isEqualTo(c.name() + ".pem");
    // the data dir is the one folder the unit may write
    assertThat(c.dataDir().toString())
        .startsWith("/var/lib/" + service.get("StateDirectory") + "/");

    // SIGTERM lets the node hand its actors off (up to 10 s) and stop its servers (up to 7 s)
    assertThat(service.get("KillSignal")).isEqualTo("SIGTERM");
    assertThat(Duration.ofSeconds(Long.parseLong(service.get("TimeoutStopSec"))))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(service.get("Restart")).isEqualTo("on-failure");
    assertThat(service.get("User")).isNotBlank().isNotEqualTo("root");
  }

  /** A unit file: section → key → value (the last one where a key repeats). */
  private static Map<String, Map<String, String>> unitFile(Path file) throws IOException {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    Map<String, String> section = null;
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
        continue;
      }
      if (l.startsWith("[")) {
        assertThat(l).as("a section header in %s", file).endsWith("]");
        section = out.computeIfAbsent(l.substring(1, l.length() - 1), k -> new HashMap<>());
        continue;
      }
      assertThat(section).as("%s: '%s' outside a section", file, l).isNotNull();
      int eq = l.indexOf('=');
      assertThat(eq).as("%s: '%s' is not key=value", file, l).isPositive();
      section.put(l.substring(0, eq), l.substring(eq + 1));
    }
    return out;
  }

  private static Map<String, String> envFile(Path file) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        out.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
      }
    }
    return out;
  }

  // --- Kubernetes ----------------------------------------------------------------------------

  /** Every document of every YAML file in ops/k8s, by "Kind/name". */
  private static Map<String, JsonNode> manifests() throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> all = Files.list(OPS.resolve("k8s"))) {
      files = all.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(f.toFile())) {
        while (docs.hasNext()) {
          JsonNode d = docs.next();
          assertThat(d.path("apiVersion").asText()).as("apiVersion in %s", f).isNotBlank();
          String key = d.path("kind").asText() + "/" + d.path("metadata").path("name").asText();
          assertThat(out.put(key, d)).as("%s twice", key).isNull();
        }
      }
    }
    return out;
  }

  @Test
  void theStatefulSetRunsNodesTheNodeAcceptsOnThePortsItsServicesAndProbesUse() throws Exception {
    Map<String, JsonNode> k8s = manifests();
    JsonNode sts = k8s.get("StatefulSet/troupe");
    assertThat(sts).as("StatefulSet troupe in %s", k8s.keySet()).isNotNull();
    int replicas = sts.at("/spec/replicas").asInt();
    String namespace = "troupe-test";
    String pod = sts.at("/metadata/name").asText() + "-1";
    JsonNode podSpec = sts.at("/spec/template/spec");
    JsonNode container = podSpec.at("/containers/0");

    // the pod's own variables, as the kubelet fills them in; the store from its Secret
    Map<String, String> vars = new HashMap<>();
    Map<String, String> fields =
        Map.of("metadata.name", pod, "status.podIP", "10.244.1.7", "metadata.namespace", namespace);
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      if (e.has("value")) {
        vars.put(name, e.path("value").asText());
      } else if (e.at("/valueFrom/fieldRef").isObject()) {
        String field = e.at("/valueFrom/fieldRef/fieldPath").asText();
        assertThat(fields).as("a field the test knows").containsKey(field);
        vars.put(name, fields.get(field));
      }
    }
    JsonNode store = env(container, "TROUPE_STORE");
    assertThat(store.at("/valueFrom/secretKeyRef/name").asText())
        .as("the store's URL (with its password) comes from a Secret")
        .isNotBlank();
    Map<String, String> nodeEnv =
        Map.of("TROUPE_STORE", "jdbc:postgresql://db:5432/troupe?user=troupe&password=p");

    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(expand(a.asText(), vars)));
    assertThat(args.get(0)).isEqualTo("start");
    assertThat(Files.readString(OPS.resolve("k8s/Dockerfile")))
        .contains("ENTRYPOINT [\"/opt/troupe/ops/troupe-node\"]");
    assertThat(container.path("command").isMissingNode()).isTrue();

    NodeConfig c = start(args).settings(nodeEnv).build();
    assertThat(c.name()).isEqualTo(pod);
    assertThat(c.host()).isEqualTo(fields.get("status.podIP"));
    assertThat(c.grpcPort()).isEqualTo(DEFAULTS.grpcPort());
    assertThat(c.hzPort()).isEqualTo(DEFAULTS.hzPort());

    // the members are found through the headless Service's DNS name (Hazelcast's Kubernetes
    // discovery), on the node's Hazelcast port; a majority of the replicas is the quorum
    String headless = sts.at("/spec/serviceName").asText();
    assertThat(c.members()).isEmpty();
    assertThat(c.kubernetesDns())
        .contains("%s.%s.svc.cluster.local".formatted(headless, namespace));
    assertThat(c.expectedMembers()).isEqualTo(replicas);
    assertThat(c.quorum()).isEqualTo(replicas / 2 + 1);
    assertThat(k8s.get("PodDisruptionBudget/troupe").at("/spec/maxUnavailable").asInt())
        .as("voluntary disruptions keep the quorum")
        .isLessThanOrEqualTo(replicas - c.quorum());

    // the container's ports are the node's
    Map<String, Integer> ports = new HashMap<>();
    container
        .path("ports")
        .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    assertThat(ports)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "grpc", c.grpcPort(),
                "link", c.linkPort(),
                "health", c.healthPort(),
                "hazelcast", c.hzPort(),
                "http", c.httpPort()));
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      assertThat(container.path(probe).at("/grpc/port").asInt())
          .as("%s on the health port", probe)
          .isEqualTo(c.healthPort());
    }
    assertThat(sts.at("/spec/template/metadata/annotations").path("prometheus.io/port").asText())
        .isEqualTo(Integer.toString(c.httpPort()));

    // a node on the pod's address guards its doors: TLS and tokens, mutual TLS on the links,
    // every file from a Secret, the link certificate named after the pod
    assertThat(c.security().insecure()).isFalse();
    assertThat(c.security().apiTls()).isTrue();
    assertThat(c.security().clusterTls()).isTrue();
    assertThat(c.security().clusterCert().orElseThrow().getFileName().toString())
        .isEqualTo(pod + ".pem");
    for (Optional<Path> file :
        List.of(
            c.security().tlsCert(),
            c.security().tlsKey(),
            c.security().tokens(),
            c.security().clusterCa(),
            c.security().clusterCert(),
            c.security().clusterKey())) {
      assertThat(secretMountOf(podSpec, container, file.orElseThrow()))
          .as("%s is in a mounted Secret", file.get())
          .isPresent();
    }

    // the headless Service names the pods before they are ready; the client one reaches the API
    JsonNode members = k8s.get("Service/" + headless);
    assertThat(members).as("the StatefulSet's headless Service %s", headless).isNotNull();
    assertThat(members.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(members.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
    assertThat(servicePort(members, "hazelcast")).isEqualTo(c.hzPort());
    JsonNode client = k8s.get("Service/troupe");
    assertThat(servicePort(client, "grpc")).isEqualTo(c.grpcPort());
    JsonNode labels = sts.at("/spec/template/metadata/labels");
    for (JsonNode selector :
        List.of(
            members.at("/spec/selector"),
            client.at("/spec/selector"),
            sts.at("/spec/selector/matchLabels"),
            k8s.get("PodDisruptionBudget/troupe").at("/spec/selector/matchLabels"))) {
      assertThat(selector.isEmpty()).isFalse();
      selector
          .fields()
          .forEachRemaining(
              e -> assertThat(labels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
    }
    for (JsonNode service : List.of(members, client)) {
      for (JsonNode p : service.at("/spec/ports")) {
        assertThat(ports).as("targetPort of %s", p).containsKey(p.path("targetPort").asText());
      }
    }
  }

  private static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no " + name + " in the container's env");
  }

  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Z_]+)\\)");

  /** {@code $(VAR)} as Kubernetes expands it in args; an unknown one fails. */
  private static String expand(String arg, Map<String, String> vars) {
    Matcher m = VAR.matcher(arg);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      assertThat(vars).as("$(%s) in %s", m.group(1), arg).containsKey(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(vars.get(m.group(1))));
    }
    return m.appendTail(out).toString();
  }

  /** The Secret mounted where {@code file} is, if any. */
  private static Optional<String> secretMountOf(JsonNode podSpec, JsonNode container, Path file) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (file.startsWith(Path.of(mount.path("mountPath").asText()))) {
        for (JsonNode v : podSpec.path("volumes")) {
          if (v.path("name").asText().equals(mount.path("name").asText())
              && v.at("/secret/secretName").isTextual()) {
            return Optional.of(v.at("/secret/secretName").asText());
          }
        }
      }
    }
    return Optional.empty();
  }

  private static int servicePort(JsonNode service, String name) {
    for (JsonNode p : service.at("/spec/ports")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("port").asInt();
      }
    }
    throw new AssertionError("no port " + name + " in " + service.at("/metadata/name"));
  }
}

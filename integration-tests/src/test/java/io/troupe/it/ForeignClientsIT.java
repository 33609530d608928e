package io.troupe.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.client.sdk.TroupeClient;
import io.troupe.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The foreign clients of {@code clients/}, run as their READMEs say against real nodes: the Node.js
 * example ({@code @grpc/grpc-js}, installed by {@code npm ci} from its lock file) and the Python
 * example (Debian's {@code python3-grpcio} and {@code python3-protobuf}, its modules made by {@code
 * generate.sh}). Each starts a counter and a chat room, sends and requests, reads the request's
 * turn from a chain subscription, exchanges a message over a channel, prints a failed call's error
 * kind and stops its actors: on a plain loopback node, and with TLS and a token on a secure one,
 * which refuses them without the token.
 */
class ForeignClientsIT {
  private static final Path CLIENTS = Launcher.REPO.resolve("clients");
  private static final Pattern STARTED =
      Pattern.compile("(?m)^started counter-([0-9a-f]{8}) \\(counter/counter\\.toml\\) on (\\S+)$");

  @TempDir static Path dir;
  private static NodeProcesses plain;
  private static Process secure;
  private static Path secureLog;
  private static final int SECURE_GRPC = FreePorts.next();
  private static final String SECURE_TARGET = "127.0.0.1:" + SECURE_GRPC;
  private static Path certs;
  private static Path pythonModules;

  @BeforeAll
  static void startNodes() throws Exception {
    certs = dir.resolve("certs");
    var made = Launcher.run("troupe-node", "certs", certs.toString(), "--node", "n1");
    assertThat(made.exit()).as(made.err()).isZero();
    // the secure node starts while the plain one does
    secureLog = dir.resolve("secure.log");
    secure =
        new ProcessBuilder(
                Launcher.REPO.resolve("ops/troupe-node").toString(),
                "start",
                "--name",
                "n1",
                "--grpc-port",
                Integer.toString(SECURE_GRPC),
                "--hz-port",
                Integer.toString(FreePorts.next()),
                "--store",
                "memory",
                "--no-examples",
                "--tls-cert",
                certs.resolve("api.pem").toString(),
                "--tls-key",
                certs.resolve("api.key").toString(),
                "--tokens",
                certs.resolve("tokens.toml").toString(),
                "--cluster-ca",
                certs.resolve("ca.pem").toString(),
                "--cluster-cert",
                certs.resolve("n1.pem").toString(),
                "--cluster-key",
                certs.resolve("n1.key").toString())
            .directory(Launcher.REPO.toFile())
            .redirectErrorStream(true)
            .redirectOutput(secureLog.toFile())
            .start();
    plain = NodeProcesses.start(1);
    NodeProcesses.awaitLog(
        new NodeProcesses.Node(
            "n1",
            new NodeProcesses.Place(List.of(), "127.0.0.1", "127.0.0.1", SECURE_GRPC, 0, -1),
            secure,
            secureLog),
        "serving on",
        Duration.ofSeconds(120));
  }

  @AfterAll
  static void stopNodes() {
    if (plain != null) {
      plain.close();
    }
    if (secure != null) {
      secure.descendants().forEach(ProcessHandle::destroyForcibly);
      secure.destroyForcibly();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"node", "python"})
  void theExampleRunsAgainstAPlainNode(String client) throws Exception {
    NodeProcesses.Node node = plain.nodes.get(0);
    Launcher.Result r = runExample(client, Map.of("TROUPE_TARGET", node.target()));
    String suffix = assertTheExampleRan(client, r, node.target(), node.name());

    // the node agrees: both actors were started and stopped, the counter's chain verifies
    try (TroupeClient c = TroupeClient.builder().target(node.target()).build()) {
      assertThat(c.describe("counter-" + suffix).getStatus()).isEqualTo("stopped");
      assertThat(c.describe("room-" + suffix).getStatus()).isEqualTo("stopped");
      assertThat(c.describe("room-" + suffix).getName()).isEqualTo("room");
      var verified = c.verify("counter-" + suffix);
      assertThat(verified.getValid()).as(verified.getProblem()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"node", "python"})
  void theExampleUsesTlsAndItsTokenOnASecureNode(String client) throws Exception {
    String token = Files.readString(certs.resolve("admin.token")).strip();
    String ca = certs.resolve("ca.pem").toString();
    Launcher.Result r =
        runExample(
            client, Map.of("TROUPE_TARGET", SECURE_TARGET, "TROUPE_CA", ca, "TROUPE_TOKEN", token));
    assertTheExampleRan(client, r, SECURE_TARGET, "n1");

    // without the token, the first call fails, and the example says so with the kind
    Launcher.Result refused =
        runExample(client, Map.of("TROUPE_TARGET", SECURE_TARGET, "TROUPE_CA", ca));
    assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
    assertThat(refused.err())
        .contains("troupe example: UNAUTHENTICATED UNAUTHENTICATED: this node needs a token");
    assertThat(refused.out()).doesNotContain("started ");
  }

  /** The example's output, line by line; returns the suffix of its actors' ids. */
  private static String assertTheExampleRan(
      String client, Launcher.Result r, String target, String nodeName) {
    String all = "exit " + r.exit() + "\n--- stdout\n" + r.out() + "--- stderr\n" + r.err();
    assertThat(r.exit()).as(all).isZero();
    Matcher started = STARTED.matcher(r.out());
    assertThat(started.find()).as(all).isTrue();
    String suffix = started.group(1);
    assertThat(started.group(2)).as(all).isEqualTo(nodeName);
    String hello =
        client.equals("node")
            ? "{\"text\":\"hello from Node.js\"}"
            : "{\"text\": \"hello from Python\"}";
    List<String> lines = r.out().lines().toList();
    assertThat(lines)
        .as(all)
        .contains(
            "target " + target,
            "sent {\"add\":5}",
            "request \"total?\" -> 5",
            "chain 0 actor.started",
            "chain shows the answer 5",
            "started room-" + suffix + " (chat-room/room.toml) on " + nodeName,
            "channel message: " + hello,
            "channel closed: closed by the client",
            "error: NOT_FOUND ACTOR_NOT_FOUND: no actor missing-" + suffix,
            "stopped counter-" + suffix,
            "stopped room-" + suffix)
        .anyMatch(l -> l.matches("chain \\d+ wasm\\.call handle-send"))
        .anyMatch(l -> l.matches("chain \\d+ wasm\\.result handle-request"))
        .anyMatch(l -> l.matches("channel opened: \\S+"))
        .noneMatch(l -> l.startsWith("channel error") || l.startsWith("subscription failed"))
        .last()
        .isEqualTo("done");
    return suffix;
  }

  private static Launcher.Result runExample(String client, Map<String, String> env)
      throws IOException, InterruptedException {
    Map<String, String> all = new HashMap<>(env);
    List<String> command = new ArrayList<>();
    Path where = CLIENTS.resolve(client);
    if (client.equals("node")) {
      nodeModules();
      command.addAll(List.of("node", "example.mjs"));
    } else {
      all.put("PYTHONPATH", pythonModules().toString());
      command.addAll(List.of("/usr/bin/python3", "example.py"));
    }
    return Launcher.exec(command, where, all, 120);
  }

  /** clients/node's dependencies, installed from its lock file the first time (CI does it). */
  private static void nodeModules() throws IOException, InterruptedException {
    Path node = CLIENTS.resolve("node");
    Launcher.Result version = tryExec(List.of("node", "--version"), node);
    if (version == null || version.exit() != 0) {
      throw new AssertionError("Node.js is missing: install nodejs (18 or later) and npm");
    }
    if (!Files.exists(node.resolve("node_modules/@grpc/grpc-js/package.json"))) {
      Launcher.Result ci = tryExec(List.of("npm", "ci", "--no-audit", "--no-fund"), node);
      if (ci == null || ci.exit() != 0) {
        throw new AssertionError(
            "clients/node: `npm ci` failed (is npm installed?)"
                + (ci == null ? "" : ":\n" + ci.out() + ci.err()));
      }
    }
  }

  /** The Python modules generate.sh makes from the .proto files, once per run, in a temp dir. */
  private static synchronized Path pythonModules() throws IOException, InterruptedException {
    if (pythonModules != null) {
      return pythonModules;
    }
    Launcher.Result imports =
        tryExec(
            List.of("/usr/bin/python3", "-c", "import grpc, google.protobuf"),
            CLIENTS.resolve("python"));
    if (imports == null || imports.exit() != 0) {
      throw new AssertionError(
          "Debian's python3-grpcio and python3-protobuf are missing (apt-get install -y"
              + " python3-grpcio python3-protobuf)"
              + (imports == null ? ": there is no /usr/bin/python3" : ":\n" + imports.err()));
    }
    Path out = dir.resolve("python-modules");
    Launcher.Result made =
        Launcher.exec(
            List.of("bash", "generate.sh", out.toString()),
            CLIENTS.resolve("python"),
            Map.of(),
            120);
    assertThat(made.exit()).as("clients/python/generate.sh:\n" + made.err()).isZero();
    pythonModules = out;
    return out;
  }

  /** Runs {@code command}, or null when it cannot start (the program is missing). */
  private static Launcher.Result tryExec(List<String> command, Path where)
      throws InterruptedException {
    try {
      return Launcher.exec(command, where, Map.of(), 600);
    } catch (IOException e) {
      return null;
    }
  }
}

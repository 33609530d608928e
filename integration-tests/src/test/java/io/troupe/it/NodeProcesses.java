package io.troupe.it;

import io.troupe.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real {@code ops/troupe-node start} processes: on free loopback ports, or each in a network
 * namespace of its own ({@link #startIn}). {@link #close} stops every one it started (SIGTERM, then
 * kill -9 after a grace period), also when a test fails.
 */
final class NodeProcesses implements AutoCloseable {
  /** Where a node runs: a command prefix (e.g. {@code ip netns exec NS}) and its addresses. */
  record Place(
      List<String> wrapper,
      String host,
      String clientHost,
      int grpcPort,
      int hzPort,
      int metricsPort) {}

  record Node(String name, Place place, Process process, Path log) {
    /** The address clients use. */
    String target() {
      return place.clientHost() + ":" + place.grpcPort();
    }

    int grpcPort() {
      return place.grpcPort();
    }

    int hzPort() {
      return place.hzPort();
    }

    /** The node's Prometheus metrics, as text. */
    String metrics() throws IOException, InterruptedException {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(
                              "http://" + place.host() + ":" + place.metricsPort() + "/metrics"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      return response.body();
    }
  }

  final List<Node> nodes = new ArrayList<>();
  private final Path logs;
  private String members;
  private String store = "memory";
  private List<String> extra = List.of();

  private NodeProcesses(Path logs) {
    this.logs = logs;
  }

  /** {@code n} nodes on loopback, on free ports, keeping nothing on disk. */
  static NodeProcesses start(int n) throws IOException {
    return start(n, "memory");
  }

  /** {@code n} nodes on loopback, on free ports, keeping their actors in {@code store}. */
  static NodeProcesses start(int n, String store) throws IOException {
    List<Place> places = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      places.add(
          new Place(
              List.of(),
              "127.0.0.1",
              "127.0.0.1",
              FreePorts.next(),
              FreePorts.next(),
              FreePorts.next()));
    }
    return start(places, store);
  }

  /**
   * {@code n} nodes on loopback, on free ports, keeping their actors in {@code store}, each started
   * with {@code extra} arguments too.
   */
  static NodeProcesses start(int n, String store, List<String> extra) throws IOException {
    List<Place> places = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      places.add(
          new Place(
              List.of(),
              "127.0.0.1",
              "127.0.0.1",
              FreePorts.next(),
              FreePorts.next(),
              FreePorts.next()));
    }
    return start(places, store, extra);
  }

  /** A node in each of {@code net}'s namespaces. */
  static NodeProcesses startIn(NetworkNamespaces net) throws IOException {
    List<Place> places = new ArrayList<>();
    for (NetworkNamespaces.Host h : net.hosts()) {
      places.add(
          new Place(
              List.of("ip", "netns", "exec", h.namespace()),
              h.clusterIp(),
              h.clientIp(),
              7070,
              5701,
              9464));
    }
    return start(places, "memory");
  }

  private static NodeProcesses start(List<Place> places, String store) throws IOException {
    return start(places, store, List.of());
  }

  private static NodeProcesses start(List<Place> places, String store, List<String> extra)
      throws IOException {
    Path logs = Files.createTempDirectory("troupe-it-nodes");
    NodeProcesses cluster = new NodeProcesses(logs);
    cluster.store = store;
    cluster.extra = List.copyOf(extra);
    try {
      cluster.members =
          places.stream().map(p -> p.host() + ":" + p.hzPort()).collect(Collectors.joining(","));
      for (int i = 0; i < places.size(); i++) {
        cluster.nodes.add(cluster.launch("it-" + (i + 1), places.get(i), 0));
      }
      for (Node node : cluster.nodes) {
        awaitLog(node, "serving on", Duration.ofSeconds(120));
      }
      cluster.awaitFormed();
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private Node launch(String name, Place place, int generation) throws IOException {
    Path log = logs.resolve(name + (generation == 0 ? "" : "-" + generation) + ".log");
    List<String> command = new ArrayList<>(place.wrapper());
    command.addAll(
        List.of(
            Launcher.REPO.resolve("ops/troupe-node").toString(),
            "start",
            "--name",
            name,
            "--host",
            place.host(),
            "--api-host",
            place.clientHost(),
            "--grpc-port",
            Integer.toString(place.grpcPort()),
            "--hz-port",
            Integer.toString(place.hzPort()),
            "--members",
            members, // and the default quorum: a majority of the members listed
            "--store",
            store,
            "--metrics-port",
            Integer.toString(place.metricsPort())));
    command.addAll(extra);
    if (!place.host().startsWith("127.")) {
      command.add("--insecure"); // a test network of its own, on purpose without TLS
    }
    Process p =
        new ProcessBuilder(command)
            .directory(Launcher.REPO.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new Node(name, place, p, log);
  }

  /** Starts {@code dead} again (same name and ports, a new process); returns once it serves. */
  Node restart(Node dead, int generation) throws IOException {
    Node again = launch(dead.name(), dead.place(), generation);
    nodes.set(nodes.indexOf(dead), again);
    awaitLog(again, "serving on", Duration.ofSeconds(120));
    return again;
  }

  /**
   * The README's main job, {@code ops/troupe-node start} with {@code flags} on the given ports
   * (after {@code wrapper}, e.g. {@code unshare -m …}, and with {@code env} added), its output in a
   * log named after {@code logName}; returns once it serves. The caller stops it.
   */
  static Node startCommand(
      List<String> wrapper,
      Map<String, String> env,
      int grpc,
      int hz,
      String logName,
      String... flags)
      throws IOException {
    Path log = Files.createTempFile(logName + "-", ".log");
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(
        List.of(
            Launcher.REPO.resolve("ops/troupe-node").toString(),
            "start",
            "--grpc-port",
            Integer.toString(grpc),
            "--hz-port",
            Integer.toString(hz)));
    command.addAll(List.of(flags));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Launcher.REPO.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Node node =
        new Node(
            "default",
            new Place(List.of(), "127.0.0.1", "127.0.0.1", grpc, hz, -1),
            builder.start(),
            log);
    try {
      awaitLog(node, "serving on", Duration.ofSeconds(120));
    } catch (IOException | RuntimeException | Error e) {
      node.process().descendants().forEach(ProcessHandle::destroyForcibly);
      node.process().destroyForcibly();
      throw e;
    }
    return node;
  }

  static void awaitLog(Node node, String text, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      if (Files.exists(node.log()) && Files.readString(node.log()).contains(text)) {
        return;
      }
      if (!node.process().isAlive()) {
        throw new AssertionError(node.name() + " died:\n" + Files.readString(node.log()));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            node.name()
                + " did not log '"
                + text
                + "' in "
                + within
                + ":\n"
                + Files.readString(node.log()));
      }
      try {
        Thread.sleep(100); // polling a log file: there is nothing to block on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }

  /** Waits until every node sees all the others, with a quorum. */
  void awaitFormed() {
    for (Node node : nodes) {
      try (var c =
          io.troupe.client.sdk.TroupeClient.builder()
              .target(node.target())
              .deadline(Duration.ofSeconds(5))
              .build()) {
        org.awaitility.Awaitility.await(node.name() + " sees the whole cluster")
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(
                () -> {
                  var s = c.clusterStatus();
                  return s.getMembersCount() == nodes.size() && s.getQuorumPresent();
                });
      }
    }
  }

  List<String> targets() {
    return nodes.stream().map(Node::target).toList();
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      n.process().destroy(); // SIGTERM: a clean leave
    }
    for (Node n : nodes) {
      try {
        if (!n.process().waitFor(20, TimeUnit.SECONDS)) {
          n.process().descendants().forEach(ProcessHandle::destroyForcibly);
          n.process().destroyForcibly();
          n.process().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        n.process().destroyForcibly();
      }
    }
  }
}

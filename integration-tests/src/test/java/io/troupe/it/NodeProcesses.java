package io.troupe.it;

import io.troupe.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real {@code ops/troupe-node start} processes on free loopback ports. {@link #close} stops every
 * one it started (SIGTERM, then kill -9 after a grace period), also when a test fails.
 */
final class NodeProcesses implements AutoCloseable {
  record Node(String name, int grpcPort, int hzPort, Process process, Path log) {
    String target() {
      return "127.0.0.1:" + grpcPort;
    }
  }

  final List<Node> nodes = new ArrayList<>();
  private final Path logs;
  private String members;
  private int quorum;

  private NodeProcesses(Path logs) {
    this.logs = logs;
  }

  static NodeProcesses start(int n) throws IOException {
    Path logs = Files.createTempDirectory("troupe-it-nodes");
    NodeProcesses cluster = new NodeProcesses(logs);
    try {
      List<int[]> ports = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ports.add(new int[] {FreePorts.next(), FreePorts.next()});
      }
      cluster.members =
          ports.stream().map(p -> "127.0.0.1:" + p[1]).collect(Collectors.joining(","));
      cluster.quorum = n / 2 + 1;
      for (int i = 0; i < n; i++) {
        cluster.nodes.add(cluster.launch("it-" + (i + 1), ports.get(i)[0], ports.get(i)[1], 0));
      }
      for (Node node : cluster.nodes) {
        awaitLog(node, "serving on", Duration.ofSeconds(120));
      }
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private Node launch(String name, int grpc, int hz, int generation) throws IOException {
    Path log = logs.resolve(name + (generation == 0 ? "" : "-" + generation) + ".log");
    Process p =
        new ProcessBuilder(
                Launcher.REPO.resolve("ops/troupe-node").toString(),
                "start",
                "--name",
                name,
                "--grpc-port",
                Integer.toString(grpc),
                "--hz-port",
                Integer.toString(hz),
                "--members",
                members,
                "--quorum",
                Integer.toString(quorum))
            .directory(Launcher.REPO.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new Node(name, grpc, hz, p, log);
  }

  /** Starts {@code dead} again (same name and ports, a new process); returns once it serves. */
  Node restart(Node dead, int generation) throws IOException {
    Node again = launch(dead.name(), dead.grpcPort(), dead.hzPort(), generation);
    nodes.set(nodes.indexOf(dead), again);
    awaitLog(again, "serving on", Duration.ofSeconds(120));
    return again;
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

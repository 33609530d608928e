package io.troupe.cli;

import io.troupe.server.NodeConfig;
import io.troupe.server.NodeConfigBuilder;
import io.troupe.server.TroupeNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code troupe-node start}: runs a node until SIGTERM, then leaves the cluster cleanly. With no
 * config and no members it is the embedded default: a cluster of one on 7070/5701 that keeps its
 * actors in ./troupe-data/<name>, with the example actors {@code counter}, {@code kv} and {@code
 * echo} started the first time.
 */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = "Runs a node (until SIGTERM) that joins or forms a cluster.")
final class StartCommand implements Callable<Integer> {
  @Option(names = "--config", description = "Node config file (TOML, see docs/operations.md).")
  Path config;

  @Option(names = "--name", description = "Node name (default node-<grpc port>).")
  String name;

  @Option(names = "--host", description = "Address to bind and advertise (default 127.0.0.1).")
  String host;

  @Option(
      names = "--api-host",
      description = "Address the client API binds and advertises (default: --host).")
  String apiHost;

  @Option(names = "--grpc-port", description = "Client API port (default 7070).")
  Integer grpcPort;

  @Option(
      names = "--link-port",
      description = "Port of the node links peers dial (default 0: a free port, announced).")
  Integer linkPort;

  @Mixin SecurityOptions security = new SecurityOptions();

  @Option(names = "--hz-port", description = "Hazelcast member port (default 5701).")
  Integer hzPort;

  @Option(
      names = "--health-port",
      paramLabel = "PORT",
      description =
          "Serve the gRPC health service alone, in plaintext, on HOST:PORT, for probes that cannot"
              + " speak TLS (0: a free port; default: none).")
  Integer healthPort;

  @Option(
      names = "--members",
      split = ",",
      description = "Hazelcast addresses host:port to join, comma-separated.")
  List<String> members;

  @Option(
      names = "--quorum",
      description = "Members a side needs to accept writes (default: a majority of the expected).")
  Integer quorum;

  @Option(
      names = "--expected-members",
      description = "Nodes the cluster is meant to have (default: the number of --members).")
  Integer expectedMembers;

  @Option(names = "--dev", description = "A development node: allows --backup-count 0.")
  boolean dev;

  @Option(names = "--backup-count", description = "Synchronous backups per actor record.")
  Integer backupCount;

  @Option(
      names = "--kubernetes-dns",
      paramLabel = "NAME",
      description =
          "Find the members through this Kubernetes headless Service's DNS name instead of"
              + " --members (needs --expected-members).")
  String kubernetesDns;

  @Option(
      names = "--passivate-after-ms",
      description =
          "An actor idle this long drops its instance until its next message (default 300000;"
              + " 0: never).")
  Long passivateAfterMs;

  @Option(
      names = {"--http-port", "--metrics-port"},
      paramLabel = "PORT",
      description =
          "Serve the status page on http://HOST:PORT/ and Prometheus metrics on /metrics (0: a"
              + " free port). --metrics-port is its old name.")
  Integer httpPort;

  @Option(
      names = "--store",
      paramLabel = "STORE",
      description =
          "Where actors are kept across restarts: sqlite (the default: a file in --data-dir, for"
              + " one node), jdbc:postgresql://HOST:PORT/DB?user=U&password=P (shared by a"
              + " cluster), or memory (nothing survives a restart). Also $TROUPE_STORE.")
  String store;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The embedded store's folder (default ./troupe-data/<node name>).")
  Path dataDir;

  @Option(
      names = "--sink-jsonl",
      paramLabel = "DIR",
      description =
          "Deliver every committed event to DIR/<actor id>.jsonl (docs/operations.md, \"Chain"
              + " sinks\").")
  Path sinkJsonl;

  @Option(
      names = "--sink-otlp",
      paramLabel = "URL",
      description =
          "Deliver every committed event as an OTLP log record to URL (http://HOST:4317).")
  String sinkOtlp;

  @Option(
      names = "--examples",
      negatable = true,
      description =
          "Start the example actors (default: only for the embedded default, without --config"
              + " or --members).")
  Boolean examples;

  @Override
  public Integer call() throws Exception {
    NodeConfigBuilder b = settings(System.getenv());
    boolean withExamples = examples != null ? examples : config == null && members == null;
    if (withExamples) {
      Path dir = DemoCommand.extractExamples();
      for (String[] a :
          Arrays.asList(
              new String[] {"counter", "counter/counter.toml"},
              new String[] {"kv", "kv-store/kv-store.toml"},
              new String[] {"echo", "echo/echo.toml"})) {
        b.actor(a[0], dir.resolve(a[1]).toString());
      }
    }
    TroupeNode node = TroupeNode.start(b.build());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "troupe-shutdown"));
    System.out.println("troupe node " + node.name() + " serving on " + node.grpcAddress());
    node.httpAddress()
        .ifPresent(
            h -> System.out.println("status page on http://" + h + "/, metrics on /metrics"));
    System.out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The node's settings: the config file, the flags over it, and the store from {@code
   * $TROUPE_STORE} in {@code env} when no flag names one.
   */
  NodeConfigBuilder settings(java.util.Map<String, String> env) {
    NodeConfigBuilder b = config != null ? NodeConfig.load(config) : NodeConfig.builder();
    if (name != null) b.name(name);
    if (host != null) b.host(host);
    if (apiHost != null) b.apiHost(apiHost);
    if (grpcPort != null) b.grpcPort(grpcPort);
    if (linkPort != null) b.linkPort(linkPort);
    security.applyTo(b);
    if (hzPort != null) b.hzPort(hzPort);
    if (healthPort != null) b.healthPort(healthPort);
    if (members != null) b.members(members);
    if (quorum != null) b.quorum(quorum);
    if (expectedMembers != null) b.expectedMembers(expectedMembers);
    if (dev) b.dev(true);
    if (backupCount != null) b.backupCount(backupCount);
    if (kubernetesDns != null) b.kubernetesDns(kubernetesDns);
    if (passivateAfterMs != null) b.passivateAfter(java.time.Duration.ofMillis(passivateAfterMs));
    if (httpPort != null) b.httpPort(httpPort);
    String chosen = store != null ? store : env.get("TROUPE_STORE");
    if (chosen != null && !chosen.isBlank()) b.store(chosen);
    if (dataDir != null) b.dataDir(dataDir);
    if (sinkJsonl != null && sinkOtlp != null) {
      throw new io.troupe.error.InvalidArgumentException(
          "a node has one chain sink: give --sink-jsonl or --sink-otlp, not both");
    }
    if (sinkJsonl != null) b.sink(io.troupe.sink.SinkConfig.jsonl(sinkJsonl.toAbsolutePath()));
    if (sinkOtlp != null) b.sink(io.troupe.sink.SinkConfig.otlp(sinkOtlp));
    return b;
  }
}

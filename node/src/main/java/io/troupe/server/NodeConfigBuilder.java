package io.troupe.server;

import io.troupe.error.InvalidArgumentException;
import io.troupe.manifest.ChainSettings;
import io.troupe.sink.SinkConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Builds a {@link NodeConfig}; every setting has a default. */
public final class NodeConfigBuilder {
  String name;
  String host = "127.0.0.1";
  String apiHost;
  int grpcPort = 7070;
  int linkPort = 0;
  int hzPort = 5701;
  int healthPort = -1;
  List<String> members = new ArrayList<>();
  String clusterName = "troupe";
  int backupCount = 1;
  Integer expectedMembers;
  Integer quorum;
  boolean dev;
  Duration heartbeat = Duration.ofSeconds(1);
  Duration maxNoHeartbeat = Duration.ofSeconds(5);
  Duration requestTimeout = Duration.ofSeconds(30);
  List<NodeConfig.StartupActor> actors = new ArrayList<>();
  int committers = 16;
  int workerSlots = Math.max(4, Runtime.getRuntime().availableProcessors());
  Duration passivateAfter = Duration.ofMinutes(5);
  ChainSettings chainDefaults = ChainSettings.defaults();
  String kubernetesDns;

  NodeConfigBuilder() {}

  int httpPort = -1;
  String store = NodeConfig.SQLITE;
  Path dataDir;
  NodeSecurity security = NodeSecurity.none();
  SinkConfig sink;

  /** Where the node delivers its actors' committed events (null: nowhere, the default). */
  public NodeConfigBuilder sink(SinkConfig sink) {
    this.sink = sink;
    return this;
  }

  /** TLS, tokens and link certificates. */
  public NodeConfigBuilder security(NodeSecurity security) {
    this.security = Objects.requireNonNull(security);
    return this;
  }

  public NodeSecurity security() {
    return security;
  }

  /** Where actors are kept: {@code sqlite} (default), {@code memory} or a PostgreSQL URL. */
  public NodeConfigBuilder store(String store) {
    this.store = Objects.requireNonNull(store);
    return this;
  }

  /** The embedded store's folder (default {@code ./troupe-data/<name>}). */
  public NodeConfigBuilder dataDir(Path dir) {
    this.dataDir = Objects.requireNonNull(dir);
    return this;
  }

  /**
   * The status page, {@code /status.json} and {@code /metrics} on this port (0: a free one); -1,
   * the default, for none.
   */
  public NodeConfigBuilder httpPort(int port) {
    this.httpPort = port;
    return this;
  }

  public NodeConfigBuilder passivateAfter(Duration idle) {
    this.passivateAfter = idle;
    return this;
  }

  /** Checkpoint settings of actors whose manifest leaves them at their defaults. */
  public NodeConfigBuilder checkpoints(int events, long bytes) {
    try {
      this.chainDefaults = new ChainSettings(events, bytes, java.util.OptionalLong.empty());
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(e.getMessage());
    }
    return this;
  }

  /** Finds the members through this Kubernetes headless Service's DNS name, not a list. */
  public NodeConfigBuilder kubernetesDns(String serviceDns) {
    this.kubernetesDns = serviceDns;
    return this;
  }

  public NodeConfigBuilder workerSlots(int n) {
    this.workerSlots = n;
    return this;
  }

  public NodeConfigBuilder committers(int n) {
    this.committers = n;
    return this;
  }

  public NodeConfigBuilder name(String name) {
    this.name = name;
    return this;
  }

  public NodeConfigBuilder host(String host) {
    this.host = Objects.requireNonNull(host);
    return this;
  }

  public NodeConfigBuilder grpcPort(int port) {
    this.grpcPort = port;
    return this;
  }

  /** The client API's address, when not {@code host}. */
  public NodeConfigBuilder apiHost(String apiHost) {
    this.apiHost = apiHost;
    return this;
  }

  public NodeConfigBuilder linkPort(int port) {
    this.linkPort = port;
    return this;
  }

  public NodeConfigBuilder hzPort(int port) {
    this.hzPort = port;
    return this;
  }

  /** The gRPC health service alone, in plaintext, on this port (0: a free one; -1: none). */
  public NodeConfigBuilder healthPort(int port) {
    this.healthPort = port;
    return this;
  }

  public NodeConfigBuilder members(List<String> members) {
    this.members = new ArrayList<>(members);
    return this;
  }

  public NodeConfigBuilder clusterName(String clusterName) {
    this.clusterName = Objects.requireNonNull(clusterName);
    return this;
  }

  public NodeConfigBuilder backupCount(int n) {
    this.backupCount = n;
    return this;
  }

  /** Members a side needs to accept writes (default: a majority of the expected members). */
  public NodeConfigBuilder quorum(int n) {
    this.quorum = n;
    return this;
  }

  /** How many nodes the cluster is meant to have (default: the members listed, at least 1). */
  public NodeConfigBuilder expectedMembers(int n) {
    this.expectedMembers = n;
    return this;
  }

  /** A development node: backup_count 0 is allowed. */
  public NodeConfigBuilder dev(boolean dev) {
    this.dev = dev;
    return this;
  }

  public NodeConfigBuilder heartbeat(Duration d) {
    this.heartbeat = Objects.requireNonNull(d);
    return this;
  }

  public NodeConfigBuilder maxNoHeartbeat(Duration d) {
    this.maxNoHeartbeat = Objects.requireNonNull(d);
    return this;
  }

  public NodeConfigBuilder requestTimeout(Duration d) {
    this.requestTimeout = Objects.requireNonNull(d);
    return this;
  }

  public NodeConfigBuilder actor(String id, String manifest) {
    this.actors.add(new NodeConfig.StartupActor(id, manifest));
    return this;
  }

  public NodeConfigBuilder actors(List<NodeConfig.StartupActor> actors) {
    this.actors = new ArrayList<>(actors);
    return this;
  }

  public NodeConfig build() {
    String n = name != null ? name : "node-" + grpcPort;
    if (kubernetesDns != null && expectedMembers == null) {
      throw new InvalidArgumentException(
          "--kubernetes-dns needs --expected-members: the quorum is a majority of the members the"
              + " cluster is meant to have, which a DNS name does not say");
    }
    int expected = expectedMembers != null ? expectedMembers : Math.max(1, members.size());
    return new NodeConfig(
        n,
        host,
        apiHost != null ? apiHost : host,
        grpcPort,
        linkPort,
        hzPort,
        healthPort,
        members,
        Optional.ofNullable(kubernetesDns),
        clusterName,
        backupCount,
        expected,
        quorum != null ? quorum : expected / 2 + 1,
        heartbeat,
        maxNoHeartbeat,
        requestTimeout,
        actors,
        committers,
        workerSlots,
        passivateAfter,
        chainDefaults,
        httpPort,
        store,
        dataDir != null ? dataDir : Path.of("troupe-data", n),
        security,
        dev,
        Optional.ofNullable(sink));
  }
}

package io.troupe.server;

import io.troupe.cluster.MemberSettings;
import io.troupe.error.InvalidArgumentException;
import io.troupe.manifest.ChainSettings;
import io.troupe.sink.SinkConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a node runs: its name and ports, whom it joins, and how the cluster replicates and detects
 * failures. Every setting has a default (docs/operations.md lists them); with no members the node
 * is a cluster of one.
 *
 * @param name node name, unique in the cluster (default {@code node-<grpcPort>})
 * @param host the address this node binds and advertises to its peers: Hazelcast and the node links
 *     (default 127.0.0.1)
 * @param apiHost the address the client API binds and advertises (default: {@code host})
 * @param grpcPort client API port (default 7070; 0 picks a free port)
 * @param linkPort the port peers' node links dial, announced to them through the cluster (default
 *     0: a free port)
 * @param hzPort Hazelcast member port (default 5701)
 * @param healthPort a port on {@code host} serving the gRPC health service alone, in plaintext, for
 *     probes that cannot speak TLS; 0 for a free one, -1 for none (default)
 * @param members Hazelcast addresses {@code host:port} to join (TCP-IP; multicast is off)
 * @param kubernetesDns instead of {@code members}: the DNS name of a Kubernetes headless Service
 *     whose addresses are the members (Hazelcast's Kubernetes discovery, DNS lookup mode); needs
 *     {@code expectedMembers}
 * @param clusterName nodes join only a cluster of the same name (default {@code troupe})
 * @param backupCount synchronous backups of every actor record (default 1; 0 only with {@code dev})
 * @param expectedMembers how many nodes the cluster is meant to have (default: the number of {@code
 *     members} listed, at least 1)
 * @param quorum members a partition side needs to accept writes (default: a majority of {@code
 *     expectedMembers}, so that of two sides of a split at most one accepts writes)
 * @param heartbeat member heartbeat interval (default 1 s)
 * @param maxNoHeartbeat a member silent this long is removed (default 5 s)
 * @param requestTimeout default deadline of requests from clients (default 30 s)
 * @param actors actors to start when the node starts (default: none)
 * @param committers threads that commit chain appends to the cluster, each one round trip at a time
 *     (default 16)
 * @param workerSlots dispatched operations this node runs at once (default: max(4, cores))
 * @param chainDefaults checkpoint settings of actors whose manifest leaves them at their defaults
 *     (default: every 1,000 events or 1 MiB)
 * @param passivateAfter an actor that ran nothing for this long drops its guest instance until its
 *     next turn (default 5 min; zero: never)
 * @param httpPort HTTP port of the status page ({@code /}, {@code /status.json}) and of {@code
 *     /metrics} (Prometheus text), on {@code host}; 0 for a free one, -1 for none (default)
 * @param store where actors are kept across restarts: {@code sqlite} (the embedded default: a file
 *     in {@code dataDir}, for one node), {@code jdbc:postgresql://HOST:PORT/DB?user=U&password=P}
 *     (shared by a cluster's nodes), or {@code memory} (nothing survives; tests and demos)
 * @param dataDir the embedded store's folder (default {@code ./troupe-data/<name>})
 * @param security TLS, tokens and link certificates (default: none, which only a node on loopback
 *     or one given {@code insecure} accepts)
 * @param dev a development node: settings that can lose acknowledged writes are allowed
 * @param sink where the node delivers its actors' committed events (default: nowhere;
 *     docs/operations.md, "Chain sinks")
 */
public record NodeConfig(
    String name,
    String host,
    String apiHost,
    int grpcPort,
    int linkPort,
    int hzPort,
    int healthPort,
    List<String> members,
    Optional<String> kubernetesDns,
    String clusterName,
    int backupCount,
    int expectedMembers,
    int quorum,
    Duration heartbeat,
    Duration maxNoHeartbeat,
    Duration requestTimeout,
    List<StartupActor> actors,
    int committers,
    int workerSlots,
    Duration passivateAfter,
    ChainSettings chainDefaults,
    int httpPort,
    String store,
    Path dataDir,
    NodeSecurity security,
    boolean dev,
    Optional<SinkConfig> sink) {

  /** An actor started with the node: {@code id} from manifest file {@code manifest}. */
  public record StartupActor(String id, String manifest) {}

  public NodeConfig {
    Objects.requireNonNull(name);
    Objects.requireNonNull(host);
    Objects.requireNonNull(apiHost);
    members = List.copyOf(members);
    Objects.requireNonNull(kubernetesDns);
    Objects.requireNonNull(chainDefaults);
    if (kubernetesDns.isPresent() && !members.isEmpty()) {
      throw new InvalidArgumentException(
          "give either members or kubernetes_dns: a node finds its peers one way");
    }
    actors = List.copyOf(actors);
    if (backupCount < 0 || backupCount > 6) {
      throw new InvalidArgumentException("backup_count must be 0..6, got " + backupCount);
    }
    if (backupCount == 0 && !dev) {
      throw new InvalidArgumentException(
          "backup_count 0 keeps one copy of each actor record: a node that dies takes its actors'"
              + " latest state with it; allowed only with --dev");
    }
    if (expectedMembers < 1) {
      throw new InvalidArgumentException("expected_members must be >= 1, got " + expectedMembers);
    }
    if (quorum < 1) {
      throw new InvalidArgumentException("quorum must be >= 1, got " + quorum);
    }
    if (committers < 1) {
      throw new InvalidArgumentException("committers must be >= 1, got " + committers);
    }
    if (passivateAfter.isNegative()) {
      throw new InvalidArgumentException(
          "passivate_after_ms must be >= 0 (0: never), got " + passivateAfter.toMillis());
    }
    if (workerSlots < 1) {
      throw new InvalidArgumentException("worker_slots must be >= 1, got " + workerSlots);
    }
    if (maxNoHeartbeat.compareTo(heartbeat) <= 0) {
      throw new InvalidArgumentException("max_no_heartbeat_ms must exceed heartbeat_ms");
    }
    Objects.requireNonNull(dataDir);
    Objects.requireNonNull(security);
    Objects.requireNonNull(sink);
    security.checkExposure(apiHost, host);
    if (!store.equals(MEMORY) && !store.equals(SQLITE) && !store.startsWith(POSTGRESQL)) {
      throw new InvalidArgumentException(
          "store must be sqlite, memory or jdbc:postgresql://HOST:PORT/DB?user=U&password=P, got '"
              + store
              + "'");
    }
    if (store.equals(SQLITE) && !alone(host, hzPort, members, kubernetesDns)) {
      throw new InvalidArgumentException(
          "the embedded store (SQLite in "
              + dataDir
              + ") keeps one node's actors: a cluster of several nodes needs --store"
              + " jdbc:postgresql://HOST:PORT/DB?user=U&password=P (or --store memory, for tests and"
              + " demos, where nothing survives a restart)");
    }
  }

  /**
   * Whether this node is a cluster of one: it names no member but itself, and finds none by DNS.
   */
  public boolean alone() {
    return alone(host, hzPort, members, kubernetesDns);
  }

  // the compact constructor checks it before the fields are set
  private static boolean alone(
      String host, int hzPort, List<String> members, Optional<String> kubernetesDns) {
    String self = host + ":" + hzPort;
    return kubernetesDns.isEmpty() && members.stream().allMatch(self::equals);
  }

  /** {@code store}: the embedded default, SQLite in the data dir (one node). */
  public static final String SQLITE = "sqlite";

  /** {@code store}: nothing on disk; a restart forgets every actor. */
  public static final String MEMORY = "memory";

  /** The prefix of a PostgreSQL {@code store}. */
  public static final String POSTGRESQL = "jdbc:postgresql:";

  public static NodeConfigBuilder builder() {
    return new NodeConfigBuilder();
  }

  /**
   * How this node joins the cluster, its client API listening on {@code grpcPort} and its node
   * links on {@code linkPort}.
   */
  public MemberSettings memberSettings(int grpcPort, int linkPort, String publicKey) {
    return new MemberSettings(
        name,
        host,
        apiHost,
        hzPort,
        grpcPort,
        linkPort,
        members,
        kubernetesDns,
        clusterName,
        backupCount,
        quorum,
        heartbeat,
        maxNoHeartbeat,
        publicKey);
  }

  /**
   * Where the node's signing key is kept: {@code --node-key}, else {@code node-key.pem} in the data
   * dir; empty with the {@code memory} store, whose node makes a new key each start.
   */
  public java.util.Optional<Path> nodeKeyFile() {
    if (security.nodeKey().isPresent()) {
      return security.nodeKey();
    }
    return store.equals("memory")
        ? java.util.Optional.empty()
        : java.util.Optional.of(dataDir.resolve("node-key.pem"));
  }

  public NodeConfigBuilder toBuilder() {
    NodeConfigBuilder b = new NodeConfigBuilder();
    b.name = name;
    b.host = host;
    b.apiHost = apiHost;
    b.grpcPort = grpcPort;
    b.linkPort = linkPort;
    b.hzPort = hzPort;
    b.healthPort = healthPort;
    b.members = new ArrayList<>(members);
    b.kubernetesDns = kubernetesDns.orElse(null);
    b.clusterName = clusterName;
    b.backupCount = backupCount;
    b.expectedMembers = expectedMembers;
    b.quorum = quorum;
    b.heartbeat = heartbeat;
    b.maxNoHeartbeat = maxNoHeartbeat;
    b.requestTimeout = requestTimeout;
    b.actors = new ArrayList<>(actors);
    b.committers = committers;
    b.workerSlots = workerSlots;
    b.passivateAfter = passivateAfter;
    b.chainDefaults = chainDefaults;
    b.httpPort = httpPort;
    b.store = store;
    b.dataDir = dataDir;
    b.security = security;
    b.dev = dev;
    b.sink = sink.orElse(null);
    return b;
  }

  /** Reads a TOML config file; unknown keys are an error, missing keys take their defaults. */
  public static NodeConfigBuilder load(Path file) {
    return NodeConfigFile.load(file);
  }
}

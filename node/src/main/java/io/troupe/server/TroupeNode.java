package io.troupe.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.troupe.access.Tokens;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ModuleSource;
import io.troupe.api.Receipts;
import io.troupe.api.Statuses;
import io.troupe.api.TroupeApi;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.cluster.HazelcastMembers;
import io.troupe.error.UnavailableException;
import io.troupe.home.Failover;
import io.troupe.home.LoadBoard;
import io.troupe.home.NodeRef;
import io.troupe.home.PeerInbound;
import io.troupe.home.Placement;
import io.troupe.home.RemoteDirectory;
import io.troupe.home.ResultRouter;
import io.troupe.home.Workers;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.policy.Policy;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.security.NodeKey;
import io.troupe.sink.ChainSink;
import io.troupe.sink.ChainSinks;
import io.troupe.status.NodeStatus;
import io.troupe.status.StatusServer;
import io.troupe.storage.Stores;
import io.troupe.store.ActorStore;
import io.troupe.store.MemoryContentStore;
import io.troupe.transport.LinkHub;
import io.troupe.transport.PeerChannels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Troupe node, wired: its gRPC server (client API, node link, health, reflection), its
 * Hazelcast member (placement, replicated records), its actors, its links to its peers, and the
 * home room that decides where actors live. The decisions are the home room's ({@link Placement},
 * {@link Failover}); this class only builds the parts, connects them and runs them.
 *
 * <pre>{@code
 * try (TroupeNode node = TroupeNode.start(NodeConfig.builder().grpcPort(0).build())) {
 *   System.out.println(node.grpcAddress());
 * }
 * }</pre>
 */
public final class TroupeNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TroupeNode.class);
  private static final Duration RECONCILE_EVERY = Duration.ofMillis(200);
  private static final Duration LOAD_EVERY = Duration.ofMillis(200);

  private final NodeConfig config;
  private final Clock clock = Clock.systemUTC();
  private final ObjectMapper mapper = new ObjectMapper();
  private final NodeThreads threads;
  private final HealthStatusManager health = new HealthStatusManager();
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final NodeServers servers;
  private final HazelcastMembers members;
  private final ClusterChainStore records;
  private final PeerChannels channels;
  private final LinkHub hub;
  private final ActorSystem system;
  private final Placement placement;
  private final ResultRouter results;
  private final Failover failover;
  private final StatusReport status;
  private final StatusServer http;
  private final Optional<ActorStore> store;
  private final Optional<ChainSinks> sinks;
  private final java.util.concurrent.atomic.AtomicBoolean reconcileQueued =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean shutdown;

  private TroupeNode(NodeConfig config) throws IOException {
    this.config = config;
    // bad files stop the start here
    Tokens tokens = Tokens.load(config.security().tokens());
    Policy policy = config.security().policy().map(Policy::load).orElseGet(Policy::open);
    meters.config().commonTags("node", config.name());
    this.threads = new NodeThreads(config.name(), config.committers());
    // The store first (a node that cannot keep its actors does not start, nor bind its ports),
    // then what is kept beside it: the node's signing key and its chain sink.
    Optional<ActorStore> opened = Optional.empty();
    NodeKey nodeKey;
    Optional<ChainSink> sink;
    try {
      opened = Stores.open(config.store(), config.dataDir(), config.clusterName());
      nodeKey = config.nodeKeyFile().map(NodeKey::loadOrCreate).orElseGet(NodeKey::ephemeral);
      sink = NodeSinks.open(config, opened, clock);
    } catch (RuntimeException e) {
      opened.ifPresent(ActorStore::close);
      threads.stop();
      throw e;
    }
    this.store = opened;
    // The servers bind next, so that free ports (0) are really ours before Hazelcast announces
    // them; the services are registered once the node is built.
    try {
      this.servers =
          NodeServers.bind(config, config.security(), policy.maxModuleBytes(), health, threads.api);
    } catch (IOException | RuntimeException e) {
      store.ifPresent(ActorStore::close);
      threads.stop();
      throw e;
    }
    try {
      this.members =
          HazelcastMembers.join(
              config.memberSettings(
                  servers.apiPort(), servers.linkPort(), nodeKey.publicKeyBase64()));
    } catch (RuntimeException e) {
      servers.shutdownNow();
      store.ifPresent(ActorStore::close);
      threads.stop();
      throw e;
    }
    this.records = new ClusterChainStore(members.instance(), threads.commits, store);
    this.sinks = sink.map(s -> NodeSinks.start(s, records, config.name(), clock));
    try {
      records.describe(ActorId.of("troupe.warm-up")); // a partition operation assigns partitions
    } catch (RuntimeException e) {
      log.debug("warm-up read: {}", e.getMessage()); // no quorum yet: others are still joining
    }
    this.channels =
        new PeerChannels(
            members::linkAddress,
            Tls.linkChannels(config.security()),
            config.security().clusterTls());
    this.hub = new LinkHub(members, mapper, threads.scheduler, channels::to, Statuses::toStatus);
    LoadBoard loads = new LoadBoard(clock);
    ResultRouter[] router = new ResultRouter[1]; // the router needs the system it serves
    RemoteDirectory[] remote = new RemoteDirectory[1];
    this.system =
        ActorSystem.builder()
            .handlers(
                StandardHandlers.builder()
                    .store(store.map(ActorStore::content).orElseGet(MemoryContentStore::new))
                    .networks(policy.networks())
                    .build())
            .policy(policy)
            .nodeName(config.name())
            .chainStore(sinks.map(s -> s.watch(records)).orElse(records))
            .modules(new ModuleSource(store.map(ActorStore::modules).orElse(records.modules())))
            .remoteDirectory(id -> remote[0].lookup(id))
            .requestTimeout(config.requestTimeout())
            .mapper(mapper)
            .cluster(
                new Workers(members, hub, loads, Workers::processCpu),
                (actor, op, value, error) -> router[0].deliver(actor, op, value, error))
            .workers(config.workerSlots(), 1024)
            .passivateAfter(config.passivateAfter())
            .chainDefaults(config.chainDefaults())
            .meters(meters)
            .build();
    this.placement = new Placement(members, records, system.hosting(), store);
    remote[0] = new RemoteDirectory(placement, hub);
    this.results =
        new ResultRouter(
            placement, system.hosting(), hub, clock, threads.scheduler, threads.api, config.name());
    router[0] = results;
    this.failover = new Failover(members, records, system.hosting(), hub, store, clock);
    hub.start(new PeerInbound(system.hosting(), members, placement, hub, loads, threads.api));

    var pool = system.hosting().dispatcher().pool();
    this.status =
        new StatusReport(
            config.clusterName(),
            members,
            records,
            loads,
            () -> new NodeStatus.Load(pool.depth(), pool.capacity(), Workers.processCpu()),
            failover.recent(),
            clock);
    TroupeApi api =
        new TroupeApi(
            system,
            records,
            placement,
            channels::to,
            status::now,
            new Receipts(nodeKey, config.name(), records, clock),
            failover::revive,
            mapper);
    servers.serve(
        api.clientDefinition(tokens),
        hub.service(),
        api.forwardedDefinition(name -> members.named(name).isPresent()));
    members.listen(
        new NodeMembership(
            config.name(),
            hub,
            system,
            channels,
            sinks,
            health,
            this::reconcileSoon,
            () -> shutdown));
    members.live().forEach(hub::memberAdded);
    try {
      this.http =
          config.httpPort() >= 0
              ? StatusServer.start(
                  config.host(), config.httpPort(), status::page, meters::scrape, mapper, clock)
              : null;
    } catch (IOException | RuntimeException e) {
      shutdown();
      throw e;
    }
    threads.failover.scheduleWithFixedDelay(
        failover::reconcile,
        RECONCILE_EVERY.toMillis(),
        RECONCILE_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    threads.scheduler.scheduleWithFixedDelay(
        this::publishLoad, 0, LOAD_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
    log.info(
        "node {} up: gRPC {}, Hazelcast {}, {} member(s)",
        config.name(),
        grpcAddress(),
        members.localAddress(),
        members.live().size());
  }

  /** Starts a node and its startup actors; returns once it serves. */
  public static TroupeNode start(NodeConfig config) {
    TroupeNode node;
    try {
      node = new TroupeNode(config);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start node " + config.name() + ": " + e.getMessage(), e);
    }
    node.awaitQuorumIfAlone();
    // through this node's own link port, as a member: the client port may want TLS and a token
    io.grpc.Channel self = node.channels.to(node.members.self());
    try {
      new StartupActors(
              config.actors(),
              node.members,
              id ->
                  node.records.describe(id).isPresent()
                      || node.store.flatMap(s -> s.record(id)).isPresent(),
              node.system.modules(),
              node.clock)
          .start(TroupeGrpc.newBlockingStub(self));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      node.close();
      throw new UnavailableException("interrupted while starting node " + config.name());
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  /**
   * A node that forms a cluster of one has its quorum within moments of starting; it serves only
   * once it has (a cluster of several waits for its peers, serving UNAVAILABLE meanwhile).
   */
  private void awaitQuorumIfAlone() {
    if (config.alone()) {
      members.awaitQuorum(Duration.ofSeconds(10));
    }
  }

  public String name() {
    return config.name();
  }

  /** {@code host:port} of the gRPC server. */
  public String grpcAddress() {
    return config.apiHost() + ":" + servers.apiPort();
  }

  public int grpcPort() {
    return servers.apiPort();
  }

  /** {@code host:port} of the plaintext health service, when it serves one. */
  public Optional<String> healthAddress() {
    int port = servers.healthPort();
    return port < 0 ? Optional.empty() : Optional.of(config.host() + ":" + port);
  }

  /** {@code host:port} where peers dial this node's links. */
  public String linkAddress() {
    return config.host() + ":" + servers.linkPort();
  }

  /**
   * {@code host:port} of this node's HTTP server (the status page, {@code /status.json} and {@code
   * /metrics}), when it serves one.
   */
  public Optional<String> httpAddress() {
    return Optional.ofNullable(http).map(StatusServer::address);
  }

  public ActorSystem system() {
    return system;
  }

  public ClusterChainStore records() {
    return records;
  }

  /** The Hazelcast member: for tests, raw baselines and operations tooling. */
  public HazelcastInstance hazelcast() {
    return members.instance();
  }

  /** This node's view of the cluster's membership. */
  public HazelcastMembers members() {
    return members;
  }

  /** The name of the node that owns actor {@code id}'s partition (where a new actor starts). */
  public Optional<String> ownerOf(ActorId id) {
    return members.owner(id).map(NodeRef::name);
  }

  /** The name of the node where actor {@code id} lives, as this node sees it. */
  public Optional<String> homeOf(ActorId id) {
    Placement.Home home = placement.locate(id);
    if (home instanceof Placement.There there) {
      return Optional.of(there.node().name());
    }
    return home instanceof Placement.Here ? Optional.of(config.name()) : Optional.empty();
  }

  /** Whether the node link to the member named {@code name} is up. */
  public boolean linkedTo(String name) {
    Optional<NodeRef> n = members.named(name);
    return n.isPresent() && (n.get().equals(members.self()) || hub.connected(n.get()));
  }

  private void publishLoad() {
    try {
      var pool = system.hosting().dispatcher().pool();
      hub.broadcastLoad(pool.depth(), pool.capacity(), Workers.processCpu());
    } catch (RuntimeException e) {
      log.debug("publishing load: {}", e.getMessage());
    }
  }

  /** A failover pass as soon as the failover thread is free; many requests, one pass. */
  private void reconcileSoon() {
    if (reconcileQueued.compareAndSet(false, true)) {
      try {
        threads.failover.execute(
            () -> {
              reconcileQueued.set(false);
              failover.reconcile();
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        reconcileQueued.set(false); // shutting down
      }
    }
  }

  /**
   * Leaves the cluster: stops serving, hands every actor off (each stops taking deliveries once
   * what it recorded is durable, recording no stop), closes the links and leaves Hazelcast
   * gracefully; the new owners of their partitions take the actors over.
   */
  public void shutdown() {
    if (shutdown) {
      return;
    }
    shutdown = true;
    health.setStatus("", HealthCheckResponse.ServingStatus.NOT_SERVING);
    threads.failover.shutdownNow();
    results.close();
    system.hosting().handOffAll(Duration.ofSeconds(10));
    system.shutdown();
    sinks.ifPresent(ChainSinks::close); // what the handed-off actors committed last, delivered
    hub.close();
    servers.shutdown();
    channels.close();
    try {
      members.close();
    } catch (RuntimeException e) {
      log.debug("Hazelcast shutdown: {}", e.getMessage());
    }
    if (http != null) {
      http.close();
    }
    store.ifPresent(ActorStore::close);
    threads.stop();
    log.info("node {} left the cluster", config.name());
  }

  public boolean isShutdown() {
    return shutdown;
  }

  /** Waits for the node's threads to end after {@link #shutdown}. */
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    return threads.awaitTermination(deadline)
        && servers.awaitTermination(Math.max(0, deadline - System.nanoTime()));
  }

  @Override
  public void close() {
    shutdown();
  }
}

package io.troupe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.util.concurrent.MoreExecutors;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.partition.Partition;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.util.MutableHandlerRegistry;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ChannelListener;
import io.troupe.actor.Delivery;
import io.troupe.actor.ModuleSource;
import io.troupe.actor.Recipient;
import io.troupe.api.TroupeApi;
import io.troupe.cluster.ActorSummary;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.cluster.ClusterErrors;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.UnavailableException;
import io.troupe.host.standard.StandardHandlers;
import io.troupe.manifest.ManifestParser;
import io.troupe.proto.v1.ClusterStatusResponse;
import io.troupe.proto.v1.NodeLinkGrpc;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.transport.LinkHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Troupe node: an embedded Hazelcast member (placement, replicated chains), the node's actors,
 * the links to its peers, and a gRPC server with the client API, the node link, health and
 * reflection. An actor's home is the owner of its Hazelcast partition.
 *
 * <pre>{@code
 * try (TroupeNode node = TroupeNode.start(NodeConfig.builder().grpcPort(0).build())) {
 *   System.out.println(node.grpcAddress());
 * }
 * }</pre>
 */
public final class TroupeNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TroupeNode.class);

  private final NodeConfig config;
  private final int grpcPort;
  private final HazelcastInstance hz;
  private final ClusterChainStore records;
  private final ActorSystem system;
  private final LinkHub hub;
  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final MutableHandlerRegistry services = new MutableHandlerRegistry();
  private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry meters =
      new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
          io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
  private com.sun.net.httpserver.HttpServer metricsServer;
  private final ExecutorService apiPool;
  private final ExecutorService commitPool;
  private final ScheduledExecutorService failover;
  private final java.util.Set<ActorId> moving = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService scheduler;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final ObjectMapper mapper = new ObjectMapper();
  private volatile boolean closed;

  /** The peers' dispatcher loads as they last told them over the node links. */
  private final Map<String, PeerLoad> loads = new ConcurrentHashMap<>();

  private record PeerLoad(int depth, int capacity, double cpu, long atNanos) {}

  /** This process's recent CPU load (0..1), or 0 where the JVM cannot tell. */
  private static double cpu() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double load =
        os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuLoad() : 0;
    return load < 0 ? 0 : load;
  }

  /** A peer whose load is older than this (it sends every 200 ms) gets no new work. */
  private static final long STALE_LOAD_NANOS = TimeUnit.SECONDS.toNanos(2);

  private TroupeNode(NodeConfig config) throws IOException {
    this.config = config;
    meters.config().commonTags("node", config.name());
    this.apiPool = Executors.newFixedThreadPool(8, threads(config.name() + "-api-"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(threads(config.name() + "-sched-"));
    this.failover =
        Executors.newSingleThreadScheduledExecutor(threads(config.name() + "-failover-"));
    this.commitPool =
        Executors.newFixedThreadPool(config.committers(), threads(config.name() + "-commit-"));
    // The server binds first, so that a free port (grpc_port 0) is really ours before Hazelcast
    // announces it; the services are registered once the node is built.
    this.server =
        Grpc.newServerBuilderForPort(config.grpcPort(), InsecureServerCredentials.create())
            .fallbackHandlerRegistry(services)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .executor(apiPool)
            // node-link traffic never blocks: handle it on the transport's threads, no hand-off
            .callExecutor(
                new io.grpc.ServerCallExecutorSupplier() {
                  @Override
                  public <Q, R> java.util.concurrent.Executor getExecutor(
                      io.grpc.ServerCall<Q, R> call, io.grpc.Metadata headers) {
                    return NodeLinkGrpc.SERVICE_NAME.equals(
                            call.getMethodDescriptor().getServiceName())
                        ? MoreExecutors.directExecutor()
                        : null;
                  }
                })
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build()
            .start();
    this.grpcPort = server.getPort();
    try {
      this.hz = Hazelcast.newHazelcastInstance(HazelcastSetup.config(config, grpcPort));
    } catch (RuntimeException e) {
      server.shutdownNow();
      apiPool.shutdownNow();
      commitPool.shutdownNow();
      scheduler.shutdownNow();
      failover.shutdownNow();
      throw e;
    }
    this.records = new ClusterChainStore(hz, commitPool);
    try {
      records.describe(ActorId.of("troupe.warm-up")); // a partition operation assigns partitions
    } catch (RuntimeException e) {
      log.debug("warm-up read: {}", e.getMessage()); // no quorum yet: others are still joining
    }
    this.system =
        ActorSystem.builder()
            .handlers(StandardHandlers.catalog())
            .nodeName(config.name())
            .chainStore(records)
            .modules(new ModuleSource(records.modules()))
            .remoteDirectory(this::remote)
            .requestTimeout(config.requestTimeout())
            .mapper(mapper)
            .cluster(new Workers(), this::routeResult)
            .workers(config.workerSlots(), 1024)
            .meters(meters)
            .build();
    this.hub =
        new LinkHub(
            () -> hz.getCluster().getLocalMember().getUuid().toString(),
            config.name(),
            new Inbound(),
            mapper,
            scheduler,
            this::channelTo);
    TroupeApi api = new TroupeApi(system, records, this::homeChannel, this::clusterStatus, mapper);
    services.addService(ServerInterceptors.intercept(api, TroupeApi.forwardingInterceptor()));
    services.addService(hub.service());
    hz.getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent e) {
                hub.memberAdded(e.getMember().getUuid().toString(), nameOf(e.getMember()));
              }

              @Override
              public void memberRemoved(MembershipEvent e) {
                String uuid = e.getMember().getUuid().toString();
                hub.memberRemoved(uuid);
                system.hosting().dispatcher().workerLost(nameOf(e.getMember()));
                ManagedChannel c = channels.remove(uuid);
                if (c != null) {
                  c.shutdownNow();
                }
                failover.execute(TroupeNode.this::reconcile);
              }
            });
    for (Member m : hz.getCluster().getMembers()) {
      hub.memberAdded(m.getUuid().toString(), nameOf(m));
    }
    hz.getLifecycleService()
        .addLifecycleListener(
            e -> {
              if (e.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN && !closed) {
                // Hazelcast stopped under us (terminated, or out of memory): our actors' homes
                // are elsewhere from now on, and this node must not serve them
                log.error("node {}: its cluster member stopped; it serves nothing", config.name());
                health.setStatus("", HealthCheckResponse.ServingStatus.NOT_SERVING);
                system
                    .hosting()
                    .loseAll(
                        new UnavailableException(
                            "node " + config.name() + " is not in the cluster any more; retry"));
              }
            });
    if (config.metricsPort() >= 0) {
      metricsServer =
          com.sun.net.httpserver.HttpServer.create(
              new InetSocketAddress(config.host(), config.metricsPort()), 0);
      metricsServer.createContext(
          "/metrics",
          ex -> {
            byte[] body = meters.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
          });
      metricsServer.start();
    }
    failover.scheduleWithFixedDelay(this::reconcile, 200, 200, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::publishLoad, 0, 200, TimeUnit.MILLISECONDS);
    health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
    log.info(
        "node {} up: gRPC {}:{}, Hazelcast {}, {} member(s)",
        config.name(),
        config.host(),
        grpcPort,
        hz.getCluster().getLocalMember().getAddress(),
        hz.getCluster().getMembers().size());
  }

  /** Starts a node and its startup actors; returns once it serves. */
  public static TroupeNode start(NodeConfig config) {
    TroupeNode node;
    try {
      node = new TroupeNode(config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + config.name(), e);
    }
    try {
      node.startActors();
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void startActors() {
    if (config.actors().isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!quorumPresent() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100); // startup only: wait for enough members to accept writes
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    ManifestParser parser = new ManifestParser();
    for (NodeConfig.StartupActor a : config.actors()) {
      ActorId id = ActorId.of(a.id());
      if (records.describe(id).isPresent()) {
        log.info("startup actor {} exists already; not started again", id);
        continue;
      }
      var manifest = parser.parse(Path.of(a.manifest()));
      String ref = system.modules().upload(system.modules().resolve(manifest.module()));
      // through the API's routing, so the actor starts on its home node
      var req =
          io.troupe.proto.v1.StartActorRequest.newBuilder()
              .setManifestToml(readString(Path.of(a.manifest())))
              .setManifestName(a.manifest())
              .setModuleRef(ref)
              .setId(id.value())
              .build();
      Optional<Channel> home = homeChannel(id);
      if (home.isPresent()) {
        TroupeGrpc.newBlockingStub(home.get())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .startActor(req);
      } else {
        system.start(manifest.withModule(ref), id);
      }
      log.info("started actor {} from {}", id, a.manifest());
    }
  }

  private static String readString(Path p) {
    try {
      return java.nio.file.Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return config.name();
  }

  /** {@code host:port} of the gRPC server. */
  public String grpcAddress() {
    return config.host() + ":" + grpcPort;
  }

  /** {@code host:port} of this node's metrics endpoint, when it serves one. */
  public Optional<String> metricsAddress() {
    return metricsServer == null
        ? Optional.empty()
        : Optional.of(config.host() + ":" + metricsServer.getAddress().getPort());
  }

  public int grpcPort() {
    return grpcPort;
  }

  public ActorSystem system() {
    return system;
  }

  public ClusterChainStore records() {
    return records;
  }

  /** The Hazelcast member; for tests and operations tooling. */
  public HazelcastInstance hazelcast() {
    return hz;
  }

  /** The name of the node that is actor {@code id}'s home (its partition's owner). */
  public Optional<String> homeOf(ActorId id) {
    Member owner = owner(id);
    return owner == null ? Optional.empty() : Optional.of(nameOf(owner));
  }

  /** Whether the node link to the member named {@code name} is up. */
  public boolean linkedTo(String name) {
    for (Member m : hz.getCluster().getMembers()) {
      if (nameOf(m).equals(name)) {
        return m.localMember() || hub.connected(m.getUuid().toString());
      }
    }
    return false;
  }

  private Member owner(ActorId id) {
    return ClusterErrors.call(() -> hz.getPartitionService().getPartition(id.value()).getOwner());
  }

  private Optional<Recipient> remote(ActorId id) {
    Member home = locate(id);
    if (home == null) {
      return Optional.of(
          d ->
              CompletableFuture.failedFuture(
                  new UnavailableException("actor " + id + " has no home right now; retry")));
    }
    if (home.localMember()) {
      return moving(id).map(e -> (Recipient) d -> CompletableFuture.failedFuture(e));
    }
    return Optional.of(hub.recipient(home.getUuid().toString()));
  }

  /**
   * An actor that is not here although this node owns its partition: while its record says it is
   * live, it is moving here (or its home just died), and the caller should retry.
   */
  private Optional<UnavailableException> moving(ActorId id) {
    return records
        .describe(id)
        .filter(
            s ->
                s.status() != null && !s.status().equals("stopped") && !s.status().equals("failed"))
        .map(
            s ->
                new UnavailableException(
                    "actor "
                        + id
                        + " is moving from node "
                        + s.node()
                        + " to node "
                        + config.name()
                        + "; retry"));
  }

  /**
   * The member actor {@code id} runs on: its partition's owner, unless that is this node and the
   * actor is not here, in which case the node its record names (a spawned child runs beside its
   * parent, wherever its id's partition lives), if that node is a member.
   */
  private Member locate(ActorId id) {
    Member owner = owner(id);
    if (owner == null || !owner.localMember() || system.find(id).isPresent()) {
      return owner;
    }
    return records.describe(id).map(ActorSummary::node).flatMap(this::memberNamed).orElse(owner);
  }

  private Optional<Member> memberNamed(String name) {
    return hz.getCluster().getMembers().stream().filter(m -> nameOf(m).equals(name)).findFirst();
  }

  private Optional<Channel> homeChannel(ActorId id) {
    Member owner = owner(id);
    if (owner == null) {
      throw new UnavailableException("actor " + id + " has no home right now; retry");
    }
    return owner.localMember()
        ? Optional.empty()
        : Optional.of(channelTo(owner.getUuid().toString()));
  }

  private ManagedChannel channelTo(String uuid) {
    return channels.computeIfAbsent(
        uuid,
        u -> {
          Member m =
              hz.getCluster().getMembers().stream()
                  .filter(x -> x.getUuid().toString().equals(u))
                  .findFirst()
                  .orElseThrow(() -> new UnavailableException("node " + u + " is not a member"));
          String target = m.getAttribute(HazelcastSetup.ATTR_GRPC);
          return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
              .directExecutor() // callbacks on this channel never block
              .maxInboundMessageSize(64 * 1024 * 1024)
              .build();
        });
  }

  private static String nameOf(Member m) {
    String n = m.getAttribute(HazelcastSetup.ATTR_NAME);
    return n == null ? m.getAddress().toString() : n;
  }

  private void publishLoad() {
    try {
      var pool = system.hosting().dispatcher().pool();
      hub.broadcastLoad(pool.depth(), pool.capacity(), cpu());
    } catch (RuntimeException e) {
      log.debug("publishing load: {}", e.getMessage());
    }
  }

  /** The other nodes, as the dispatcher sees them: their published load, reached by node link. */
  private final class Workers implements io.troupe.dispatch.Dispatcher.Cluster {
    @Override
    public List<io.troupe.dispatch.Dispatcher.Load> peers() {
      List<io.troupe.dispatch.Dispatcher.Load> out = new ArrayList<>();
      for (Member m : hz.getCluster().getMembers()) {
        if (m.localMember() || !hub.connected(m.getUuid().toString())) {
          continue;
        }
        String name = nameOf(m);
        PeerLoad load = loads.get(name);
        if (load == null || System.nanoTime() - load.atNanos() > STALE_LOAD_NANOS) {
          continue; // silent for a while: not a place for new work
        }
        out.add(
            new io.troupe.dispatch.Dispatcher.Load(
                name, load.depth(), load.capacity(), load.cpu()));
      }
      return out;
    }

    @Override
    public CompletableFuture<Void> run(String node, io.troupe.dispatch.Work w) {
      Optional<Member> m = memberNamed(node);
      if (m.isEmpty()) {
        return CompletableFuture.failedFuture(
            new UnavailableException("node " + node + " is not a member"));
      }
      return hub.runOperation(m.get().getUuid().toString(), w.toJson(mapper)).thenApply(v -> null);
    }

    @Override
    public boolean alive(String node) {
      return memberNamed(node).isPresent();
    }

    @Override
    public double cpu() {
      return TroupeNode.cpu();
    }

    @Override
    public void cancel(String node, String opId) {
      memberNamed(node).ifPresent(m -> hub.cancelOperation(m.getUuid().toString(), opId));
    }
  }

  /**
   * Sends the result of work that ran here to its actor's current home, again and again (every 250
   * ms, finding the home anew each time: the actor may be moving) until the home acknowledges it,
   * for up to ten minutes.
   */
  private void routeResult(String actor, String opId, JsonNode value, String error) {
    var body = mapper.createObjectNode().put("op_id", opId);
    if (error == null) {
      body.set("result", value);
    } else {
      body.put("error", error);
    }
    sendResult(ActorId.of(actor), body, System.nanoTime() + TimeUnit.MINUTES.toNanos(10));
  }

  private void sendResult(
      ActorId actor, com.fasterxml.jackson.databind.node.ObjectNode body, long giveUpAt) {
    if (closed) {
      return;
    }
    CompletableFuture<?> sent;
    try {
      Member home = locate(actor);
      if (home == null) {
        sent = CompletableFuture.failedFuture(new UnavailableException("no home"));
      } else if (home.localMember()) {
        sent = resultHere(actor, body);
      } else {
        sent = hub.operationResult(home.getUuid().toString(), actor, body);
      }
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (v, e) -> {
          if (e == null) {
            return;
          }
          if (System.nanoTime() > giveUpAt) {
            log.warn(
                "result of operation {} for {} not delivered: {}",
                body.path("op_id"),
                actor,
                e.toString());
            return;
          }
          try {
            scheduler.schedule(
                () -> apiPool.execute(() -> sendResult(actor, body, giveUpAt)),
                250,
                TimeUnit.MILLISECONDS);
          } catch (java.util.concurrent.RejectedExecutionException closing) {
            log.debug("not resending the result of {}: shutting down", body.path("op_id"));
          }
        });
  }

  /** A result body ({@code op_id} and {@code result} or {@code error}) for an actor here. */
  private CompletableFuture<Void> resultHere(ActorId actor, JsonNode body) {
    return system
        .hosting()
        .operationResult(
            actor,
            body.path("op_id").asText(),
            body.get("result"),
            body.hasNonNull("error") ? body.get("error").asText() : null);
  }

  /** What this node does with deliveries from its peers. */
  private final class Inbound implements LinkHub.Inbound {
    @Override
    public CompletableFuture<JsonNode> runOperation(JsonNode work) {
      try {
        system.hosting().dispatcher().runHere(io.troupe.dispatch.Work.fromJson(work));
        return CompletableFuture.completedFuture(null);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public void cancelOperation(String opId) {
      system.hosting().dispatcher().pool().cancel(opId);
    }

    @Override
    public void load(String peer, int depth, int capacity, double cpu) {
      loads.put(peer, new PeerLoad(depth, capacity, cpu, System.nanoTime()));
    }

    @Override
    public CompletableFuture<JsonNode> operationResult(ActorId target, JsonNode result) {
      return resultHere(target, result).thenApply(v -> null);
    }

    @Override
    public CompletableFuture<JsonNode> deliver(Delivery d, int hops, ChannelListener back) {
      try {
        return system.hosting().deliver(d, back);
      } catch (ActorNotFoundException e) {
        // Finding where it went reads the cluster's record, which may wait on a migrating
        // partition: never on the link's transport thread.
        return CompletableFuture.supplyAsync(() -> elsewhere(d, hops, e), apiPool)
            .thenCompose(f -> f);
      }
    }

    private CompletableFuture<JsonNode> elsewhere(
        Delivery d, int hops, ActorNotFoundException notHere) {
      Member home = locate(d.target());
      if (home != null && !home.localMember() && hops < 2 && !(d instanceof Delivery.ChannelOpen)) {
        return hub.forward(home.getUuid().toString(), d, hops + 1); // it lives elsewhere
      }
      throw moving(d.target()).<RuntimeException>map(x -> x).orElse(notHere);
    }

    @Override
    public void channelBack(
        String channelId, ActorId from, Optional<JsonNode> message, String reason) {
      try {
        system.hosting().channelBack(channelId, from, message, reason);
      } catch (RuntimeException e) {
        log.debug("channel {} traffic from {} dropped: {}", channelId, from, e.getMessage());
      }
    }
  }

  /**
   * Failover: every actor whose record this node owns (as its partition's owner) and whose home
   * member is gone is taken over here — epoch bumped, continued from its committed chain and state,
   * {@code actor.moved} recorded. Runs every 200 ms and at once when a member leaves.
   */
  private void reconcile() {
    if (closed) {
      return;
    }
    if (Thread.interrupted()) {
      // a stray interrupt (a cluster call that was cut short while this node rejoined) must not
      // fail the next module compilation or record read on this thread
      log.debug("failover check: cleared a stray interrupt");
    }
    try {
      if (!quorumPresent()) {
        // a minority (after a split, or with too many nodes gone) must not run actors: their
        // commits would be refused anyway, and the majority side takes them over
        if (!system.list().isEmpty()) {
          log.warn(
              "node {}: no quorum ({} member(s) here, {} needed); stopping its actors here",
              config.name(),
              hz.getCluster().getMembers().size(),
              config.quorum());
          system
              .hosting()
              .loseAll(
                  new UnavailableException(
                      "node "
                          + config.name()
                          + " has no quorum (it is cut off from the majority)"));
        }
        return;
      }
      String self = hz.getCluster().getLocalMember().getUuid().toString();
      // copies lost here (a refused commit, no quorum for a while) whose record still names this
      // node: nobody else took them over, so they come back here, in a new epoch
      for (ActorId id : system.hosting().lostCopies()) {
        if (moving.contains(id) || system.find(id).isPresent()) {
          continue;
        }
        ActorSummary s = records.describe(id).orElse(null);
        if (s != null
            && self.equals(s.member())
            && (s.status().equals("running") || s.status().equals("restarting"))) {
          takeOver(id, s);
        } else {
          system.hosting().forgetLost(id);
        }
      }
      java.util.Set<String> live = new java.util.HashSet<>();
      for (Member m : hz.getCluster().getMembers()) {
        live.add(m.getUuid().toString());
      }
      for (String key : records.localActorIds()) {
        ActorId id = ActorId.of(key);
        if (moving.contains(id)
            || system.find(id).filter(h -> h.status() != ActorStatus.LOST).isPresent()) {
          continue;
        }
        ActorSummary s = records.describe(id).orElse(null);
        // a record naming this node as home although the actor is not running here: its copy
        // lost a commit (say, while the quorum was gone) and must come back, in a new epoch
        boolean mine = self.equals(s == null ? null : s.member());
        if (s == null
            || s.member() == null
            || (live.contains(s.member()) && !mine)
            || !(s.status().equals("running") || s.status().equals("restarting"))) {
          continue;
        }
        takeOver(id, s);
      }
      rebalance();
    } catch (RuntimeException e) {
      log.debug("failover check: {}", e.getMessage());
    }
  }

  /** Actors handed off here whose record is not released yet, with their epoch. */
  private final Map<ActorId, Long> unreleased = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Actors running here whose partition now belongs to another node (it joined, and Hazelcast
   * migrated partitions to it) move there: each is handed off — what was queued runs, then the copy
   * stops taking deliveries and, once all it recorded is durable, its record is released — and the
   * new owner takes it over. Spawned children stay beside their parent.
   */
  private void rebalance() {
    // records of actors handed off here whose release failed (the cluster was busy): again
    unreleased.forEach(
        (id, epoch) -> {
          records.release(id, epoch);
          unreleased.remove(id);
        });
    for (ActorHandle h : system.list()) {
      ActorId id = h.id();
      if (h.status() != ActorStatus.RUNNING || h.parent().isPresent() || moving.contains(id)) {
        continue;
      }
      Member owner = owner(id);
      if (owner == null || owner.localMember() || !hub.connected(owner.getUuid().toString())) {
        continue;
      }
      moving.add(id);
      try {
        long epoch = system.hosting().handOff(id).get(30, TimeUnit.SECONDS);
        unreleased.put(id, epoch);
        if (records.release(id, epoch)) {
          log.info(
              "handed actor {} over to node {} (its partition moved there)", id, nameOf(owner));
        }
        unreleased.remove(id);
      } catch (Exception e) {
        log.warn("handing actor {} over to node {} failed: {}", id, nameOf(owner), e.toString());
      } finally {
        moving.remove(id);
      }
    }
  }

  private void takeOver(ActorId id, ActorSummary s) {
    moving.add(id);
    try {
      var taken = records.takeOver(id, s.member(), config.name());
      if (taken.isEmpty()) {
        return;
      }
      var t = taken.get();
      var manifest =
          new ManifestParser()
              .parse(t.manifest(), Path.of("."), "manifest of " + id)
              .withModule(t.module());
      Optional<ActorId> parent =
          t.parent() == null || t.parent().isEmpty()
              ? Optional.empty()
              : Optional.of(ActorId.of(t.parent()));
      system
          .hosting()
          .resume(
              new io.troupe.hosting.Resumption(
                  id,
                  manifest,
                  parent,
                  t.events(),
                  t.state(),
                  t.epoch(),
                  t.fromNode(),
                  ClusterChainStore.released(s)
                      ? "node " + t.fromNode() + " handed it over (its partition moved here)"
                      : t.fromNode().equals(config.name())
                          ? "resumed after this node's copy lost a commit"
                          : "home node " + t.fromNode() + " left the cluster"))
          .get(30, TimeUnit.SECONDS);
      log.info("took actor {} over from node {} (epoch {})", id, t.fromNode(), t.epoch());
    } catch (Exception e) {
      log.error("taking actor {} over from node {} failed: {}", id, s.node(), e.toString());
    } finally {
      moving.remove(id);
    }
  }

  /** The members, their addresses, partitions and actors. */
  public ClusterStatusResponse clusterStatus() {
    Map<String, Integer> partitions = new HashMap<>();
    for (Partition p : hz.getPartitionService().getPartitions()) {
      Member o = p.getOwner();
      if (o != null) {
        partitions.merge(o.getUuid().toString(), 1, Integer::sum);
      }
    }
    Map<String, Integer> actors = new HashMap<>();
    try {
      for (ActorSummary s : records.list()) {
        if (s.status() != null && !s.status().equals("stopped") && !s.status().equals("failed")) {
          actors.merge(s.node(), 1, Integer::sum);
        }
      }
    } catch (UnavailableException e) {
      // without a quorum the records cannot be read; the status still tells who is here
      log.debug("cluster status without actor counts: {}", e.getMessage());
    }
    ClusterStatusResponse.Builder b =
        ClusterStatusResponse.newBuilder()
            .setClusterName(config.clusterName())
            .setThisNode(config.name())
            .setPartitions(hz.getPartitionService().getPartitions().size())
            .setQuorumPresent(quorumPresent());
    for (Member m : hz.getCluster().getMembers()) {
      String uuid = m.getUuid().toString();
      b.addMembers(
          io.troupe.proto.v1.Member.newBuilder()
              .setName(nameOf(m))
              .setUuid(uuid)
              .setHazelcastAddress(m.getAddress().getHost() + ":" + m.getAddress().getPort())
              .setGrpcAddress(String.valueOf(m.getAttribute(HazelcastSetup.ATTR_GRPC)))
              .setActors(actors.getOrDefault(nameOf(m), 0))
              .setOwnedPartitions(partitions.getOrDefault(uuid, 0))
              .setLocal(m.localMember()));
    }
    return b.build();
  }

  private boolean quorumPresent() {
    SplitBrainProtection q =
        hz.getSplitBrainProtectionService().getSplitBrainProtection(HazelcastSetup.QUORUM);
    return q.hasMinimumSize();
  }

  /**
   * Leaves the cluster: stops serving, hands this node's actors off (each stops taking deliveries
   * once what it recorded is durable, recording no stop), closes the links and leaves Hazelcast
   * gracefully; the new owners of their partitions take the actors over.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    health.setStatus("", HealthCheckResponse.ServingStatus.NOT_SERVING);
    failover.shutdownNow();
    system.hosting().handOffAll(java.time.Duration.ofSeconds(10));
    system.shutdown();
    hub.close();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    channels.values().forEach(ManagedChannel::shutdownNow);
    try {
      hz.shutdown();
    } catch (RuntimeException e) {
      log.debug("Hazelcast shutdown: {}", e.getMessage());
    }
    if (metricsServer != null) {
      metricsServer.stop(0);
    }
    apiPool.shutdownNow();
    commitPool.shutdownNow();
    scheduler.shutdownNow();
    log.info("node {} left the cluster", config.name());
  }

  private static java.util.concurrent.ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}

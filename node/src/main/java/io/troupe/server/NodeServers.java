package io.troupe.server;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.util.MutableHandlerRegistry;
import io.troupe.manifest.Limits;
import io.troupe.proto.v1.NodeLinkGrpc;
import io.troupe.transport.PeerChannels;
import io.troupe.transport.PeerIdentity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The node's gRPC servers, each bound to one address (never every interface): the <b>client API</b>
 * (with health and reflection) on {@code grpc_port}, and the <b>node links</b> on {@code
 * link_port}, where peers dial their {@code NodeLink} streams and forward client calls to an
 * actor's home. Peers never use the client port and clients never need the link port, so each door
 * has its own credentials. With {@code health_port}, a third serves the health service alone, in
 * plaintext, for probes that cannot speak TLS (Kubernetes'): it tells SERVING or NOT_SERVING and
 * nothing else.
 *
 * <p>Both bind before the node joins the cluster, so that the ports it announces (0 picks a free
 * one) are really its own; the services are added once the node is built.
 */
final class NodeServers {
  /**
   * What a client request may carry beside its largest field: a StartActor's manifest, ids and
   * names next to a module at the ceiling.
   */
  static final int REQUEST_OVERHEAD = 1 << 20;

  private final MutableHandlerRegistry api = new MutableHandlerRegistry();
  private final MutableHandlerRegistry links = new MutableHandlerRegistry();
  private final Server apiServer;
  private final Server linkServer;
  private final Server healthServer; // null: none

  /**
   * Binds the client API on {@code apiHost} and the node links on {@code linkHost}.
   *
   * @param apiMaxMessageBytes the largest request a client may send ({@link #maxRequestBytes}); a
   *     larger one ends with RESOURCE_EXHAUSTED before it is read
   * @param apiPool the threads client calls run on, also those peers forward (node-link streams run
   *     on the transport's threads: they never block)
   */
  NodeServers(
      String apiHost,
      int apiPort,
      String linkHost,
      ServerCredentials apiCredentials,
      int apiMaxMessageBytes,
      int linkPort,
      ServerCredentials linkCredentials,
      int healthPort,
      HealthStatusManager health,
      Executor apiPool)
      throws IOException {
    this.apiServer =
        NettyServerBuilder.forAddress(new InetSocketAddress(apiHost, apiPort), apiCredentials)
            .fallbackHandlerRegistry(api)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .executor(apiPool)
            .maxInboundMessageSize(apiMaxMessageBytes)
            .build()
            .start();
    try {
      this.linkServer =
          NettyServerBuilder.forAddress(new InetSocketAddress(linkHost, linkPort), linkCredentials)
              .fallbackHandlerRegistry(links)
              .executor(apiPool)
              // peers ping every 10 s; a dead stream is noticed within seconds on both sides
              .permitKeepAliveTime(5, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              .keepAliveTime(10, TimeUnit.SECONDS)
              .keepAliveTimeout(5, TimeUnit.SECONDS)
              .callExecutor(
                  new ServerCallExecutorSupplier() {
                    @Override
                    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
                      return NodeLinkGrpc.SERVICE_NAME.equals(
                              call.getMethodDescriptor().getServiceName())
                          ? MoreExecutors.directExecutor()
                          : null;
                    }
                  })
              .maxInboundMessageSize(PeerChannels.MAX_MESSAGE_BYTES)
              .build()
              .start();
    } catch (IOException | RuntimeException e) {
      apiServer.shutdownNow();
      throw e;
    }
    try {
      this.healthServer =
          healthPort < 0
              ? null
              : NettyServerBuilder.forAddress(
                      new InetSocketAddress(linkHost, healthPort),
                      InsecureServerCredentials.create())
                  .addService(health.getHealthService())
                  .directExecutor()
                  .build()
                  .start();
    } catch (IOException | RuntimeException e) {
      apiServer.shutdownNow();
      linkServer.shutdownNow();
      throw e;
    }
  }

  /**
   * The largest request a client has reason to send: an {@code UploadModule} (or a {@code
   * StartActor} with its module) at this node's module ceiling, or a message or state at theirs,
   * whichever is larger, plus {@link #REQUEST_OVERHEAD}.
   *
   * @param maxModuleBytes the largest module this node's policy takes
   */
  static int maxRequestBytes(int maxModuleBytes) {
    int largest =
        Math.max(maxModuleBytes, Math.max(Limits.MAX_MESSAGE_BYTES, Limits.MAX_STATE_BYTES));
    return largest + REQUEST_OVERHEAD;
  }

  /**
   * Both servers, with the credentials {@code security} gives each; client requests are bounded by
   * {@code maxModuleBytes}, the largest module this node takes ({@link #maxRequestBytes}).
   */
  static NodeServers bind(
      NodeConfig config,
      NodeSecurity security,
      int maxModuleBytes,
      HealthStatusManager health,
      Executor apiPool)
      throws IOException {
    return new NodeServers(
        config.apiHost(),
        config.grpcPort(),
        config.host(),
        Tls.api(security),
        maxRequestBytes(maxModuleBytes),
        config.linkPort(),
        Tls.links(security),
        config.healthPort(),
        health,
        apiPool);
  }

  /**
   * Serves the client API to clients, and to peers the node links and the client calls they forward
   * to an actor's home (both told who the peer's certificate names, with cluster TLS).
   */
  void serve(
      ServerServiceDefinition clientApi,
      BindableService nodeLink,
      ServerServiceDefinition forwardedApi) {
    api.addService(clientApi);
    links.addService(ServerInterceptors.intercept(nodeLink, PeerIdentity.interceptor()));
    links.addService(ServerInterceptors.intercept(forwardedApi, PeerIdentity.interceptor()));
  }

  int apiPort() {
    return apiServer.getPort();
  }

  int linkPort() {
    return linkServer.getPort();
  }

  /** The health port, or -1 for none. */
  int healthPort() {
    return healthServer == null ? -1 : healthServer.getPort();
  }

  void shutdown() {
    if (healthServer != null) {
      healthServer.shutdownNow(); // health checks have nothing to finish
    }
    apiServer.shutdown();
    linkServer.shutdown();
    try {
      if (!apiServer.awaitTermination(5, TimeUnit.SECONDS)) {
        apiServer.shutdownNow();
      }
      if (!linkServer.awaitTermination(2, TimeUnit.SECONDS)) {
        linkServer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutdownNow();
    }
  }

  void shutdownNow() {
    apiServer.shutdownNow();
    linkServer.shutdownNow();
    if (healthServer != null) {
      healthServer.shutdownNow();
    }
  }

  boolean awaitTermination(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    return apiServer.awaitTermination(nanos, TimeUnit.NANOSECONDS)
        && linkServer.awaitTermination(
            Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }
}

package io.troupe.host.standard;

import io.troupe.host.HandlerCatalog;
import io.troupe.host.compute.ComputeHandler;
import io.troupe.host.environment.EnvironmentHandler;
import io.troupe.host.http.HttpClientHandler;
import io.troupe.host.messaging.MessageServerHandler;
import io.troupe.host.random.RandomHandler;
import io.troupe.host.runtime.RuntimeHandler;
import io.troupe.host.store.StoreHandler;
import io.troupe.host.supervisor.SupervisorHandler;
import io.troupe.host.tcp.TcpClientHandler;
import io.troupe.host.timing.TimingHandler;
import io.troupe.policy.Networks;
import io.troupe.store.ContentStore;
import io.troupe.store.MemoryContentStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The handlers Troupe ships, as one catalog. The runtime's core names no handler: whoever builds an
 * {@link io.troupe.actor.ActorSystem} (the node, the {@code run} command, a test) registers the
 * catalog it wants, usually this one.
 *
 * <pre>{@code
 * ActorSystem system = ActorSystem.builder().handlers(StandardHandlers.catalog()).build();
 * }</pre>
 */
public final class StandardHandlers {
  private ContentStore store;
  private Map<String, String> environment;
  private Networks networks = Networks.OPEN;

  private StandardHandlers() {}

  /** Where network handlers may connect (default: anywhere their manifests allow). */
  public StandardHandlers networks(Networks networks) {
    this.networks = Objects.requireNonNull(networks);
    return this;
  }

  /** Every standard handler, with an in-memory blob store and this process's environment. */
  public static HandlerCatalog catalog() {
    return builder().build();
  }

  public static StandardHandlers builder() {
    return new StandardHandlers();
  }

  /** The blob store behind the {@code store} handler (default: in this JVM's memory). */
  public StandardHandlers store(ContentStore store) {
    this.store = Objects.requireNonNull(store);
    return this;
  }

  /**
   * The variables the {@code environment} handler may expose, each actor only those its manifest
   * allows (default: this process's environment).
   */
  public StandardHandlers environment(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    return this;
  }

  public HandlerCatalog build() {
    return new HandlerCatalog(
        List.of(
            new RuntimeHandler(),
            new TimingHandler(),
            new RandomHandler(),
            new EnvironmentHandler(environment != null ? environment : System.getenv()),
            new MessageServerHandler(),
            new SupervisorHandler(),
            new StoreHandler(store != null ? store : new MemoryContentStore()),
            new HttpClientHandler(networks),
            new TcpClientHandler(networks),
            new ComputeHandler()));
  }
}

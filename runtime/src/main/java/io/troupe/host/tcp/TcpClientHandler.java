package io.troupe.host.tcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.LimitExceededException;
import io.troupe.host.Handler;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.HandlerFactory;
import io.troupe.host.HostContext;
import io.troupe.policy.Networks;
import io.troupe.wasm.HostRegistry;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code troupe:actor/tcp-client}: outbound TCP connections for an actor, each a {@link
 * TcpConnection} state machine (connecting, open, closing, closed, failed; see docs/abi.md). No
 * call blocks: {@code connect} returns a connection id at once, and what happens next arrives as
 * events in {@code troupe:actor/tcp-client-handlers.handle-tcp-event [conn_id, event]}. Text is
 * UTF-8.
 *
 * <p>Settings: {@code allowed} ({@code "host:port"} or {@code "host:*"} entries; default none),
 * {@code max_connections} (default 4), {@code max_buffered_events} (events waiting for the actor,
 * per connection, default 64; past it the connection fails with an overflow event).
 */
public final class TcpClientHandler implements HandlerFactory {
  public static final String INTERFACE = "troupe:actor/tcp-client";
  public static final String EVENTS = "troupe:actor/tcp-client-handlers.handle-tcp-event";

  record Connect(String host, int port) {}

  record Send(String connectionId, String text) {}

  record Conn(String connectionId) {}

  private record Settings(Set<String> allowed, int maxConnections, int maxBuffered) {}

  private final Networks networks;

  /** Every address reachable (no policy). */
  public TcpClientHandler() {
    this(Networks.OPEN);
  }

  /** Connections only where {@code networks} allows, checked on the address connected to. */
  public TcpClientHandler(Networks networks) {
    this.networks = networks;
  }

  @Override
  public String type() {
    return "tcp-client";
  }

  @Override
  public Set<String> interfaces() {
    return Set.of(INTERFACE);
  }

  @Override
  public Handler create(ObjectNode config) {
    HandlerCatalog.onlyKeys(config, Set.of("allowed", "max_connections", "max_buffered_events"));
    Set<String> allowed = new HashSet<>();
    JsonNode a = config.get("allowed");
    if (a != null) {
      if (!a.isArray()) {
        throw new IllegalArgumentException("allowed must be an array of \"host:port\" strings");
      }
      a.forEach(e -> allowed.add(e.asText().toLowerCase(Locale.ROOT)));
    }
    Settings s =
        new Settings(
            Set.copyOf(allowed),
            HandlerCatalog.positiveInt(config, "max_connections", 4),
            HandlerCatalog.positiveInt(config, "max_buffered_events", 64));
    // the actor's connections outlive an instance: a new one (after a sleep or a restart) goes on
    // with them
    Map<String, TcpConnection> connections = new ConcurrentHashMap<>();
    return (registry, ctx) -> register(registry, ctx, s, connections);
  }

  private void register(
      HostRegistry r, HostContext ctx, Settings s, Map<String, TcpConnection> connections) {
    r.registerFunction(
        INTERFACE,
        "connect",
        Connect.class,
        String.class,
        p -> {
          String host = p.host().toLowerCase(Locale.ROOT);
          if (!s.allowed().contains(host + ":" + p.port()) && !s.allowed().contains(host + ":*")) {
            throw new InvalidArgumentException(
                host + ":" + p.port() + " is not in this actor's tcp-client allowed list");
          }
          connections.values().removeIf(TcpConnection::isFinished);
          if (connections.size() >= s.maxConnections()) {
            throw new LimitExceededException(
                "actor has " + s.maxConnections() + " open connections (max_connections)");
          }
          String id = UUID.randomUUID().toString();
          TcpConnection c =
              new TcpConnection(id, event -> ctx.enqueueEvent(EVENTS, event), s.maxBuffered());
          connections.put(id, c);
          c.connect(p.host(), p.port(), networks);
          return id;
        });
    r.registerFunctionNoResult(
        INTERFACE,
        "send",
        Send.class,
        p -> connection(connections, p.connectionId()).send(p.text()));
    r.registerFunctionNoResult(
        INTERFACE, "close", Conn.class, p -> connection(connections, p.connectionId()).close());
    r.registerFunction(
        INTERFACE,
        "status",
        Conn.class,
        String.class,
        p -> connection(connections, p.connectionId()).state().name().toLowerCase(Locale.ROOT));
  }

  private static TcpConnection connection(Map<String, TcpConnection> all, String id) {
    TcpConnection c = all.get(id);
    if (c == null) {
      throw new InvalidArgumentException("no connection " + id);
    }
    return c;
  }
}

package io.troupe.host.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.host.Handler;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.HandlerFactory;
import io.troupe.host.HostContext;
import io.troupe.host.Messenger;
import io.troupe.wasm.HostRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code troupe:actor/message-server-host}: send, request (parks only the caller; deferred replies
 * with respond-to-request), channels, and the requests the actor owes. Setting: {@code
 * request_timeout_ms} (default 5000), the longest a request or channel open waits; never past the
 * calling turn's own deadline.
 */
public final class MessageServerHandler implements HandlerFactory {
  public static final String INTERFACE = "troupe:actor/message-server-host";

  record None() {}

  record ToMessage(String actorId, JsonNode message) {}

  record OnChannel(String channelId, JsonNode message) {}

  record Channel(String channelId) {}

  record Respond(String requestId, JsonNode response) {}

  record RequestId(String requestId) {}

  @Override
  public String type() {
    return "message-server";
  }

  @Override
  public Set<String> interfaces() {
    return Set.of(INTERFACE);
  }

  @Override
  public Handler create(ObjectNode config) {
    HandlerCatalog.onlyKeys(config, Set.of("request_timeout_ms"));
    Duration timeout =
        Duration.ofMillis(HandlerCatalog.positiveInt(config, "request_timeout_ms", 5000));
    return (registry, ctx) -> register(registry, ctx, timeout);
  }

  private static void register(HostRegistry r, HostContext ctx, Duration timeout) {
    Messenger m = ctx.messenger();
    r.registerFunctionNoResult(
        INTERFACE, "send", ToMessage.class, p -> m.send(p.actorId(), p.message()));
    r.registerFunction(
        INTERFACE,
        "request",
        ToMessage.class,
        JsonNode.class,
        p -> m.request(p.actorId(), p.message(), timeout));
    r.registerFunction(
        INTERFACE,
        "open-channel",
        ToMessage.class,
        String.class,
        p -> m.openChannel(p.actorId(), p.message(), timeout));
    r.registerFunctionNoResult(
        INTERFACE,
        "send-on-channel",
        OnChannel.class,
        p -> m.sendOnChannel(p.channelId(), p.message()));
    r.registerFunctionNoResult(
        INTERFACE, "close-channel", Channel.class, p -> m.closeChannel(p.channelId()));
    r.registerFunctionNoResult(
        INTERFACE,
        "respond-to-request",
        Respond.class,
        p -> m.respondToRequest(p.requestId(), p.response()));
    r.registerFunction(
        INTERFACE,
        "list-outstanding-requests",
        None.class,
        List.class,
        p -> m.outstandingRequests());
    r.registerFunctionNoResult(
        INTERFACE, "cancel-request", RequestId.class, p -> m.cancelRequest(p.requestId()));
    r.registerFunction(
        INTERFACE, "current-message", None.class, JsonNode.class, p -> m.currentMessage());
  }
}

package io.troupe.host.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.host.Handler;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.HandlerFactory;
import io.troupe.host.HostContext;
import io.troupe.wasm.HostRegistry;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code troupe:actor/runtime}: log, get-state, self-id, shutdown. */
public final class RuntimeHandler implements HandlerFactory {
  public static final String INTERFACE = "troupe:actor/runtime";
  private static final Logger actorLog = LoggerFactory.getLogger("troupe.actor");

  record Text(String text) {}

  record None() {}

  record Data(JsonNode data) {}

  @Override
  public String type() {
    return "runtime";
  }

  @Override
  public Set<String> interfaces() {
    return Set.of(INTERFACE);
  }

  @Override
  public Handler create(ObjectNode config) {
    HandlerCatalog.onlyKeys(config, Set.of());
    return RuntimeHandler::register;
  }

  private static void register(HostRegistry r, HostContext ctx) {
    r.registerFunctionNoResult(
        INTERFACE, "log", Text.class, p -> actorLog.info("[{}] {}", ctx.actorId(), p.text()));
    r.registerFunction(
        INTERFACE, "get-state", None.class, JsonNode.class, p -> ctx.state().orElse(null));
    r.registerFunction(INTERFACE, "self-id", None.class, String.class, p -> ctx.actorId());
    r.registerFunctionNoResult(
        INTERFACE, "shutdown", Data.class, p -> ctx.requestShutdown(p.data()));
  }
}

package io.troupe.host.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.host.HostContext;
import io.troupe.host.SettinglessHandlerFactory;
import io.troupe.wasm.HostRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code troupe:actor/runtime}: log, get-state, self-id, shutdown. */
public final class RuntimeHandler extends SettinglessHandlerFactory {
  public static final String INTERFACE = "troupe:actor/runtime";
  private static final Logger actorLog = LoggerFactory.getLogger("troupe.actor");

  record Text(String text) {}

  record None() {}

  record Data(JsonNode data) {}

  public RuntimeHandler() {
    super("runtime", INTERFACE);
  }

  @Override
  protected void register(HostRegistry r, HostContext ctx) {
    r.registerFunctionNoResult(
        INTERFACE, "log", Text.class, p -> actorLog.info("[{}] {}", ctx.actorId(), p.text()));
    r.registerFunction(
        INTERFACE, "get-state", None.class, JsonNode.class, p -> ctx.state().orElse(null));
    r.registerFunction(INTERFACE, "self-id", None.class, String.class, p -> ctx.actorId());
    r.registerFunctionNoResult(
        INTERFACE, "shutdown", Data.class, p -> ctx.requestShutdown(p.data()));
  }
}

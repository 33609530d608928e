package io.troupe.host.timing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.host.Handler;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.HandlerFactory;
import io.troupe.host.HostContext;
import io.troupe.wasm.HostRegistry;
import java.util.Set;

/**
 * {@code troupe:actor/timing}: {@code now} (epoch milliseconds from the node's clock; recorded, so
 * replays see the same time).
 */
public final class TimingHandler implements HandlerFactory {
  public static final String INTERFACE = "troupe:actor/timing";

  record None() {}

  @Override
  public String type() {
    return "timing";
  }

  @Override
  public Set<String> interfaces() {
    return Set.of(INTERFACE);
  }

  @Override
  public Handler create(ObjectNode config) {
    HandlerCatalog.onlyKeys(config, Set.of());
    return TimingHandler::register;
  }

  private static void register(HostRegistry r, HostContext ctx) {
    r.registerFunction(INTERFACE, "now", None.class, Long.class, p -> ctx.clock().millis());
  }
}

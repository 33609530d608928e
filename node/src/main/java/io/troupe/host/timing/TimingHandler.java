package io.troupe.host.timing;

import io.troupe.host.HostContext;
import io.troupe.host.SettinglessHandlerFactory;
import io.troupe.wasm.HostRegistry;

/**
 * {@code troupe:actor/timing}: {@code now} (epoch milliseconds from the node's clock; recorded, so
 * replays see the same time).
 */
public final class TimingHandler extends SettinglessHandlerFactory {
  public static final String INTERFACE = "troupe:actor/timing";

  record None() {}

  public TimingHandler() {
    super("timing", INTERFACE);
  }

  @Override
  protected void register(HostRegistry r, HostContext ctx) {
    r.registerFunction(INTERFACE, "now", None.class, Long.class, p -> ctx.clock().millis());
  }
}

package io.troupe.host.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.host.HostContext;
import io.troupe.host.SettinglessHandlerFactory;
import io.troupe.host.Supervisor;
import io.troupe.wasm.HostRegistry;
import java.util.List;

/**
 * {@code troupe:actor/supervisor}: spawn children, stop and restart them, read their state and
 * chains. How children are restarted after a failure is the actor's {@code [supervision]} policy.
 */
public final class SupervisorHandler extends SettinglessHandlerFactory {
  public static final String INTERFACE = "troupe:actor/supervisor";

  record Spawn(String manifest, JsonNode initState) {}

  record Child(String childId) {}

  record None() {}

  public SupervisorHandler() {
    super("supervisor", INTERFACE);
  }

  @Override
  protected void register(HostRegistry r, HostContext ctx) {
    Supervisor s = ctx.supervisor();
    r.registerFunction(
        INTERFACE, "spawn", Spawn.class, String.class, p -> s.spawn(p.manifest(), p.initState()));
    r.registerFunctionNoResult(INTERFACE, "stop-child", Child.class, p -> s.stopChild(p.childId()));
    r.registerFunctionNoResult(
        INTERFACE, "restart-child", Child.class, p -> s.restartChild(p.childId()));
    r.registerFunction(INTERFACE, "list-children", None.class, List.class, p -> s.listChildren());
    r.registerFunction(
        INTERFACE, "get-child-state", Child.class, JsonNode.class, p -> s.childState(p.childId()));
    r.registerFunction(
        INTERFACE,
        "get-child-events",
        Child.class,
        JsonNode.class,
        p -> s.childEvents(p.childId()));
  }
}

package io.troupe.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.wasm.HostRegistry;
import java.util.Set;

/** Base for a handler of one interface that takes no settings in its {@code [[handler]]} entry. */
public abstract class SettinglessHandlerFactory implements HandlerFactory {
  private final String type;
  private final String iface;

  protected SettinglessHandlerFactory(String type, String iface) {
    this.type = type;
    this.iface = iface;
  }

  @Override
  public final String type() {
    return type;
  }

  @Override
  public final Set<String> interfaces() {
    return Set.of(iface);
  }

  @Override
  public final Handler create(ObjectNode config) {
    HandlerCatalog.onlyKeys(config, Set.of());
    return this::register;
  }

  /** Registers the interface's functions for the actor of {@code context}. */
  protected abstract void register(HostRegistry registry, HostContext context);
}

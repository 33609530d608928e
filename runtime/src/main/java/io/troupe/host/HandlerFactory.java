package io.troupe.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** Makes a handler of one type for each actor that declares it. One per handler type per node. */
public interface HandlerFactory {
  /** The manifest's {@code type}, e.g. {@code runtime}. */
  String type();

  /** The WIT interfaces whose imports this handler provides, e.g. {@code troupe:actor/runtime}. */
  Set<String> interfaces();

  /**
   * Validates {@code config} (the {@code [[handler]]} entry without {@code type}) and returns the
   * actor's handler.
   *
   * @throws IllegalArgumentException naming the bad key
   */
  Handler create(ObjectNode config);

  /**
   * Registers the kinds of work this handler dispatches ({@link AsyncOperations#dispatch}), so that
   * any node can run them for any actor.
   */
  default void runners(io.troupe.dispatch.Runners runners) {}
}

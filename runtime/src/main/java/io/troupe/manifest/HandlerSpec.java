package io.troupe.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One {@code [[handler]]} entry of a manifest.
 *
 * @param type the handler type, e.g. {@code runtime}
 * @param config the entry's other keys, validated by the handler itself
 */
public record HandlerSpec(String type, ObjectNode config) {
  public HandlerSpec {
    Objects.requireNonNull(type, "type");
    config = config == null ? null : config.deepCopy();
    Objects.requireNonNull(config, "config");
  }

  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }
}

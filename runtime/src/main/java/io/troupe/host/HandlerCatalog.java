package io.troupe.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.error.InvalidManifestException;
import io.troupe.manifest.HandlerSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The handler types a node offers, by manifest {@code type}. */
public final class HandlerCatalog {
  private final Map<String, HandlerFactory> byType = new LinkedHashMap<>();
  private final Map<String, String> typeByInterface = new LinkedHashMap<>();

  public HandlerCatalog(List<HandlerFactory> factories) {
    for (HandlerFactory f : factories) {
      if (byType.putIfAbsent(f.type(), f) != null) {
        throw new IllegalArgumentException("two handler factories of type " + f.type());
      }
      for (String iface : f.interfaces()) {
        typeByInterface.put(iface, f.type());
      }
    }
  }

  /** A catalog with no handler types: actors that declare a handler cannot start. */
  public static HandlerCatalog none() {
    return new HandlerCatalog(List.of());
  }

  /**
   * Creates the handlers a manifest declares; an unknown type is an error naming the known ones.
   */
  public List<Handler> create(List<HandlerSpec> specs, String source) {
    List<Handler> out = new ArrayList<>();
    for (HandlerSpec spec : specs) {
      HandlerFactory f = byType.get(spec.type());
      if (f == null) {
        throw new InvalidManifestException(
            source
                + ": unknown handler type '"
                + spec.type()
                + "' "
                + (byType.isEmpty()
                    ? "(this actor system has no handlers registered: build it with"
                        + " .handlers(StandardHandlers.catalog()))"
                    : "(known: " + String.join(", ", byType.keySet()) + ")"));
      }
      try {
        out.add(f.create(spec.config()));
      } catch (IllegalArgumentException e) {
        throw new InvalidManifestException(
            source + ": handler '" + spec.type() + "': " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** The handler type that provides {@code iface}, if any. */
  public Optional<String> providerOf(String iface) {
    return Optional.ofNullable(typeByInterface.get(iface));
  }

  /** The kinds of work the handlers dispatch, runnable on this node. */
  public io.troupe.dispatch.Runners runners() {
    io.troupe.dispatch.Runners r = new io.troupe.dispatch.Runners();
    byType.values().forEach(f -> f.runners(r));
    return r;
  }

  public Set<String> types() {
    return byType.keySet();
  }

  /** Fails with a message naming the first key of {@code config} not in {@code allowed}. */
  public static void onlyKeys(ObjectNode config, Set<String> allowed) {
    for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
      String key = it.next().getKey();
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            "unknown key '"
                + key
                + "'"
                + (allowed.isEmpty()
                    ? " (this handler takes no settings)"
                    : " (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")"));
      }
    }
  }

  /**
   * Reads an optional positive integer setting of a handler.
   *
   * @throws IllegalArgumentException naming the key when the value is not a positive integer
   */
  public static int positiveInt(ObjectNode config, String key, int fallback) {
    JsonNode v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
      throw new IllegalArgumentException(key + " must be a positive integer, got " + v);
    }
    return v.asInt();
  }
}

package io.troupe.host.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.troupe.chain.Sha256;
import io.troupe.host.Handler;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.HandlerFactory;
import io.troupe.wasm.HostRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code troupe:actor/environment}: read-only access to the node's environment variables, limited
 * to an allow-list ({@code allowed_vars}, exact names, and {@code allowed_prefixes}). A variable
 * outside the list reads as absent, exactly like an unset one.
 *
 * <p>{@code secret_vars} names variables the actor may read whose values the chain must not hold
 * (API keys, passwords): the guest gets the value, the chain records only {@code "sha256:<hex>"} of
 * it (docs/chain.md, "Secrets").
 */
public final class EnvironmentHandler implements HandlerFactory {
  public static final String INTERFACE = "troupe:actor/environment";

  private final Map<String, String> environment;

  record None() {}

  record Name(String name) {}

  /**
   * @param environment the variables to expose (usually {@code System.getenv()})
   */
  public EnvironmentHandler(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public String type() {
    return "environment";
  }

  @Override
  public Set<String> interfaces() {
    return Set.of(INTERFACE);
  }

  @Override
  public Handler create(ObjectNode config) {
    HandlerCatalog.onlyKeys(config, Set.of("allowed_vars", "allowed_prefixes", "secret_vars"));
    List<String> secrets = strings(config, "secret_vars");
    List<String> vars = new ArrayList<>(strings(config, "allowed_vars"));
    vars.addAll(secrets);
    List<String> prefixes = strings(config, "allowed_prefixes");
    if (prefixes.stream().anyMatch(String::isEmpty)) {
      throw new io.troupe.error.InvalidManifestException(
          "environment: the empty prefix in 'allowed_prefixes' would show the node's whole"
              + " environment; name the prefixes (or the variables, in 'allowed_vars')");
    }
    Map<String, String> visible = new TreeMap<>();
    environment.forEach(
        (k, v) -> {
          if (vars.contains(k) || prefixes.stream().anyMatch(k::startsWith)) {
            visible.put(k, v);
          }
        });
    Set<String> secret = Set.copyOf(secrets);
    return (r, ctx) -> {
      register(r, visible);
      redact(r, secret);
    };
  }

  /** Values of secret variables are recorded as their hash. */
  private static void redact(HostRegistry r, Set<String> secret) {
    if (secret.isEmpty()) {
      return;
    }
    r.redact(
        INTERFACE,
        "get-var",
        HostRegistry.Redaction.ofOutput(
            (input, output) -> {
              JsonNode value = output.get("Ok");
              return value != null && value.isTextual() && secret.contains(input.path(0).asText())
                  ? ((ObjectNode) output.deepCopy()).put("Ok", hashed(value.asText()))
                  : output;
            }));
    r.redact(
        INTERFACE,
        "list-vars",
        HostRegistry.Redaction.ofOutput(
            (input, output) -> {
              if (!output.path("Ok").isArray()) {
                return output;
              }
              ObjectNode copy = output.deepCopy();
              for (JsonNode pair : copy.get("Ok")) {
                if (pair.isArray() && secret.contains(pair.path(0).asText())) {
                  ((ArrayNode) pair).set(1, TextNode.valueOf(hashed(pair.path(1).asText())));
                }
              }
              return copy;
            }));
  }

  /** How the chain records a secret value: {@code sha256:<hex>} of its UTF-8 bytes. */
  public static String hashed(String value) {
    return "sha256:" + Sha256.hex(value.getBytes(StandardCharsets.UTF_8));
  }

  private static void register(HostRegistry r, Map<String, String> visible) {
    r.registerFunction(INTERFACE, "get-var", Name.class, String.class, p -> visible.get(p.name()));
    r.registerFunction(
        INTERFACE, "exists", Name.class, Boolean.class, p -> visible.containsKey(p.name()));
    r.registerFunction(
        INTERFACE,
        "list-vars",
        None.class,
        List.class,
        p -> {
          List<List<String>> out = new ArrayList<>();
          visible.forEach((k, v) -> out.add(List.of(k, v)));
          return out;
        });
  }

  private static List<String> strings(ObjectNode config, String key) {
    JsonNode v = config.get(key);
    if (v == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (!v.isArray()) {
      throw new IllegalArgumentException("'" + key + "' must be an array of strings");
    }
    for (JsonNode s : v) {
      if (!s.isTextual()) {
        throw new IllegalArgumentException("'" + key + "' must be an array of strings, found " + s);
      }
      out.add(s.asText());
    }
    return out;
  }
}

package io.troupe.host.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.LimitExceededException;
import io.troupe.host.Handler;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.HandlerFactory;
import io.troupe.host.HostContext;
import io.troupe.store.ContentStore;
import io.troupe.wasm.HostRegistry;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * {@code troupe:actor/store}: content-addressed blobs (bytes travel as base64 strings) and labels.
 * Settings: {@code namespace} (default "default"), which labels this actor sees; {@code
 * max_blob_bytes} (default 16 MiB).
 */
public final class StoreHandler implements HandlerFactory {
  public static final String INTERFACE = "troupe:actor/store";

  record Content(String base64) {}

  record Ref(String ref) {}

  record Label(String name, String ref) {}

  record Name(String name) {}

  record None() {}

  private final ContentStore store;

  public StoreHandler(ContentStore store) {
    this.store = store;
  }

  @Override
  public String type() {
    return "store";
  }

  @Override
  public Set<String> interfaces() {
    return Set.of(INTERFACE);
  }

  @Override
  public Handler create(ObjectNode config) {
    HandlerCatalog.onlyKeys(config, Set.of("namespace", "max_blob_bytes"));
    JsonNode ns = config.get("namespace");
    if (ns != null && (!ns.isTextual() || ns.asText().isBlank())) {
      throw new IllegalArgumentException("namespace must be a non-empty string, got " + ns);
    }
    String namespace = ns == null ? "default" : ns.asText();
    int maxBytes = HandlerCatalog.positiveInt(config, "max_blob_bytes", 16 << 20);
    return (registry, ctx) -> register(registry, ctx, namespace, maxBytes);
  }

  private void register(HostRegistry r, HostContext ctx, String ns, int maxBytes) {
    r.registerFunction(
        INTERFACE,
        "store",
        Content.class,
        String.class,
        p -> {
          byte[] bytes = decode(p.base64());
          if (bytes.length > maxBytes) {
            throw new LimitExceededException(
                "blob of " + bytes.length + " bytes exceeds max_blob_bytes " + maxBytes);
          }
          return store.put(bytes);
        });
    r.registerFunction(
        INTERFACE,
        "get",
        Ref.class,
        String.class,
        p ->
            Base64.getEncoder()
                .encodeToString(
                    store
                        .get(p.ref())
                        .orElseThrow(() -> new InvalidArgumentException("no blob " + p.ref()))));
    r.registerFunction(INTERFACE, "exists", Ref.class, Boolean.class, p -> store.exists(p.ref()));
    r.registerFunctionNoResult(
        INTERFACE, "label", Label.class, p -> store.label(ns, p.name(), p.ref()));
    r.registerFunction(
        INTERFACE,
        "get-by-label",
        Name.class,
        String.class,
        p -> store.byLabel(ns, p.name()).orElse(null));
    r.registerFunction(
        INTERFACE, "remove-label", Name.class, Boolean.class, p -> store.removeLabel(ns, p.name()));
    r.registerFunction(INTERFACE, "list-labels", None.class, List.class, p -> store.labels(ns));
  }

  private static byte[] decode(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("content must be base64: " + e.getMessage());
    }
  }
}

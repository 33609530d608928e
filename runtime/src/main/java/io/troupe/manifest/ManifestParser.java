package io.troupe.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.troupe.error.InvalidManifestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads TOML manifests strictly: an unknown key or a value of the wrong type is an {@link
 * InvalidManifestException} naming the key and the file.
 */
public final class ManifestParser {
  private static final Set<String> TOP_KEYS =
      Set.of(
          "name",
          "version",
          "description",
          "module",
          "component",
          "package",
          "init_state",
          "handler",
          "limits",
          "supervision",
          "chain");
  private static final Set<String> CHAIN_KEYS =
      Set.of("checkpoint_events", "checkpoint_bytes", "keep_events");
  private static final Set<String> LIMIT_KEYS =
      Set.of(
          "memory_pages",
          "call_timeout_ms",
          "mailbox_capacity",
          "max_message_bytes",
          "max_pending_ops");
  private static final Set<String> SUPERVISION_KEYS =
      Set.of(
          "strategy",
          "restart",
          "max_restarts",
          "window_ms",
          "backoff_ms",
          "backoff_max_ms",
          "resume");

  private final TomlMapper toml = new TomlMapper();
  private final ObjectMapper json = new ObjectMapper();

  /**
   * Parses a manifest file; relative {@code module} and {@code init_state} paths are resolved
   * against its folder.
   */
  public Manifest parse(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidManifestException("manifest not found: " + file);
    } catch (IOException e) {
      throw new InvalidManifestException("cannot read manifest " + file + ": " + e.getMessage(), e);
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, dir, file.toString());
  }

  /**
   * Parses manifest text.
   *
   * @param baseDir folder that relative paths are resolved against, or null for a manifest a client
   *     submitted: it reads no file ({@code init_state} must be inline; a {@code module} path is
   *     only a name, which the module the client sends replaces)
   * @param source name used in error messages
   */
  public Manifest parse(String text, Path baseDir, String source) {
    JsonNode root;
    try {
      root = toml.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidManifestException(source + ": not valid TOML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidManifestException(source + ": empty manifest");
    }
    return new Reader(root, baseDir, source).read(text);
  }

  private final class Reader {
    private final JsonNode root;
    private final Path baseDir;
    private final String source;

    Reader(JsonNode root, Path baseDir, String source) {
      this.root = root;
      this.baseDir = baseDir;
      this.source = source;
    }

    Manifest read(String text) {
      unknownKeys(root, TOP_KEYS, "");
      String name = requiredString("name");
      String version = optionalString(root, "version", "version").orElse("0.1.0");
      String description = optionalString(root, "description", "description").orElse("");
      return new Manifest(
          name,
          version,
          description,
          module(),
          initState(),
          handlers(),
          limits(),
          supervision(),
          chain(),
          source,
          text,
          Optional.ofNullable(baseDir));
    }

    private String module() {
      List<String> given = new ArrayList<>();
      for (String key : List.of("module", "component", "package")) {
        if (root.has(key)) {
          given.add(key);
        }
      }
      if (given.isEmpty()) {
        throw error("missing required key 'module' (the WASM module's path or sha256:<hex>)");
      }
      if (given.size() > 1) {
        throw error("give only one of 'module', 'component', 'package'; found " + given);
      }
      String value = optionalString(root, given.get(0), given.get(0)).orElseThrow();
      if (value.isBlank()) {
        throw error("'" + given.get(0) + "' must not be empty");
      }
      if (value.startsWith("sha256:")) {
        String hex = value.substring("sha256:".length());
        if (!hex.matches("[0-9a-f]{64}")) {
          throw error("'" + given.get(0) + "' = '" + value + "': sha256: needs 64 lower-case hex");
        }
        return value;
      }
      if (baseDir == null) {
        return value; // a name: the client sends the module itself
      }
      return resolve(given.get(0), value).toString();
    }

    private Optional<String> initState() {
      JsonNode v = root.get("init_state");
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (!v.isTextual()) {
        return Optional.of(v.toString()); // an inline TOML table, array or scalar is the JSON value
      }
      String text = v.asText().strip();
      if (text.startsWith("{") || text.startsWith("[") || text.startsWith("\"")) {
        return Optional.of(checkedJson(text, "init_state"));
      }
      Path path = resolve("init_state", text);
      try {
        return Optional.of(
            checkedJson(Files.readString(path, StandardCharsets.UTF_8), "init_state file " + path));
      } catch (IOException e) {
        throw error("'init_state' file " + path + " cannot be read: " + e.getMessage());
      }
    }

    private String checkedJson(String text, String what) {
      try {
        return json.writeValueAsString(json.readTree(text));
      } catch (JsonProcessingException e) {
        throw error(what + " is not valid JSON: " + e.getOriginalMessage());
      }
    }

    private List<HandlerSpec> handlers() {
      JsonNode v = root.get("handler");
      if (v == null) {
        return List.of();
      }
      if (!v.isArray()) {
        throw error("'handler' must be an array of tables: write [[handler]]");
      }
      List<HandlerSpec> out = new ArrayList<>();
      Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i < v.size(); i++) {
        JsonNode h = v.get(i);
        String where = "handler[" + i + "]";
        if (!h.isObject()) {
          throw error("'" + where + "' must be a table");
        }
        String type =
            optionalString(h, "type", where + ".type")
                .orElseThrow(() -> error("'" + where + "' is missing 'type'"));
        if (!seen.add(type)) {
          throw error("handler '" + type + "' is declared twice");
        }
        ObjectNode config = ((ObjectNode) h).deepCopy();
        config.remove("type");
        out.add(new HandlerSpec(type, config));
      }
      return out;
    }

    private Limits limits() {
      Limits d = Limits.defaults();
      JsonNode v = root.get("limits");
      if (v == null) {
        return d;
      }
      if (!v.isObject()) {
        throw error("'limits' must be a table: write [limits]");
      }
      unknownKeys(v, LIMIT_KEYS, "limits.");
      try {
        return new Limits(
            intValue(v, "memory_pages", d.memoryPages()),
            Duration.ofMillis(intValue(v, "call_timeout_ms", (int) d.callTimeout().toMillis())),
            intValue(v, "mailbox_capacity", d.mailboxCapacity()),
            intValue(v, "max_message_bytes", d.maxMessageBytes()),
            intValue(v, "max_pending_ops", d.maxPendingOps()));
      } catch (IllegalArgumentException e) {
        throw error("limits." + e.getMessage());
      }
    }

    private ChainSettings chain() {
      ChainSettings d = ChainSettings.defaults();
      JsonNode v = root.get("chain");
      if (v == null) {
        return d;
      }
      if (!v.isObject()) {
        throw error("'chain' must be a table: write [chain]");
      }
      unknownKeys(v, CHAIN_KEYS, "chain.");
      try {
        JsonNode keep = v.get("keep_events");
        if (keep != null && !keep.isIntegralNumber()) {
          throw error("'chain.keep_events' must be an integer, got " + keep);
        }
        return new ChainSettings(
            intValue(v, "checkpoint_events", d.checkpointEvents(), "chain."),
            intValue(v, "checkpoint_bytes", (int) d.checkpointBytes(), "chain."),
            keep == null
                ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(keep.asLong()));
      } catch (IllegalArgumentException e) {
        throw error("chain." + e.getMessage());
      }
    }

    private Supervision supervision() {
      Supervision d = Supervision.defaults();
      JsonNode v = root.get("supervision");
      if (v == null) {
        return d;
      }
      if (!v.isObject()) {
        throw error("'supervision' must be a table: write [supervision]");
      }
      unknownKeys(v, SUPERVISION_KEYS, "supervision.");
      String strategy = optionalString(v, "strategy", "supervision.strategy").orElse("one-for-one");
      if (!strategy.equals("one-for-one")) {
        throw error("'supervision.strategy' = '" + strategy + "': only one-for-one is supported");
      }
      try {
        return new Supervision(
            enumValue(v, "restart", Supervision.Restart.class, d.restart()),
            intValue(v, "max_restarts", d.maxRestarts(), "supervision."),
            Duration.ofMillis(
                intValue(v, "window_ms", (int) d.window().toMillis(), "supervision.")),
            Duration.ofMillis(
                intValue(v, "backoff_ms", (int) d.backoff().toMillis(), "supervision.")),
            Duration.ofMillis(
                intValue(v, "backoff_max_ms", (int) d.backoffMax().toMillis(), "supervision.")),
            enumValue(v, "resume", Supervision.Resume.class, d.resume()));
      } catch (IllegalArgumentException e) {
        throw error("supervision." + e.getMessage());
      }
    }

    private <E extends Enum<E>> E enumValue(JsonNode table, String key, Class<E> type, E fallback) {
      String given = optionalString(table, key, "supervision." + key).orElse(null);
      if (given == null) {
        return fallback;
      }
      for (E e : type.getEnumConstants()) {
        if (Supervision.configName(e).equals(given)) {
          return e;
        }
      }
      throw error(
          "'supervision."
              + key
              + "' = '"
              + given
              + "' (allowed: "
              + String.join(
                  ", ",
                  java.util.Arrays.stream(type.getEnumConstants())
                      .map(Supervision::configName)
                      .toList())
              + ")");
    }

    private int intValue(JsonNode table, String key, int fallback) {
      return intValue(table, key, fallback, "limits.");
    }

    private int intValue(JsonNode table, String key, int fallback, String prefix) {
      JsonNode v = table.get(key);
      if (v == null) {
        return fallback;
      }
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw error("'" + prefix + key + "' must be an integer, got " + v);
      }
      return v.intValue();
    }

    private Path resolve(String key, String value) {
      if (baseDir == null) {
        throw error(
            "'"
                + key
                + "' = '"
                + value
                + "' names a file; a node reads no files for a manifest a client sends: give the"
                + " value inline");
      }
      return baseDir.resolve(value).normalize();
    }

    private String requiredString(String key) {
      return optionalString(root, key, key)
          .filter(s -> !s.isBlank())
          .orElseThrow(() -> error("missing required key '" + key + "'"));
    }

    private Optional<String> optionalString(JsonNode node, String key, String path) {
      JsonNode v = node.get(key);
      if (v == null) {
        return Optional.empty();
      }
      if (!v.isTextual()) {
        throw error("'" + path + "' must be a string, got " + v);
      }
      return Optional.of(v.asText());
    }

    private void unknownKeys(JsonNode node, Set<String> allowed, String prefix) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        String key = it.next().getKey();
        if (!allowed.contains(key)) {
          throw error(
              "unknown key '"
                  + prefix
                  + key
                  + "' (allowed: "
                  + String.join(", ", sorted(allowed))
                  + ")");
        }
      }
    }

    private InvalidManifestException error(String message) {
      return new InvalidManifestException(source + ": " + message);
    }
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}

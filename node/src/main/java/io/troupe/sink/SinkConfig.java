package io.troupe.sink;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.error.InvalidArgumentException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where a node delivers its actors' committed events: the {@code [sink]} table of the node config,
 * or {@code --sink-jsonl DIR} / {@code --sink-otlp URL}.
 *
 * @param type {@code jsonl} or {@code otlp}
 * @param dir the JSON-lines files' directory (jsonl)
 * @param endpoint the OTLP/gRPC endpoint, {@code http://host:4317} or {@code https://…} (otlp)
 * @param name the name the OTLP cursors are kept under: another name delivers every chain anew
 * @param timeout how long one OTLP export may take
 */
public record SinkConfig(
    Type type, Optional<Path> dir, Optional<String> endpoint, String name, Duration timeout) {
  /** The kinds of sink. */
  public enum Type {
    JSONL,
    OTLP
  }

  private static final Set<String> KEYS = Set.of("type", "dir", "endpoint", "name", "timeout_ms");

  public SinkConfig {
    Objects.requireNonNull(type);
    Objects.requireNonNull(name);
    if (type == Type.JSONL && dir.isEmpty()) {
      throw new InvalidArgumentException("a jsonl chain sink needs a dir");
    }
    if (type == Type.OTLP) {
      String url =
          endpoint.orElseThrow(
              () -> new InvalidArgumentException("an otlp chain sink needs an endpoint"));
      URI uri = null;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        // said below
      }
      if (uri == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new InvalidArgumentException(
            "sink endpoint must be http://HOST:PORT or https://HOST:PORT, got '" + url + "'");
      }
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new InvalidArgumentException("sink timeout_ms must be > 0");
    }
  }

  /** JSON-lines files in {@code dir}. */
  public static SinkConfig jsonl(Path dir) {
    return new SinkConfig(
        Type.JSONL, Optional.of(dir), Optional.empty(), "jsonl", Duration.ofSeconds(10));
  }

  /** OTLP log records to {@code endpoint}. */
  public static SinkConfig otlp(String endpoint) {
    return new SinkConfig(
        Type.OTLP, Optional.empty(), Optional.of(endpoint), "otlp", Duration.ofSeconds(10));
  }

  /**
   * The {@code [sink]} table of a node config file; paths are relative to {@code base}.
   *
   * @throws InvalidArgumentException on an unknown key or type, or a missing dir or endpoint
   */
  public static SinkConfig fromToml(JsonNode table, Path base) {
    if (!table.isObject()) {
      throw new InvalidArgumentException("node config: sink must be a table ([sink])");
    }
    for (Iterator<String> it = table.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new InvalidArgumentException(
            "node config: unknown key '" + key + "' in [sink] (known: " + KEYS + ")");
      }
    }
    String type = table.path("type").asText("");
    SinkConfig c;
    switch (type) {
      case "jsonl" -> {
        if (table.has("endpoint")) {
          throw new InvalidArgumentException("a jsonl chain sink has a dir, not an endpoint");
        }
        Path dir = Path.of(table.path("dir").asText("."));
        if (!table.has("dir")) {
          throw new InvalidArgumentException("a jsonl chain sink needs a dir");
        }
        c = jsonl(base == null || dir.isAbsolute() ? dir : base.resolve(dir).normalize());
      }
      case "otlp" -> {
        if (table.has("dir")) {
          throw new InvalidArgumentException("an otlp chain sink has an endpoint, not a dir");
        }
        c = otlp(table.path("endpoint").asText(""));
      }
      default ->
          throw new InvalidArgumentException(
              "node config: [sink] type must be \"jsonl\" or \"otlp\", got '" + type + "'");
    }
    String name = table.has("name") ? table.get("name").asText() : c.name();
    Duration timeout =
        table.has("timeout_ms") ? Duration.ofMillis(table.get("timeout_ms").asLong()) : c.timeout();
    return new SinkConfig(c.type(), c.dir(), c.endpoint(), name, timeout);
  }

  /** How it reads in logs: {@code jsonl:DIR} or {@code otlp:URL}. */
  @Override
  public String toString() {
    return type == Type.JSONL ? "jsonl:" + dir.orElseThrow() : "otlp:" + endpoint.orElseThrow();
  }
}

package io.troupe.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.troupe.error.InvalidArgumentException;
import io.troupe.sink.SinkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A node's TOML config file ({@code --config}, docs/operations.md): its keys, read into a {@link
 * NodeConfigBuilder}; unknown keys are an error, missing keys take their defaults, paths are
 * relative to the file.
 */
final class NodeConfigFile {
  private NodeConfigFile() {}

  private static final Set<String> KEYS =
      Set.of(
          "name",
          "host",
          "api_host",
          "grpc_port",
          "link_port",
          "hz_port",
          "health_port",
          "members",
          "cluster_name",
          "backup_count",
          "expected_members",
          "quorum",
          "heartbeat_ms",
          "max_no_heartbeat_ms",
          "request_timeout_ms",
          "actors",
          "committers",
          "worker_slots",
          "passivate_after_ms",
          "checkpoint_events",
          "checkpoint_bytes",
          "kubernetes_dns",
          "http_port",
          "metrics_port",
          "store",
          "data_dir",
          "tls_cert",
          "tls_key",
          "client_ca",
          "tokens",
          "cluster_ca",
          "cluster_cert",
          "cluster_key",
          "policy",
          "node_key",
          "insecure",
          "dev",
          "sink");

  static NodeConfigBuilder load(Path file) {
    JsonNode root;
    try {
      root =
          new TomlMapper()
              .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(Files.readString(file));
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot read node config " + file + ": " + e.getMessage());
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new InvalidArgumentException(
            "node config " + file + ": unknown key '" + key + "' (known: " + KEYS + ")");
      }
    }
    NodeConfigBuilder b = NodeConfig.builder();
    if (root.has("name")) b.name(root.get("name").asText());
    if (root.has("host")) b.host(root.get("host").asText());
    if (root.has("api_host")) b.apiHost(root.get("api_host").asText());
    if (root.has("grpc_port")) b.grpcPort(root.get("grpc_port").asInt());
    if (root.has("link_port")) b.linkPort(root.get("link_port").asInt());
    if (root.has("hz_port")) b.hzPort(root.get("hz_port").asInt());
    if (root.has("health_port")) b.healthPort(root.get("health_port").asInt());
    if (root.has("cluster_name")) b.clusterName(root.get("cluster_name").asText());
    if (root.has("backup_count")) b.backupCount(root.get("backup_count").asInt());
    if (root.has("quorum")) b.quorum(root.get("quorum").asInt());
    if (root.has("expected_members")) b.expectedMembers(root.get("expected_members").asInt());
    if (root.has("dev")) b.dev(root.get("dev").asBoolean());
    if (root.has("heartbeat_ms")) b.heartbeat(Duration.ofMillis(root.get("heartbeat_ms").asLong()));
    if (root.has("max_no_heartbeat_ms")) {
      b.maxNoHeartbeat(Duration.ofMillis(root.get("max_no_heartbeat_ms").asLong()));
    }
    if (root.has("request_timeout_ms")) {
      b.requestTimeout(Duration.ofMillis(root.get("request_timeout_ms").asLong()));
    }
    if (root.has("committers")) b.committers(root.get("committers").asInt());
    if (root.has("worker_slots")) b.workerSlots(root.get("worker_slots").asInt());
    if (root.has("checkpoint_events") || root.has("checkpoint_bytes")) {
      var d = io.troupe.manifest.ChainSettings.defaults();
      b.checkpoints(
          root.has("checkpoint_events")
              ? root.get("checkpoint_events").asInt()
              : d.checkpointEvents(),
          root.has("checkpoint_bytes")
              ? root.get("checkpoint_bytes").asLong()
              : d.checkpointBytes());
    }
    if (root.has("kubernetes_dns")) b.kubernetesDns(root.get("kubernetes_dns").asText());
    if (root.has("passivate_after_ms")) {
      b.passivateAfter(Duration.ofMillis(root.get("passivate_after_ms").asLong()));
    }
    if (root.has("http_port") && root.has("metrics_port")) {
      throw new InvalidArgumentException(
          "node config " + file + ": give http_port only (metrics_port is its old name)");
    }
    if (root.has("http_port")) b.httpPort(root.get("http_port").asInt());
    if (root.has("metrics_port")) b.httpPort(root.get("metrics_port").asInt()); // the old name
    if (root.has("store")) b.store(root.get("store").asText());
    if (root.has("data_dir")) {
      Path base = file.toAbsolutePath().getParent();
      Path dir = Path.of(root.get("data_dir").asText());
      b.dataDir(base == null || dir.isAbsolute() ? dir : base.resolve(dir).normalize());
    }
    b.security(NodeSecurity.fromToml(root, file.toAbsolutePath().getParent()));
    if (root.has("sink")) {
      b.sink(SinkConfig.fromToml(root.get("sink"), file.toAbsolutePath().getParent()));
    }
    if (root.has("members")) {
      List<String> members = new ArrayList<>();
      root.get("members").forEach(m -> members.add(m.asText()));
      b.members(members);
    }
    if (root.has("actors")) {
      Path base = file.toAbsolutePath().getParent();
      for (JsonNode a : root.get("actors")) {
        String manifest = a.path("manifest").asText();
        Path p = base == null ? Path.of(manifest) : base.resolve(manifest).normalize();
        b.actor(a.path("id").asText(), p.toString());
      }
    }
    return b;
  }
}

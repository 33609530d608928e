package io.troupe.client.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.troupe.proto.v1.StartActorRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A manifest file as a {@code StartActor} request: its module's bytes read beside it, and an {@code
 * init_state} file's JSON sent inline (a node reads no files for a client).
 */
final class Manifests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Manifests() {}

  static StartActorRequest startRequest(Path manifest, String actorId) {
    String toml;
    byte[] module;
    try {
      toml = Files.readString(manifest);
      JsonNode parsed = new TomlMapper().readTree(toml);
      String ref = parsed.path("module").asText("");
      if (ref.isEmpty()) {
        throw new TroupeClientException(
            Status.Code.INVALID_ARGUMENT, "", manifest + ": the manifest has no module", null);
      }
      Path base = manifest.toAbsolutePath().getParent();
      module = Files.readAllBytes(base.resolve(ref));
      toml = inlineInitState(toml, (ObjectNode) parsed, base);
    } catch (IOException e) {
      throw new TroupeClientException(
          Status.Code.INVALID_ARGUMENT, "", "cannot read " + manifest + ": " + e.getMessage(), e);
    }
    return StartActorRequest.newBuilder()
        .setManifestToml(toml)
        .setManifestName(manifest.toString())
        .setModuleBytes(ByteString.copyFrom(module))
        .setId(actorId)
        .build();
  }

  /** The manifest with an {@code init_state} file's JSON in place of its path. */
  private static String inlineInitState(String toml, ObjectNode parsed, Path base)
      throws IOException {
    JsonNode init = parsed.get("init_state");
    if (init == null || !init.isTextual()) {
      return toml;
    }
    String text = init.asText().strip();
    if (text.startsWith("{") || text.startsWith("[") || text.startsWith("\"")) {
      return toml; // inline JSON already
    }
    JsonNode state = JSON.readTree(Files.readString(base.resolve(text)));
    if (state == null || state.isNull()) {
      parsed.remove("init_state");
    } else if (state.isContainerNode() || state.isTextual()) {
      parsed.put("init_state", JSON.writeValueAsString(state)); // JSON text: read as inline JSON
    } else {
      parsed.set("init_state", state); // a number or a boolean: a TOML value of its own
    }
    return new TomlMapper().writeValueAsString(parsed);
  }
}

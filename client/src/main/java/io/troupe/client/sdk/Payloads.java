package io.troupe.client.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Messages to and from actors as JSON bytes, written and read with the client's {@link
 * ObjectMapper}. One rule everywhere: a {@link String} is JSON text, sent as it is (so {@code "5"}
 * is the number 5 and {@code "\"hi\""} the string "hi"); any other object is written by the mapper
 * (a {@link JsonNode} as itself, {@code null} as JSON null).
 */
final class Payloads {
  private final ObjectMapper mapper;

  Payloads(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  /** {@code message} as the JSON bytes an actor gets. */
  ByteString write(Object message) {
    if (message instanceof String json) {
      return ByteString.copyFrom(json, StandardCharsets.UTF_8);
    }
    try {
      return ByteString.copyFrom(mapper.writeValueAsBytes(message));
    } catch (JsonProcessingException e) {
      throw new TroupeClientException(
          Status.Code.INVALID_ARGUMENT,
          "",
          "cannot write the message ("
              + message.getClass().getName()
              + ") as JSON: "
              + e.getOriginalMessage(),
          e);
    }
  }

  /** The JSON bytes an actor answered with, read as {@code type}. */
  <T> T read(ByteString json, Class<T> type) {
    if (type == String.class) {
      // JSON text, as the untyped calls give it; a JSON string comes with its quotes
      return type.cast(json.toStringUtf8());
    }
    try {
      return mapper.readValue(json.newInput(), type);
    } catch (IOException e) {
      String shown =
          json.size() > 200 ? json.substring(0, 200).toStringUtf8() + "…" : json.toStringUtf8();
      throw new TroupeClientException(
          Status.Code.INVALID_ARGUMENT,
          "",
          "cannot read the actor's JSON "
              + shown
              + " as "
              + type.getSimpleName()
              + ": "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()),
          e);
    }
  }
}

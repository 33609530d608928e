package io.troupe.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.LimitExceededException;
import io.troupe.home.ActorSummary;
import io.troupe.manifest.Limits;
import io.troupe.proto.v1.ActorDescription;
import java.io.IOException;
import java.util.Locale;
import java.util.UUID;

/** Troupe's values as the client API's messages, and back. */
final class Protos {
  private final ObjectMapper mapper;

  Protos(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  static ActorDescription description(ActorSummary s) {
    return ActorDescription.newBuilder()
        .setId(s.id().value())
        .setName(s.name() == null ? "" : s.name())
        .setNode(s.home().name())
        .setEpoch(s.epoch())
        .setStatus(s.status().name().toLowerCase(Locale.ROOT))
        .setChainLength(s.chainLength())
        .setHead(ByteString.copyFrom(s.head().toBytes()))
        .setModule(s.module() == null ? "" : s.module())
        .setParent(s.parent().map(ActorId::value).orElse(""))
        .build();
  }

  static io.troupe.proto.v1.ChainEvent event(ChainEvent e) {
    return io.troupe.proto.v1.ChainEvent.newBuilder()
        .setActor(e.actor())
        .setSeq(e.seq())
        .setParent(ByteString.copyFrom(e.parent().toBytes()))
        .setType(e.type())
        .setTimestamp(e.timestamp())
        .setData(ByteString.copyFrom(e.data()))
        .setHash(ByteString.copyFrom(e.hash().toBytes()))
        .build();
  }

  /** The client's message id (kept across its retries), or a fresh one. */
  static String messageId(String given) {
    if (given.length() > 128) {
      throw InvalidArgumentException.inField(
          "message_id", new InvalidArgumentException("message_id is longer than 128 characters"));
    }
    return given.isEmpty() ? UUID.randomUUID().toString() : given;
  }

  static ActorId id(String id) {
    try {
      if (id == null || id.isEmpty()) {
        throw new InvalidArgumentException("an actor id is required");
      }
      return ActorId.of(id);
    } catch (InvalidArgumentException e) {
      throw InvalidArgumentException.inField("id", e);
    }
  }

  /** A message's JSON ({@code message_json}), refused with the field named when it is not. */
  JsonNode json(ByteString bytes) {
    try {
      return parse(bytes);
    } catch (InvalidArgumentException e) {
      throw InvalidArgumentException.inField("message_json", e);
    }
  }

  private JsonNode parse(ByteString bytes) {
    if (bytes.isEmpty()) {
      throw new InvalidArgumentException("a JSON message is required");
    }
    if (bytes.size() > Limits.MAX_MESSAGE_BYTES) { // before any parsing
      throw new LimitExceededException(
          "a message of "
              + bytes.size()
              + " bytes is larger than any actor takes ("
              + (Limits.MAX_MESSAGE_BYTES >> 20)
              + " MiB)");
    }
    try (com.fasterxml.jackson.core.JsonParser p =
        mapper.getFactory().createParser(bytes.newInput())) {
      JsonNode value = mapper.readTree(p);
      if (value == null) {
        throw new InvalidArgumentException("a JSON message is required (it was only whitespace)");
      }
      if (trailing(p)) { // "1 2", {"a":1} x: one value only, never silently cut
        var at = p.currentTokenLocation();
        throw new InvalidArgumentException(
            "message is not valid JSON: extra text after the value, at line "
                + at.getLineNr()
                + ", column "
                + at.getColumnNr());
      }
      return value;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidArgumentException("message is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidArgumentException("message is not valid JSON");
    }
  }

  /** Whether anything but whitespace follows the value {@code p} has just read. */
  private static boolean trailing(com.fasterxml.jackson.core.JsonParser p) throws IOException {
    try {
      return p.nextToken() != null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return true; // "[1]]": not a value, but text all the same
    }
  }

  ByteString bytes(JsonNode v) {
    try {
      return ByteString.copyFrom(mapper.writeValueAsBytes(v == null ? mapper.nullNode() : v));
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot serialise: " + e.getMessage());
    }
  }
}

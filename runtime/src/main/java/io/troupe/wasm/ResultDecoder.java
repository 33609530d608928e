package io.troupe.wasm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Decodes a callback's result JSON with a streaming parser, so that the new state is kept byte for
 * byte as the guest wrote it ({@code state_sha256} is over those exact bytes).
 */
final class ResultDecoder {
  private final ObjectMapper mapper;
  private final JsonFactory factory;

  ResultDecoder(ObjectMapper mapper) {
    this.mapper = mapper;
    this.factory = mapper.getFactory();
  }

  /** Decodes {@code bytes}; a malformed result is an {@link AbiViolation}. */
  GuestResult decode(byte[] bytes) {
    try (JsonParser p = factory.createParser(bytes)) {
      expect(p.nextToken() == JsonToken.START_OBJECT, "a JSON object");
      expect(p.nextToken() == JsonToken.FIELD_NAME, "one field, Ok or Err");
      String tag = p.currentName();
      GuestResult result;
      if ("Ok".equals(tag)) {
        result = ok(p, bytes);
      } else if ("Err".equals(tag)) {
        expect(p.nextToken() == JsonToken.VALUE_STRING, "Err to be a string");
        result = new GuestResult.Err(p.getText());
      } else {
        throw new AbiViolation(
            "result must be {\"Ok\":[...]} or {\"Err\":\"...\"}, found field '" + tag + "'");
      }
      expect(p.nextToken() == JsonToken.END_OBJECT, "exactly one field, Ok or Err");
      expect(p.nextToken() == null, "nothing after the result object");
      return result;
    } catch (IOException e) {
      throw new AbiViolation("result is not valid JSON: " + e.getMessage());
    }
  }

  private GuestResult ok(JsonParser p, byte[] bytes) throws IOException {
    expect(p.nextToken() == JsonToken.START_ARRAY, "Ok to be an array [state, result]");
    JsonToken first = p.nextToken();
    expect(first != null && first != JsonToken.END_ARRAY, "Ok to hold at least the state");
    Optional<byte[]> state;
    if (first == JsonToken.VALUE_NULL) {
      state = Optional.empty();
    } else {
      int start = (int) p.currentTokenLocation().getByteOffset();
      if (first.isStructStart()) {
        p.skipChildren();
      } else {
        p.finishToken();
      }
      int end = (int) p.currentLocation().getByteOffset();
      state = Optional.of(Arrays.copyOfRange(bytes, start, end));
    }
    JsonNode value = null;
    JsonToken next = p.nextToken();
    if (next != JsonToken.END_ARRAY) {
      expect(next != null, "Ok's array to be closed");
      value = mapper.readTree(p);
      expect(p.nextToken() == JsonToken.END_ARRAY, "Ok to hold at most [state, result]");
    }
    return new GuestResult.Ok(state, value);
  }

  private static void expect(boolean ok, String what) {
    if (!ok) {
      throw new AbiViolation("malformed result: expected " + what);
    }
  }
}

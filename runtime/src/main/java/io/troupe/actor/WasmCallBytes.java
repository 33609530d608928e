package io.troupe.actor;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.error.InvalidArgumentException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The byte-level half of {@link EventCodec} for {@code wasm.call}, the event of every turn: it
 * writes and reads the params tuple without parsing it again. Only {@link EventCodec} uses it; the
 * output is byte for byte what the tree writer makes (EventCodecTest compares them).
 */
final class WasmCallBytes {
  private final ObjectMapper mapper;

  WasmCallBytes(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * The data of a {@code wasm.call}, with the params tuple spliced in exactly as the caller
   * serialised it (a turn's hot path: the params are not parsed again).
   */
  byte[] encode(
      String function, Optional<String> messageId, Optional<ActorId> sender, byte[] params) {
    var out = new ByteArrayOutputStream(64 + params.length);
    out.writeBytes(CALL_FUNCTION);
    quoted(out, function);
    if (messageId.isPresent()) {
      out.writeBytes(CALL_MESSAGE_ID);
      quoted(out, messageId.get());
      out.writeBytes(CALL_SENDER);
      if (sender.isPresent()) {
        quoted(out, sender.get().value());
      } else {
        out.writeBytes(NULL);
      }
    }
    out.writeBytes(CALL_PARAMS);
    out.writeBytes(params);
    out.write('}');
    return out.toByteArray();
  }

  private static final byte[] CALL_FUNCTION = ascii("{\"function\":");
  private static final byte[] CALL_MESSAGE_ID = ascii(",\"message_id\":");
  private static final byte[] CALL_SENDER = ascii(",\"sender\":");
  private static final byte[] CALL_PARAMS = ascii(",\"params\":");
  private static final byte[] NULL = ascii("null");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code s} as a JSON string, escaped as Jackson writes it. */
  private void quoted(ByteArrayOutputStream out, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) { // rare: as the tree writer does it
        out.writeBytes(
            mapper.getNodeFactory().textNode(s).toString().getBytes(StandardCharsets.UTF_8));
        return;
      }
    }
    out.write('"');
    out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(s));
    out.write('"');
  }

  /**
   * The params tuple of a {@code wasm.call} byte for byte as the chain holds it (what the guest was
   * given), not parsed and written again.
   *
   * @throws InvalidArgumentException when {@code e} is not a {@code wasm.call} with params
   */
  byte[] rawParams(ChainEvent e) {
    byte[] data = e.data();
    try (var p = mapper.getFactory().createParser(data)) {
      if (e.type().equals(EventTypes.WASM_CALL) && p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          boolean params = p.currentName().equals("params");
          p.nextToken();
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          p.finishToken(); // a string is read lazily: its end is known only once read
          if (params) {
            int end = (int) p.currentLocation().getByteOffset();
            return Arrays.copyOfRange(data, start, end);
          }
        }
      }
    } catch (IOException ex) {
      // reported below
    }
    throw new InvalidArgumentException(
        "event " + e.seq() + " of actor " + e.actor() + " is not a wasm.call with params");
  }
}

package io.troupe.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Chain v1 export format: JSON lines, one event per line in seq order, with {@code parent} and
 * {@code hash} as lower-case hex and {@code data} as base64.
 */
public final class ChainCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChainCodec() {}

  /** One event as its export line (without the newline). */
  public static String toLine(ChainEvent e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("actor", e.actor());
    o.put("seq", e.seq());
    o.put("parent", e.parent().toHex());
    o.put("type", e.type());
    o.put("timestamp", e.timestamp());
    o.put("data", Base64.getEncoder().encodeToString(e.data()));
    o.put("hash", e.hash().toHex());
    return o.toString();
  }

  public static void write(List<ChainEvent> events, Writer out) throws IOException {
    for (ChainEvent e : events) {
      out.write(toLine(e));
      out.write('\n');
    }
    out.flush();
  }

  /**
   * Reads an export. Blank lines are skipped. A line that is not a well-formed event fails with a
   * {@link MalformedChainException} naming the line number; the hashes are <em>not</em> checked
   * here (that is {@link ChainVerifier}'s job), so a tampered file still parses.
   */
  public static List<ChainEvent> read(Reader in) {
    List<ChainEvent> events = new ArrayList<>();
    BufferedReader reader = new BufferedReader(in);
    int lineNo = 0;
    try {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNo++;
        if (!line.isBlank()) {
          events.add(fromLine(line, lineNo));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return events;
  }

  private static ChainEvent fromLine(String line, int lineNo) {
    try {
      JsonNode o = JSON.readTree(line);
      return new ChainEvent(
          text(o, "actor"),
          number(o, "seq"),
          EventHash.fromHex(text(o, "parent")),
          text(o, "type"),
          number(o, "timestamp"),
          Base64.getDecoder().decode(text(o, "data")),
          EventHash.fromHex(text(o, "hash")));
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedChainException("line " + lineNo + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' must be a string");
    }
    return v.asText();
  }

  private static long number(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("field '" + field + "' must be an integer");
    }
    return v.asLong();
  }

  /** An export line that cannot be read as an event. */
  public static final class MalformedChainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedChainException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

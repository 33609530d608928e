package io.troupe.chain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

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
    try (JsonParser p = JSON.getFactory().createParser(in)) {
      readAll(p, events::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return events;
  }

  /**
   * Reads an export as a stream, in constant memory, handing each event to {@code each} until it
   * answers false; what {@link #read(Reader)} refuses, this refuses when it gets there.
   */
  public static void read(InputStream in, Predicate<ChainEvent> each) {
    try (JsonParser p = JSON.getFactory().createParser(in)) {
      readAll(p, each);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void readAll(JsonParser p, Predicate<ChainEvent> each) throws IOException {
    while (true) {
      JsonToken t;
      try {
        t = p.nextToken();
      } catch (JsonProcessingException e) {
        throw malformed(p, e.getOriginalMessage(), e);
      }
      if (t == null) {
        return;
      }
      if (t != JsonToken.START_OBJECT) {
        throw malformed(p, "an event is a JSON object, found " + t.asString(), null);
      }
      if (!each.test(event(p))) {
        return;
      }
    }
  }

  /** One event, its fields in any order (others ignored); the parser at its START_OBJECT. */
  private static ChainEvent event(JsonParser p) throws IOException {
    int line = p.currentLocation().getLineNr();
    String actor = null;
    String type = null;
    Long seq = null;
    Long timestamp = null;
    EventHash parent = null;
    EventHash hash = null;
    byte[] data = null;
    try {
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "actor" -> actor = string(p, v, field);
          case "type" -> type = string(p, v, field);
          case "seq" -> seq = integer(p, v, field);
          case "timestamp" -> timestamp = integer(p, v, field);
          case "parent" -> parent = EventHash.fromHex(string(p, v, field));
          case "hash" -> hash = EventHash.fromHex(string(p, v, field));
          case "data" -> {
            string(p, v, field);
            data = Base64.getDecoder().decode(p.getText());
          }
          default -> p.skipChildren();
        }
      }
      return new ChainEvent(
          required(actor, "actor", "a string"),
          required(seq, "seq", "an integer"),
          required(parent, "parent", "a string"),
          required(type, "type", "a string"),
          required(timestamp, "timestamp", "an integer"),
          required(data, "data", "a string"),
          required(hash, "hash", "a string"));
    } catch (JsonProcessingException e) {
      throw new MalformedChainException("line " + line + ": " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new MalformedChainException("line " + line + ": " + e.getMessage(), e);
    }
  }

  private static String string(JsonParser p, JsonToken v, String field) throws IOException {
    if (v != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw new IllegalArgumentException("field '" + field + "' must be a string");
    }
    return p.getText();
  }

  private static long integer(JsonParser p, JsonToken v, String field) throws IOException {
    if (v != JsonToken.VALUE_NUMBER_INT) {
      p.skipChildren();
      throw new IllegalArgumentException("field '" + field + "' must be an integer");
    }
    return p.getLongValue();
  }

  private static <T> T required(T value, String field, String what) {
    if (value == null) {
      throw new IllegalArgumentException("field '" + field + "' must be " + what);
    }
    return value;
  }

  private static MalformedChainException malformed(JsonParser p, String why, Throwable cause) {
    return new MalformedChainException(
        "line " + p.currentLocation().getLineNr() + ": " + why, cause);
  }

  /** An export line that cannot be read as an event. */
  public static final class MalformedChainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedChainException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

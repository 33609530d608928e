package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.ChainEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an actor's committed chain says, read in one pass: the state hash it last recorded, the
 * messages it handled (and their answers), the requests it still owes, the operations it left open
 * and the results it recorded but did not hand to {@code handle-result}. A new home continues an
 * actor from this value; the actor's ledger and its operations each take their part.
 *
 * @param length the number of events read
 * @param lastState the state hash the chain last recorded (empty for none)
 * @param module the sha256 of the module the chain last named (its start, an upgrade, or a
 *     checkpoint; empty for none)
 * @param answered messages handled, by message id, with their answers (the most recent {@link
 *     Ledger#REMEMBERED})
 * @param owed requests whose turn deferred the answer and that are not answered yet
 * @param open operations started and not completed
 * @param undelivered results recorded ({@code {"Ok": …}} or {@code {"Err": …}}) but not handed to
 *     handle-result, by op id
 */
public record History(
    long length,
    Optional<String> lastState,
    Optional<String> module,
    Map<String, Answer> answered,
    Set<String> owed,
    List<OpenOperation> open,
    Map<String, ObjectNode> undelivered) {

  /**
   * The answer to a handled message: a value (null for none), or the reason it was cancelled; and
   * the digest of the message it answered ({@link #digest}), so that a retry is told from a new
   * message that reuses its id (empty when the record predates digests).
   */
  public record Answer(JsonNode value, Optional<String> cancelled, Optional<String> asked) {
    public Answer(JsonNode value, Optional<String> cancelled) {
      this(value, cancelled, Optional.empty());
    }

    static Answer of(JsonNode value, String asked) {
      return new Answer(value, Optional.empty(), Optional.ofNullable(asked));
    }

    /** Whether a delivery whose digest is {@code digest} may be answered with this. */
    boolean answers(String digest) {
      return asked.isEmpty() || asked.get().equals(digest);
    }

    /** The error a retry gets: the cancellation, or null when the answer is a value. */
    Throwable error() {
      return cancelled.map(io.troupe.error.CancelledException::new).orElse(null);
    }
  }

  /**
   * An operation the chain shows started and not completed; {@code worker} is the node a dispatched
   * one was last placed on (empty for work its home ran itself).
   */
  public record OpenOperation(
      String opId,
      String kind,
      JsonNode request,
      Instant startedAt,
      Optional<String> worker,
      boolean idempotent,
      long deadlineMillis) {
    OpenOperation placedOn(String node) {
      return new OpenOperation(
          opId, kind, request, startedAt, Optional.of(node), idempotent, deadlineMillis);
    }
  }

  public History {
    answered = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(answered));
    owed = Set.copyOf(owed);
    open = List.copyOf(open);
    undelivered = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(undelivered));
  }

  /** The history of an actor that has none yet. */
  public static History empty() {
    return new History(
        0, Optional.empty(), Optional.empty(), Map.of(), Set.of(), List.of(), Map.of());
  }

  /**
   * Answers a checkpoint carries: the most recent ones (a retry comes soon, or not at all), as many
   * as the home remembers ({@value Ledger#REMEMBERED}) while they come to at most this many bytes,
   * so that a checkpoint stays a small event whatever the actor answers.
   */
  static final int ANSWER_BYTES_IN_A_CHECKPOINT = 1 << 20;

  /** This history as a checkpoint event: a new home needs nothing before it. */
  public Event.Checkpoint checkpoint() {
    List<Map.Entry<String, Answer>> newestFirst = new java.util.ArrayList<>(answered.entrySet());
    java.util.Collections.reverse(newestFirst);
    int bytes = 0;
    int take = 0;
    for (Map.Entry<String, Answer> e : newestFirst) {
      bytes += e.getKey().length() + size(e.getValue());
      if (take == Ledger.REMEMBERED || bytes > ANSWER_BYTES_IN_A_CHECKPOINT) {
        break;
      }
      take++;
    }
    Map<String, Answer> recent = new LinkedHashMap<>();
    for (int i = take - 1; i >= 0; i--) {
      recent.put(newestFirst.get(i).getKey(), newestFirst.get(i).getValue());
    }
    Map<String, JsonNode> results = new LinkedHashMap<>(undelivered);
    return new Event.Checkpoint(lastState, module, recent, owed, open, results);
  }

  private static int size(Answer a) {
    return (a.value() == null ? 4 : a.value().toString().length())
        + a.cancelled().map(String::length).orElse(0)
        + a.asked().map(String::length).orElse(0);
  }

  /**
   * The digest of a message handled by {@code callback} (send or request): 128 bits of the SHA-256
   * of the callback's name and the message's JSON, the same whether the message comes from a client
   * or is read back from the chain.
   */
  static String digest(String callback, JsonNode message) {
    java.security.MessageDigest sha = io.troupe.chain.Sha256.digest();
    sha.update(callback.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(compactJson(message));
    return java.util.HexFormat.of().formatHex(sha.digest(), 0, 16);
  }

  /** Compact JSON in UTF-8, characters outside the BMP as themselves (as in a String's bytes). */
  private static final com.fasterxml.jackson.databind.ObjectWriter COMPACT =
      new com.fasterxml.jackson.databind.ObjectMapper(
              com.fasterxml.jackson.core.JsonFactory.builder()
                  .enable(
                      com.fasterxml.jackson.core.json.JsonWriteFeature
                          .COMBINE_UNICODE_SURROGATES_IN_UTF8)
                  .build())
          .writer();

  /** {@code String.valueOf(message)} as UTF-8, written straight to bytes. */
  private static byte[] compactJson(JsonNode message) {
    if (message == null || message.isMissingNode()) {
      return String.valueOf(message).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    try {
      byte[] fast = COMPACT.writeValueAsBytes(message);
      if (!escapesSurrogate(fast)) {
        return fast;
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // not expected of a tree; the slow form then
    }
    // a lone surrogate: the generator escapes it, a String's bytes make it '?'
    return message.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Whether {@code json} holds a {@code \\uD800}–{@code \\uDFFF} escape (or looks like one). */
  private static boolean escapesSurrogate(byte[] json) {
    for (int i = 0; i + 3 < json.length; i++) {
      if (json[i] == '\\'
          && json[i + 1] == 'u'
          && (json[i + 2] | 0x20) == 'd'
          && "89abAB".indexOf(json[i + 3]) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Reads {@code events} (a chain from its genesis, or from a checkpoint, in seq order) once. */
  public static History read(List<ChainEvent> events, EventCodec codec) {
    Reader r = new Reader(codec);
    events.forEach(r::accept);
    return r.result(events.isEmpty() ? 0 : events.get(events.size() - 1).seq() + 1);
  }

  /** One pass over a chain; see {@link History}. */
  private static final class Reader {
    private final EventCodec codec;
    private Optional<String> lastState = Optional.empty();
    private Optional<String> module = Optional.empty();
    private final Map<String, Answer> answered = Ledger.bounded();

    /** Requests owed, with the digest of each (empty when unknown). */
    private final Map<String, String> owed = Ledger.bounded();

    private final Map<String, OpenOperation> open = new LinkedHashMap<>();
    private final Map<String, ObjectNode> undelivered = new LinkedHashMap<>();
    private Event.Call pendingCall;

    Reader(EventCodec codec) {
      this.codec = codec;
    }

    void accept(ChainEvent e) {
      Event event = codec.decode(e);
      if (event instanceof Event.Started s) {
        lastState = s.initStateSha256();
        module = Optional.of(s.moduleSha256());
      } else if (event instanceof Event.Upgraded u) {
        module = Optional.of(u.moduleSha256());
      } else if (event instanceof Event.Call c) {
        pendingCall = c.handlesMessage() ? c : null;
        if (c.function().equals(Callbacks.HANDLE_RESULT)) {
          undelivered.remove(c.params().path(0).asText());
        }
      } else if (event instanceof Event.Result res) {
        lastState = res.stateSha256();
        handled(res);
      } else if (event instanceof Event.Error) {
        pendingCall = null;
      } else if (event instanceof Event.HostCall h) {
        settled(h, e.actor());
      } else if (event instanceof Event.AsyncStarted s) {
        open.put(
            s.opId(),
            new OpenOperation(
                s.opId(),
                s.kind(),
                s.request(),
                Instant.ofEpochMilli(e.timestamp()),
                s.worker(),
                s.idempotent(),
                s.deadlineMillis()));
      } else if (event instanceof Event.AsyncPlaced p) {
        open.computeIfPresent(p.opId(), (id, o) -> o.placedOn(p.worker()));
      } else if (event instanceof Event.AsyncCompleted c) {
        open.remove(c.opId());
        undelivered.put(c.opId(), codec.outcome(c));
      } else if (event instanceof Event.Stopped) {
        owed.clear(); // a stop fails what the actor owed
        open.clear(); // ...and what was pending, handing none of it to handle-result
        undelivered.clear();
      } else if (event instanceof Event.Restarted r) {
        lastState = r.stateSha256();
        open.clear();
        undelivered.clear();
      } else if (event instanceof Event.Moved m) {
        lastState = m.stateSha256();
      } else if (event instanceof Event.Checkpoint c) {
        // everything before it is in it
        lastState = c.stateSha256();
        if (c.moduleSha256().isPresent()) {
          module = c.moduleSha256();
        }
        answered.clear();
        answered.putAll(c.answered());
        owed.clear();
        c.owed().forEach(id -> owed.put(id, ""));
        open.clear();
        c.open().forEach(o -> open.put(o.opId(), o));
        undelivered.clear();
        c.undelivered().forEach((id, r) -> undelivered.put(id, (ObjectNode) r));
        pendingCall = null;
      }
    }

    /** The turn that handled a message ended: its answer, or (a deferred request) a debt. */
    private void handled(Event.Result res) {
      Event.Call call = pendingCall;
      pendingCall = null;
      if (call == null) {
        return;
      }
      String id = call.messageId().orElseThrow();
      boolean request = call.function().equals(Callbacks.HANDLE_REQUEST);
      String asked = digest(call.function(), call.params().path(request ? 1 : 0));
      if (request && res.result().isNull()) {
        owed.put(id, asked);
      } else {
        answered.put(id, Answer.of(res.result().isNull() ? null : res.result(), asked));
        owed.remove(id);
      }
    }

    /** A successful respond-to-request or cancel-request settles a deferred request. */
    private void settled(Event.HostCall h, String actor) {
      boolean respond = h.function().equals(Ledger.RESPOND_TO_REQUEST);
      if (!h.succeeded() || !(respond || h.function().equals(Ledger.CANCEL_REQUEST))) {
        return;
      }
      String id = h.input().path(0).asText();
      String asked = owed.remove(id);
      if (asked != null) {
        Optional<String> digest = asked.isEmpty() ? Optional.empty() : Optional.of(asked);
        answered.put(
            id,
            respond
                ? new Answer(h.input().get(1), Optional.empty(), digest)
                : new Answer(null, Optional.of(Ledger.cancelledBy(actor, id)), digest));
      }
    }

    History result(long length) {
      return new History(
          length,
          lastState,
          module,
          answered,
          owed.keySet(),
          List.copyOf(open.values()),
          undelivered);
    }
  }
}

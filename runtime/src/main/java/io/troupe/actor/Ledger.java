package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.CancelledException;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.MessageIdReusedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An actor's exactly-once ledger. It remembers the sends and requests the actor handled, with their
 * answers, so that a retry of one (a client resending after a failover, or after its attempt timed
 * out) is answered from here instead of running again; the requests whose turn deferred the answer,
 * so that a retry waits for the actor's {@code respond-to-request}; and the callers waiting for
 * requests in flight. Rebuilt from the chain's {@link History} when the actor moves.
 */
final class Ledger {
  /** Handled messages remembered per actor (the most recent). */
  static final int REMEMBERED = 4096;

  static final String RESPOND_TO_REQUEST = "troupe:actor/message-server-host.respond-to-request";
  static final String CANCEL_REQUEST = "troupe:actor/message-server-host.cancel-request";

  private final ActorId actor;

  /** Handled messages by id, with their answers. Guarded by itself. */
  private final Map<String, History.Answer> answered = bounded();

  /**
   * Requests deferred and not answered yet, with their digests ("" when unknown). Guarded by {@link
   * #answered}.
   */
  private final Map<String, String> deferred = bounded();

  /** Requests the actor has seen and not answered, with their callers' futures. */
  private final Map<String, CompletableFuture<JsonNode>> outstanding = new ConcurrentHashMap<>();

  /** The request the running turn handles; its turn settles it, even if the actor stops. */
  private String inTurn;

  Ledger(ActorId actor, History history) {
    this.actor = actor;
    answered.putAll(history.answered());
    history.owed().forEach(id -> deferred.put(id, ""));
  }

  static <V> Map<String, V> bounded() {
    return new LinkedHashMap<>(64, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }

  static String cancelledBy(String actor, String requestId) {
    return "request " + requestId + " cancelled by actor " + actor;
  }

  /**
   * The recorded answer to {@code d} when it is a send or request handled already, else null.
   *
   * @throws MessageIdReusedException when the id was used for a different message
   */
  History.Answer answerTo(Delivery d) {
    if (!(d instanceof Delivery.Send || d instanceof Delivery.Request)) {
      return null;
    }
    History.Answer a;
    synchronized (answered) {
      a = answered.get(d.messageId());
    }
    if (a != null && !a.answers(digest(d))) {
      throw reused(d);
    }
    return a;
  }

  /** The digest of a send's or request's message ({@link History#digest}). */
  static String digest(Delivery d) {
    JsonNode message =
        d instanceof Delivery.Send s
            ? s.message()
            : d instanceof Delivery.Request r ? r.message() : null;
    return History.digest(d.callback(), message);
  }

  private MessageIdReusedException reused(Delivery d) {
    return new MessageIdReusedException(
        "message id "
            + d.messageId()
            + " was used for a different message to actor "
            + actor
            + ": a retry must resend the same message, and a new message needs a new id");
  }

  /**
   * In the mailbox: when {@code d} is a retry of a request the actor deferred and has not answered,
   * {@code result} waits for the actor's answer (it becomes the outstanding request's future, or
   * follows it) and this is true.
   */
  boolean owes(Delivery d, CompletableFuture<JsonNode> result) {
    if (!(d instanceof Delivery.Request)) {
      return false;
    }
    String id = d.messageId();
    synchronized (answered) {
      String asked = deferred.get(id);
      if (asked == null) {
        return false;
      }
      if (!asked.isEmpty() && !asked.equals(digest(d))) {
        throw reused(d);
      }
    }
    // a caller still waiting for it keeps waiting, and this one waits with it; a caller that gave
    // up (its future is done, and about to leave the map) is replaced
    CompletableFuture<JsonNode> owed =
        outstanding.compute(
            id, (k, current) -> current == null || current.isDone() ? result : current);
    if (owed == result) {
      result.whenComplete((v, e) -> outstanding.remove(id, result));
    } else {
      owed.whenComplete(
          (v, e) -> {
            if (e != null) {
              result.completeExceptionally(e);
            } else {
              result.complete(v);
            }
          });
    }
    return true;
  }

  /**
   * In the mailbox, as the turn that handles {@code d} begins: a request is owed from the moment
   * the actor sees it, until answered, cancelled or timed out.
   */
  void begin(Delivery d, CompletableFuture<JsonNode> result) {
    if (d instanceof Delivery.Request r && !result.isDone()) {
      outstanding.put(r.messageId(), result);
      result.whenComplete((v, e) -> outstanding.remove(r.messageId(), result));
      inTurn = r.messageId();
    }
  }

  /**
   * In the mailbox, as that turn ends with {@code value}: a send, or a request answered in its
   * turn, is remembered with its answer; a request answered later is remembered as deferred while
   * the actor still runs.
   */
  void end(Delivery d, JsonNode value, boolean running) {
    inTurn = null;
    boolean deferredNow = d instanceof Delivery.Request && value == null;
    if ((d instanceof Delivery.Send || d instanceof Delivery.Request) && !deferredNow) {
      synchronized (answered) {
        answered.put(d.messageId(), History.Answer.of(value, digest(d)));
        deferred.remove(d.messageId());
      }
    } else if (deferredNow && running) {
      synchronized (answered) {
        deferred.put(d.messageId(), digest(d));
      }
    }
  }

  /** The turn failed before it could end: nothing is remembered. */
  void abort() {
    inTurn = null;
  }

  /**
   * The actor answers request {@code requestId} ({@code respond-to-request}).
   *
   * @return the future of the caller waiting right now, if any; the caller releases it
   * @throws InvalidArgumentException when the actor owes no such request
   */
  Optional<CompletableFuture<JsonNode>> respond(String requestId, JsonNode response) {
    CompletableFuture<JsonNode> f = outstanding.remove(requestId);
    // owed even when nobody waits right now (the caller gave up, or the actor moved): a retry of
    // the request gets this answer
    boolean owed = settle(requestId, response, Optional.empty());
    if (f == null && !owed) {
      throw new InvalidArgumentException("no outstanding request " + requestId);
    }
    return Optional.ofNullable(f);
  }

  /** The actor cancels request {@code requestId}: its caller (and any retry) gets an error. */
  void cancel(String requestId) {
    CompletableFuture<JsonNode> f = outstanding.remove(requestId);
    String why = cancelledBy(actor.value(), requestId);
    boolean owed = settle(requestId, null, Optional.of(why));
    if (f == null && !owed) {
      throw new InvalidArgumentException("no outstanding request " + requestId);
    }
    if (f != null) {
      f.completeExceptionally(new CancelledException(why));
    }
  }

  private boolean settle(String id, JsonNode value, Optional<String> cancelled) {
    synchronized (answered) {
      String asked = deferred.remove(id);
      if (asked != null) {
        answered.put(
            id,
            new History.Answer(
                value, cancelled, asked.isEmpty() ? Optional.empty() : Optional.of(asked)));
      }
      return asked != null;
    }
  }

  /** Requests the actor has seen and not answered (whose callers still wait), sorted. */
  List<String> outstanding() {
    return outstanding.entrySet().stream()
        .filter(e -> !e.getValue().isDone())
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /**
   * The actor stopped: it owes nothing any more (not after a restart either); callers waiting for
   * requests fail, except the one whose turn is running (that turn settles it).
   */
  void stopped() {
    synchronized (answered) {
      deferred.clear();
    }
    fail(
        id ->
            new ActorNotRunningException(
                "actor " + actor + " stopped before answering request " + id),
        inTurn);
  }

  /** This copy lost its home: callers fail with {@code why} and retry at the new home. */
  void lost(RuntimeException why) {
    fail(id -> why, null);
  }

  private void fail(java.util.function.Function<String, RuntimeException> why, String except) {
    for (String requestId : List.copyOf(outstanding.keySet())) {
      if (requestId.equals(except)) {
        continue;
      }
      CompletableFuture<JsonNode> f = outstanding.remove(requestId);
      if (f != null) {
        f.completeExceptionally(why.apply(requestId));
      }
    }
  }
}

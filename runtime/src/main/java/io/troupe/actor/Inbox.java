package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.LimitExceededException;
import io.troupe.error.UnavailableException;
import io.troupe.mailbox.Mailbox;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * What comes into an actor: deliveries, the typed call layer's calls and handler events, checked
 * (the actor's status, the callback exported, the message's size, the mailbox's bound) and queued
 * in its mailbox. Deliveries that come while the actor starts or restarts are held and run, in
 * order, once it runs.
 */
final class Inbox {
  private final Actor actor;
  private final Mailbox mailbox;

  /** Deliveries that came while STARTING or RESTARTING; guarded by itself. */
  private final List<Runnable> held = new ArrayList<>();

  Inbox(Actor actor, Mailbox mailbox) {
    this.actor = actor;
    this.mailbox = mailbox;
  }

  Mailbox mailbox() {
    return mailbox;
  }

  /** Queues a delivery; see {@link Recipient#deliver}. */
  CompletableFuture<JsonNode> deliver(Delivery d) {
    checkAccepting(d.callback());
    byte[] params = checkSize(d.params());
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    if (!offer(() -> handle(d, params, result))) {
      result.cancel(false);
      throw mailboxFull();
    }
    return result;
  }

  /** The turn of a delivery: exactly once, through the actor's ledger. */
  private void handle(Delivery d, byte[] params, CompletableFuture<JsonNode> result) {
    Ledger ledger = actor.ledger();
    try {
      History.Answer before = ledger.answerTo(d);
      if (before != null) {
        actor.release(result, before.value(), before.error()); // a retry: from the record
        return;
      }
      if (ledger.owes(d, result)) {
        return; // a retry of a request it deferred: it gets the actor's answer when it comes
      }
      ledger.begin(d, result);
      JsonNode value;
      try {
        value = actor.turns().invoke(d.callback(), params, d);
      } catch (RuntimeException e) {
        ledger.abort();
        throw e;
      }
      boolean running = actor.status() == ActorStatus.RUNNING;
      ledger.end(d, value, running);
      if (!(d instanceof Delivery.Request) || value != null) {
        actor.release(result, value, null);
      } else if (!running) {
        actor.release(
            result,
            null,
            new ActorNotRunningException(
                "actor " + actor.id() + " stopped before answering request " + d.messageId()));
      } // else deferred: respond-to-request completes it
    } catch (RuntimeException e) {
      actor.release(result, null, e);
    }
  }

  /** Queues a call of {@code function} with a params tuple (the typed call layer). */
  CompletableFuture<JsonNode> call(String function, JsonNode params) {
    byte[] bytes = checkSize(params);
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    Runnable turn =
        () -> {
          try {
            actor.release(result, actor.turns().invoke(function, bytes, null), null);
          } catch (RuntimeException e) {
            actor.release(result, null, e);
          }
        };
    if (!offer(turn)) {
      throw mailboxFull();
    }
    return result;
  }

  /** An event for {@code callback} in a later turn (the seed's event queue); see HostContext. */
  CompletableFuture<Void> enqueueEvent(String callback, JsonNode params) {
    checkAccepting(callback);
    byte[] bytes = checkSize(params);
    CompletableFuture<Void> done = new CompletableFuture<>();
    mailbox.offerAlways(
        () -> {
          try {
            actor.turns().callInTurn(callback, bytes, callback);
          } finally {
            done.complete(null);
          }
        });
    return done;
  }

  private void checkAccepting(String callback) {
    ActorStatus s = actor.status();
    if ((s == ActorStatus.RESTARTING || s == ActorStatus.STARTING)
        && held.size() >= mailbox.capacity()) {
      throw mailboxFull();
    }
    if (s == ActorStatus.STOPPED || s == ActorStatus.FAILED) {
      throw new ActorNotRunningException("actor " + actor.id() + " is " + s.name().toLowerCase());
    }
    if (s == ActorStatus.LOST) {
      throw new UnavailableException("actor " + actor.id() + " no longer runs on this node; retry");
    }
    if (!actor.turns().exports(callback)) {
      throw new InvalidArgumentException("actor " + actor.id() + " does not export " + callback);
    }
  }

  private LimitExceededException mailboxFull() {
    return new LimitExceededException(
        "mailbox of actor "
            + actor.id()
            + " is full ("
            + mailbox.capacity()
            + " messages, limits.mailbox_capacity)");
  }

  /** Serialises a params tuple (a list or a JSON array) once, refusing it over the size limit. */
  private byte[] checkSize(Object tuple) {
    byte[] bytes = actor.turns().json(tuple);
    int limit = actor.manifest().limits().maxMessageBytes();
    if (bytes.length > limit) {
      throw new LimitExceededException(
          "message of "
              + bytes.length
              + " bytes to actor "
              + actor.id()
              + " exceeds its limit of "
              + limit
              + " bytes (limits.max_message_bytes)");
    }
    return bytes;
  }

  private boolean offer(Runnable turn) {
    try {
      return mailbox.offer(new Holdable(turn));
    } catch (RejectedExecutionException e) {
      throw new ActorNotRunningException("node is shutting down");
    }
  }

  /**
   * Sets the actor's status, atomically with respect to holding: a delivery that finds the actor
   * STARTING or RESTARTING is held until {@link #releaseHeld}.
   */
  void status(Runnable change) {
    synchronized (held) {
      change.run();
    }
  }

  /** After a start or restart (or when it is abandoned): runs the held deliveries, in order. */
  void releaseHeld() {
    List<Runnable> out;
    synchronized (held) {
      out = List.copyOf(held);
      held.clear();
    }
    out.forEach(mailbox::offerAlways);
  }

  /** A turn that waits for the start or restart when it comes up before either is done. */
  private final class Holdable implements Runnable {
    private final Runnable turn;

    Holdable(Runnable turn) {
      this.turn = turn;
    }

    @Override
    public void run() {
      synchronized (held) {
        ActorStatus s = actor.status();
        if (s == ActorStatus.RESTARTING || s == ActorStatus.STARTING) {
          held.add(this);
          return;
        }
      }
      turn.run();
    }
  }
}

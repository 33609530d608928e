package io.troupe.home;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.actor.ActorId;
import io.troupe.dispatch.Dispatcher;
import io.troupe.error.UnavailableException;
import io.troupe.hosting.Hosting;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the result of work that ran on this node to its actor, wherever the actor lives by then:
 * sent to its current home again and again (finding the home anew each time: the actor may be
 * moving) until the home acknowledges it as durable, for up to {@link #GIVE_UP_AFTER}.
 */
public final class ResultRouter implements Dispatcher.ResultSink {
  private static final Logger log = LoggerFactory.getLogger(ResultRouter.class);
  static final Duration RETRY = Duration.ofMillis(250);
  static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

  private final Placement placement;
  private final Hosting hosting;
  private final Links links;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Executor blocking;
  private final String self;
  private volatile boolean closed;

  /**
   * @param blocking where a send runs (finding the home may read the cluster's records)
   */
  public ResultRouter(
      Placement placement,
      Hosting hosting,
      Links links,
      Clock clock,
      ScheduledExecutorService scheduler,
      Executor blocking,
      String self) {
    this.self = self;
    this.placement = placement;
    this.hosting = hosting;
    this.links = links;
    this.clock = clock;
    this.scheduler = scheduler;
    this.blocking = blocking;
  }

  @Override
  public void deliver(String actor, String opId, JsonNode value, String error) {
    send(
        ActorId.of(actor),
        new OperationResult(opId, value, Optional.ofNullable(error), self),
        clock.millis() + GIVE_UP_AFTER.toMillis());
  }

  /** Stops resending (the node is closing). */
  public void close() {
    closed = true;
  }

  private void send(ActorId actor, OperationResult result, long giveUpAt) {
    if (closed) {
      return;
    }
    CompletableFuture<Void> sent;
    try {
      Placement.Home home = placement.locate(actor);
      if (home instanceof Placement.There there) {
        sent = links.operationResult(there.node(), actor, result);
      } else if (home instanceof Placement.Ended ended) {
        log.debug("result of operation {} dropped: actor {} has ended", result.opId(), actor);
        return; // it stopped, and its stop failed the operation
      } else if (home instanceof Placement.Here) {
        sent =
            hosting.operationResult(
                actor, result.opId(), result.value(), result.error().orElse(null), self);
      } else {
        sent = CompletableFuture.failedFuture(new UnavailableException("no home right now"));
      }
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (v, e) -> {
          if (e == null) {
            return;
          }
          if (io.troupe.error.Errors.unwrap(e)
              instanceof io.troupe.error.PermissionDeniedException refused) {
            log.warn("result of operation {} for {} refused: {}", result.opId(), actor, refused);
            return; // the home has the operation on another worker: resending changes nothing
          }
          if (clock.millis() > giveUpAt) {
            log.warn(
                "result of operation {} for {} not delivered: {}",
                result.opId(),
                actor,
                e.toString());
            return;
          }
          try {
            scheduler.schedule(
                () -> blocking.execute(() -> send(actor, result, giveUpAt)),
                RETRY.toMillis(),
                TimeUnit.MILLISECONDS);
          } catch (RejectedExecutionException closing) {
            log.debug("not resending the result of {}: shutting down", result.opId());
          }
        });
  }
}

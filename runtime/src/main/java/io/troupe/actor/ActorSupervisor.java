package io.troupe.actor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.error.InvalidArgumentException;
import io.troupe.host.Supervisor;
import io.troupe.manifest.Manifest;
import io.troupe.manifest.ManifestParser;
import io.troupe.manifest.Supervision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The supervisor capability of one actor, and its restart policy ({@code [supervision]} in its
 * manifest) applied when a child stops.
 */
final class ActorSupervisor implements Supervisor {
  private static final ManifestParser MANIFESTS = new ManifestParser();
  private final Actor actor;

  ActorSupervisor(Actor actor) {
    this.actor = actor;
  }

  @Override
  public String spawn(String manifestRef, JsonNode initState) {
    ActorId childId = ActorId.of(actor.services().postOffice().newId());
    Manifest manifest = childManifest(manifestRef);
    byte[] init;
    try {
      init =
          initState == null || initState.isNull()
              ? manifest.initState().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null)
              : actor.services().mapper().writeValueAsBytes(initState);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    actor.children().add(childId);
    try {
      return actor
          .context()
          .messenger()
          .parkedOn(
              childId,
              "child " + childId + " to start",
              () ->
                  actor
                      .services()
                      .launcher()
                      .launch(manifest, childId, Optional.of(actor.id()), init)
                      .whenComplete(
                          (h, e) -> {
                            if (e != null) {
                              actor.children().remove(childId);
                            }
                          }))
          .id()
          .value();
    } catch (RuntimeException e) {
      actor.children().remove(childId);
      throw e;
    }
  }

  /**
   * A child's manifest: inline TOML, or a path relative to this actor's manifest's folder; an actor
   * whose manifest a client submitted has no folder on the node, so its children's manifests are
   * inline (with a {@code sha256:} module) and read no file either.
   */
  private Manifest childManifest(String ref) {
    Optional<Path> folder = actor.manifest().folder();
    String source = "manifest spawned by " + actor.manifest().name();
    if (ref.contains("\n") || ref.contains("=")) {
      Manifest m = MANIFESTS.parse(ref, folder.orElse(null), source);
      if (folder.isEmpty() && !m.module().startsWith("sha256:")) {
        throw new io.troupe.error.InvalidManifestException(
            source
                + ": module '"
                + m.module()
                + "' names a file; give the sha256: ref of an uploaded module");
      }
      return m;
    }
    if (folder.isEmpty()) {
      throw new io.troupe.error.InvalidManifestException(
          source
              + ": '"
              + ref
              + "' names a manifest file, which an actor a client started may not read; give the"
              + " child's manifest inline");
    }
    return MANIFESTS.parse(folder.get().resolve(ref).normalize());
  }

  @Override
  public void stopChild(String childId) {
    Actor child = child(childId);
    actor.children().remove(child.id());
    child.enqueueStop("stopped by its parent " + actor.id(), StopCause.PARENT);
  }

  @Override
  public void restartChild(String childId) {
    Actor child = child(childId);
    boolean fresh = actor.manifest().supervision().resume() == Supervision.Resume.FRESH;
    CompletableFuture<Void> done = new CompletableFuture<>();
    child
        .mailbox()
        .offerAlways(
            () -> {
              try {
                child.restart("restart-child by " + actor.id(), fresh, restartCount(child, false));
              } finally {
                done.complete(null);
              }
            });
    actor
        .context()
        .messenger()
        .parkedOn(child.id(), "child " + childId + " to restart", () -> done);
  }

  @Override
  public List<String> listChildren() {
    synchronized (actor.children()) {
      return actor.children().stream().map(ActorId::value).toList();
    }
  }

  @Override
  public JsonNode childState(String childId) {
    return child(childId).context().state().orElse(null);
  }

  @Override
  public JsonNode childEvents(String childId) {
    ArrayNode out = actor.services().mapper().createArrayNode();
    for (ChainEvent e : child(childId).chain().events()) {
      try {
        out.add(actor.services().mapper().readTree(ChainCodec.toLine(e)));
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    return out;
  }

  private Actor child(String childId) {
    ActorId id = ActorId.of(childId);
    if (!actor.children().contains(id)) {
      throw new InvalidArgumentException("actor " + childId + " is not a child of " + actor.id());
    }
    return actor
        .services()
        .residents()
        .local(id)
        .orElseThrow(() -> new InvalidArgumentException("child " + childId + " is gone"));
  }

  /**
   * Called in the child's mailbox as it stops (fault, exit or outside stop), before its new status
   * is visible: applies this parent's policy. A child to be restarted goes straight to RESTARTING,
   * so deliveries that arrive before the restart wait for it instead of failing.
   *
   * @return the restart's number within the window, or 0 for no restart
   */
  int decideRestart(Actor child, StopCause cause) {
    if (actor.status() != ActorStatus.RUNNING || !actor.children().contains(child.id())) {
      return 0;
    }
    Supervision policy = actor.manifest().supervision();
    boolean wanted =
        switch (policy.restart()) {
          case ON_FAILURE -> cause == StopCause.FAULT;
          case ALWAYS -> cause == StopCause.FAULT || cause == StopCause.EXIT;
          case NEVER -> false;
        };
    if (!wanted) {
      return 0;
    }
    int n = restartCount(child, true);
    if (n > policy.maxRestarts()) {
      return 0;
    }
    return n;
  }

  /**
   * Restarts the child after the backoff. Scheduled from the child's side, not the parent's
   * mailbox: the parent may itself be parked waiting on the child.
   */
  void scheduleRestart(Actor child, int n) {
    Supervision policy = actor.manifest().supervision();
    boolean fresh = policy.resume() == Supervision.Resume.FRESH;
    actor
        .services()
        .scheduler()
        .schedule(
            () ->
                child
                    .mailbox()
                    .offerAlways(
                        () -> {
                          if (actor.status() == ActorStatus.RUNNING
                              && actor.children().contains(child.id())) {
                            child.restart("supervisor " + actor.id() + " restart policy", fresh, n);
                          } else {
                            child.stop(
                                ActorStatus.FAILED,
                                "restart abandoned: supervisor " + actor.id() + " is gone",
                                StopCause.PARENT);
                          }
                        }),
            policy.backoffFor(n).toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /**
   * In this (the parent's) mailbox: tells the parent's callback that a child stopped ({@code n}
   * &gt; 0: it is being restarted).
   */
  void onChildStopped(Actor child, StopCause cause, String reason, JsonNode data, int n) {
    boolean restart = n > 0;
    if (actor.status() == ActorStatus.RUNNING && actor.children().contains(child.id())) {
      var mapper = actor.services().mapper();
      switch (cause) {
        case FAULT -> {
          ObjectNode error = mapper.createObjectNode();
          error.put("message", reason);
          error.put("restarting", restart);
          callIfExported(Callbacks.HANDLE_CHILD_ERROR, List.of(child.id().value(), error));
        }
        case EXIT ->
            callIfExported(
                Callbacks.HANDLE_CHILD_EXIT,
                List.of(child.id().value(), data == null ? mapper.nullNode() : data));
        case EXTERNAL ->
            callIfExported(Callbacks.HANDLE_CHILD_EXTERNAL_STOP, List.of(child.id().value()));
        default -> {}
      }
    }
  }

  private void callIfExported(String callback, List<Object> params) {
    if (actor.turns().exports(callback)) {
      actor.turns().callInTurn(callback, params, callback);
    }
  }

  /** Counts a restart of {@code child} in the policy's window; returns its number in the window. */
  private int restartCount(Actor child, boolean count) {
    Deque<Long> times = child.restarts();
    synchronized (times) {
      long now = actor.services().clock().millis();
      long window = actor.manifest().supervision().window().toMillis();
      while (!times.isEmpty() && now - times.peekFirst() > window) {
        times.pollFirst();
      }
      if (count) {
        times.addLast(now);
      }
      return times.size() + (count ? 0 : 1);
    }
  }
}

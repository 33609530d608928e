package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.chain.Chain;
import io.troupe.dispatch.Dispatcher;
import io.troupe.error.ActorNotFoundException;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.InternalException;
import io.troupe.error.InvalidModuleException;
import io.troupe.error.TroupeException;
import io.troupe.hosting.Hosting;
import io.troupe.hosting.Resident;
import io.troupe.hosting.Resumption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runtime's side of {@link Hosting}: carries the cluster's decisions out on this node. */
final class LocalHosting implements Hosting {
  private static final Logger log = LoggerFactory.getLogger(LocalHosting.class);

  private final ActorSystem system;
  private final Residents residents;

  LocalHosting(ActorSystem system, Residents residents) {
    this.system = system;
    this.residents = residents;
  }

  private Services services() {
    return system.services();
  }

  @Override
  public List<Resident> residents() {
    List<Resident> out = new ArrayList<>();
    for (ActorHandle h : residents.list()) {
      if (h.status() != ActorStatus.LOST) {
        out.add(resident(h));
      }
    }
    return out;
  }

  @Override
  public Optional<Resident> resident(ActorId id) {
    return residents.find(id).filter(h -> h.status() != ActorStatus.LOST).map(this::resident);
  }

  private Resident resident(ActorHandle h) {
    return new Resident(h.id(), h.status(), h.parent(), h.actor().epoch());
  }

  @Override
  public CompletableFuture<Void> resume(Resumption r) {
    Actor actor;
    ActorHandle handle;
    try {
      Chain chain = verified(r);
      History history = History.read(r.history(), services().events());
      byte[] init =
          r.manifest().initState().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
      actor =
          system.newActor(
              system.policy().clamp(r.manifest()),
              r.id(),
              r.parent(),
              init,
              r.epoch(),
              chain,
              history);
      checkModule(r, history, actor.turns().moduleSha256());
      handle = system.handle(actor);
      residents.addMovedIn(handle);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> resumed = new CompletableFuture<>();
    actor
        .mailbox()
        .offerAlways(
            () -> {
              try {
                actor.resume(r.state(), r.fromNode(), r.reason());
                actor.release(resumed, null, null);
              } catch (RuntimeException e) {
                residents.remove(handle);
                resumed.completeExceptionally(e);
              }
            });
    return resumed;
  }

  /**
   * The module an actor goes on with must be the one its chain last named (its start, its latest
   * upgrade or its latest checkpoint, whichever the history held here has last): a record or module
   * store altered behind the chain's back is not run.
   */
  private static void checkModule(Resumption r, History history, String loaded) {
    history
        .module()
        .filter(named -> !named.equals(loaded))
        .ifPresent(
            named -> {
              throw new InvalidModuleException(
                  "actor "
                      + r.id()
                      + " cannot move here: its module (sha256 "
                      + loaded
                      + ") is not the one its chain names (sha256 "
                      + named
                      + ")");
            });
  }

  /** The chain the actor goes on from; it must verify. */
  private static Chain verified(Resumption r) {
    try {
      return Chain.resume(r.id().value(), r.history());
    } catch (IllegalArgumentException e) {
      throw new InternalException("actor " + r.id() + " cannot move here: " + e.getMessage());
    }
  }

  @Override
  public CompletableFuture<Long> handOff(ActorId id) {
    Optional<ActorHandle> found = residents.find(id);
    if (found.isEmpty()) {
      return CompletableFuture.failedFuture(new ActorNotFoundException("no actor " + id));
    }
    ActorHandle h = found.get();
    Actor a = h.actor();
    CompletableFuture<Long> done = new CompletableFuture<>();
    a.mailbox()
        .offerAlways(
            () -> {
              if (a.status() != ActorStatus.RUNNING) {
                done.completeExceptionally(
                    new ActorNotRunningException(
                        "actor " + id + " is " + a.status().name().toLowerCase()));
                return;
              }
              // gone from here first; then, once what it recorded is durable, the caller may
              // tell the cluster
              a.handOff();
              residents.remove(h);
              services().postOffice().closeChannelsOf(id, "actor " + id + " moved");
              a.recorder()
                  .durable()
                  .whenComplete(
                      (v, e) -> {
                        if (e != null) {
                          done.completeExceptionally(e);
                        } else {
                          done.complete(a.epoch());
                        }
                      });
            });
    return done;
  }

  @Override
  public void handOffAll(Duration within) {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (ActorHandle h : residents.list()) {
      Actor a = h.actor();
      CompletableFuture<Void> f = new CompletableFuture<>();
      a.mailbox()
          .offerAlways(
              () -> {
                a.recorder().durable().whenComplete((v, e) -> f.complete(null));
                a.handOff();
              });
      done.add(f);
    }
    try {
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
          .get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // best effort: what was not durable in time is not acknowledged either
    }
    residents.clear();
  }

  @Override
  public void loseAll(TroupeException why) {
    for (ActorHandle h : residents.list()) {
      residents.lose(h.actor(), why);
    }
  }

  @Override
  public Set<ActorId> lostCopies() {
    return residents.lostCopies();
  }

  @Override
  public void forgetLost(ActorId id) {
    residents.forgetLost(id);
  }

  @Override
  public CompletableFuture<JsonNode> deliver(Delivery d, ChannelListener back) {
    Actor actor =
        residents
            .local(d.target())
            .orElseThrow(
                () ->
                    new ActorNotFoundException(
                        "no actor " + d.target() + " on node " + services().nodeName()));
    return services().postOffice().deliverFromRemote(actor, d, back);
  }

  @Override
  public void channelBack(
      String channelId, ActorId from, Optional<JsonNode> message, String closeReason) {
    PostOffice.End end = new PostOffice.ActorEnd(from);
    if (message.isPresent()) {
      services().postOffice().sendOnChannel(end, channelId, message.get());
    } else {
      services().postOffice().closeChannel(end, channelId, closeReason);
    }
  }

  @Override
  public CompletableFuture<Void> operationResult(
      ActorId id, String opId, JsonNode value, String error, String worker) {
    Optional<Actor> actor = residents.local(id);
    if (actor.isEmpty()) {
      return CompletableFuture.failedFuture(
          new ActorNotFoundException("no actor " + id + " on node " + services().nodeName()));
    }
    return actor.get().operations().arrived(opId, value, error, worker);
  }

  @Override
  public Dispatcher dispatcher() {
    return services().dispatcher();
  }

  /** A node alone: dispatched results go to its own actors. */
  void resultHere(String actor, String opId, JsonNode value, String error) {
    operationResult(ActorId.of(actor), opId, value, error, services().nodeName())
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.debug("result of operation {} for {} dropped: {}", opId, actor, e.toString());
              }
            });
  }

  /**
   * The dispatcher moved an operation of an actor here to another worker: the actor records where
   * it runs now. An actor that moved away meanwhile is not told (its new home watches the worker
   * its chain names, until the operation's deadline).
   */
  void placedHere(String actor, String opId, String worker) {
    residents.local(ActorId.of(actor)).ifPresent(a -> a.operations().placed(opId, worker));
  }
}

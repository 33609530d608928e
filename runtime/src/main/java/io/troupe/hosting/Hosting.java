package io.troupe.hosting;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.actor.ActorId;
import io.troupe.actor.ChannelListener;
import io.troupe.actor.Delivery;
import io.troupe.dispatch.Dispatcher;
import io.troupe.error.TroupeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What a cluster asks of the runtime on its node: the runtime's service-provider interface for
 * placement and failover. A node alone never uses it. The cluster decides where actors live; this
 * interface carries out its decisions on this node with the three lifecycle verbs that Troupe uses
 * at every level:
 *
 * <ul>
 *   <li><b>stop</b> — a recorded end ({@code actor.stopped}); not here: stops are the actor's own
 *       or a client's, through {@link io.troupe.actor.ActorSystem#stop}.
 *   <li><b>hand off</b> — an unrecorded leave: the copy here stops taking deliveries once what it
 *       recorded is durable, and another home continues from its chain.
 *   <li><b>lose</b> — fenced out: another home took over (or this node is cut off); the copy here
 *       stops at once and records nothing more.
 * </ul>
 *
 * <p>Besides, it continues actors that move here ({@link #resume}) and takes what peers send: a
 * delivery for an actor of this node, channel traffic back from one, the result of dispatched work.
 */
public interface Hosting {
  /** The actors whose copy runs here (any status but lost). */
  List<Resident> residents();

  /** Actor {@code id}'s copy here, when it has one that is not lost. */
  Optional<Resident> resident(ActorId id);

  /**
   * Continues an actor here that ran elsewhere, from its committed history: records {@code
   * actor.moved} and resumes the operations the history shows open.
   *
   * @return completes once {@code actor.moved} is durable
   * @throws TroupeException (in the future) when the module or handlers cannot be loaded, the
   *     history does not verify, the state does not match it, or a live copy runs here already
   */
  CompletableFuture<Void> resume(Resumption resumption);

  /**
   * Hands actor {@code id} off: the deliveries queued before this call run first, then the copy
   * stops taking deliveries (they fail as unavailable, so callers retry at the new home).
   *
   * @return completes with the actor's epoch once everything it recorded is durable
   */
  CompletableFuture<Long> handOff(ActorId id);

  /** Hands every actor off, waiting up to {@code within} for what they recorded to be durable. */
  void handOffAll(Duration within);

  /** This node is out of the cluster (or of its majority): every copy here is lost. */
  void loseAll(TroupeException why);

  /**
   * The actors whose copy this node lost and has not resumed since: if their record still names
   * this node, nobody took them over, and this node should take them back once it can.
   */
  Set<ActorId> lostCopies();

  /** Actor {@code id}'s lost copy is no concern of this node's any more (it lives elsewhere). */
  void forgetLost(ActorId id);

  /**
   * A delivery from another node for an actor of this one. A channel that the actor accepts is
   * registered with {@code back} as its far end.
   *
   * @throws io.troupe.error.ActorNotFoundException when the actor has no copy here
   */
  CompletableFuture<JsonNode> deliver(Delivery delivery, ChannelListener back);

  /**
   * Channel traffic from an actor on another node, for a channel opened here: {@code message} from
   * actor {@code from}, or the channel's close ({@code message} empty).
   */
  void channelBack(String channelId, ActorId from, Optional<JsonNode> message, String reason);

  /**
   * The result (or {@code error}) of dispatched operation {@code opId} of actor {@code actor}, from
   * the node that ran it.
   *
   * @return completes once recorded and durable (or known already); fails as not found when the
   *     actor has no copy here, and as unavailable when its copy here lost its home
   */
  CompletableFuture<Void> operationResult(
      ActorId actor, String opId, JsonNode value, String error, String worker);

  /** The dispatcher of this node: its worker pool, and where it places work. */
  Dispatcher dispatcher();
}

package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The parent-child tree of a system's actors: who is told when an actor stops, and whether its
 * parent's policy restarts it. The policy itself is the parent's {@link ActorSupervisor}.
 */
final class SupervisionTree {
  private final Residents residents;

  SupervisionTree(Residents residents) {
    this.residents = residents;
  }

  /**
   * Whether the stopping actor's parent restarts it (asked before the actor's new status is
   * visible).
   *
   * @return the restart's number in the policy's window, or 0
   */
  int restartDecision(Actor actor, StopCause cause) {
    if (cause != StopCause.FAULT && cause != StopCause.EXIT) {
      return 0;
    }
    return parentOf(actor).map(p -> p.context().supervisor().decideRestart(actor, cause)).orElse(0);
  }

  /**
   * Called by an actor once it stopped (in its mailbox): closes its channels, stops its children,
   * and tells its parent when the parent did not stop it.
   */
  void stopped(Actor actor, StopCause cause, String reason, JsonNode data, int restart) {
    actor.services().postOffice().closeChannelsOf(actor.id(), "actor " + actor.id() + " stopped");
    List<ActorId> children;
    synchronized (actor.children()) {
      children = List.copyOf(actor.children());
    }
    StopCause childCause = cause == StopCause.NODE ? StopCause.NODE : StopCause.PARENT;
    for (ActorId child : children) {
      residents
          .local(child)
          .ifPresent(c -> c.enqueueStop("parent " + actor.id() + " stopped", childCause));
    }
    if (cause == StopCause.RESTART) {
      actor.children().clear();
    }
    if (cause == StopCause.FAULT || cause == StopCause.EXIT || cause == StopCause.EXTERNAL) {
      parentOf(actor)
          .ifPresent(
              p -> {
                ActorSupervisor supervisor = p.context().supervisor();
                if (restart > 0) {
                  supervisor.scheduleRestart(actor, restart);
                }
                p.mailbox()
                    .offerAlways(
                        () -> supervisor.onChildStopped(actor, cause, reason, data, restart));
              });
    }
  }

  private java.util.Optional<Actor> parentOf(Actor actor) {
    return actor.parent().flatMap(residents::local);
  }
}

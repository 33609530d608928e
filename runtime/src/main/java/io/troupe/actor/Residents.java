package io.troupe.actor;

import io.troupe.error.ActorAlreadyExistsException;
import io.troupe.error.TroupeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The actors whose copy runs on this node, by id, and the ids of the copies this node lost (fenced
 * out) and has not resumed since. The one registry of a system; actors find each other through the
 * post office, which looks here first.
 */
final class Residents {
  private final Map<ActorId, ActorHandle> actors = new ConcurrentHashMap<>();
  private final Set<ActorId> lostHere = ConcurrentHashMap.newKeySet();

  Optional<ActorHandle> find(ActorId id) {
    return Optional.ofNullable(actors.get(id));
  }

  Optional<Actor> local(ActorId id) {
    return find(id).map(ActorHandle::actor);
  }

  /** Each actor here, without a copy of the registry (a sweep over many actors). */
  void forEach(java.util.function.Consumer<Actor> action) {
    actors.values().forEach(h -> action.accept(h.actor()));
  }

  List<ActorHandle> list() {
    return new ArrayList<>(actors.values());
  }

  /** How many actors here match {@code test}, counted now. */
  int count(java.util.function.Predicate<Actor> test) {
    return (int) actors.values().stream().filter(h -> test.test(h.actor())).count();
  }

  int size() {
    return actors.size();
  }

  /** Registers a new actor; refuses an id in use. */
  void add(ActorHandle handle) {
    if (actors.putIfAbsent(handle.id(), handle) != null) {
      throw new ActorAlreadyExistsException("actor " + handle.id() + " already exists");
    }
  }

  /** Registers a copy that moves here; refuses when a live copy runs here already. */
  void addMovedIn(ActorHandle handle) {
    ActorHandle previous = actors.get(handle.id());
    if (previous != null && previous.status() != ActorStatus.LOST) {
      throw new ActorAlreadyExistsException("actor " + handle.id() + " already runs on this node");
    }
    actors.put(handle.id(), handle);
    lostHere.remove(handle.id());
  }

  void remove(ActorHandle handle) {
    actors.remove(handle.id(), handle);
  }

  /** An actor that ended leaves the registry (its store keeps its record and chain). */
  void forget(Actor actor) {
    actors.computeIfPresent(actor.id(), (k, h) -> h.actor() == actor ? null : h);
  }

  /** Forgets every actor (the node handed them all off). */
  void clear() {
    actors.clear();
  }

  /**
   * {@code actor}'s copy here is lost (its commit was refused: another home took over, or this node
   * lost the quorum): it stops at once, without recording, and leaves the registry, so that
   * deliveries go to the new home.
   */
  void lose(Actor actor, TroupeException why) {
    actors.computeIfPresent(actor.id(), (k, h) -> h.actor() == actor ? null : h);
    lostHere.add(actor.id());
    actor.mailbox().offerAlways(() -> actor.lose(why));
    actor.services().postOffice().closeChannelsOf(actor.id(), "actor " + actor.id() + " moved");
  }

  Set<ActorId> lostCopies() {
    return Set.copyOf(lostHere);
  }

  void forgetLost(ActorId id) {
    lostHere.remove(id);
  }
}

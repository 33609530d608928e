package io.troupe.home;

import io.troupe.actor.ActorId;
import io.troupe.actor.ActorStatus;
import io.troupe.actor.ChainStore;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import io.troupe.error.StaleAppendException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The cluster's records in this JVM, with the same fencing as the real ones: a commit must follow
 * the record's head in its epoch, a takeover bumps the epoch, a handed-off record takes no commits.
 * Systems built with it as their chain store write it as a cluster would.
 */
final class FakeRecords implements Records, ChainStore {
  private static final class Rec {
    ActorId id;
    String name;
    NodeRef home;
    long epoch;
    ActorStatus status;
    boolean handedOff;
    List<ChainEvent> events = new ArrayList<>();
    byte[] state;
    String manifest;
    String moduleRef;
    Optional<ActorId> parent = Optional.empty();

    EventHash head() {
      return events.isEmpty() ? EventHash.ZERO : events.get(events.size() - 1).hash();
    }
  }

  private final Map<ActorId, Rec> records = new ConcurrentHashMap<>();
  private final Function<String, NodeRef> nodes;
  final Set<ActorId> owned = ConcurrentHashMap.newKeySet();
  final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * @param nodes the node (name and membership) that commits as {@code name}
   */
  FakeRecords(Function<String, NodeRef> nodes) {
    this.nodes = nodes;
  }

  @Override
  public synchronized CompletableFuture<Void> commit(Commit c) {
    Rec r = records.get(c.actor());
    if (r == null) {
      if (c.fromSeq() != 0 || c.origin().isEmpty()) {
        return refused("no record of " + c.actor());
      }
      r = new Rec();
      r.id = c.actor();
      r.name = c.origin().get().manifestName();
      r.manifest = c.origin().get().manifestToml();
      r.moduleRef = c.origin().get().moduleRef();
      r.parent = c.origin().get().parent();
      r.epoch = c.epoch();
      records.put(c.actor(), r);
    } else if (r.handedOff
        || r.epoch != c.epoch()
        || r.events.size() != c.fromSeq()
        || !r.head().equals(c.expectedHead())) {
      return refused("stale append to " + c.actor() + " in epoch " + c.epoch());
    }
    r.events.addAll(c.events());
    r.state = c.state();
    r.status = c.status();
    r.home = nodes.apply(c.node());
    return CompletableFuture.completedFuture(null);
  }

  private static CompletableFuture<Void> refused(String why) {
    return CompletableFuture.failedFuture(new StaleAppendException(why));
  }

  @Override
  public synchronized Optional<ActorSummary> describe(ActorId id) {
    Rec r = records.get(id);
    return r == null
        ? Optional.empty()
        : Optional.of(
            new ActorSummary(
                r.id,
                r.name,
                r.home,
                r.epoch,
                r.status,
                r.handedOff,
                r.events.size(),
                r.head(),
                "sha256:x",
                r.parent));
  }

  @Override
  public Set<ActorId> ownedHere() {
    return new HashSet<>(owned);
  }

  @Override
  public synchronized Optional<Takeover> takeOver(ActorId id, NodeRef formerHome, NodeRef self) {
    calls.add("takeOver " + id + " from " + formerHome.name());
    Rec r = records.get(id);
    if (r == null || !r.home.equals(formerHome) || !r.status.live()) {
      return Optional.empty();
    }
    String from = r.home.name();
    r.epoch++;
    r.home = self;
    r.handedOff = false;
    return Optional.of(
        new Takeover(r.epoch, from, r.events, r.state, r.manifest, r.moduleRef, r.parent));
  }

  @Override
  public synchronized Optional<Takeover> revive(ActorId id, NodeRef self) {
    calls.add("revive " + id);
    Rec r = records.get(id);
    if (r == null || r.status.live()) {
      return Optional.empty();
    }
    String from = r.home.name();
    r.epoch++;
    r.home = self;
    r.handedOff = false;
    r.status = ActorStatus.RUNNING;
    return Optional.of(
        new Takeover(r.epoch, from, r.events, r.state, r.manifest, r.moduleRef, r.parent));
  }

  @Override
  public synchronized boolean handOff(ActorId id, long epoch, NodeRef self) {
    calls.add("handOff " + id + " epoch " + epoch);
    Rec r = records.get(id);
    if (r == null || r.epoch != epoch || !r.home.equals(self)) {
      return false;
    }
    r.handedOff = true;
    return true;
  }

  @Override
  public synchronized boolean restore(io.troupe.store.StoredActor s, long epoch, NodeRef self) {
    if (records.containsKey(s.id())) {
      return false;
    }
    Rec r = new Rec();
    r.id = s.id();
    r.name = s.name();
    r.home = self;
    r.epoch = epoch;
    r.status = s.status();
    r.events = new ArrayList<>(s.events());
    r.state = s.state();
    r.manifest = s.manifestToml();
    r.moduleRef = s.moduleRef();
    r.parent = s.parent();
    records.put(s.id(), r);
    return true;
  }

  @Override
  public synchronized boolean catchUp(io.troupe.store.StoredActor s, long epoch, NodeRef self) {
    Rec r = records.get(s.id());
    if (r == null || r.epoch != epoch) {
      return false;
    }
    r.events = new ArrayList<>(s.events());
    r.state = s.state();
    return true;
  }

  /** Test control: the record now says {@code id} runs on {@code home}. */
  synchronized void moveTo(ActorId id, NodeRef home) {
    records.get(id).home = home;
  }
}

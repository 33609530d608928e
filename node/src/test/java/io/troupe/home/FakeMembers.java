package io.troupe.home;

import io.troupe.actor.ActorId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A membership the test sets by hand: who is in, who owns which id, whether there is a quorum. */
final class FakeMembers implements Members {
  final NodeRef self;
  final List<NodeRef> live = new CopyOnWriteArrayList<>();
  final Map<ActorId, NodeRef> owners = new ConcurrentHashMap<>();
  volatile NodeRef defaultOwner;
  volatile boolean quorum = true;

  FakeMembers(NodeRef self, NodeRef... others) {
    this.self = self;
    this.defaultOwner = self;
    live.add(self);
    live.addAll(List.of(others));
  }

  void leave(NodeRef n) {
    live.remove(n);
  }

  @Override
  public NodeRef self() {
    return self;
  }

  @Override
  public List<NodeRef> live() {
    return List.copyOf(live);
  }

  @Override
  public Optional<NodeRef> owner(ActorId id) {
    return Optional.ofNullable(owners.getOrDefault(id, defaultOwner));
  }

  @Override
  public boolean quorum() {
    return quorum;
  }

  @Override
  public String quorumDescription() {
    return live.size() + " member(s) here";
  }
}

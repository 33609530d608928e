package io.troupe.home;

import io.troupe.actor.ActorId;
import java.util.List;
import java.util.Optional;

/**
 * The cluster's membership as this node sees it right now: who is in, who owns an actor's
 * partition, and whether this side of a split may write. Answers from local state, never waiting on
 * the network.
 */
public interface Members {
  /** This node, with its current membership id (it changes when the node rejoins). */
  NodeRef self();

  /** The members, this node included. */
  List<NodeRef> live();

  /** The member that owns {@code id}'s partition; empty while partitions are unassigned. */
  Optional<NodeRef> owner(ActorId id);

  /** Whether enough members are here to accept writes (the quorum). */
  boolean quorum();

  /** How many members there are, and how many the quorum needs; for messages. */
  String quorumDescription();

  /** The member named {@code name}, if it is one. */
  default Optional<NodeRef> named(String name) {
    return live().stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /** Whether {@code node} is a member now (the same membership, not a rejoined one). */
  default boolean isLive(NodeRef node) {
    return live().contains(node);
  }
}

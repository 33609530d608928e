package io.troupe.home;

import java.util.Objects;

/**
 * A node of the cluster as it is now: its configured {@code name} (unique in the cluster, what
 * people and the chain see) and the id of its current membership ({@code member}, a new one each
 * time the node joins or rejoins after a split, what fencing compares).
 */
public record NodeRef(String name, String member) {
  public NodeRef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(member, "member");
  }

  @Override
  public String toString() {
    return name;
  }
}

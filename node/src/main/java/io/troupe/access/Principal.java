package io.troupe.access;

import io.troupe.actor.ActorId;
import io.troupe.error.PermissionDeniedException;
import java.util.List;

/**
 * Who a client call runs for: the token it presented, or everyone when the node has no tokens.
 *
 * @param name the token's name (never its secret), for messages and logs
 * @param role what it may do
 * @param actors the actor-id prefixes it may touch; empty: every actor
 * @param maxActors the most live actors (among those it may touch) it may start; empty: no quota
 */
public record Principal(
    String name, Role role, List<String> actors, java.util.OptionalInt maxActors) {
  /** A node without tokens: every call is allowed (only a node on loopback, docs/security.md). */
  public static final Principal OPEN =
      new Principal("open", Role.ADMIN, List.of(), java.util.OptionalInt.empty());

  /** A client call another member forwarded here: the node it entered checked it. */
  public static final Principal MEMBER =
      new Principal("member", Role.ADMIN, List.of(), java.util.OptionalInt.empty());

  public Principal {
    actors = List.copyOf(actors);
  }

  /**
   * @throws PermissionDeniedException when the role does not grant {@code right}
   */
  public void require(Right right) {
    if (!role.allows(right)) {
      throw new PermissionDeniedException(
          "token '" + name + "' (role " + role + ") may not " + verb(right));
    }
  }

  /**
   * @throws PermissionDeniedException when the role does not grant {@code right} or the token may
   *     not touch actor {@code id}
   */
  public void require(Right right, ActorId id) {
    require(right);
    if (!sees(id)) {
      throw new PermissionDeniedException(
          "token '" + name + "' may not touch actor " + id + ": only ids starting with " + actors);
    }
  }

  /** Whether actor {@code id} is among those this token may touch. */
  public boolean sees(ActorId id) {
    if (actors.isEmpty()) {
      return true;
    }
    for (String prefix : actors) {
      if (id.value().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this token may touch only some actors. */
  public boolean limited() {
    return !actors.isEmpty();
  }

  private static String verb(Right right) {
    return switch (right) {
      case DEPLOY -> "upload modules or start and stop actors (that needs deployer or admin)";
      case CALL -> "send, request or open channels (that needs caller or admin)";
      case READ -> "read actors, chains or state (that needs reader or admin)";
      case STATUS -> "read the cluster's status";
      case ADMIN -> "make this call (that needs admin)";
    };
  }
}

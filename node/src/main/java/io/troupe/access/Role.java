package io.troupe.access;

import java.util.Locale;
import java.util.Set;

/** A token's role: the {@link Right}s it grants. */
public enum Role {
  ADMIN(Set.of(Right.DEPLOY, Right.CALL, Right.READ, Right.STATUS, Right.ADMIN)),
  DEPLOYER(Set.of(Right.DEPLOY, Right.STATUS)),
  CALLER(Set.of(Right.CALL, Right.STATUS)),
  READER(Set.of(Right.READ, Right.STATUS));

  private final Set<Right> rights;

  Role(Set<Right> rights) {
    this.rights = rights;
  }

  public boolean allows(Right right) {
    return rights.contains(right);
  }

  /** The role named {@code name} (admin, deployer, caller, reader), or null. */
  static Role named(String name) {
    for (Role r : values()) {
      if (r.name().toLowerCase(Locale.ROOT).equals(name)) {
        return r;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}

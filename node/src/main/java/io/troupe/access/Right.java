package io.troupe.access;

/** What a client call does, as far as tokens are concerned (docs/security.md). */
public enum Right {
  /** Upload modules; start, stop, restart, remove and upgrade actors. */
  DEPLOY,
  /** Send, request, open channels. */
  CALL,
  /** Describe, list, read chains, heads and state, verify, replay. */
  READ,
  /** The cluster's status: any valid token. */
  STATUS,
  /** What only an admin may do: every call no other right names (deny by default). */
  ADMIN
}

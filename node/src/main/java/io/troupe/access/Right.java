package io.troupe.access;

/** What a client call does, as far as tokens are concerned (docs/security.md). */
public enum Right {
  /** Upload modules, start and stop actors. */
  DEPLOY,
  /** Send, request, open channels. */
  CALL,
  /** Describe, list, read chains and state, verify. */
  READ,
  /** The cluster's status: any valid token. */
  STATUS
}

package io.troupe.client.sdk;

import io.grpc.Status;

/**
 * A call the cluster refused or could not answer: {@link #code()} says what kind (NOT_FOUND for an
 * unknown actor, INVALID_ARGUMENT for a bad manifest, UNAVAILABLE when no node answered, ...), and
 * the message says what exactly.
 */
public final class TroupeClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Status.Code code;
  private final String kind;

  public TroupeClientException(Status.Code code, String kind, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.kind = kind;
  }

  public Status.Code code() {
    return code;
  }

  /** Troupe's own error kind (for example {@code ACTOR_NOT_FOUND}), or empty when unknown. */
  public String kind() {
    return kind;
  }
}

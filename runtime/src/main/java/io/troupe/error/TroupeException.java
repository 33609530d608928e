package io.troupe.error;

/**
 * The root of Troupe's errors. Each subclass is named for what the caller should do next, and maps
 * to exactly one gRPC status in one place (the transport's status mapper).
 */
public abstract class TroupeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected TroupeException(String message) {
    super(message);
  }

  protected TroupeException(String message, Throwable cause) {
    super(message, cause);
  }
}

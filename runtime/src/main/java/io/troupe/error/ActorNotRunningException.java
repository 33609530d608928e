package io.troupe.error;

/** The actor exists but is stopped or failed: restart it before sending to it. */
public class ActorNotRunningException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public ActorNotRunningException(String message) {
    super(message);
  }

  public ActorNotRunningException(String message, Throwable cause) {
    super(message, cause);
  }
}

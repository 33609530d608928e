package io.troupe.error;

/** The actor is live (running, restarting): what was asked needs it stopped first. */
public class ActorRunningException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public ActorRunningException(String message) {
    super(message);
  }

  public ActorRunningException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.troupe.error;

/** An actor with that id is already running: pick another id or stop the existing one. */
public class ActorAlreadyExistsException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public ActorAlreadyExistsException(String message) {
    super(message);
  }

  public ActorAlreadyExistsException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.troupe.error;

/** No actor with that id runs here: check the id, or start it. */
public class ActorNotFoundException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public ActorNotFoundException(String message) {
    super(message);
  }

  public ActorNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}

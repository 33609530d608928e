package io.troupe.error;

/**
 * The actor's callback returned {@code Err}: an application error, recorded in the chain; the actor
 * keeps running.
 */
public class GuestErrorException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public GuestErrorException(String message) {
    super(message);
  }

  public GuestErrorException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.troupe.error;

/** A bug or an unexpected failure inside Troupe; the message says what failed. */
public class InternalException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public InternalException(String message) {
    super(message);
  }

  public InternalException(String message, Throwable cause) {
    super(message, cause);
  }
}

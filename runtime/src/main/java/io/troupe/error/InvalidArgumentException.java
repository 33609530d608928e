package io.troupe.error;

/** The caller's input is malformed (not JSON, wrong shape): fix the input. */
public class InvalidArgumentException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(message);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}

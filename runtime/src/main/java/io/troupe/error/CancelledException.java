package io.troupe.error;

/** The work was cancelled (by the actor that owned it, or because that actor stopped). */
public class CancelledException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public CancelledException(String message) {
    super(message);
  }

  public CancelledException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.troupe.error;

/** A request or operation did not finish within its deadline: retry later or allow more time. */
public class DeadlineExceededException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public DeadlineExceededException(String message) {
    super(message);
  }

  public DeadlineExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.troupe.error;

/**
 * A configured limit (mailbox, message size, memory, call deadline) refused the work: slow down or
 * raise the limit.
 */
public class LimitExceededException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public LimitExceededException(String message) {
    super(message);
  }

  public LimitExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}

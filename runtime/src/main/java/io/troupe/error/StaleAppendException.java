package io.troupe.error;

/**
 * A chain append was refused because the actor's head moved on (another epoch, seq or hash): this
 * node lost the actor and must stop its copy. Retryable for callers, through the actor's new home.
 */
public class StaleAppendException extends UnavailableException {
  private static final long serialVersionUID = 1L;

  public StaleAppendException(String message) {
    super(message);
  }
}

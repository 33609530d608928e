package io.troupe.error;

/**
 * A request would wait on itself (A requests B, which requests A): the call graph must not loop.
 */
public class RequestCycleException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public RequestCycleException(String message) {
    super(message);
  }

  public RequestCycleException(String message, Throwable cause) {
    super(message, cause);
  }
}

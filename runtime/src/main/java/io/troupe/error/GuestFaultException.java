package io.troupe.error;

/**
 * The actor trapped, overran its deadline or broke the ABI; recorded as {@code wasm.error} and the
 * actor is stopped.
 */
public class GuestFaultException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public GuestFaultException(String message) {
    super(message);
  }

  public GuestFaultException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.troupe.error;

/**
 * The caller did not say who it is (no token, or a token the node does not know): give a valid
 * token.
 */
public class UnauthenticatedException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public UnauthenticatedException(String message) {
    super(message);
  }
}

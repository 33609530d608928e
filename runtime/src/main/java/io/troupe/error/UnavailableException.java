package io.troupe.error;

/**
 * The actor has no reachable home right now (its node is gone, it is moving, or the cluster has no
 * quorum): retry, possibly through another node.
 */
public class UnavailableException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message) {
    super(message);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

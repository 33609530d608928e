package io.troupe.error;

/** The caller's token does not allow this call, or not on this actor. */
public class PermissionDeniedException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message) {
    super(message);
  }
}

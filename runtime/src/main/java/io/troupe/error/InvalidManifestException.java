package io.troupe.error;

/** The manifest is malformed or inconsistent: fix the named key. */
public class InvalidManifestException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public InvalidManifestException(String message) {
    super(message);
  }

  public InvalidManifestException(String message, Throwable cause) {
    super(message, cause);
  }
}

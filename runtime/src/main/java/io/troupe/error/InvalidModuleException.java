package io.troupe.error;

/** The WASM module cannot be loaded, or does not match the guest ABI or the declared handlers. */
public class InvalidModuleException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public InvalidModuleException(String message) {
    super(message);
  }

  public InvalidModuleException(String message, Throwable cause) {
    super(message, cause);
  }
}

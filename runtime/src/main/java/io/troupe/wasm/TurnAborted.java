package io.troupe.wasm;

/**
 * Thrown by a host function binding to end the guest's callback at once: it passes through the
 * recording layer unrecorded and reaches whoever called the guest.
 */
public class TurnAborted extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TurnAborted(String message) {
    super(message);
  }
}

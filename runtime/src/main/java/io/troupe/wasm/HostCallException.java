package io.troupe.wasm;

/**
 * Thrown by a host function to answer the guest with {@code {"Err": message}}. The message reaches
 * the guest and the chain, so it must make sense to the actor's author.
 */
public final class HostCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HostCallException(String message) {
    super(message);
  }
}

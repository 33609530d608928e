package io.troupe.wasm;

/** The guest broke ABI v1 (bad pointer, malformed JSON, missing export). Treated as a fault. */
public final class AbiViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AbiViolation(String message) {
    super(message);
  }
}

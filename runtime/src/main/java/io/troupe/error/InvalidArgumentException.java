package io.troupe.error;

/** The caller's input is malformed (not JSON, wrong shape): fix the input. */
public class InvalidArgumentException extends TroupeException {
  private static final long serialVersionUID = 1L;

  /** The request field at fault, when the thrower knows it (for clients: a field violation). */
  private final String field;

  public InvalidArgumentException(String message) {
    this(message, (Throwable) null);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
    this.field = null;
  }

  private InvalidArgumentException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /** {@code e}, naming the request field it is about. */
  public static InvalidArgumentException inField(String field, InvalidArgumentException e) {
    return new InvalidArgumentException(field, e.getMessage(), e.getCause());
  }

  /** The request field at fault, if known. */
  public java.util.Optional<String> field() {
    return java.util.Optional.ofNullable(field);
  }
}

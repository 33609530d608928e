package io.troupe.error;

/**
 * A message id already used for a different message: a retry must resend the same message, and a
 * new message needs a new id.
 */
public class MessageIdReusedException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public MessageIdReusedException(String message) {
    super(message);
  }
}

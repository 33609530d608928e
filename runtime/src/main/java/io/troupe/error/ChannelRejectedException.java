package io.troupe.error;

/** The actor asked to open a channel declined it (its handle-channel-open said accepted: false). */
public class ChannelRejectedException extends TroupeException {
  private static final long serialVersionUID = 1L;

  public ChannelRejectedException(String message) {
    super(message);
  }
}

package io.troupe.client.sdk;

/**
 * What a {@link TroupeChannel} hears, on one of the client's threads, one call at a time, in the
 * order it arrived: messages, refused frames, and the end. Exactly one of {@link #onClose} and
 * {@link #onFailure} comes, last. A listener that throws ends the channel ({@link #onFailure} is
 * told, with what it threw as the cause).
 *
 * @param <T> what a message is read as: a {@link com.fasterxml.jackson.databind.JsonNode}, or the
 *     type given to {@link TroupeClient#openChannel(String, Object, Class, ChannelListener)}
 */
@FunctionalInterface
public interface ChannelListener<T> {
  /** A message the actor sent on the channel. */
  void onMessage(T message);

  /**
   * A frame the channel did not take (not JSON, too large), or a message from the actor the client
   * could not read as {@code T}: that one is dropped, the channel goes on. {@link
   * TroupeClientException#kind()} says why, as in docs/api.md ("Errors").
   */
  default void onError(TroupeClientException error) {}

  /**
   * The channel closed: {@code reason} is "closed by the client" after {@link
   * TroupeChannel#close()}, or what the actor or the node said (the actor closed it or stopped).
   */
  default void onClose(String reason) {}

  /**
   * The channel never opened (refused: kind {@code CHANNEL_REJECTED}, {@code ACTOR_NOT_FOUND}, ...)
   * or its stream broke (the node went away: {@code UNAVAILABLE}).
   */
  default void onFailure(TroupeClientException failure) {}
}

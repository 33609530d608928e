package io.troupe.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * The message-server capability of one actor: every message it sends carries a fresh message id and
 * this actor as its sender. Failures are {@link io.troupe.error.TroupeException}s, which the host
 * call turns into an {@code Err} for the guest.
 */
public interface Messenger {
  /**
   * {@code {"id": message id, "sender": actor id or null}} of the delivery being handled, or null.
   */
  JsonNode currentMessage();

  /** Queues {@code message} for {@code to}'s handle-send, without waiting for it to be handled. */
  void send(String to, JsonNode message);

  /**
   * Asks {@code to} and waits for the answer, parking only this actor. The wait ends at {@code
   * timeout} or at the end of the current turn's deadline, whichever is first.
   *
   * @throws io.troupe.error.RequestCycleException when {@code to} is (transitively) waiting on this
   *     actor
   */
  JsonNode request(String to, JsonNode message, Duration timeout);

  /** Opens a channel to {@code to}, which accepts or rejects it; returns the channel id. */
  String openChannel(String to, JsonNode message, Duration timeout);

  void sendOnChannel(String channelId, JsonNode message);

  void closeChannel(String channelId);

  /** Answers a request this actor deferred (handle-request returned a null response). */
  void respondToRequest(String requestId, JsonNode response);

  /** Requests this actor received and has not answered yet. */
  List<String> outstandingRequests();

  /** Fails a request this actor received; its sender gets a cancellation error. */
  void cancelRequest(String requestId);
}

package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;

/** The outside (client) end of a channel: what the actor at the other end sends, and the close. */
public interface ChannelListener {
  void onMessage(String channelId, JsonNode message);

  /** The channel closed: by the actor, or because the actor stopped. */
  void onClose(String channelId, String reason);
}

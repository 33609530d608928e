package io.troupe.actor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One message on its way to an actor: which callback it becomes, its params tuple, and who sent it.
 * Every delivery has a unique message id (a request's id is its message id), recorded with its
 * sender in the {@code wasm.call} event of the turn that handles it.
 */
public sealed interface Delivery {
  String messageId();

  /** The sending actor, or empty when the message came from outside (a client). */
  Optional<ActorId> sender();

  ActorId target();

  /** The callback the delivery is handled by. */
  String callback();

  /** The params tuple of that callback. */
  List<Object> params();

  /** To {@code handle-send [msg]}. */
  record Send(String messageId, Optional<ActorId> sender, ActorId target, JsonNode message)
      implements Delivery {
    @Override
    public String callback() {
      return Callbacks.HANDLE_SEND;
    }

    @Override
    public List<Object> params() {
      return List.of(message);
    }
  }

  /** To {@code handle-request [request_id, msg]}; the request id is the message id. */
  record Request(String messageId, Optional<ActorId> sender, ActorId target, JsonNode message)
      implements Delivery {
    @Override
    public String callback() {
      return Callbacks.HANDLE_REQUEST;
    }

    @Override
    public List<Object> params() {
      return List.of(messageId, message);
    }
  }

  /** To {@code handle-channel-open [channel_id, msg]}. */
  record ChannelOpen(
      String messageId,
      Optional<ActorId> sender,
      ActorId target,
      String channelId,
      JsonNode message)
      implements Delivery {
    @Override
    public String callback() {
      return Callbacks.HANDLE_CHANNEL_OPEN;
    }

    @Override
    public List<Object> params() {
      return List.of(channelId, message);
    }
  }

  /** To {@code handle-channel-message [channel_id, msg]}. */
  record ChannelMessage(
      String messageId,
      Optional<ActorId> sender,
      ActorId target,
      String channelId,
      JsonNode message)
      implements Delivery {
    @Override
    public String callback() {
      return Callbacks.HANDLE_CHANNEL_MESSAGE;
    }

    @Override
    public List<Object> params() {
      return List.of(channelId, message);
    }
  }

  /** To {@code handle-channel-close [channel_id]}. */
  record ChannelClose(String messageId, Optional<ActorId> sender, ActorId target, String channelId)
      implements Delivery {
    @Override
    public String callback() {
      return Callbacks.HANDLE_CHANNEL_CLOSE;
    }

    @Override
    public List<Object> params() {
      return List.of(channelId);
    }
  }
}

package io.troupe.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.troupe.actor.ActorId;
import io.troupe.actor.Delivery;
import io.troupe.error.ErrorKind;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.TroupeException;
import io.troupe.home.OperationResult;
import io.troupe.proto.v1.Deliver;
import io.troupe.proto.v1.Failure;
import io.troupe.proto.v1.Reply;
import java.io.IOException;
import java.util.Optional;

/** Converts deliveries, results and errors to and from NodeLink envelopes. */
final class Envelopes {
  private final ObjectMapper mapper;

  Envelopes(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  /**
   * A dispatched operation's result as it travels: {@code op_id}, {@code result} or {@code error}.
   */
  JsonNode result(OperationResult r) {
    var body = mapper.createObjectNode().put("op_id", r.opId()).put("worker", r.worker());
    if (r.error().isPresent()) {
      body.put("error", r.error().get());
    } else {
      body.set("result", r.value());
    }
    return body;
  }

  OperationResult result(JsonNode body) {
    return new OperationResult(
        body.path("op_id").asText(),
        body.get("result"),
        body.hasNonNull("error") ? Optional.of(body.get("error").asText()) : Optional.empty(),
        body.path("worker").asText(""));
  }

  Deliver deliver(long correlation, Delivery d, int hops) {
    Deliver.Builder b =
        Deliver.newBuilder()
            .setCorrelation(correlation)
            .setMessageId(d.messageId())
            .setSender(d.sender().map(ActorId::value).orElse(""))
            .setTarget(d.target().value())
            .setHops(hops);
    if (d instanceof Delivery.Send s) {
      b.setKind(Deliver.Kind.SEND).setMessageJson(json(s.message()));
    } else if (d instanceof Delivery.Request r) {
      b.setKind(Deliver.Kind.REQUEST).setMessageJson(json(r.message()));
    } else if (d instanceof Delivery.ChannelOpen o) {
      b.setKind(Deliver.Kind.CHANNEL_OPEN)
          .setChannelId(o.channelId())
          .setMessageJson(json(o.message()));
    } else if (d instanceof Delivery.ChannelMessage m) {
      b.setKind(Deliver.Kind.CHANNEL_MESSAGE)
          .setChannelId(m.channelId())
          .setMessageJson(json(m.message()));
    } else if (d instanceof Delivery.ChannelClose c) {
      b.setKind(Deliver.Kind.CHANNEL_CLOSE).setChannelId(c.channelId());
    }
    return b.build();
  }

  Delivery delivery(Deliver e) {
    String id = e.getMessageId();
    Optional<ActorId> sender =
        e.getSender().isEmpty() ? Optional.empty() : Optional.of(ActorId.of(e.getSender()));
    ActorId target = ActorId.of(e.getTarget());
    return switch (e.getKind()) {
      case SEND -> new Delivery.Send(id, sender, target, tree(e.getMessageJson()));
      case REQUEST -> new Delivery.Request(id, sender, target, tree(e.getMessageJson()));
      case CHANNEL_OPEN ->
          new Delivery.ChannelOpen(id, sender, target, e.getChannelId(), tree(e.getMessageJson()));
      case CHANNEL_MESSAGE ->
          new Delivery.ChannelMessage(
              id, sender, target, e.getChannelId(), tree(e.getMessageJson()));
      case CHANNEL_CLOSE -> new Delivery.ChannelClose(id, sender, target, e.getChannelId());
      default -> throw new InvalidArgumentException("unknown delivery kind " + e.getKind());
    };
  }

  Reply reply(long correlation, JsonNode value, Throwable error) {
    Reply.Builder b = Reply.newBuilder().setCorrelation(correlation);
    if (error != null) {
      b.setFailure(
          Failure.newBuilder()
              .setKind(ErrorKind.of(error).name())
              .setMessage(String.valueOf(error.getMessage())));
    } else {
      b.setValueJson(value == null ? ByteString.EMPTY : json(value));
    }
    return b.build();
  }

  /** The value of a reply, or throws the error it carries as the same kind of exception. */
  JsonNode value(Reply r) {
    if (r.hasFailure()) {
      throw error(r.getFailure());
    }
    return r.getValueJson().isEmpty() ? null : tree(r.getValueJson());
  }

  static TroupeException error(Failure f) {
    return ErrorKind.named(f.getKind()).toException(f.getMessage());
  }

  ByteString json(JsonNode node) {
    try {
      return ByteString.copyFrom(mapper.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot serialise message: " + e.getMessage());
    }
  }

  JsonNode tree(ByteString bytes) {
    try {
      return mapper.readTree(bytes.newInput());
    } catch (IOException e) {
      throw new InvalidArgumentException("malformed JSON in envelope: " + e.getMessage());
    }
  }
}

package io.troupe.chain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One event of an actor's hash chain (chain v1, see docs/chain.md).
 *
 * @param actor the actor id
 * @param seq position in the chain, 0 for the genesis event
 * @param parent hash of the previous event, {@link EventHash#ZERO} at seq 0
 * @param type event type, e.g. {@code wasm.call}
 * @param timestamp epoch milliseconds
 * @param data payload; JSON for every built-in type
 * @param hash SHA-256 over the canonical encoding of all other fields
 */
public record ChainEvent(
    String actor,
    long seq,
    EventHash parent,
    String type,
    long timestamp,
    byte[] data,
    EventHash hash) {

  public ChainEvent {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(hash, "hash");
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0, got " + seq);
    }
    data = data.clone();
  }

  /** Builds the event with seq, parent and hash derived so that it links after {@code parent}. */
  public static ChainEvent create(
      String actor, long seq, EventHash parent, String type, long timestamp, byte[] data) {
    EventHash hash = EventHasher.hash(actor, seq, parent, type, timestamp, data);
    return new ChainEvent(actor, seq, parent, type, timestamp, data, hash);
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The payload's size in bytes, without copying it. */
  public int dataSize() {
    return data.length;
  }

  /** The payload as UTF-8 text (all built-in types carry JSON). */
  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Recomputes the hash from the fields; true when it equals {@link #hash()}. */
  public boolean hashMatches() {
    return EventHasher.hash(actor, seq, parent, type, timestamp, data).equals(hash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChainEvent e
        && seq == e.seq
        && timestamp == e.timestamp
        && actor.equals(e.actor)
        && parent.equals(e.parent)
        && type.equals(e.type)
        && Arrays.equals(data, e.data)
        && hash.equals(e.hash);
  }

  @Override
  public int hashCode() {
    return hash.hashCode();
  }

  @Override
  public String toString() {
    return "ChainEvent[" + actor + "#" + seq + " " + type + " " + dataAsString() + "]";
  }
}

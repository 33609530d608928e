package io.troupe.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.troupe.actor.ActorStatus;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the cluster keeps about one actor, in one map entry keyed by the actor id, so that it
 * all lives in the actor's partition: its directory entry (home node, epoch, status), its chain and
 * the state snapshot of its last committed turn. Mutated only by entry processors on the
 * partition's owner and, identically, on its backups.
 */
final class ActorRecord implements DataSerializable {
  String id;
  String name;
  String module;
  String parent; // empty: none
  long epoch;
  String node;
  String member; // Hazelcast member UUID of the home
  boolean handedOff; // the home gave the actor up; the partition owner takes it over
  String manifest; // TOML
  String moduleRef; // where the module's bytes are: sha256:<hex> in troupe.modules, or a path
  String status;
  List<ChainEvent> events = new ArrayList<>(); // from seq base on
  long base; // the seq of events.get(0): 0, or the last checkpoint's once the store keeps the rest
  byte[] state; // null: none
  long stateSeq;

  ActorRecord() {}

  EventHash head() {
    return events.isEmpty() ? EventHash.ZERO : events.get(events.size() - 1).hash();
  }

  /** The chain's length. */
  long length() {
    return base + events.size();
  }

  /** Held events {@code from <= seq < to} (clamped to what is held) as chain v1 JSON lines. */
  String lines(long from, long to) {
    int start = (int) Math.max(0, Math.min(from - base, events.size()));
    int end = (int) Math.max(start, Math.min(to - base, events.size()));
    StringBuilder out = new StringBuilder();
    for (ChainEvent e : events.subList(start, end)) {
      out.append(io.troupe.chain.ChainCodec.toLine(e)).append('\n');
    }
    return out.toString();
  }

  /** Whether some home should run the actor (it has not stopped or failed). */
  boolean live() {
    return status().live();
  }

  ActorStatus status() {
    return ActorStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
  }

  /** Sets the status, kept as its lower-case name (the form records carry between members). */
  void status(ActorStatus s) {
    status = s.name().toLowerCase(java.util.Locale.ROOT);
  }

  SummaryData summary() {
    return new SummaryData(
        id,
        name,
        node,
        member,
        epoch,
        status,
        handedOff,
        length(),
        head().toBytes(),
        module,
        parent);
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(id);
    out.writeString(name);
    out.writeString(module);
    out.writeString(parent);
    out.writeLong(epoch);
    out.writeString(node);
    out.writeString(member);
    out.writeBoolean(handedOff);
    out.writeString(manifest);
    out.writeString(moduleRef);
    out.writeString(status);
    out.writeByteArray(state);
    out.writeLong(stateSeq);
    out.writeLong(base);
    writeEvents(out, events);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    id = in.readString();
    name = in.readString();
    module = in.readString();
    parent = in.readString();
    epoch = in.readLong();
    node = in.readString();
    member = in.readString();
    handedOff = in.readBoolean();
    manifest = in.readString();
    moduleRef = in.readString();
    status = in.readString();
    state = in.readByteArray();
    stateSeq = in.readLong();
    base = in.readLong();
    events = readEvents(in, id);
  }

  /** Events of one actor, without repeating its id in each. */
  static void writeEvents(ObjectDataOutput out, List<ChainEvent> events) throws IOException {
    out.writeInt(events.size());
    for (ChainEvent e : events) {
      out.writeLong(e.seq());
      out.writeByteArray(e.parent().toBytes());
      out.writeString(e.type());
      out.writeLong(e.timestamp());
      out.writeByteArray(e.data());
      out.writeByteArray(e.hash().toBytes());
    }
  }

  static List<ChainEvent> readEvents(ObjectDataInput in, String actor) throws IOException {
    int n = in.readInt();
    List<ChainEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(
          new ChainEvent(
              actor,
              in.readLong(),
              EventHash.of(in.readByteArray()),
              in.readString(),
              in.readLong(),
              in.readByteArray(),
              EventHash.of(in.readByteArray())));
    }
    return events;
  }
}

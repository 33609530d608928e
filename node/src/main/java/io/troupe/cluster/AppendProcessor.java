package io.troupe.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The fenced chain append: runs on the owner of the actor's partition (and then, as its own backup
 * processor, on each backup). It appends the commit's events only when the record's head is exactly
 * {@code (epoch, fromSeq, expectedHead)}; otherwise nothing changes and the result names the
 * refusal. The genesis commit creates the record, and is refused when one exists.
 */
final class AppendProcessor
    implements EntryProcessor<String, ActorRecord, String>, DataSerializable {
  private long epoch;
  private long fromSeq;
  private byte[] expectedHead;
  private List<ChainEvent> events;
  private byte[] state;
  private String status;
  private String node;
  private String member;
  // genesis only
  private String manifest;
  private String moduleRef;
  private String name;
  private String module;
  private String parent;
  private boolean trim;

  AppendProcessor() {}

  AppendProcessor(
      long epoch,
      long fromSeq,
      EventHash expectedHead,
      List<ChainEvent> events,
      byte[] state,
      String status,
      String node,
      String member,
      String name,
      String module,
      String parent,
      String manifest,
      String moduleRef) {
    this.epoch = epoch;
    this.fromSeq = fromSeq;
    this.expectedHead = expectedHead.toBytes();
    this.events = events;
    this.state = state;
    this.status = status;
    this.node = node;
    this.member = member;
    this.manifest = manifest;
    this.moduleRef = moduleRef;
    this.name = name;
    this.module = module;
    this.parent = parent;
  }

  /** Null when appended; otherwise why it was refused. */
  @Override
  public String process(Map.Entry<String, ActorRecord> entry) {
    ActorRecord r = entry.getValue();
    if (r == null) {
      if (fromSeq != 0 || name == null) {
        return "actor " + entry.getKey() + " has no record to append to at seq " + fromSeq;
      }
      r = new ActorRecord();
      r.id = entry.getKey();
      r.name = name;
      r.module = module;
      r.parent = parent;
      r.manifest = manifest;
      r.moduleRef = moduleRef;
      r.epoch = epoch;
    } else if (r.handedOff) {
      return "actor " + r.id + " was handed over by node " + r.node + " and is moving";
    } else if (r.epoch != epoch
        || r.length() != fromSeq
        || !r.head().equals(EventHash.of(expectedHead))) {
      return "stale append to actor "
          + r.id
          + ": expected (epoch "
          + epoch
          + ", seq "
          + fromSeq
          + ", head "
          + EventHash.of(expectedHead).toHex().substring(0, 12)
          + "), the record is at (epoch "
          + r.epoch
          + ", seq "
          + r.length()
          + ", head "
          + r.head().toHex().substring(0, 12)
          + ") on node "
          + r.node;
    }
    if (fromSeq > 0 && manifest != null) { // an upgrade: the record names the new module
      r.module = module;
      r.manifest = manifest;
      r.moduleRef = moduleRef;
    }
    r.events.addAll(events);
    if (trim) {
      forgetBeforeLastCheckpoint(r);
    }
    r.state = state;
    r.stateSeq = r.length();
    r.status = status;
    r.node = node;
    r.member = member;
    if (trim && !r.live()) {
      // ended, and the durable store holds all of it: the cluster keeps no copy. Reads, a restart
      // and a removal go to the store, as for an actor that ended before the cluster restarted.
      entry.setValue(null);
      return null;
    }
    entry.setValue(r);
    return null;
  }

  /**
   * The durable store keeps the whole chain: the record keeps its part from the last checkpoint on,
   * so that neither its memory nor a takeover grows with the chain.
   */
  private void forgetBeforeLastCheckpoint(ActorRecord r) {
    for (int i = events.size() - 1; i >= 0; i--) {
      ChainEvent e = events.get(i);
      if (e.type().equals(io.troupe.chain.EventTypes.ACTOR_CHECKPOINT)) {
        int drop = (int) (e.seq() - r.base);
        if (drop > 0) {
          r.events = new java.util.ArrayList<>(r.events.subList(drop, r.events.size()));
          r.base = e.seq();
        }
        return;
      }
    }
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(epoch);
    out.writeLong(fromSeq);
    out.writeByteArray(expectedHead);
    out.writeString(events.isEmpty() ? "" : events.get(0).actor());
    ActorRecord.writeEvents(out, events);
    out.writeByteArray(state);
    out.writeString(status);
    out.writeString(node);
    out.writeString(member);
    out.writeString(manifest);
    out.writeString(moduleRef);
    out.writeString(name);
    out.writeString(module);
    out.writeString(parent);
    out.writeBoolean(trim);
  }

  /** The durable store keeps the whole chain: the record may let go of what a checkpoint covers. */
  AppendProcessor trimmed(boolean trim) {
    this.trim = trim;
    return this;
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    epoch = in.readLong();
    fromSeq = in.readLong();
    expectedHead = in.readByteArray();
    String actor = in.readString();
    events = ActorRecord.readEvents(in, actor);
    state = in.readByteArray();
    status = in.readString();
    node = in.readString();
    member = in.readString();
    manifest = in.readString();
    moduleRef = in.readString();
    name = in.readString();
    module = in.readString();
    parent = in.readString();
    trim = in.readBoolean();
  }
}

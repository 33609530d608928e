package io.troupe.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Moves an actor's record to a new home, on the partition owner: only if the record still names the
 * former home's member and the actor was live there. Bumps the epoch, which fences the former home:
 * its next append carries the old epoch and is refused.
 */
final class TakeoverProcessor
    implements EntryProcessor<String, ActorRecord, TakeoverData>, DataSerializable {
  private String formerMember;
  private String node;
  private String member;

  TakeoverProcessor() {}

  TakeoverProcessor(String formerMember, String node, String member) {
    this.formerMember = formerMember;
    this.node = node;
    this.member = member;
  }

  @Override
  public TakeoverData process(Map.Entry<String, ActorRecord> entry) {
    ActorRecord r = entry.getValue();
    if (r == null || r.manifest == null || !formerMember.equals(r.member) || !r.live()) {
      return null;
    }
    return moveTo(entry, node, member);
  }

  /**
   * Names {@code node} (member {@code member}) the record's home in a new epoch, which fences the
   * former one; returns what the new home continues from.
   */
  static TakeoverData moveTo(Map.Entry<String, ActorRecord> entry, String node, String member) {
    ActorRecord r = entry.getValue();
    String from = r.node;
    r.epoch++;
    r.node = node;
    r.member = member;
    r.handedOff = false;
    entry.setValue(r);
    return new TakeoverData(
        r.epoch, from, r.lines(r.base, r.length()), r.state, r.manifest, r.moduleRef, r.parent);
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(formerMember);
    out.writeString(node);
    out.writeString(member);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    formerMember = in.readString();
    node = in.readString();
    member = in.readString();
  }
}

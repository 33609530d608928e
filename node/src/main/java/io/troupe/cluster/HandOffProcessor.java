package io.troupe.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * A home hands its actor off (it moves to its partition's new owner): on the partition owner, only
 * if the record still names that home's member in that epoch, the record is marked handed off. From
 * then on appends are refused, and the partition owner takes the actor over.
 */
final class HandOffProcessor
    implements EntryProcessor<String, ActorRecord, Boolean>, DataSerializable {
  private long epoch;
  private String member;

  HandOffProcessor() {}

  HandOffProcessor(long epoch, String member) {
    this.epoch = epoch;
    this.member = member;
  }

  @Override
  public Boolean process(Map.Entry<String, ActorRecord> entry) {
    ActorRecord r = entry.getValue();
    if (r == null || r.epoch != epoch || !member.equals(r.member)) {
      return false;
    }
    r.handedOff = true;
    entry.setValue(r);
    return true;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(epoch);
    out.writeString(member);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    epoch = in.readLong();
    member = in.readString();
  }
}

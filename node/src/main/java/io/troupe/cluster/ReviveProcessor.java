package io.troupe.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Brings an ended (stopped or failed) actor's record back to life on a new home, on the partition
 * owner: running again, in a new epoch, named to that home, which continues from its chain. A live
 * actor's record is left as it is (null).
 */
final class ReviveProcessor
    implements EntryProcessor<String, ActorRecord, TakeoverData>, DataSerializable {
  private String node;
  private String member;

  ReviveProcessor() {}

  ReviveProcessor(String node, String member) {
    this.node = node;
    this.member = member;
  }

  @Override
  public TakeoverData process(Map.Entry<String, ActorRecord> entry) {
    ActorRecord r = entry.getValue();
    if (r == null || r.manifest == null || r.live()) {
      return null;
    }
    r.status(io.troupe.actor.ActorStatus.RUNNING);
    return TakeoverProcessor.moveTo(entry, node, member);
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(node);
    out.writeString(member);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    node = in.readString();
    member = in.readString();
  }
}

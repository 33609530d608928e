package io.troupe.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.troupe.chain.ChainEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts an actor's record back into the cluster from the durable store (after the whole cluster
 * restarted), naming the node that recovers it, unless the cluster has a record already. As a
 * rebase, it instead replaces a record in the same epoch that fell behind the store by more than
 * the store's part from its last checkpoint (the home died between writing the store and the
 * record, and the turn that did so also recorded a checkpoint).
 */
final class RestoreProcessor
    implements EntryProcessor<String, ActorRecord, Boolean>, DataSerializable {
  private ActorRecord record;
  private boolean rebase;

  RestoreProcessor() {}

  RestoreProcessor(ActorRecord record) {
    this(record, false);
  }

  RestoreProcessor(ActorRecord record, boolean rebase) {
    this.record = record;
    this.rebase = rebase;
  }

  @Override
  public Boolean process(Map.Entry<String, ActorRecord> entry) {
    ActorRecord old = entry.getValue();
    if (old != null && !(rebase && old.epoch == record.epoch && old.length() < record.length())) {
      return false;
    }
    ActorRecord r = new ActorRecord();
    r.id = record.id;
    r.name = record.name;
    r.module = record.module;
    r.parent = record.parent;
    r.epoch = record.epoch;
    r.node = record.node;
    r.member = record.member;
    r.manifest = record.manifest;
    r.moduleRef = record.moduleRef;
    r.status = record.status;
    r.events = new ArrayList<>(record.events);
    r.base = record.base;
    r.state = record.state;
    r.stateSeq = record.stateSeq;
    entry.setValue(r);
    return true;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    record.writeData(out);
    out.writeBoolean(rebase);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    record = new ActorRecord();
    record.readData(in);
    rebase = in.readBoolean();
  }

  static ActorRecord record(
      String id,
      String name,
      String module,
      String parent,
      long epoch,
      String node,
      String member,
      String manifest,
      String moduleRef,
      String status,
      List<ChainEvent> events,
      byte[] state,
      long stateSeq) {
    ActorRecord r = new ActorRecord();
    r.id = id;
    r.name = name;
    r.module = module;
    r.parent = parent;
    r.epoch = epoch;
    r.node = node;
    r.member = member;
    r.manifest = manifest;
    r.moduleRef = moduleRef;
    r.status = status;
    r.events = new ArrayList<>(events);
    r.base = events.isEmpty() ? stateSeq : events.get(0).seq();
    r.state = state;
    r.stateSeq = stateSeq;
    return r;
  }
}

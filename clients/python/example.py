#!/usr/bin/python3
"""A Python client of Troupe's gRPC API (docs/api.md), with modules generated from the .proto files.

It starts two actors from the repository's examples, then:
  1. sends to and requests the counter, while a chain subscription prints its committed events;
  2. opens a channel to a chat room and exchanges a message;
  3. shows how a failed call reports Troupe's error kind;
  4. stops both actors.

Settings (environment): TROUPE_TARGET (host:port, default 127.0.0.1:7070), TROUPE_TOKEN (sent as
`authorization: Bearer TOKEN` when the node has --tokens), TROUPE_CA (a PEM file: use TLS and trust
this CA, when the node has --tls-cert).
"""
import json
import os
import queue
import sys
import threading
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, "..", "..")
# generate.sh writes the modules here; a directory on PYTHONPATH comes first
sys.path.append(os.path.join(HERE, "generated"))

try:
    import grpc
    from troupe.v1 import troupe_pb2 as pb
    from troupe.v1 import troupe_pb2_grpc
except ImportError as e:
    sys.exit(
        f"troupe example: {e}. Install grpcio and protobuf "
        "(apt-get install -y python3-grpcio python3-protobuf) and run ./generate.sh first"
    )

# ---- connecting ----

TARGET = os.environ.get("TROUPE_TARGET", "127.0.0.1:7070")
OPTIONS = [("grpc.max_receive_message_length", 17 * 1024 * 1024)]  # messages and states: 16 MiB
if os.environ.get("TROUPE_CA"):
    with open(os.environ["TROUPE_CA"], "rb") as f:
        channel = grpc.secure_channel(TARGET, grpc.ssl_channel_credentials(f.read()), OPTIONS)
else:
    channel = grpc.insecure_channel(TARGET, OPTIONS)  # plaintext: a node on loopback without TLS
stub = troupe_pb2_grpc.TroupeStub(channel)
# Call metadata: the bearer token, when there is one.
TOKEN = os.environ.get("TROUPE_TOKEN")
METADATA = [("authorization", f"Bearer {TOKEN}")] if TOKEN else []


_printing = threading.Lock()


def say(line):
    """Prints one line of output; the subscription's thread prints too, so one line at a time."""
    with _printing:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def describe(err):
    """A failed call in Troupe's words: the gRPC code, the kind (trailer troupe-error-kind), the message."""
    if not isinstance(err, grpc.RpcError):
        return str(err)
    kind = dict(err.trailing_metadata() or ()).get("troupe-error-kind", "(no kind)")
    return f"{err.code().name} {kind}: {err.details()}"


# JSON travels as bytes: UTF-8 JSON text, one value.
def to_json(value):
    return json.dumps(value).encode("utf-8")


def from_json(data):
    return json.loads(data.decode("utf-8"))


def start_actor(manifest, module_file, actor_id):
    """Starts the actor of an example manifest: the manifest's text, and its module's bytes."""
    with open(os.path.join(REPO, "examples", manifest), encoding="utf-8") as f:
        toml = f.read()
    with open(os.path.join(REPO, "examples", module_file), "rb") as f:
        module = f.read()  # .wat text or .wasm binary
    res = stub.StartActor(
        pb.StartActorRequest(id=actor_id, manifest_toml=toml, manifest_name=manifest, module_bytes=module),
        metadata=METADATA,
        timeout=10,
    )
    say(f"started {res.id} ({manifest}) on {res.node}")
    return res.id


# ---- the example ----


def counter(suffix):
    actor = start_actor("counter/counter.toml", "counter/counter.wat", f"counter-{suffix}")

    # Subscribe from seq 0: the committed events so far, then each new one as it commits. The
    # stream is read on a thread of its own; cancel() ends it.
    events = stub.SubscribeChain(pb.SubscribeChainRequest(id=actor, from_seq=0), metadata=METADATA)
    answered = queue.Queue()

    def read_events():
        try:
            for e in events:
                data = from_json(e.data)
                fn = data.get("function", "").split(".")[-1]
                say(f"chain {e.seq} {e.type}{' ' + fn if fn else ''}")
                if e.type == "wasm.result" and fn == "handle-request":
                    answered.put(data["result"])
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.CANCELLED:
                say(f"subscription failed: {describe(err)}")

    reader = threading.Thread(target=read_events)
    reader.start()

    try:
        # A message_id makes a retried call safe: the actor handles each id once (docs/api.md).
        stub.Send(
            pb.SendRequest(id=actor, message_json=to_json({"add": 5}), message_id=str(uuid.uuid4())),
            metadata=METADATA,
            timeout=10,
        )
        say('sent {"add":5}')
        # timeout_ms is the node's deadline; the call's own (10 s) is longer, so the node answers first
        res = stub.Request(
            pb.RequestRequest(
                id=actor, message_json=to_json("total?"), message_id=str(uuid.uuid4()), timeout_ms=5000
            ),
            metadata=METADATA,
            timeout=10,
        )
        say(f'request "total?" -> {json.dumps(from_json(res.response_json))}')

        # The request's turn reaches the subscription once it is committed.
        try:
            result = answered.get(timeout=10)
        except queue.Empty:
            raise RuntimeError("no handle-request result on the chain within 10 s") from None
        say(f"chain shows the answer {json.dumps(result)}")
    finally:
        events.cancel()  # a subscription runs until the client cancels it
        reader.join()
    return actor


def chat_room(suffix):
    actor = start_actor("chat-room/room.toml", "chat-room/room.wat", f"room-{suffix}")
    # The client's side of the stream is an iterator: it yields what is put in `outgoing`, and
    # ends at None. The first message opens the channel (with a JSON message for the actor's
    # handle-channel-open); the node answers `opened`, then JSON goes both ways.
    outgoing = queue.Queue()
    hello = pb.ChannelOpen(id=actor, message_json=to_json({"name": "python-client"}))
    outgoing.put(pb.ChannelClientMessage(open=hello))
    replies = stub.OpenChannel(iter(outgoing.get, None), metadata=METADATA, timeout=30)
    status = 0
    try:
        for m in replies:
            body = m.WhichOneof("body")
            if body == "opened":
                say(f"channel opened: {m.opened.channel_id}")
                outgoing.put(pb.ChannelClientMessage(message_json=to_json({"text": "hello from Python"})))
            elif body == "message_json":
                # the room broadcasts every message to every member, its sender included
                say(f"channel message: {json.dumps(from_json(m.message_json))}")
                outgoing.put(pb.ChannelClientMessage(close=pb.ChannelCloseRequest()))
            elif body == "error":  # one of our frames was refused; the channel stays open
                say(f"channel error: {m.error.kind}: {m.error.message}")
                status = 1
            elif body == "closed":  # the last frame; the stream ends after it
                say(f"channel closed: {m.closed.reason}")
    finally:
        outgoing.put(None)  # ends the client's side of the stream
    return actor, status


def main():
    suffix = uuid.uuid4().hex[:8]
    say(f"target {TARGET}")
    counter_id = counter(suffix)
    room_id, status = chat_room(suffix)

    # A failed call: the status carries Troupe's kind besides the gRPC code.
    try:
        missing = pb.RequestRequest(id=f"missing-{suffix}", message_json=to_json("total?"))
        stub.Request(missing, metadata=METADATA, timeout=10)
        say("error: none (unexpected)")
        return 1
    except grpc.RpcError as err:
        say(f"error: {describe(err)}")

    for actor in (counter_id, room_id):
        stop = pb.StopActorRequest(id=actor, reason="the example is done")
        stub.StopActor(stop, metadata=METADATA, timeout=10)
        say(f"stopped {actor}")
    say("done")
    return status


if __name__ == "__main__":
    try:
        code = main()
    except (grpc.RpcError, RuntimeError, OSError) as err:
        print(f"troupe example: {describe(err)}", file=sys.stderr)
        code = 1
    finally:
        channel.close()
    sys.exit(code)

// A Node.js client of Troupe's gRPC API (docs/api.md), built from the .proto files at run time.
//
// It starts two actors from the repository's examples, then:
//   1. sends to and requests the counter, while a chain subscription prints its committed events;
//   2. opens a channel to a chat room and exchanges a message;
//   3. shows how a failed call reports Troupe's error kind;
//   4. stops both actors.
//
// Settings (environment): TROUPE_TARGET (host:port, default 127.0.0.1:7070), TROUPE_TOKEN (sent as
// `authorization: Bearer TOKEN` when the node has --tokens), TROUPE_CA (a PEM file: use TLS and
// trust this CA, when the node has --tls-cert).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

// ---- connecting ----

const definition = protoLoader.loadSync('troupe/v1/troupe.proto', {
  includeDirs: [join(repo, 'proto', 'src', 'main', 'proto')],
  keepCase: true, // field names as in the .proto: message_json, from_seq, ...
  longs: Number, // uint64 seq and epoch as numbers (exact up to 2^53)
  defaults: true, // proto3 leaves zero values off the wire: seq 0 would read as undefined
  oneofs: true, // a oneof's name (`body`, `module`) tells which of its fields is set
});
const { Troupe } = grpc.loadPackageDefinition(definition).troupe.v1;

const target = process.env.TROUPE_TARGET || '127.0.0.1:7070';
const credentials = process.env.TROUPE_CA
  ? grpc.credentials.createSsl(readFileSync(process.env.TROUPE_CA))
  : grpc.credentials.createInsecure(); // plaintext: a node on loopback without --tls-cert
const client = new Troupe(target, credentials, {
  'grpc.max_receive_message_length': 17 * 1024 * 1024, // a message or state may be 16 MiB
});

/** Call metadata: the bearer token, when there is one. */
function metadata() {
  const md = new grpc.Metadata();
  if (process.env.TROUPE_TOKEN) md.set('authorization', `Bearer ${process.env.TROUPE_TOKEN}`);
  return md;
}

/** A unary call as a promise, with a deadline. */
function call(method, request, seconds = 10) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata(), { deadline: Date.now() + seconds * 1000 }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}

/** A failed call in Troupe's words: the gRPC code, the kind (trailer troupe-error-kind), the message. */
function describe(err) {
  if (err.code === undefined) return String(err);
  const kind = err.metadata?.get('troupe-error-kind')[0] ?? '(no kind)';
  return `${grpc.status[err.code]} ${kind}: ${err.details}`;
}

// JSON travels as bytes: UTF-8 JSON text, one value.
const json = (value) => Buffer.from(JSON.stringify(value));
const parse = (bytes) => JSON.parse(Buffer.from(bytes).toString('utf8'));

/** Starts the actor of an example manifest: the manifest's text, and its module's bytes. */
async function startActor(manifest, moduleFile, id) {
  const res = await call('StartActor', {
    id,
    manifest_toml: readFileSync(join(repo, 'examples', manifest), 'utf8'),
    manifest_name: manifest,
    module_bytes: readFileSync(join(repo, 'examples', moduleFile)), // .wat text or .wasm binary
  });
  console.log(`started ${res.id} (${manifest}) on ${res.node}`);
  return res.id;
}

// ---- the example ----

async function counter(suffix) {
  const id = await startActor('counter/counter.toml', 'counter/counter.wat', `counter-${suffix}`);

  // Subscribe from seq 0: the committed events so far, then each new one as it commits.
  const events = client.SubscribeChain({ id, from_seq: 0 }, metadata());
  let sawAnswer;
  const answered = new Promise((resolve) => (sawAnswer = resolve));
  events.on('data', (e) => {
    const data = parse(e.data);
    const fn = data.function ? ` ${data.function.split('.').pop()}` : '';
    console.log(`chain ${e.seq} ${e.type}${fn}`);
    if (e.type === 'wasm.result' && fn === ' handle-request') sawAnswer(data.result);
  });
  const ended = new Promise((resolve) => {
    events.on('error', (err) => {
      if (err.code !== grpc.status.CANCELLED) console.log(`subscription failed: ${describe(err)}`);
      resolve();
    });
    events.on('end', resolve);
  });

  try {
    // A message_id makes a retried call safe: the actor handles each id once (docs/api.md).
    await call('Send', { id, message_json: json({ add: 5 }), message_id: randomUUID() });
    console.log('sent {"add":5}');
    const res = await call('Request', {
      id,
      message_json: json('total?'),
      message_id: randomUUID(),
      timeout_ms: 5000, // the call's deadline (10 s) is longer: the node answers first
    });
    console.log(`request "total?" -> ${JSON.stringify(parse(res.response_json))}`);

    // The request's turn reaches the subscription once it is committed.
    const result = await withTimeout(answered, 10, 'no handle-request result on the chain');
    console.log(`chain shows the answer ${JSON.stringify(result)}`);
  } finally {
    events.cancel(); // a subscription runs until the client cancels it
    await ended;
  }
  return id;
}

async function chatRoom(suffix) {
  const id = await startActor('chat-room/room.toml', 'chat-room/room.wat', `room-${suffix}`);
  const channel = client.OpenChannel(metadata(), { deadline: Date.now() + 30_000 });
  // The first client message opens the channel (with a JSON message for the actor's
  // handle-channel-open); the node answers `opened`, then JSON goes both ways.
  channel.write({ open: { id, message_json: json({ name: 'node-client' }) } });
  let status = 0;
  for await (const m of channel) {
    switch (m.body) {
      case 'opened':
        console.log(`channel opened: ${m.opened.channel_id}`);
        channel.write({ message_json: json({ text: 'hello from Node.js' }) });
        break;
      case 'message_json':
        // the room broadcasts every message to every member, its sender included
        console.log(`channel message: ${JSON.stringify(parse(m.message_json))}`);
        channel.write({ close: {} });
        break;
      case 'error': // one of our frames was refused; the channel stays open
        console.log(`channel error: ${m.error.kind}: ${m.error.message}`);
        status = 1;
        break;
      case 'closed': // the last frame; the stream ends after it
        console.log(`channel closed: ${m.closed.reason}`);
        channel.end();
        break;
    }
  }
  return { id, status };
}

function withTimeout(promise, seconds, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${seconds} s`)), seconds * 1000);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  const suffix = randomUUID().slice(0, 8);
  console.log(`target ${target}`);
  const counterId = await counter(suffix);
  const room = await chatRoom(suffix);

  // A failed call: the status carries Troupe's kind besides the gRPC code.
  try {
    await call('Request', { id: `missing-${suffix}`, message_json: json('total?') });
    console.log('error: none (unexpected)');
    return 1;
  } catch (err) {
    console.log(`error: ${describe(err)}`);
  }

  for (const id of [counterId, room.id]) {
    await call('StopActor', { id, reason: 'the example is done' });
    console.log(`stopped ${id}`);
  }
  console.log('done');
  return room.status;
}

main()
  .then((status) => {
    client.close();
    process.exitCode = status;
  })
  .catch((err) => {
    console.error(`troupe example: ${describe(err)}`);
    client.close();
    process.exitCode = 1;
  });

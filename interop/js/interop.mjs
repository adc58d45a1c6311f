// Drives a freshet server through the unmodified AWS SDK for JavaScript v3.
// Usage: node interop.mjs ENDPOINT_URL   (exits 1 on the first mismatch)
// For an https endpoint with a self-signed certificate, point
// NODE_EXTRA_CA_CERTS at the certificate's PEM file.
import assert from "node:assert/strict";
import * as k from "@aws-sdk/client-kinesis";

const endpoint = process.argv[2];
if (!endpoint) {
  console.error("usage: node interop.mjs ENDPOINT_URL");
  process.exit(2);
}
// No retries: a retried call would hide a protocol error.
const client = new k.KinesisClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET" },
  maxAttempts: 1,
});
// Its default handler speaks HTTP/2 for every call: h2c (prior knowledge)
// on http://, ALPN h2 on https://.
assert.equal(client.config.requestHandler.constructor.name, "NodeHttp2Handler", "the SDK's request handler");
const call = (name, input, opts) => client.send(new k[`${name}Command`](input), opts);
const step = (msg) => console.log(`ok  ${msg}`);

const StreamName = "interop-js";
const account = "000000000000";
const parent = "shardId-000000000000";
const enc = (s) => new Uint8Array(Buffer.from(s));
const sent = [
  { PartitionKey: "pk-0", Data: new Uint8Array([0, 1, 2, 0xfe, 0xff]) }, // not UTF-8
  { PartitionKey: "pk-1", Data: enc("one") },
  { PartitionKey: "pk-2", Data: enc("two") },
  { PartitionKey: "pk-3", Data: enc("three ✓") },
];
// seqs checks that records carry sent's partition keys and data, in order of
// strictly increasing sequence numbers, and returns their sequence numbers.
function seqs(records, want, what) {
  assert.deepEqual(
    records.map((r) => [r.PartitionKey, Buffer.from(r.Data).toString("hex")]),
    want.map((r) => [r.PartitionKey, Buffer.from(r.Data).toString("hex")]),
    `${what}: partition keys and data`,
  );
  const sns = records.map((r) => r.SequenceNumber);
  sns.slice(1).forEach((sn, i) => assert.ok(BigInt(sn) > BigInt(sns[i]), `${what}: sequence numbers not increasing: ${sns}`));
  records.forEach((r) => assert.ok(r.ApproximateArrivalTimestamp instanceof Date, `${what}: ApproximateArrivalTimestamp`));
  return sns;
}

async function main() {
  await call("CreateStream", { StreamName, ShardCount: 1 });
  const waited = await k.waitUntilStreamExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { StreamName });
  assert.equal(waited.state, "SUCCESS", "waitUntilStreamExists");
  step("CreateStream, waitUntilStreamExists");

  const sum = (await call("DescribeStreamSummary", { StreamName })).StreamDescriptionSummary;
  const StreamARN = `arn:aws:kinesis:us-east-1:${account}:stream/${StreamName}`;
  assert.equal(sum.StreamARN, StreamARN, "StreamARN");
  assert.equal(sum.StreamStatus, "ACTIVE", "StreamStatus");
  assert.equal(sum.OpenShardCount, 1, "OpenShardCount");
  assert.equal(sum.RetentionPeriodHours, 24, "RetentionPeriodHours");
  assert.ok(sum.StreamCreationTimestamp instanceof Date, "StreamCreationTimestamp");
  step("DescribeStreamSummary");

  const put = await call("PutRecord", { StreamName, ...sent[0] });
  assert.equal(put.ShardId, parent, "PutRecord ShardId");
  assert.match(put.SequenceNumber, /^\d{56}$/, "PutRecord SequenceNumber");
  const puts = await call("PutRecords", { StreamName, Records: sent.slice(1) });
  assert.equal(puts.FailedRecordCount, 0, "PutRecords FailedRecordCount");
  assert.equal(puts.Records.length, 3, "PutRecords entries");
  const putSNs = [put.SequenceNumber, ...puts.Records.map((r) => r.SequenceNumber)];
  step("PutRecord, PutRecords");

  const shards = (await call("ListShards", { StreamName })).Shards;
  assert.deepEqual(shards.map((s) => [s.ShardId, s.HashKeyRange]),
    [[parent, { StartingHashKey: "0", EndingHashKey: (2n ** 128n - 1n).toString() }]], "ListShards");
  step("ListShards");

  const iter = async (ShardIteratorType, StartingSequenceNumber) =>
    (await call("GetShardIterator", { StreamName, ShardId: parent, ShardIteratorType, StartingSequenceNumber })).ShardIterator;
  let got = await call("GetRecords", { ShardIterator: await iter("TRIM_HORIZON") });
  assert.deepEqual(seqs(got.Records, sent, "GetRecords TRIM_HORIZON"), putSNs, "GetRecords sequence numbers");
  assert.equal(got.MillisBehindLatest, 0, "MillisBehindLatest");
  let next = got.NextShardIterator;
  got = await call("GetRecords", { ShardIterator: await iter("AT_SEQUENCE_NUMBER", putSNs[2]), Limit: 1 });
  assert.deepEqual(seqs(got.Records, sent.slice(2, 3), "GetRecords AT_SEQUENCE_NUMBER"), [putSNs[2]]);
  step("GetShardIterator (TRIM_HORIZON, AT_SEQUENCE_NUMBER), GetRecords");

  const missing = await call("DescribeStreamSummary", { StreamName: "interop-js-missing" }).then(() => null, (e) => e);
  assert.ok(missing instanceof k.ResourceNotFoundException, `want ResourceNotFoundException, got ${missing}`);
  assert.equal(missing.name, "ResourceNotFoundException");
  assert.equal(missing.message, `Stream interop-js-missing under account ${account} not found.`);
  assert.equal(missing.$metadata.httpStatusCode, 400);
  assert.equal(missing.$fault, "client");
  step("ResourceNotFoundException");

  await call("AddTagsToStream", { StreamName, Tags: { team: "data", env: "test" } });
  const tags = await call("ListTagsForStream", { StreamName });
  assert.deepEqual(tags.Tags, [{ Key: "env", Value: "test" }, { Key: "team", Value: "data" }], "ListTagsForStream");
  assert.equal(tags.HasMoreTags, false, "HasMoreTags");
  step("AddTagsToStream, ListTagsForStream");

  const { Consumer } = await call("RegisterStreamConsumer", { StreamARN, ConsumerName: "interop" });
  const { ConsumerARN } = Consumer;
  assert.ok(ConsumerARN.startsWith(`${StreamARN}/consumer/interop:`), `ConsumerARN ${ConsumerARN}`);
  const desc = (await call("DescribeStreamConsumer", { ConsumerARN })).ConsumerDescription;
  assert.equal(desc.ConsumerStatus, "ACTIVE", "ConsumerStatus");
  step("RegisterStreamConsumer, DescribeStreamConsumer");

  // Subscribe from the start: the 4 records, one more put while subscribed,
  // then a split closes the shard, which ends the stream with ChildShards.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 20000);
  const sub = await call("SubscribeToShard",
    { ConsumerARN, ShardId: parent, StartingPosition: { Type: "TRIM_HORIZON" } }, { abortSignal: abort.signal });
  const live = { PartitionKey: "pk-4", Data: enc("live") };
  const streamed = [];
  let last;
  for await (const ev of sub.EventStream) {
    assert.ok(ev.SubscribeToShardEvent, `unexpected event ${JSON.stringify(Object.keys(ev))}`);
    last = ev.SubscribeToShardEvent;
    streamed.push(...last.Records);
    if (streamed.length === 4 && last.Records.length > 0) {
      putSNs.push((await call("PutRecord", { StreamName, ...live })).SequenceNumber);
    } else if (streamed.length === 5 && last.Records.length > 0) {
      await call("SplitShard", { StreamName, ShardToSplit: parent, NewStartingHashKey: (2n ** 127n).toString() });
    }
  }
  clearTimeout(timer);
  assert.deepEqual(seqs(streamed, [...sent, live], "SubscribeToShard"), putSNs, "SubscribeToShard sequence numbers");
  const children = ["shardId-000000000001", "shardId-000000000002"];
  assert.equal(last.ContinuationSequenceNumber, undefined, "last event's ContinuationSequenceNumber");
  assert.deepEqual(last.ChildShards.map((c) => [c.ShardId, c.ParentShards]),
    children.map((id) => [id, [parent]]), "last event's ChildShards");
  step("SubscribeToShard event stream (history, live record, ChildShards at shard end), SplitShard");

  for (;;) { // read the rest of the parent with GetRecords: it ends with ChildShards
    got = await call("GetRecords", { ShardIterator: next });
    if (!got.NextShardIterator) break;
    seqs(got.Records, [live], "GetRecords after split");
    next = got.NextShardIterator;
  }
  assert.deepEqual(got.ChildShards.map((c) => [c.ShardId, c.ParentShards, c.HashKeyRange.StartingHashKey]),
    [[children[0], [parent], "0"], [children[1], [parent], (2n ** 127n).toString()]], "GetRecords ChildShards");
  const after = (await call("ListShards", { StreamName })).Shards;
  assert.deepEqual(after.map((s) => s.ShardId), [parent, ...children], "ListShards after split");
  assert.ok(after[0].SequenceNumberRange.EndingSequenceNumber, "closed parent has an EndingSequenceNumber");
  step("GetRecords to the end of the parent: ChildShards; ListShards");

  await call("DeleteStream", { StreamName, EnforceConsumerDeletion: true });
  const gone = await k.waitUntilStreamNotExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { StreamName });
  assert.equal(gone.state, "SUCCESS", "waitUntilStreamNotExists");
  step("DeleteStream, waitUntilStreamNotExists");
}

try {
  await main();
  console.log("js interop: all checks passed");
} catch (err) {
  console.error(`js interop FAILED: ${err.stack ?? err}`);
  process.exitCode = 1;
} finally {
  client.destroy();
}

"""Drives a freshet server through the unmodified boto3 (botocore) client.

Usage: python3 interop.py ENDPOINT_URL   (exits 1 on the first mismatch)
"""
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
STREAM = "interop-py"
SHARD = "shardId-000000000000"


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def main(endpoint):
    kinesis = boto3.client(
        "kinesis", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="AKID", aws_secret_access_key="SECRET",
        config=Config(retries={"total_max_attempts": 1}))  # a retry would hide a protocol error

    kinesis.create_stream(StreamName=STREAM, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=STREAM, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    summary = kinesis.describe_stream_summary(StreamName=STREAM)["StreamDescriptionSummary"]
    arn = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{STREAM}"
    check(summary["StreamARN"] == arn and summary["OpenShardCount"] == 1, f"summary {summary}")
    print("ok  create_stream, stream_exists waiter, describe_stream_summary")

    sent = [("pk-0", bytes([0, 1, 2, 0xFE, 0xFF])), ("pk-1", b"one"), ("pk-2", "two ✓".encode())]
    first = kinesis.put_record(StreamName=STREAM, PartitionKey=sent[0][0], Data=sent[0][1])
    rest = kinesis.put_records(StreamName=STREAM, Records=[{"PartitionKey": k, "Data": d} for k, d in sent[1:]])
    check(rest["FailedRecordCount"] == 0, f"put_records {rest}")
    seqs = [first["SequenceNumber"]] + [r["SequenceNumber"] for r in rest["Records"]]
    check(first["ShardId"] == SHARD, f"put_record {first}")
    print("ok  put_record, put_records")

    it = kinesis.get_shard_iterator(StreamName=STREAM, ShardId=SHARD, ShardIteratorType="TRIM_HORIZON")
    got = kinesis.get_records(ShardIterator=it["ShardIterator"])
    records = [(r["PartitionKey"], r["Data"]) for r in got["Records"]]
    check(records == sent, f"get_records: got {records}, want {sent}")
    check([r["SequenceNumber"] for r in got["Records"]] == seqs, "get_records sequence numbers")
    check(sorted(seqs, key=int) == seqs and len(set(seqs)) == 3, f"sequence numbers not increasing: {seqs}")
    it = kinesis.get_shard_iterator(StreamName=STREAM, ShardId=SHARD,
                                    ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[1])
    got = kinesis.get_records(ShardIterator=it["ShardIterator"])
    check([r["Data"] for r in got["Records"]] == [sent[2][1]], f"AFTER_SEQUENCE_NUMBER: {got['Records']}")
    print("ok  get_shard_iterator (TRIM_HORIZON, AFTER_SEQUENCE_NUMBER), get_records data round trip")

    try:
        kinesis.describe_stream_summary(StreamName="interop-py-missing")
        raise AssertionError("describe_stream_summary of a missing stream succeeded")
    except kinesis.exceptions.ResourceNotFoundException as e:
        err = e.response["Error"]
        want = {"Code": "ResourceNotFoundException",
                "Message": f"Stream interop-py-missing under account {ACCOUNT} not found."}
        check(err == want, f"error {err}, want {want}")
        check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, "status of the error")
        check(isinstance(e, ClientError), "ResourceNotFoundException is a ClientError")
    print("ok  ClientError ResourceNotFoundException")

    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="interop")["Consumer"]
    sub = kinesis.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"], ShardId=SHARD,
                                     StartingPosition={"Type": "TRIM_HORIZON"})
    streamed = []
    for event in sub["EventStream"]:
        streamed += [(r["PartitionKey"], r["Data"]) for r in event["SubscribeToShardEvent"]["Records"]]
        if len(streamed) >= len(sent):
            break
    sub["EventStream"].close()
    check(streamed == sent, f"subscribe_to_shard: got {streamed}, want {sent}")
    print("ok  register_stream_consumer, subscribe_to_shard event stream")

    kinesis.delete_stream(StreamName=STREAM, EnforceConsumerDeletion=True)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=STREAM, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    print("ok  delete_stream, stream_not_exists waiter")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 interop.py ENDPOINT_URL")
    try:
        main(sys.argv[1])
    except Exception as e:  # any failure is a mismatch to report
        sys.exit(f"python interop FAILED: {type(e).__name__}: {e}")
    print("python interop: all checks passed")

#!/usr/bin/env bash
# Drives a freshet server through the unmodified AWS CLI (v2, or v1).
# Usage: interop.sh ENDPOINT_URL   (exits 1 on the first mismatch)
set -euo pipefail
endpoint=${1:?usage: interop.sh ENDPOINT_URL}

# Dummy credentials, no ~/.aws, no retries (a retry would hide a protocol error).
export AWS_ACCESS_KEY_ID=AKID AWS_SECRET_ACCESS_KEY=SECRET AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_MAX_ATTEMPTS=1 AWS_PAGER=""
kinesis() { aws --endpoint-url "$endpoint" --output text kinesis "$@"; }
fail() { echo "cli interop FAILED: $*" >&2; exit 1; }
expect() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; echo "ok  $1"; }

version=$(aws --version 2>&1)
echo "$version"
case $version in
  aws-cli/1.*) binary=() service_error=255 ;; # v1 takes blobs raw and has no --cli-binary-format
  *) binary=(--cli-binary-format raw-in-base64-out) service_error=254 ;;
esac

stream=interop-cli
shard=shardId-000000000000
kinesis create-stream --stream-name "$stream" --shard-count 1
kinesis wait stream-exists --stream-name "$stream"
expect "describe-stream-summary" \
  "$(kinesis describe-stream-summary --stream-name "$stream" \
    --query 'StreamDescriptionSummary.[StreamStatus,OpenShardCount,StreamARN]')" \
  "$(printf 'ACTIVE\t1\tarn:aws:kinesis:us-east-1:000000000000:stream/%s' "$stream")"

seq1=$(kinesis put-record --stream-name "$stream" --partition-key pk-1 --data 'hello freshet' "${binary[@]}" \
  --query SequenceNumber)
seq2=$(kinesis put-record --stream-name "$stream" --partition-key pk-2 --data 'second ✓' "${binary[@]}" \
  --query SequenceNumber)
[[ $seq1 =~ ^[0-9]{56}$ && $seq2 > $seq1 ]] || fail "put-record sequence numbers '$seq1', '$seq2'"
echo "ok  put-record"

expect "list-shards" "$(kinesis list-shards --stream-name "$stream" --query 'Shards[].[ShardId,HashKeyRange.EndingHashKey]')" \
  "$(printf '%s\t340282366920938463463374607431768211455' "$shard")"

iterator=$(kinesis get-shard-iterator --stream-name "$stream" --shard-id "$shard" --shard-iterator-type TRIM_HORIZON \
  --query ShardIterator)
records=$(kinesis get-records --shard-iterator "$iterator" --query 'Records[].[SequenceNumber,PartitionKey,Data]')
expect "get-records" "$records" \
  "$(printf '%s\tpk-1\t%s\n%s\tpk-2\t%s' "$seq1" "$(printf 'hello freshet' | base64)" "$seq2" "$(printf 'second ✓' | base64)")"
expect "get-records data" "$(cut -f3 <<<"$records" | head -1 | base64 -d)" "hello freshet"

status=0
err=$(kinesis describe-stream-summary --stream-name interop-cli-missing 2>&1 >/dev/null) || status=$?
expect "error exit status" "$status" "$service_error"
want="An error occurred (ResourceNotFoundException) when calling the DescribeStreamSummary operation:"
want+=" Stream interop-cli-missing under account 000000000000 not found."
# With AWS_MAX_ATTEMPTS=1, CLI v2 adds " (reached max retries: 0)" after the operation name.
expect "error message" "$(grep -F 'An error occurred' <<<"$err" | sed -E 's/ \(reached max retries: [0-9]+\)//')" "$want"

kinesis delete-stream --stream-name "$stream"
kinesis wait stream-not-exists --stream-name "$stream"
expect "delete-stream" "$(kinesis list-streams --query 'length(StreamNames)')" "0"
echo "cli interop: all checks passed"

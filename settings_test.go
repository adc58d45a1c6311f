package freshet

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ---- Retention ----

func TestRetentionPeriodRules(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	increase := func(h int) error {
		_, err := e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "s", RetentionPeriodHours: h})
		return err
	}
	decrease := func(h int) error {
		_, err := e.DecreaseStreamRetentionPeriod(ctx, &DecreaseStreamRetentionPeriodInput{StreamARN: arnOf("s"), RetentionPeriodHours: h})
		return err
	}
	hours := func() int { return mustDescribe(t, e, "s").RetentionPeriodHours }

	require.Equal(t, 24, hours())
	require.NoError(t, increase(24), "equal value is a no-op")
	require.NoError(t, decrease(24), "equal value is a no-op")
	require.NoError(t, increase(48))
	require.Equal(t, 48, hours())
	require.NoError(t, increase(48))

	requireKinesisError(t, increase(30), ErrInvalidArgument,
		"Requested retention period (30 hours) for stream s can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.")
	requireKinesisError(t, decrease(72), ErrInvalidArgument,
		"Requested retention period (72 hours) for stream s can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.")
	require.Equal(t, 48, hours())

	require.NoError(t, increase(8760))
	require.Equal(t, 8760, hours())
	require.Equal(t, 8760, mustSummary(t, e, "s").RetentionPeriodHours)
	require.NoError(t, decrease(24))
	require.Equal(t, 24, hours())

	tooShort := func(h int) string {
		return fmt.Sprintf("Minimum allowed retention period is 24 hours. Requested retention period (%d hours) is too short.", h)
	}
	tooLong := func(h int) string {
		return fmt.Sprintf("Maximum allowed retention period is 8760 hours. Requested retention period (%d hours) is too long.", h)
	}
	requireKinesisError(t, decrease(23), ErrInvalidArgument, tooShort(23))
	requireKinesisError(t, increase(1), ErrInvalidArgument, tooShort(1))
	requireKinesisError(t, increase(-5), ErrInvalidArgument, tooShort(-5))
	requireKinesisError(t, increase(8761), ErrInvalidArgument, tooLong(8761))
	requireKinesisError(t, decrease(100000), ErrInvalidArgument, tooLong(100000))
	nullHours := validationMessage("Value null at 'retentionPeriodHours' failed to satisfy constraint: Member must not be null")
	requireKinesisError(t, increase(0), ErrValidation, nullHours)
	requireKinesisError(t, decrease(0), ErrValidation, nullHours)
	require.Equal(t, 24, hours())

	_, err := e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "missing", RetentionPeriodHours: 48})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
}

func TestRetentionPeriodWhileUpdating(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Update: 5 * time.Second}))
	mustCreate(t, e, "s", 2)
	_, err := e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "s", TargetShardCount: 4, ScalingType: UniformScaling})
	require.NoError(t, err)
	_, err = e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "s", RetentionPeriodHours: 48})
	requireKinesisError(t, err, ErrResourceInUse, notActiveMsg("s", StreamStatusUpdating))
	clk.Advance(5 * time.Second)
	_, err = e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "s", RetentionPeriodHours: 48})
	require.NoError(t, err)
}

// ---- UpdateStreamMode ----

func TestUpdateStreamMode(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Update: 10 * time.Second}))
	mustCreate(t, e, "s", 3)
	mode := func(m StreamMode) error {
		_, err := e.UpdateStreamMode(ctx, &UpdateStreamModeInput{StreamARN: arnOf("s"), StreamModeDetails: StreamModeDetails{StreamMode: m}})
		return err
	}
	requireKinesisError(t, mode(StreamModeProvisioned), ErrInvalidArgument, "Stream s under account 000000000000 is already in PROVISIONED mode.")

	require.NoError(t, mode(StreamModeOnDemand))
	d := mustDescribe(t, e, "s")
	require.Equal(t, StreamStatusUpdating, d.StreamStatus)
	require.Equal(t, StreamModeOnDemand, d.StreamModeDetails.StreamMode)
	require.Len(t, d.Shards, 3, "the shard layout is kept")
	requireKinesisError(t, mode(StreamModeProvisioned), ErrResourceInUse, notActiveMsg("s", StreamStatusUpdating))
	_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k"})
	require.NoError(t, err, "writes continue while UPDATING")

	clk.Advance(10 * time.Second)
	require.Equal(t, StreamStatusActive, mustDescribe(t, e, "s").StreamStatus)
	s := mustSummary(t, e, "s")
	require.Equal(t, StreamModeOnDemand, s.StreamModeDetails.StreamMode)
	require.Equal(t, &WarmThroughput{}, s.WarmThroughput)
	ls, err := e.ListStreams(ctx, &ListStreamsInput{})
	require.NoError(t, err)
	require.Equal(t, StreamModeOnDemand, ls.StreamSummaries[0].StreamModeDetails.StreamMode)

	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"})
	requireKinesisError(t, err, ErrValidation, "This API is only supported for data streams with the provisioned capacity mode")
	_, err = e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "s", TargetShardCount: 4, ScalingType: UniformScaling})
	requireKinesisError(t, err, ErrValidation, "This API is only supported for data streams with the provisioned capacity mode")

	requireKinesisError(t, mode(StreamModeOnDemand), ErrInvalidArgument, "Stream s under account 000000000000 is already in ON_DEMAND mode.")
	_, err = e.UpdateStreamMode(ctx, &UpdateStreamModeInput{StreamARN: arnOf("s"), StreamModeDetails: StreamModeDetails{StreamMode: StreamModeProvisioned}, WarmThroughputMiBps: 5})
	requireKinesisError(t, err, ErrInvalidArgument, "WarmThroughputMiBps is only supported for streams in ON_DEMAND mode")
	require.NoError(t, mode(StreamModeProvisioned))
	clk.Advance(10 * time.Second)
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"})
	require.NoError(t, err)

	_, err = e.UpdateStreamMode(ctx, &UpdateStreamModeInput{})
	requireKinesisError(t, err, ErrValidation, validationMessage(
		"Value null at 'streamARN' failed to satisfy constraint: Member must not be null",
		"Value null at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must not be null"))
	_, err = e.UpdateStreamMode(ctx, &UpdateStreamModeInput{StreamARN: arnOf("s"), StreamModeDetails: StreamModeDetails{StreamMode: "AUTO"}})
	requireKinesisError(t, err, ErrValidation, validationMessage(
		"Value 'AUTO' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"))
	_, err = e.UpdateStreamMode(ctx, &UpdateStreamModeInput{StreamARN: arnOf("nope"), StreamModeDetails: StreamModeDetails{StreamMode: StreamModeOnDemand}})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("nope"))
}

// ---- Encryption ----

func TestStreamEncryption(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	put := func(data string) EncryptionType {
		t.Helper()
		out, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte(data)})
		require.NoError(t, err)
		return out.EncryptionType
	}
	require.Equal(t, EncryptionNone, put("plain-1"))

	_, err := e.StartStreamEncryption(ctx, &StartStreamEncryptionInput{StreamName: "s", EncryptionType: EncryptionKMS, KeyId: "alias/aws/kinesis"})
	require.NoError(t, err)
	d := mustDescribe(t, e, "s")
	require.Equal(t, EncryptionKMS, d.EncryptionType)
	require.Equal(t, "alias/aws/kinesis", d.KeyId)
	require.Equal(t, EncryptionKMS, put("secret-1"))
	pr, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{{PartitionKey: "k", Data: []byte("secret-2")}}})
	require.NoError(t, err)
	require.Equal(t, EncryptionKMS, pr.EncryptionType)

	key := "arn:aws:kms:us-east-1:000000000000:key/12345678-1234-1234-1234-123456789012"
	_, err = e.StartStreamEncryption(ctx, &StartStreamEncryptionInput{StreamARN: arnOf("s"), EncryptionType: EncryptionKMS, KeyId: key})
	require.NoError(t, err, "changing the key")
	require.Equal(t, key, mustSummary(t, e, "s").KeyId)

	_, err = e.StopStreamEncryption(ctx, &StopStreamEncryptionInput{StreamName: "s", EncryptionType: EncryptionKMS, KeyId: key})
	require.NoError(t, err)
	d = mustDescribe(t, e, "s")
	require.Equal(t, EncryptionNone, d.EncryptionType)
	require.Empty(t, d.KeyId)
	require.Equal(t, EncryptionNone, put("plain-2"))

	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: TrimHorizon})
	require.NoError(t, err)
	gr, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator})
	require.NoError(t, err)
	got := map[string]EncryptionType{}
	for _, r := range gr.Records {
		got[string(r.Data)] = r.EncryptionType
	}
	require.Equal(t, map[string]EncryptionType{
		"plain-1": EncryptionNone, "secret-1": EncryptionKMS, "secret-2": EncryptionKMS, "plain-2": EncryptionNone,
	}, got, "each record keeps the encryption it was written with")
}

func TestStreamEncryptionErrors(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Update: time.Second}))
	mustCreate(t, e, "s", 1)
	start := func(typ EncryptionType, key string) error {
		_, err := e.StartStreamEncryption(ctx, &StartStreamEncryptionInput{StreamName: "s", EncryptionType: typ, KeyId: key})
		return err
	}
	requireKinesisError(t, start("", ""), ErrValidation, validationMessage(
		"Value null at 'encryptionType' failed to satisfy constraint: Member must not be null",
		"Value null at 'keyId' failed to satisfy constraint: Member must not be null"))
	requireKinesisError(t, start("AES", "alias/k"), ErrValidation, validationMessage(
		"Value 'AES' at 'encryptionType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, KMS]"))
	long := strings.Repeat("k", 2049)
	requireKinesisError(t, start(EncryptionKMS, long), ErrValidation, validationMessage(
		"Value '"+long+"' at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048"))
	requireKinesisError(t, start(EncryptionNone, "alias/k"), ErrInvalidArgument, "Encryption type NONE is not supported. Supported encryption types: KMS")
	requireKinesisError(t, start(EncryptionKMS, "not a key"), ErrInvalidArgument, "Invalid KeyId not a key.")
	require.Equal(t, EncryptionNone, mustDescribe(t, e, "s").EncryptionType)

	require.NoError(t, start(EncryptionKMS, "alias/k"))
	require.Equal(t, StreamStatusUpdating, mustDescribe(t, e, "s").StreamStatus)
	_, err := e.StopStreamEncryption(ctx, &StopStreamEncryptionInput{StreamName: "s", EncryptionType: EncryptionKMS, KeyId: "alias/k"})
	requireKinesisError(t, err, ErrResourceInUse, notActiveMsg("s", StreamStatusUpdating))
	clk.Advance(time.Second)
	_, err = e.StopStreamEncryption(ctx, &StopStreamEncryptionInput{StreamName: "s", EncryptionType: EncryptionKMS, KeyId: "alias/k"})
	require.NoError(t, err)
	_, err = e.StopStreamEncryption(ctx, &StopStreamEncryptionInput{StreamName: "missing", EncryptionType: EncryptionKMS, KeyId: "alias/k"})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
}

// ---- Enhanced monitoring ----

func TestEnhancedMonitoring(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	all := []string{"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
		"WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds"}
	current := func() []string {
		d := mustDescribe(t, e, "s")
		require.Len(t, d.EnhancedMonitoring, 1, "always a one-element list")
		return d.EnhancedMonitoring[0].ShardLevelMetrics
	}
	require.Equal(t, []string{}, current())

	out, err := e.EnableEnhancedMonitoring(ctx, &EnableEnhancedMonitoringInput{StreamName: "s", ShardLevelMetrics: []string{"OutgoingBytes", "IncomingBytes"}})
	require.NoError(t, err)
	require.Equal(t, &EnhancedMonitoringOutput{
		StreamName: "s", StreamARN: arnOf("s"),
		CurrentShardLevelMetrics: []string{},
		DesiredShardLevelMetrics: []string{"IncomingBytes", "OutgoingBytes"},
	}, out)
	require.Equal(t, []string{"IncomingBytes", "OutgoingBytes"}, current())

	out, err = e.EnableEnhancedMonitoring(ctx, &EnableEnhancedMonitoringInput{StreamARN: arnOf("s"), ShardLevelMetrics: []string{"ALL"}})
	require.NoError(t, err)
	require.Equal(t, []string{"IncomingBytes", "OutgoingBytes"}, out.CurrentShardLevelMetrics)
	require.Equal(t, all, out.DesiredShardLevelMetrics, "ALL expands to the seven metrics")
	require.Equal(t, all, current())
	require.Equal(t, all, mustSummary(t, e, "s").EnhancedMonitoring[0].ShardLevelMetrics)

	dis, err := e.DisableEnhancedMonitoring(ctx, &DisableEnhancedMonitoringInput{StreamName: "s", ShardLevelMetrics: []string{"IncomingBytes", "IteratorAgeMilliseconds"}})
	require.NoError(t, err)
	require.Equal(t, all, dis.CurrentShardLevelMetrics)
	require.Equal(t, all[1:6], dis.DesiredShardLevelMetrics)
	dis, err = e.DisableEnhancedMonitoring(ctx, &DisableEnhancedMonitoringInput{StreamName: "s", ShardLevelMetrics: []string{"ALL"}})
	require.NoError(t, err)
	require.Equal(t, all[1:6], dis.CurrentShardLevelMetrics)
	require.Equal(t, []string{}, dis.DesiredShardLevelMetrics)
	require.Equal(t, []string{}, current())

	_, err = e.EnableEnhancedMonitoring(ctx, &EnableEnhancedMonitoringInput{StreamName: "s"})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'shardLevelMetrics' failed to satisfy constraint: Member must not be null"))
	_, err = e.EnableEnhancedMonitoring(ctx, &EnableEnhancedMonitoringInput{StreamName: "s", ShardLevelMetrics: []string{}})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '[]' at 'shardLevelMetrics' failed to satisfy constraint: Member must have length greater than or equal to 1"))
	_, err = e.EnableEnhancedMonitoring(ctx, &EnableEnhancedMonitoringInput{StreamName: "s", ShardLevelMetrics: []string{"IncomingBytes", "Latency"}})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '[IncomingBytes, Latency]' at 'shardLevelMetrics' failed to satisfy constraint: "+
		"Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, "+
		"WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]"))
	require.Equal(t, []string{}, current(), "a rejected call enables nothing")
	_, err = e.DisableEnhancedMonitoring(ctx, &DisableEnhancedMonitoringInput{StreamName: "missing", ShardLevelMetrics: []string{"ALL"}})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
}

// ---- UpdateMaxRecordSize ----

func TestUpdateMaxRecordSize(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	update := func(kib int) error {
		_, err := e.UpdateMaxRecordSize(ctx, &UpdateMaxRecordSizeInput{StreamARN: arnOf("s"), MaxRecordSizeInKiB: kib})
		return err
	}
	requireKinesisError(t, update(1023), ErrValidation, validationMessage(
		"Value '1023' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024"))
	requireKinesisError(t, update(10241), ErrValidation, validationMessage(
		"Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to 10240"))
	requireKinesisError(t, update(0), ErrValidation, validationMessage(
		"Value null at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must not be null"))

	// Record size counts the partition key and the data.
	_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 1<<20-1)})
	require.NoError(t, err, "exactly 1 MiB")
	big := make([]byte, 1<<20+512<<10)
	big[0], big[len(big)-1] = 'a', 'z'
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: big})
	requireKinesisError(t, err, ErrInvalidArgument, "Record size 1572865 bytes exceeds the maximum record size of 1048576 bytes for stream s under account 000000000000.")

	require.NoError(t, update(2048))
	require.Equal(t, 2048, mustSummary(t, e, "s").MaxRecordSizeInKiB)
	w, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: big})
	require.NoError(t, err)
	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: w.ShardId, ShardIteratorType: AtSequenceNumber, StartingSequenceNumber: w.SequenceNumber.String()})
	require.NoError(t, err)
	gr, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator, Limit: 1})
	require.NoError(t, err)
	require.Len(t, gr.Records, 1)
	require.Equal(t, big, gr.Records[0].Data)

	require.NoError(t, update(10240))
	require.NoError(t, update(1024))
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: big})
	require.ErrorIs(t, err, ErrInvalidArgument, "the smaller limit applies again")

	_, err = e.UpdateMaxRecordSize(ctx, &UpdateMaxRecordSizeInput{StreamARN: arnOf("missing"), MaxRecordSizeInKiB: 2048})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
}

func TestUpdateMaxRecordSizeWhileUpdating(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Update: time.Minute}))
	mustCreate(t, e, "s", 1)
	_, err := e.UpdateMaxRecordSize(ctx, &UpdateMaxRecordSizeInput{StreamName: "s", MaxRecordSizeInKiB: 4096})
	require.NoError(t, err)
	require.Equal(t, StreamStatusUpdating, mustDescribe(t, e, "s").StreamStatus)
	_, err = e.UpdateMaxRecordSize(ctx, &UpdateMaxRecordSizeInput{StreamName: "s", MaxRecordSizeInKiB: 2048})
	requireKinesisError(t, err, ErrResourceInUse, notActiveMsg("s", StreamStatusUpdating))
	clk.Advance(time.Minute)
	require.Equal(t, 4096, mustSummary(t, e, "s").MaxRecordSizeInKiB)
}

// ---- DescribeLimits ----

func TestDescribeLimits(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t, WithShardLimit(50))
	out, err := e.DescribeLimits(ctx, &DescribeLimitsInput{})
	require.NoError(t, err)
	require.Equal(t, &DescribeLimitsOutput{ShardLimit: 50, OnDemandStreamCountLimit: 50}, out)

	mustCreate(t, e, "p", 3)
	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "od", StreamModeDetails: &StreamModeDetails{StreamMode: StreamModeOnDemand}})
	require.NoError(t, err)
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "p", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"})
	require.NoError(t, err)
	out, err = e.DescribeLimits(ctx, &DescribeLimitsInput{})
	require.NoError(t, err)
	require.Equal(t, &DescribeLimitsOutput{ShardLimit: 50, OpenShardCount: 8, OnDemandStreamCount: 1, OnDemandStreamCountLimit: 50}, out)

	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "od"})
	require.NoError(t, err)
	out, err = e.DescribeLimits(ctx, &DescribeLimitsInput{})
	require.NoError(t, err)
	require.Equal(t, 4, out.OpenShardCount)
	require.Equal(t, 0, out.OnDemandStreamCount)

	def, err := newTestEngine(t).DescribeLimits(ctx, &DescribeLimitsInput{})
	require.NoError(t, err)
	require.Equal(t, 20000, def.ShardLimit)
}

// ---- Account settings and warm throughput ----

func TestAccountSettingsAndWarmThroughput(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Update: time.Second}))
	as, err := e.DescribeAccountSettings(ctx, &DescribeAccountSettingsInput{})
	require.NoError(t, err)
	require.Equal(t, MinimumThroughputBillingCommitment{Status: CommitmentDisabled}, as.MinimumThroughputBillingCommitment)

	const noCommitment = "Warm throughput requires the MinimumThroughputBillingCommitment to be ENABLED for account 000000000000."
	onDemand := &StreamModeDetails{StreamMode: StreamModeOnDemand}
	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "od", StreamModeDetails: onDemand, WarmThroughputMiBps: 10})
	requireKinesisError(t, err, ErrInvalidArgument, noCommitment)
	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "od", StreamModeDetails: onDemand})
	require.NoError(t, err)
	require.Equal(t, &WarmThroughput{}, mustSummary(t, e, "od").WarmThroughput)
	mustCreate(t, e, "p", 1)
	_, err = e.UpdateStreamMode(ctx, &UpdateStreamModeInput{StreamARN: arnOf("p"), StreamModeDetails: *onDemand, WarmThroughputMiBps: 10})
	requireKinesisError(t, err, ErrInvalidArgument, noCommitment)
	require.Equal(t, StreamModeProvisioned, mustSummary(t, e, "p").StreamModeDetails.StreamMode)
	warm := func(name string, mibps int) (*UpdateStreamWarmThroughputOutput, error) {
		return e.UpdateStreamWarmThroughput(ctx, &UpdateStreamWarmThroughputInput{StreamName: name, WarmThroughputMiBps: mibps})
	}
	_, err = warm("od", 100)
	requireKinesisError(t, err, ErrInvalidArgument, noCommitment)

	up, err := e.UpdateAccountSettings(ctx, &UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: MinimumThroughputBillingCommitment{Status: CommitmentEnabled}})
	require.NoError(t, err)
	want := MinimumThroughputBillingCommitment{Status: CommitmentEnabled, StartedAt: testEpoch, EarliestAllowedEndAt: testEpoch.Add(24 * time.Hour)}
	require.Equal(t, want, up.MinimumThroughputBillingCommitment)
	as, err = e.DescribeAccountSettings(ctx, &DescribeAccountSettingsInput{})
	require.NoError(t, err)
	require.Equal(t, want, as.MinimumThroughputBillingCommitment)

	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "od2", StreamModeDetails: onDemand, WarmThroughputMiBps: 10})
	require.NoError(t, err, "committed: warm throughput at creation")
	require.Equal(t, &WarmThroughput{TargetMiBps: 10, CurrentMiBps: 10}, mustSummary(t, e, "od2").WarmThroughput)

	out, err := warm("od", 100)
	require.NoError(t, err)
	require.Equal(t, &UpdateStreamWarmThroughputOutput{StreamName: "od", StreamARN: arnOf("od"), WarmThroughput: WarmThroughput{TargetMiBps: 100, CurrentMiBps: 100}}, out)
	s := mustSummary(t, e, "od")
	require.Equal(t, StreamStatusUpdating, s.StreamStatus)
	require.Equal(t, &WarmThroughput{TargetMiBps: 100, CurrentMiBps: 100}, s.WarmThroughput)
	_, err = warm("od", 200)
	requireKinesisError(t, err, ErrResourceInUse, notActiveMsg("od", StreamStatusUpdating))
	clk.Advance(time.Second)

	_, err = warm("p", 100)
	requireKinesisError(t, err, ErrInvalidArgument, "Warm throughput is only supported for streams in ON_DEMAND mode.")
	_, err = warm("od", 10241)
	requireKinesisError(t, err, ErrInvalidArgument, "WarmThroughputMiBps 10241 exceeds the maximum of 10240.")
	_, err = warm("od", -1)
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '-1' at 'warmThroughputMiBps' failed to satisfy constraint: Member must have value greater than or equal to 0"))
	_, err = warm("missing", 1)
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
	out, err = warm("od", 10240)
	require.NoError(t, err)
	require.Equal(t, 10240, out.WarmThroughput.TargetMiBps)

	// Disabling within the first 24 hours winds down at the earliest end.
	clk.Advance(time.Hour)
	up, err = e.UpdateAccountSettings(ctx, &UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: MinimumThroughputBillingCommitment{Status: CommitmentDisabled}})
	require.NoError(t, err)
	require.Equal(t, MinimumThroughputBillingCommitment{
		Status: CommitmentEnabledUntilEarliestAllowedEnd, StartedAt: testEpoch,
		EndedAt: testEpoch.Add(24 * time.Hour), EarliestAllowedEndAt: testEpoch.Add(24 * time.Hour),
	}, up.MinimumThroughputBillingCommitment)
	clk.Advance(time.Second)
	_, err = warm("od", 50)
	require.NoError(t, err, "still committed until the earliest end")

	clk.Advance(24 * time.Hour)
	as, err = e.DescribeAccountSettings(ctx, &DescribeAccountSettingsInput{})
	require.NoError(t, err)
	require.Equal(t, CommitmentDisabled, as.MinimumThroughputBillingCommitment.Status, "the commitment ended")
	_, err = warm("od", 60)
	require.ErrorIs(t, err, ErrInvalidArgument)

	// Enabled for more than 24 hours, disabling is immediate.
	_, err = e.UpdateAccountSettings(ctx, &UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: MinimumThroughputBillingCommitment{Status: CommitmentEnabled}})
	require.NoError(t, err)
	clk.Advance(25 * time.Hour)
	up, err = e.UpdateAccountSettings(ctx, &UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: MinimumThroughputBillingCommitment{Status: CommitmentDisabled}})
	require.NoError(t, err)
	require.Equal(t, CommitmentDisabled, up.MinimumThroughputBillingCommitment.Status)
	require.Equal(t, clk.Now(), up.MinimumThroughputBillingCommitment.EndedAt)

	_, err = e.UpdateAccountSettings(ctx, &UpdateAccountSettingsInput{})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'minimumThroughputBillingCommitment.status' failed to satisfy constraint: Member must not be null"))
	_, err = e.UpdateAccountSettings(ctx, &UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: MinimumThroughputBillingCommitment{Status: CommitmentEnabledUntilEarliestAllowedEnd}})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value 'ENABLED_UNTIL_EARLIEST_ALLOWED_END' at 'minimumThroughputBillingCommitment.status' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"))
}

// ---- Resource policies ----

func TestResourcePolicies(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	reg, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "app"})
	require.NoError(t, err)
	consumerARN := reg.Consumer.ConsumerARN
	get := func(arn string) string {
		t.Helper()
		out, err := e.GetResourcePolicy(ctx, &GetResourcePolicyInput{ResourceARN: arn})
		require.NoError(t, err)
		return out.Policy
	}
	require.Equal(t, "{}", get(arnOf("s")), "no policy reads as {}")
	require.Equal(t, "{}", get(consumerARN))

	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kinesis:GetRecords","Resource":"*"}]}`
	_, err = e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: arnOf("s"), Policy: policy})
	require.NoError(t, err)
	require.Equal(t, policy, get(arnOf("s")))
	require.Equal(t, "{}", get(consumerARN), "the consumer has its own policy")
	_, err = e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: consumerARN, Policy: `{"Version":"2012-10-17"}`})
	require.NoError(t, err)
	require.Equal(t, `{"Version":"2012-10-17"}`, get(consumerARN))

	for _, bad := range []string{"{", "not json", `["a"]`, `"s"`, `{"a":1}x`} {
		_, err = e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: arnOf("s"), Policy: bad})
		require.ErrorIs(t, err, ErrInvalidArgument, bad)
		var kerr *Error
		require.ErrorAs(t, err, &kerr)
		require.True(t, strings.HasPrefix(kerr.Message, "Invalid policy document: "), kerr.Message)
	}
	require.Equal(t, policy, get(arnOf("s")), "a malformed policy replaces nothing")

	_, err = e.DeleteResourcePolicy(ctx, &DeleteResourcePolicyInput{ResourceARN: arnOf("s")})
	require.NoError(t, err)
	require.Equal(t, "{}", get(arnOf("s")))
	_, err = e.DeleteResourcePolicy(ctx, &DeleteResourcePolicyInput{ResourceARN: arnOf("s")})
	require.NoError(t, err, "deleting an absent policy is fine")

	_, err = e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: arnOf("s")})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'policy' failed to satisfy constraint: Member must not be null"))
	_, err = e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: arnOf("missing"), Policy: policy})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
	_, err = e.GetResourcePolicy(ctx, &GetResourcePolicyInput{ResourceARN: arnOf("missing")})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
	_, err = e.DeleteResourcePolicy(ctx, &DeleteResourcePolicyInput{ResourceARN: arnOf("missing")})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
	_, err = e.GetResourcePolicy(ctx, &GetResourcePolicyInput{})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'resourceARN' failed to satisfy constraint: Member must not be null"))

	// Deregistering a consumer drops its policy.
	_, err = e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{ConsumerARN: consumerARN})
	require.NoError(t, err)
	_, err = e.GetResourcePolicy(ctx, &GetResourcePolicyInput{ResourceARN: consumerARN})
	requireKinesisError(t, err, ErrResourceNotFound, "Consumer "+consumerARN+" not found.")
}

func TestResourcePolicyGoneWithStream(t *testing.T) {
	ctx := context.Background()
	for _, delay := range []time.Duration{0, time.Minute} {
		t.Run(delay.String(), func(t *testing.T) {
			e, clk := newClockEngine(t, WithStateDelays(StateDelays{Delete: delay}))
			register := func() string {
				reg, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "c"})
				require.NoError(t, err)
				return reg.Consumer.ConsumerARN
			}
			mustCreate(t, e, "s", 1)
			oldConsumer := register()
			for _, arn := range []string{arnOf("s"), oldConsumer} {
				_, err := e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: arn, Policy: `{"Version":"2012-10-17"}`})
				require.NoError(t, err)
			}
			_, err := e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s", EnforceConsumerDeletion: true})
			require.NoError(t, err)
			clk.Set(testEpoch.Add(delay)) // the clock's second does not change: same consumer ARN
			mustCreate(t, e, "s", 1)
			out, err := e.GetResourcePolicy(ctx, &GetResourcePolicyInput{ResourceARN: arnOf("s")})
			require.NoError(t, err)
			require.Equal(t, "{}", out.Policy, "a recreated stream does not inherit the old stream's policy")
			newConsumer := register()
			if delay == 0 {
				require.Equal(t, oldConsumer, newConsumer)
			}
			out, err = e.GetResourcePolicy(ctx, &GetResourcePolicyInput{ResourceARN: newConsumer})
			require.NoError(t, err)
			require.Equal(t, "{}", out.Policy, "nor its consumers' policies")
		})
	}
}

// ---- Bad input never corrupts state ----

// streamState captures everything a control-plane call could change.
type streamState struct {
	Description StreamDescription
	Summary     StreamDescriptionSummary
	Tags        []Tag
	Consumers   []Consumer
	Policy      string
	Shards      []Shard
}

func captureStreamState(t *testing.T, e *Engine, name string) streamState {
	t.Helper()
	ctx := context.Background()
	tags, err := e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: name})
	require.NoError(t, err)
	cons, err := e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf(name)})
	require.NoError(t, err)
	pol, err := e.GetResourcePolicy(ctx, &GetResourcePolicyInput{ResourceARN: arnOf(name)})
	require.NoError(t, err)
	ls, err := e.ListShards(ctx, &ListShardsInput{StreamName: name})
	require.NoError(t, err)
	return streamState{
		Description: mustDescribe(t, e, name),
		Summary:     mustSummary(t, e, name),
		Tags:        tags.Tags,
		Consumers:   cons.Consumers,
		Policy:      pol.Policy,
		Shards:      ls.Shards,
	}
}

func TestBadInputLeavesStreamUnchanged(t *testing.T) {
	ctx := context.Background()
	e, _ := newClockEngine(t, WithShardLimit(6))
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 3, Tags: map[string]string{"keep": "me"}})
	require.NoError(t, err)
	_, err = e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "app"})
	require.NoError(t, err)
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"})
	require.NoError(t, err)
	_, err = e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: arnOf("s"), Policy: `{"Version":"2012-10-17"}`})
	require.NoError(t, err)
	before := captureStreamState(t, e, "s")

	fifty := map[string]string{}
	for i := range 50 {
		fifty[fmt.Sprintf("n%02d", i)] = "v"
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"split at a bad key", func() error {
			_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000002", NewStartingHashKey: "1"})
			return err
		}},
		{"split a closed shard", func() error {
			_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "500"})
			return err
		}},
		{"split over the shard limit", func() error {
			_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000001", NewStartingHashKey: "150000000000000000000000000000000000000"})
			return err
		}},
		{"merge non-adjacent shards", func() error {
			_, err := e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: "shardId-000000000003", AdjacentShardToMerge: "shardId-000000000002"})
			return err
		}},
		{"update shard count above double", func() error {
			_, err := e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "s", TargetShardCount: 100, ScalingType: UniformScaling})
			return err
		}},
		{"update shard count bad scaling type", func() error {
			_, err := e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "s", TargetShardCount: 5, ScalingType: "RANDOM"})
			return err
		}},
		{"fifty-one tags", func() error {
			_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: fifty})
			return err
		}},
		{"a bad tag among good ones", func() error {
			_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{"good": "1", "bad*": "2"}})
			return err
		}},
		{"aws: tag", func() error {
			_, err := e.TagResource(ctx, &TagResourceInput{ResourceARN: arnOf("s"), Tags: map[string]string{"aws:k": "v"}})
			return err
		}},
		{"remove 51 tag keys", func() error {
			keys := make([]string, 51)
			for i := range keys {
				keys[i] = "keep"
			}
			_, err := e.RemoveTagsFromStream(ctx, &RemoveTagsFromStreamInput{StreamName: "s", TagKeys: keys})
			return err
		}},
		{"retention too long", func() error {
			_, err := e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "s", RetentionPeriodHours: 9000})
			return err
		}},
		{"retention increased downwards", func() error {
			_, err := e.DecreaseStreamRetentionPeriod(ctx, &DecreaseStreamRetentionPeriodInput{StreamName: "s", RetentionPeriodHours: 48})
			return err
		}},
		{"encryption NONE", func() error {
			_, err := e.StartStreamEncryption(ctx, &StartStreamEncryptionInput{StreamName: "s", EncryptionType: EncryptionNone, KeyId: "alias/k"})
			return err
		}},
		{"encryption on a mismatched name and ARN", func() error {
			_, err := e.StartStreamEncryption(ctx, &StartStreamEncryptionInput{StreamName: "other", StreamARN: arnOf("s"), EncryptionType: EncryptionKMS, KeyId: "alias/k"})
			return err
		}},
		{"unknown metric", func() error {
			_, err := e.EnableEnhancedMonitoring(ctx, &EnableEnhancedMonitoringInput{StreamName: "s", ShardLevelMetrics: []string{"ALL", "Nope"}})
			return err
		}},
		{"record size out of range", func() error {
			_, err := e.UpdateMaxRecordSize(ctx, &UpdateMaxRecordSizeInput{StreamName: "s", MaxRecordSizeInKiB: 99999})
			return err
		}},
		{"same stream mode", func() error {
			_, err := e.UpdateStreamMode(ctx, &UpdateStreamModeInput{StreamARN: arnOf("s"), StreamModeDetails: StreamModeDetails{StreamMode: StreamModeProvisioned}})
			return err
		}},
		{"warm throughput on a provisioned stream", func() error {
			_, err := e.UpdateStreamWarmThroughput(ctx, &UpdateStreamWarmThroughputInput{StreamName: "s", WarmThroughputMiBps: 10})
			return err
		}},
		{"duplicate consumer", func() error {
			_, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "app"})
			return err
		}},
		{"consumer with a bad tag", func() error {
			_, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "new", Tags: map[string]string{"x": "y|z"}})
			return err
		}},
		{"malformed policy", func() error {
			_, err := e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: arnOf("s"), Policy: "{oops"})
			return err
		}},
		{"delete with consumers", func() error {
			_, err := e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
			return err
		}},
		{"create a duplicate", func() error {
			_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1, Tags: map[string]string{"new": "tag"}})
			return err
		}},
	}
	for _, c := range calls {
		if c.name == "split over the shard limit" {
			// Fill the account's shard limit so that the split is refused.
			mustCreate(t, e, "filler", 2)
		}
		err := c.call()
		require.Error(t, err, c.name)
		var kerr *Error
		require.ErrorAs(t, err, &kerr, c.name)
		require.Equal(t, before, captureStreamState(t, e, "s"), "after %s (%v)", c.name, err)
	}
}

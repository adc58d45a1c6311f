package freshet

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/freshet-io/freshet/internal/constraint"
)

// This file holds the stream- and account-level settings operations:
// capacity mode, encryption, enhanced monitoring, record size, warm
// throughput, limits, account settings and resource policies. The engine
// records them and reports them back; encryption also marks records as KMS
// encrypted. No key management is simulated (use fault injection for KMS
// errors).

// UpdateStreamModeInput is the input of UpdateStreamMode.
type UpdateStreamModeInput struct {
	// StreamARN is required.
	StreamARN         string
	StreamModeDetails StreamModeDetails
	// WarmThroughputMiBps may accompany a switch to ON_DEMAND.
	WarmThroughputMiBps int
}

// UpdateStreamModeOutput is the (empty) output of UpdateStreamMode.
type UpdateStreamModeOutput struct{}

// UpdateStreamMode switches a stream between PROVISIONED and ON_DEMAND.
// The shards are kept as they are; freshet does not auto-scale on-demand
// streams.
func (e *Engine) UpdateStreamMode(ctx context.Context, in *UpdateStreamModeInput) (*UpdateStreamModeOutput, error) {
	return invoke(ctx, e, opUpdateStreamMode, in, e.updateStreamMode)
}

// updateStreamMode implements UpdateStreamMode.
func (e *Engine) updateStreamMode(ctx context.Context, in *UpdateStreamModeInput) (*UpdateStreamModeOutput, error) {
	if err := e.before(ctx, opUpdateStreamMode, "", in); err != nil {
		return nil, err
	}
	var v validator
	v.arn("streamARN", in.StreamARN, streamARNShape, true)
	v.enum("streamModeDetails.streamMode", string(in.StreamModeDetails.StreamMode), true, "PROVISIONED, ON_DEMAND")
	if in.WarmThroughputMiBps < 0 {
		v.add(itoa(in.WarmThroughputMiBps), "warmThroughputMiBps", constraint.MinValue(0))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	st, err := e.resolve("", in.StreamARN)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	now := e.now()
	if err := st.requireActive(now); err != nil {
		return nil, err
	}
	mode := in.StreamModeDetails.StreamMode
	if mode == st.mode {
		return nil, errInvalid("Stream %s under account %s is already in %s mode.", st.name, e.cfg.account, mode)
	}
	if mode == StreamModeProvisioned && in.WarmThroughputMiBps != 0 {
		return nil, errInvalid("WarmThroughputMiBps is only supported for streams in ON_DEMAND mode")
	}
	if in.WarmThroughputMiBps != 0 && !e.account.committed(now) {
		return nil, errNoCommitment(e.cfg.account)
	}
	st.mode = mode
	st.warmMiBps = in.WarmThroughputMiBps
	st.setPhase(StreamStatusUpdating, now, e.cfg.delays.Update)
	return &UpdateStreamModeOutput{}, nil
}

// StartStreamEncryptionInput is the input of StartStreamEncryption.
type StartStreamEncryptionInput struct {
	StreamName string
	StreamARN  string
	// EncryptionType must be KMS.
	EncryptionType EncryptionType
	// KeyId names the KMS key: a key id or ARN, an alias ARN, "alias/Name"
	// or "alias/aws/kinesis".
	KeyId string
}

// StartStreamEncryptionOutput is the (empty) output of
// StartStreamEncryption.
type StartStreamEncryptionOutput struct{}

// StartStreamEncryption records KMS encryption on a stream: records
// written afterwards report EncryptionType KMS.
func (e *Engine) StartStreamEncryption(ctx context.Context, in *StartStreamEncryptionInput) (*StartStreamEncryptionOutput, error) {
	return invoke(ctx, e, opStartStreamEncryption, in, e.startStreamEncryption)
}

// startStreamEncryption implements StartStreamEncryption.
func (e *Engine) startStreamEncryption(ctx context.Context, in *StartStreamEncryptionInput) (*StartStreamEncryptionOutput, error) {
	if err := e.setEncryption(ctx, opStartStreamEncryption, in.StreamName, in.StreamARN, in.EncryptionType, in.KeyId, in); err != nil {
		return nil, err
	}
	return &StartStreamEncryptionOutput{}, nil
}

// StopStreamEncryptionInput is the input of StopStreamEncryption.
type StopStreamEncryptionInput struct {
	StreamName     string
	StreamARN      string
	EncryptionType EncryptionType
	KeyId          string
}

// StopStreamEncryptionOutput is the (empty) output of StopStreamEncryption.
type StopStreamEncryptionOutput struct{}

// StopStreamEncryption turns encryption off for records written from now on.
func (e *Engine) StopStreamEncryption(ctx context.Context, in *StopStreamEncryptionInput) (*StopStreamEncryptionOutput, error) {
	return invoke(ctx, e, opStopStreamEncryption, in, e.stopStreamEncryption)
}

// stopStreamEncryption implements StopStreamEncryption.
func (e *Engine) stopStreamEncryption(ctx context.Context, in *StopStreamEncryptionInput) (*StopStreamEncryptionOutput, error) {
	if err := e.setEncryption(ctx, opStopStreamEncryption, in.StreamName, in.StreamARN, in.EncryptionType, in.KeyId, in); err != nil {
		return nil, err
	}
	return &StopStreamEncryptionOutput{}, nil
}

func (e *Engine) setEncryption(ctx context.Context, op, name, arn string, typ EncryptionType, keyID string, in any) error {
	if err := e.before(ctx, op, name, in); err != nil {
		return err
	}
	var v validator
	v.streamRef(name, arn)
	v.enum("encryptionType", string(typ), true, "NONE, KMS")
	switch n := len([]rune(keyID)); {
	case keyID == "":
		v.null("keyId")
	case n > 2048:
		v.add(keyID, "keyId", constraint.MaxLength(2048))
	}
	if err := v.err(); err != nil {
		return err
	}
	if typ != EncryptionKMS {
		return errInvalid("Encryption type %s is not supported. Supported encryption types: KMS", typ)
	}
	if !validKeyID(keyID) {
		return errInvalid("Invalid KeyId %s.", keyID)
	}
	st, err := e.resolve(name, arn)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	now := e.now()
	if err := st.requireActive(now); err != nil {
		return err
	}
	if op == opStartStreamEncryption {
		st.keyID = keyID
		st.encrypted.Store(true)
	} else {
		st.keyID = ""
		st.encrypted.Store(false)
	}
	st.setPhase(StreamStatusUpdating, now, e.cfg.delays.Update)
	return nil
}

// validKeyID accepts the KMS key identifier forms Kinesis documents.
func validKeyID(k string) bool {
	switch {
	case strings.HasPrefix(k, "arn:aws") && strings.Contains(k, ":kms:"):
		return true
	case strings.HasPrefix(k, "alias/") && len(k) > len("alias/"):
		return true
	}
	// A bare key id: a UUID or another token without spaces.
	return !strings.ContainsAny(k, " \t\n")
}

// Shard-level metric names, in canonical order.
var shardLevelMetrics = []string{
	"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
	"WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds",
}

const metricsEnum = "IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL"

// EnableEnhancedMonitoringInput is the input of EnableEnhancedMonitoring.
type EnableEnhancedMonitoringInput struct {
	StreamName string
	StreamARN  string
	// ShardLevelMetrics lists 1 to 7 metric names, or "ALL".
	ShardLevelMetrics []string
}

// DisableEnhancedMonitoringInput is the input of DisableEnhancedMonitoring.
type DisableEnhancedMonitoringInput struct {
	StreamName        string
	StreamARN         string
	ShardLevelMetrics []string
}

// EnhancedMonitoringOutput is the output of Enable- and
// DisableEnhancedMonitoring: the shard-level metrics before and after.
type EnhancedMonitoringOutput struct {
	StreamName               string
	StreamARN                string
	CurrentShardLevelMetrics []string
	DesiredShardLevelMetrics []string
}

// EnableEnhancedMonitoring turns shard-level metrics on (recorded and
// reported; see the metrics snapshot for values).
func (e *Engine) EnableEnhancedMonitoring(ctx context.Context, in *EnableEnhancedMonitoringInput) (*EnhancedMonitoringOutput, error) {
	return invoke(ctx, e, opEnableEnhancedMonitoring, in, e.enableEnhancedMonitoring)
}

// enableEnhancedMonitoring implements EnableEnhancedMonitoring.
func (e *Engine) enableEnhancedMonitoring(ctx context.Context, in *EnableEnhancedMonitoringInput) (*EnhancedMonitoringOutput, error) {
	return e.setMonitoring(ctx, opEnableEnhancedMonitoring, in.StreamName, in.StreamARN, in.ShardLevelMetrics, true, in)
}

// DisableEnhancedMonitoring turns shard-level metrics off.
func (e *Engine) DisableEnhancedMonitoring(ctx context.Context, in *DisableEnhancedMonitoringInput) (*EnhancedMonitoringOutput, error) {
	return invoke(ctx, e, opDisableEnhancedMonitoring, in, e.disableEnhancedMonitoring)
}

// disableEnhancedMonitoring implements DisableEnhancedMonitoring.
func (e *Engine) disableEnhancedMonitoring(ctx context.Context, in *DisableEnhancedMonitoringInput) (*EnhancedMonitoringOutput, error) {
	return e.setMonitoring(ctx, opDisableEnhancedMonitoring, in.StreamName, in.StreamARN, in.ShardLevelMetrics, false, in)
}

func (e *Engine) setMonitoring(ctx context.Context, op, name, arn string, metrics []string, enable bool, in any) (*EnhancedMonitoringOutput, error) {
	if err := e.before(ctx, op, name, in); err != nil {
		return nil, err
	}
	var v validator
	v.streamRef(name, arn)
	switch {
	case metrics == nil:
		v.null("shardLevelMetrics")
	case len(metrics) == 0:
		v.add("[]", "shardLevelMetrics", constraint.MinLength(1))
	case len(metrics) > 7:
		v.add("["+strings.Join(metrics, ", ")+"]", "shardLevelMetrics", constraint.MaxLength(7))
	}
	for _, m := range metrics {
		v.enum("shardLevelMetrics", m, true, metricsEnum)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	st, err := e.resolve(name, arn)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.requireActive(e.now()); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, m := range st.metrics {
		set[m] = true
	}
	before := append([]string{}, st.metrics...)
	for _, m := range metrics {
		names := []string{m}
		if m == "ALL" {
			names = shardLevelMetrics
		}
		for _, n := range names {
			set[n] = enable
		}
	}
	st.metrics = st.metrics[:0:0]
	for _, m := range shardLevelMetrics {
		if set[m] {
			st.metrics = append(st.metrics, m)
		}
	}
	return &EnhancedMonitoringOutput{
		StreamName:               st.name,
		StreamARN:                st.arn,
		CurrentShardLevelMetrics: before,
		DesiredShardLevelMetrics: append([]string{}, st.metrics...),
	}, nil
}

// UpdateMaxRecordSizeInput is the input of UpdateMaxRecordSize.
type UpdateMaxRecordSizeInput struct {
	StreamName string
	StreamARN  string
	// MaxRecordSizeInKiB is the new maximum, 1024 to 10240 KiB.
	MaxRecordSizeInKiB int
}

// UpdateMaxRecordSizeOutput is the (empty) output of UpdateMaxRecordSize.
type UpdateMaxRecordSizeOutput struct{}

// UpdateMaxRecordSize changes the largest record a stream accepts.
func (e *Engine) UpdateMaxRecordSize(ctx context.Context, in *UpdateMaxRecordSizeInput) (*UpdateMaxRecordSizeOutput, error) {
	return invoke(ctx, e, opUpdateMaxRecordSize, in, e.updateMaxRecordSize)
}

// updateMaxRecordSize implements UpdateMaxRecordSize.
func (e *Engine) updateMaxRecordSize(ctx context.Context, in *UpdateMaxRecordSizeInput) (*UpdateMaxRecordSizeOutput, error) {
	if err := e.before(ctx, opUpdateMaxRecordSize, in.StreamName, in); err != nil {
		return nil, err
	}
	var v validator
	v.streamRef(in.StreamName, in.StreamARN)
	if in.MaxRecordSizeInKiB == 0 {
		v.null("maxRecordSizeInKiB")
	} else {
		v.intRange("maxRecordSizeInKiB", in.MaxRecordSizeInKiB, 1024, 10240)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	st, err := e.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	now := e.now()
	if err := st.requireActive(now); err != nil {
		return nil, err
	}
	st.maxRecordSize.Store(int64(in.MaxRecordSizeInKiB) << 10)
	st.setPhase(StreamStatusUpdating, now, e.cfg.delays.Update)
	return &UpdateMaxRecordSizeOutput{}, nil
}

// UpdateStreamWarmThroughputInput is the input of UpdateStreamWarmThroughput.
type UpdateStreamWarmThroughputInput struct {
	StreamName          string
	StreamARN           string
	WarmThroughputMiBps int
}

// UpdateStreamWarmThroughputOutput is the output of
// UpdateStreamWarmThroughput.
type UpdateStreamWarmThroughputOutput struct {
	StreamName     string
	StreamARN      string
	WarmThroughput WarmThroughput
}

// maxWarmThroughputMiBps is 10 GiB/s.
const maxWarmThroughputMiBps = 10240

// UpdateStreamWarmThroughput records the warm throughput of an ON_DEMAND
// stream; the account must have the minimum throughput billing commitment
// enabled (UpdateAccountSettings).
func (e *Engine) UpdateStreamWarmThroughput(ctx context.Context, in *UpdateStreamWarmThroughputInput) (*UpdateStreamWarmThroughputOutput, error) {
	return invoke(ctx, e, opUpdateStreamWarmThroughput, in, e.updateStreamWarmThroughput)
}

// updateStreamWarmThroughput implements UpdateStreamWarmThroughput.
func (e *Engine) updateStreamWarmThroughput(ctx context.Context, in *UpdateStreamWarmThroughputInput) (*UpdateStreamWarmThroughputOutput, error) {
	if err := e.before(ctx, opUpdateStreamWarmThroughput, in.StreamName, in); err != nil {
		return nil, err
	}
	var v validator
	v.streamRef(in.StreamName, in.StreamARN)
	if in.WarmThroughputMiBps < 0 {
		v.add(itoa(in.WarmThroughputMiBps), "warmThroughputMiBps", constraint.MinValue(0))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	st, err := e.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if !e.account.committed(e.now()) {
		return nil, errNoCommitment(e.cfg.account)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	now := e.now()
	if err := st.requireActive(now); err != nil {
		return nil, err
	}
	if st.mode != StreamModeOnDemand {
		return nil, errInvalid("Warm throughput is only supported for streams in ON_DEMAND mode.")
	}
	if in.WarmThroughputMiBps > maxWarmThroughputMiBps {
		return nil, errInvalid("WarmThroughputMiBps %d exceeds the maximum of %d.", in.WarmThroughputMiBps, maxWarmThroughputMiBps)
	}
	st.warmMiBps = in.WarmThroughputMiBps
	st.setPhase(StreamStatusUpdating, now, e.cfg.delays.Update)
	return &UpdateStreamWarmThroughputOutput{
		StreamName:     st.name,
		StreamARN:      st.arn,
		WarmThroughput: WarmThroughput{TargetMiBps: st.warmMiBps, CurrentMiBps: st.warmMiBps},
	}, nil
}

// DescribeLimitsInput is the (empty) input of DescribeLimits.
type DescribeLimitsInput struct{}

// DescribeLimitsOutput is the output of DescribeLimits.
type DescribeLimitsOutput struct {
	ShardLimit               int
	OpenShardCount           int
	OnDemandStreamCount      int
	OnDemandStreamCountLimit int
}

const onDemandStreamCountLimit = 50

// DescribeLimits reports the account's shard limit and usage.
func (e *Engine) DescribeLimits(ctx context.Context, in *DescribeLimitsInput) (*DescribeLimitsOutput, error) {
	return invoke(ctx, e, opDescribeLimits, in, e.describeLimits)
}

// describeLimits implements DescribeLimits.
func (e *Engine) describeLimits(ctx context.Context, in *DescribeLimitsInput) (*DescribeLimitsOutput, error) {
	if err := e.before(ctx, opDescribeLimits, "", in); err != nil {
		return nil, err
	}
	out := &DescribeLimitsOutput{
		ShardLimit:               e.cfg.limits.shardLimit(),
		OpenShardCount:           e.openShardCount(),
		OnDemandStreamCountLimit: onDemandStreamCountLimit,
	}
	for _, st := range e.list() {
		st.mu.Lock()
		if st.mode == StreamModeOnDemand {
			out.OnDemandStreamCount++
		}
		st.mu.Unlock()
	}
	return out, nil
}

// Minimum throughput billing commitment statuses.
const (
	CommitmentEnabled                        = "ENABLED"
	CommitmentDisabled                       = "DISABLED"
	CommitmentEnabledUntilEarliestAllowedEnd = "ENABLED_UNTIL_EARLIEST_ALLOWED_END"
)

// MinimumThroughputBillingCommitment is the account-level commitment that
// warm throughput requires.
type MinimumThroughputBillingCommitment struct {
	Status               string
	StartedAt            time.Time
	EndedAt              time.Time
	EarliestAllowedEndAt time.Time
}

// accountSettings are the engine's account-level settings.
type accountSettings struct {
	mu         sync.Mutex
	commitment MinimumThroughputBillingCommitment
}

func (a *accountSettings) committed(now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.settleLocked(now)
	return a.commitment.Status == CommitmentEnabled || a.commitment.Status == CommitmentEnabledUntilEarliestAllowedEnd
}

// errNoCommitment rejects warm throughput in an account without the
// minimum throughput billing commitment.
func errNoCommitment(account string) error {
	return errInvalid("Warm throughput requires the MinimumThroughputBillingCommitment to be ENABLED for account %s.", account)
}

// settleLocked ends a winding-down commitment once its end has come.
func (a *accountSettings) settleLocked(now time.Time) {
	if a.commitment.Status == CommitmentEnabledUntilEarliestAllowedEnd && !now.Before(a.commitment.EndedAt) {
		a.commitment.Status = CommitmentDisabled
	}
}

// DescribeAccountSettingsInput is the (empty) input of
// DescribeAccountSettings.
type DescribeAccountSettingsInput struct{}

// AccountSettingsOutput is the output of DescribeAccountSettings and
// UpdateAccountSettings.
type AccountSettingsOutput struct {
	MinimumThroughputBillingCommitment MinimumThroughputBillingCommitment
}

// DescribeAccountSettings reports the account's billing commitment.
func (e *Engine) DescribeAccountSettings(ctx context.Context, in *DescribeAccountSettingsInput) (*AccountSettingsOutput, error) {
	return invoke(ctx, e, opDescribeAccountSettings, in, e.describeAccountSettings)
}

// describeAccountSettings implements DescribeAccountSettings.
func (e *Engine) describeAccountSettings(ctx context.Context, in *DescribeAccountSettingsInput) (*AccountSettingsOutput, error) {
	if err := e.before(ctx, opDescribeAccountSettings, "", in); err != nil {
		return nil, err
	}
	e.account.mu.Lock()
	defer e.account.mu.Unlock()
	e.account.settleLocked(e.now())
	c := e.account.commitment
	if c.Status == "" {
		c.Status = CommitmentDisabled
	}
	return &AccountSettingsOutput{MinimumThroughputBillingCommitment: c}, nil
}

// UpdateAccountSettingsInput is the input of UpdateAccountSettings.
type UpdateAccountSettingsInput struct {
	// MinimumThroughputBillingCommitment.Status is ENABLED or DISABLED.
	MinimumThroughputBillingCommitment MinimumThroughputBillingCommitment
}

// commitmentMinimum is how long a commitment must last once enabled.
const commitmentMinimum = 24 * time.Hour

// UpdateAccountSettings enables or disables the minimum throughput billing
// commitment. Disabling it within 24 hours of enabling leaves it
// ENABLED_UNTIL_EARLIEST_ALLOWED_END.
func (e *Engine) UpdateAccountSettings(ctx context.Context, in *UpdateAccountSettingsInput) (*AccountSettingsOutput, error) {
	return invoke(ctx, e, opUpdateAccountSettings, in, e.updateAccountSettings)
}

// updateAccountSettings implements UpdateAccountSettings.
func (e *Engine) updateAccountSettings(ctx context.Context, in *UpdateAccountSettingsInput) (*AccountSettingsOutput, error) {
	if err := e.before(ctx, opUpdateAccountSettings, "", in); err != nil {
		return nil, err
	}
	var v validator
	v.enum("minimumThroughputBillingCommitment.status", in.MinimumThroughputBillingCommitment.Status, true, "ENABLED, DISABLED")
	if err := v.err(); err != nil {
		return nil, err
	}
	now := e.now()
	e.account.mu.Lock()
	defer e.account.mu.Unlock()
	e.account.settleLocked(now)
	c := &e.account.commitment
	switch in.MinimumThroughputBillingCommitment.Status {
	case CommitmentEnabled:
		if c.Status != CommitmentEnabled {
			*c = MinimumThroughputBillingCommitment{Status: CommitmentEnabled, StartedAt: now, EarliestAllowedEndAt: now.Add(commitmentMinimum)}
		}
	case CommitmentDisabled:
		switch {
		case c.Status == CommitmentEnabled && now.Before(c.EarliestAllowedEndAt):
			c.Status = CommitmentEnabledUntilEarliestAllowedEnd
			c.EndedAt = c.EarliestAllowedEndAt
		case c.Status == CommitmentEnabled:
			c.Status = CommitmentDisabled
			c.EndedAt = now
		}
	}
	out := *c
	if out.Status == "" {
		out.Status = CommitmentDisabled
	}
	return &AccountSettingsOutput{MinimumThroughputBillingCommitment: out}, nil
}

// PutResourcePolicyInput is the input of PutResourcePolicy.
type PutResourcePolicyInput struct {
	// ResourceARN is a stream or consumer ARN.
	ResourceARN string
	// Policy is an IAM policy document (JSON).
	Policy string
}

// PutResourcePolicyOutput is the (empty) output of PutResourcePolicy.
type PutResourcePolicyOutput struct{}

// PutResourcePolicy attaches a resource policy to a stream or consumer. The
// engine checks that it is a JSON object and stores it.
func (e *Engine) PutResourcePolicy(ctx context.Context, in *PutResourcePolicyInput) (*PutResourcePolicyOutput, error) {
	return invoke(ctx, e, opPutResourcePolicy, in, e.putResourcePolicy)
}

// putResourcePolicy implements PutResourcePolicy.
func (e *Engine) putResourcePolicy(ctx context.Context, in *PutResourcePolicyInput) (*PutResourcePolicyOutput, error) {
	if err := e.before(ctx, opPutResourcePolicy, "", in); err != nil {
		return nil, err
	}
	var v validator
	v.arn("resourceARN", in.ResourceARN, resourceARNShape, true)
	if in.Policy == "" {
		v.null("policy")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(in.Policy), &doc); err != nil {
		return nil, errInvalid("Invalid policy document: %v", err)
	}
	if _, _, err := e.resource(in.ResourceARN); err != nil {
		return nil, err
	}
	if store, ok := e.cfg.authorizer.(ResourcePolicyStore); ok {
		if err := store.PutResourcePolicy(in.ResourceARN, in.Policy); err != nil {
			return nil, errInvalid("Invalid policy document: %v", err)
		}
	}
	e.policies.Store(in.ResourceARN, in.Policy)
	return &PutResourcePolicyOutput{}, nil
}

// ResourcePolicyStore is implemented by authorizers that evaluate resource
// policies, as package policy's Set does. The engine keeps such an
// authorizer in step with PutResourcePolicy, DeleteResourcePolicy and the
// deletion of streams and consumers, and rejects (InvalidArgumentException)
// a document the store refuses.
type ResourcePolicyStore interface {
	PutResourcePolicy(resourceARN, policy string) error
	DeleteResourcePolicy(resourceARN string)
}

// deletePolicy removes a resource's policy, from the authorizer too.
func (e *Engine) deletePolicy(arn string) {
	e.policies.Delete(arn)
	if store, ok := e.cfg.authorizer.(ResourcePolicyStore); ok {
		store.DeleteResourcePolicy(arn)
	}
}

// GetResourcePolicyInput is the input of GetResourcePolicy.
type GetResourcePolicyInput struct {
	ResourceARN string
}

// GetResourcePolicyOutput is the output of GetResourcePolicy.
type GetResourcePolicyOutput struct {
	Policy string
}

// GetResourcePolicy returns a resource's policy; a resource without one
// returns "{}".
func (e *Engine) GetResourcePolicy(ctx context.Context, in *GetResourcePolicyInput) (*GetResourcePolicyOutput, error) {
	return invoke(ctx, e, opGetResourcePolicy, in, e.getResourcePolicy)
}

// getResourcePolicy implements GetResourcePolicy.
func (e *Engine) getResourcePolicy(ctx context.Context, in *GetResourcePolicyInput) (*GetResourcePolicyOutput, error) {
	if err := e.before(ctx, opGetResourcePolicy, "", in); err != nil {
		return nil, err
	}
	var v validator
	v.arn("resourceARN", in.ResourceARN, resourceARNShape, true)
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, _, err := e.resource(in.ResourceARN); err != nil {
		return nil, err
	}
	p, ok := e.policies.Load(in.ResourceARN)
	if !ok {
		return &GetResourcePolicyOutput{Policy: "{}"}, nil
	}
	return &GetResourcePolicyOutput{Policy: p.(string)}, nil
}

// DeleteResourcePolicyInput is the input of DeleteResourcePolicy.
type DeleteResourcePolicyInput struct {
	ResourceARN string
}

// DeleteResourcePolicyOutput is the (empty) output of DeleteResourcePolicy.
type DeleteResourcePolicyOutput struct{}

// DeleteResourcePolicy removes a resource's policy.
func (e *Engine) DeleteResourcePolicy(ctx context.Context, in *DeleteResourcePolicyInput) (*DeleteResourcePolicyOutput, error) {
	return invoke(ctx, e, opDeleteResourcePolicy, in, e.deleteResourcePolicy)
}

// deleteResourcePolicy implements DeleteResourcePolicy.
func (e *Engine) deleteResourcePolicy(ctx context.Context, in *DeleteResourcePolicyInput) (*DeleteResourcePolicyOutput, error) {
	if err := e.before(ctx, opDeleteResourcePolicy, "", in); err != nil {
		return nil, err
	}
	var v validator
	v.arn("resourceARN", in.ResourceARN, resourceARNShape, true)
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, _, err := e.resource(in.ResourceARN); err != nil {
		return nil, err
	}
	e.deletePolicy(in.ResourceARN)
	return &DeleteResourcePolicyOutput{}, nil
}

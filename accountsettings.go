package freshet

import (
	"context"
	"sync"
	"time"
)

// DescribeAccountSettings and UpdateAccountSettings: the account's
// minimum throughput billing commitment.

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
	return invoke(ctx, e, OpDescribeAccountSettings, in, e.describeAccountSettings)
}

// describeAccountSettings implements DescribeAccountSettings.
func (e *Engine) describeAccountSettings(ctx context.Context, in *DescribeAccountSettingsInput) (*AccountSettingsOutput, error) {
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
	return invoke(ctx, e, OpUpdateAccountSettings, in, e.updateAccountSettings)
}

// updateAccountSettings implements UpdateAccountSettings.
func (e *Engine) updateAccountSettings(ctx context.Context, in *UpdateAccountSettingsInput) (*AccountSettingsOutput, error) {
	if err := in.validate(); err != nil {
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

package freshet

import (
	"context"
	"github.com/freshet-io/freshet/internal/constraint"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// ConsumerStatus is the lifecycle state of an enhanced fan-out consumer.
type ConsumerStatus string

// Consumer statuses.
const (
	ConsumerStatusCreating ConsumerStatus = "CREATING"
	ConsumerStatusDeleting ConsumerStatus = "DELETING"
	ConsumerStatusActive   ConsumerStatus = "ACTIVE"
)

// Consumer describes a registered enhanced fan-out consumer.
type Consumer struct {
	ConsumerName              string
	ConsumerARN               string
	ConsumerStatus            ConsumerStatus
	ConsumerCreationTimestamp time.Time
}

// ConsumerDescription describes a consumer and its stream.
type ConsumerDescription struct {
	ConsumerName              string
	ConsumerARN               string
	ConsumerStatus            ConsumerStatus
	ConsumerCreationTimestamp time.Time
	StreamARN                 string
}

// consumer is a registered consumer. Its fields are guarded by the stream's
// mutex.
type consumer struct {
	st      *Stream
	name    string
	arn     string
	created time.Time
	status  ConsumerStatus // CREATING settles at ready; DELETING ends at ready
	ready   time.Time
	tags    map[string]string
	subs    map[uint32]*Subscription // active subscriptions by shard index

	subLimits map[uint32]*rate.Limiter // SubscribeToShard rate, by shard index
}

// statusLocked returns the consumer's status at now.
func (c *consumer) statusLocked(now time.Time) ConsumerStatus {
	if c.status == ConsumerStatusCreating && !now.Before(c.ready) {
		c.status = ConsumerStatusActive
	}
	return c.status
}

func (c *consumer) describeLocked(now time.Time) Consumer {
	return Consumer{
		ConsumerName:              c.name,
		ConsumerARN:               c.arn,
		ConsumerStatus:            c.statusLocked(now),
		ConsumerCreationTimestamp: c.created,
	}
}

// pruneConsumersLocked removes consumers whose deregistration completed.
func (st *Stream) pruneConsumersLocked(now time.Time) {
	for name, c := range st.consumers {
		if c.status == ConsumerStatusDeleting && !now.Before(c.ready) {
			delete(st.consumers, name)
		}
	}
}

func (c *consumer) tag(tags map[string]string) error {
	if err := validateTags(tags, "consumer", c.name, c.st.e.cfg.account); err != nil {
		return err
	}
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	return mergeTags(c.tags, tags, "consumer", c.name, c.st.e.cfg.account)
}

// tagList returns the consumer's tags, sorted by key.
func (c *consumer) tagList() []Tag {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	return sortedTags(c.tags)
}

func (c *consumer) untag(keys []string) error {
	if err := validateTagKeys(keys, "consumer", c.name, c.st.e.cfg.account); err != nil {
		return err
	}
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	for _, k := range keys {
		delete(c.tags, k)
	}
	return nil
}

// endSubscriptions ends every subscription of the consumer with err (nil:
// the consumer or stream is gone). The caller holds the stream's mutex.
func (c *consumer) endSubscriptions(err error) {
	for idx, s := range c.subs {
		s.end(err)
		delete(c.subs, idx)
	}
}

// RegisterStreamConsumerInput is the input of RegisterStreamConsumer.
type RegisterStreamConsumerInput struct {
	// StreamARN is required.
	StreamARN string
	// ConsumerName is required and unique per stream.
	ConsumerName string
	// Tags are applied to the consumer.
	Tags map[string]string
}

// RegisterStreamConsumerOutput is the output of RegisterStreamConsumer.
type RegisterStreamConsumerOutput struct {
	Consumer Consumer
}

// maxCreatingConsumers is how many consumers of a stream may be CREATING.
const maxCreatingConsumers = 5

// RegisterStreamConsumer registers an enhanced fan-out consumer. It is
// CREATING for the engine's consumer delay (instant by default), then
// ACTIVE. A stream holds at most 20 consumers (Limits.ConsumersPerStream).
func (e *Engine) RegisterStreamConsumer(ctx context.Context, in *RegisterStreamConsumerInput) (*RegisterStreamConsumerOutput, error) {
	return invoke(ctx, e, OpRegisterStreamConsumer, in, e.registerStreamConsumer)
}

// registerStreamConsumer implements RegisterStreamConsumer.
func (e *Engine) registerStreamConsumer(ctx context.Context, in *RegisterStreamConsumerInput) (*RegisterStreamConsumerOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags, "consumer", in.ConsumerName, e.cfg.account); err != nil {
		return nil, err
	}
	if len(in.Tags) > maxTags {
		return nil, errInvalid("Failed to register consumer %s because a given consumer cannot have more than %d tags associated with it.", in.ConsumerName, maxTags)
	}
	st, err := e.resolve("", in.StreamARN)
	if err != nil {
		return nil, err
	}
	now := e.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	if s := st.status(now); s == StreamStatusCreating || s == StreamStatusDeleting {
		return nil, st.errNotActive(s)
	}
	st.pruneConsumersLocked(now)
	if _, ok := st.consumers[in.ConsumerName]; ok {
		return nil, errInUse("Consumer %s under stream %s under account %s already exists.", in.ConsumerName, st.name, e.cfg.account)
	}
	if len(st.consumers) >= e.cfg.limits.consumersPerStream() {
		return nil, errLimit("Consumer limit of %d for stream %s under account %s has been reached.", e.cfg.limits.consumersPerStream(), st.name, e.cfg.account)
	}
	creating := 0
	for _, c := range st.consumers {
		if c.statusLocked(now) == ConsumerStatusCreating {
			creating++
		}
	}
	if creating >= maxCreatingConsumers {
		return nil, errLimit("Rate exceeded for stream %s under account %s: at most %d consumers may be CREATING at once.", st.name, e.cfg.account, maxCreatingConsumers)
	}
	c := &consumer{
		st:      st,
		name:    in.ConsumerName,
		arn:     st.arn + "/consumer/" + in.ConsumerName + ":" + strconv.FormatInt(now.Unix(), 10),
		created: now,
		status:  ConsumerStatusCreating,
		ready:   now.Add(e.cfg.delays.Consumer),
		tags:    map[string]string{},
		subs:    map[uint32]*Subscription{},

		subLimits: map[uint32]*rate.Limiter{},
	}
	for k, val := range in.Tags {
		c.tags[k] = val
	}
	st.consumers[c.name] = c
	out := c.describeLocked(now)
	out.ConsumerStatus = ConsumerStatusCreating // as Kinesis answers, even when the delay is zero
	return &RegisterStreamConsumerOutput{Consumer: out}, nil
}

// consumerByARN finds a consumer by its ARN.
func (e *Engine) consumerByARN(arn string) (*Stream, *consumer, error) {
	i := strings.Index(arn, "/consumer/")
	if i < 0 {
		return nil, nil, errNotFound("Consumer %s not found.", arn)
	}
	st, err := e.resolve("", arn[:i])
	if err != nil {
		return nil, nil, err
	}
	rest := arn[i+len("/consumer/"):]
	j := strings.LastIndexByte(rest, ':')
	if j < 0 {
		return nil, nil, errNotFound("Consumer %s not found.", arn)
	}
	now := e.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pruneConsumersLocked(now)
	c := st.consumers[rest[:j]]
	if c == nil || c.arn != arn {
		return nil, nil, errNotFound("Consumer %s not found.", arn)
	}
	return st, c, nil
}

// findConsumer resolves the ConsumerARN / StreamARN + ConsumerName
// addressing of Describe- and DeregisterStreamConsumer.
func (e *Engine) findConsumer(streamARN, name, arn string) (*Stream, *consumer, error) {
	if arn != "" {
		st, c, err := e.consumerByARN(arn)
		if err != nil {
			return nil, nil, err
		}
		if streamARN != "" && streamARN != st.arn || name != "" && name != c.name {
			return nil, nil, errInvalid("ConsumerARN %s does not match the StreamARN and ConsumerName provided.", arn)
		}
		return st, c, nil
	}
	if streamARN == "" || name == "" {
		return nil, nil, errInvalid("Either ConsumerARN or both StreamARN and ConsumerName must be provided.")
	}
	st, err := e.resolve("", streamARN)
	if err != nil {
		return nil, nil, err
	}
	now := e.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pruneConsumersLocked(now)
	c := st.consumers[name]
	if c == nil {
		return nil, nil, errNotFound("Consumer %s under stream %s under account %s not found.", name, st.name, e.cfg.account)
	}
	return st, c, nil
}

// DescribeStreamConsumerInput is the input of DescribeStreamConsumer:
// ConsumerARN, or StreamARN and ConsumerName.
type DescribeStreamConsumerInput struct {
	StreamARN    string
	ConsumerName string
	ConsumerARN  string
}

// DescribeStreamConsumerOutput is the output of DescribeStreamConsumer.
type DescribeStreamConsumerOutput struct {
	ConsumerDescription ConsumerDescription
}

// DescribeStreamConsumer describes a consumer.
func (e *Engine) DescribeStreamConsumer(ctx context.Context, in *DescribeStreamConsumerInput) (*DescribeStreamConsumerOutput, error) {
	return invoke(ctx, e, OpDescribeStreamConsumer, in, e.describeStreamConsumer)
}

// describeStreamConsumer implements DescribeStreamConsumer.
func (e *Engine) describeStreamConsumer(ctx context.Context, in *DescribeStreamConsumerInput) (*DescribeStreamConsumerOutput, error) {
	if err := validateConsumerRef(constraint.DescribeStreamConsumer, in.StreamARN, in.ConsumerName, in.ConsumerARN); err != nil {
		return nil, err
	}
	st, c, err := e.findConsumer(in.StreamARN, in.ConsumerName, in.ConsumerARN)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	d := c.describeLocked(e.now())
	st.mu.Unlock()
	return &DescribeStreamConsumerOutput{ConsumerDescription: ConsumerDescription{
		ConsumerName:              d.ConsumerName,
		ConsumerARN:               d.ConsumerARN,
		ConsumerStatus:            d.ConsumerStatus,
		ConsumerCreationTimestamp: d.ConsumerCreationTimestamp,
		StreamARN:                 st.arn,
	}}, nil
}

// DeregisterStreamConsumerInput is the input of DeregisterStreamConsumer:
// ConsumerARN, or StreamARN and ConsumerName.
type DeregisterStreamConsumerInput struct {
	StreamARN    string
	ConsumerName string
	ConsumerARN  string
}

// DeregisterStreamConsumerOutput is the (empty) output of
// DeregisterStreamConsumer.
type DeregisterStreamConsumerOutput struct{}

// DeregisterStreamConsumer deregisters a consumer and ends its
// subscriptions. It is DELETING for the engine's consumer delay.
func (e *Engine) DeregisterStreamConsumer(ctx context.Context, in *DeregisterStreamConsumerInput) (*DeregisterStreamConsumerOutput, error) {
	return invoke(ctx, e, OpDeregisterStreamConsumer, in, e.deregisterStreamConsumer)
}

// deregisterStreamConsumer implements DeregisterStreamConsumer.
func (e *Engine) deregisterStreamConsumer(ctx context.Context, in *DeregisterStreamConsumerInput) (*DeregisterStreamConsumerOutput, error) {
	if err := validateConsumerRef(constraint.DeregisterStreamConsumer, in.StreamARN, in.ConsumerName, in.ConsumerARN); err != nil {
		return nil, err
	}
	st, c, err := e.findConsumer(in.StreamARN, in.ConsumerName, in.ConsumerARN)
	if err != nil {
		return nil, err
	}
	now := e.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	c.endSubscriptions(errNotFound("Consumer %s not found.", c.arn))
	if e.cfg.delays.Consumer <= 0 {
		delete(st.consumers, c.name)
	} else {
		c.status = ConsumerStatusDeleting
		c.ready = now.Add(e.cfg.delays.Consumer)
	}
	e.deletePolicy(c.arn)
	return &DeregisterStreamConsumerOutput{}, nil
}

// ListStreamConsumersInput is the input of ListStreamConsumers.
type ListStreamConsumersInput struct {
	// StreamARN is required.
	StreamARN string
	// NextToken continues a listing (valid 300 s).
	NextToken string
	// MaxResults caps the page, 1 to 10000; at most 100 are returned. Zero
	// means 100.
	MaxResults int
	// StreamCreationTimestamp, when set, must match the stream's.
	StreamCreationTimestamp time.Time
}

// ListStreamConsumersOutput is the output of ListStreamConsumers.
type ListStreamConsumersOutput struct {
	Consumers []Consumer
	NextToken string
}

// ListStreamConsumers lists a stream's consumers by name.
func (e *Engine) ListStreamConsumers(ctx context.Context, in *ListStreamConsumersInput) (*ListStreamConsumersOutput, error) {
	return invoke(ctx, e, OpListStreamConsumers, in, e.listStreamConsumers)
}

// listStreamConsumers implements ListStreamConsumers.
func (e *Engine) listStreamConsumers(ctx context.Context, in *ListStreamConsumersInput) (*ListStreamConsumersOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := e.now()
	after := ""
	if in.NextToken != "" {
		if !in.StreamCreationTimestamp.IsZero() {
			return nil, errInvalid("NextToken and StreamCreationTimestamp cannot be provided together.")
		}
		r, err := e.openPageToken(tokenConsumers, in.NextToken, now)
		if err != nil {
			return nil, err
		}
		arn := r.str()
		after = r.str()
		if !r.done() || arn != in.StreamARN {
			return nil, errInvalidNextToken(in.NextToken)
		}
	}
	st, err := e.resolve("", in.StreamARN)
	if err != nil {
		return nil, err
	}
	if !in.StreamCreationTimestamp.IsZero() && in.StreamCreationTimestamp.UnixMilli() != st.created.UnixMilli() {
		return nil, e.errStreamNotFound(st.name)
	}
	limit := in.MaxResults
	if limit == 0 || limit > 100 {
		limit = 100
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pruneConsumersLocked(now)
	names := make([]string, 0, len(st.consumers))
	for name := range st.consumers {
		if name > after {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := &ListStreamConsumersOutput{Consumers: []Consumer{}}
	for _, name := range names {
		if len(out.Consumers) == limit {
			var w tokenWriter
			w.time(now)
			w.str(st.arn)
			w.str(out.Consumers[len(out.Consumers)-1].ConsumerName)
			out.NextToken = e.seal(tokenConsumers, w.b)
			break
		}
		out.Consumers = append(out.Consumers, st.consumers[name].describeLocked(now))
	}
	return out, nil
}

package freshet

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// StreamStatus is the lifecycle state of a stream.
type StreamStatus string

// Stream statuses.
const (
	StreamStatusCreating StreamStatus = "CREATING"
	StreamStatusActive   StreamStatus = "ACTIVE"
	StreamStatusUpdating StreamStatus = "UPDATING"
	StreamStatusDeleting StreamStatus = "DELETING"

	// streamGone marks a stream whose deletion has completed.
	streamGone StreamStatus = ""
)

// StreamMode is the capacity mode of a stream.
type StreamMode string

// Capacity modes.
const (
	StreamModeProvisioned StreamMode = "PROVISIONED"
	StreamModeOnDemand    StreamMode = "ON_DEMAND"
)

// StreamModeDetails holds a stream's capacity mode.
type StreamModeDetails struct {
	StreamMode StreamMode
}

const (
	defaultRetention   = 24 * time.Hour
	defaultRecordSize  = 1 << 20
	onDemandShardCount = 4
)

// Stream is a handle on one stream of an Engine, for Go-native use: it
// writes records and reads shards without going through the Kinesis-shaped
// Input/Output calls. Get one with Engine.Stream. A Stream handle stays
// bound to the stream it was obtained for: once that stream is deleted, its
// methods fail with ResourceNotFoundException even if a stream of the same
// name is created again.
type Stream struct {
	e       *Engine
	id      uint64 // unique in the engine: tells a recreated stream from the old one
	name    string
	arn     string
	created time.Time

	phase         atomic.Pointer[phase]          // status and when it settles
	pending       atomic.Pointer[pendingReshard] // a reshard due when UPDATING ends
	routing       atomic.Pointer[routeSet]       // open shards by starting hash key
	retention     atomic.Int64                   // time.Duration
	maxRecordSize atomic.Int64                   // bytes
	encrypted     atomic.Bool
	counters      streamCounters
	followers     followerWaiters // Followers parked on the stream (waiter.go)

	mu          sync.Mutex // guards the fields below; before shard.mu
	shards      []*shard   // every shard ever created, by index
	mode        StreamMode
	tags        map[string]string
	consumers   map[string]*consumer
	metrics     []string // enabled shard-level metrics, in canonical order
	keyID       string
	warmMiBps   int
	scaleEvents []time.Time // UpdateShardCount calls, for the 10-per-24h limit
}

// phase is a stream status with the time at which it settles: CREATING and
// UPDATING become ACTIVE, DELETING becomes gone. Transitions are evaluated
// lazily against the clock, so they need no goroutine.
type phase struct {
	status StreamStatus
	until  time.Time
	// shardless marks a stream deleted while CREATING: like Kinesis, it
	// lists no shards while DELETING, as it never listed any.
	shardless bool
}

// Shards lists the stream's shards (open and closed, not expired) in index
// order.
func (st *Stream) Shards() []Shard {
	if err := st.alive(); err != nil {
		return nil
	}
	shards := st.liveShards(st.e.now())
	out := make([]Shard, len(shards))
	for i, sh := range shards {
		out[i] = sh.describe()
	}
	return out
}

// alive reports ResourceNotFoundException once the handle's stream is gone
// (deleted, possibly recreated under the same name).
func (st *Stream) alive() error {
	if st.e.lookupName(st.name) != st {
		return st.e.errStreamNotFound(st.name)
	}
	return nil
}

// status returns the stream's status at now.
func (st *Stream) status(now time.Time) StreamStatus {
	p := st.phase.Load()
	if p.status == StreamStatusActive || now.Before(p.until) {
		return p.status
	}
	if p.status == StreamStatusDeleting {
		return streamGone
	}
	return StreamStatusActive
}

// setPhase moves the stream to status for d (instant when d <= 0).
func (st *Stream) setPhase(status StreamStatus, now time.Time, d time.Duration) {
	if d <= 0 && status != StreamStatusDeleting {
		status = StreamStatusActive
	}
	st.phase.Store(&phase{status: status, until: now.Add(d)})
}

// listsNoShards reports whether the stream lists no shards at now: while
// CREATING, and while DELETING after a deletion during CREATING.
func (st *Stream) listsNoShards(now time.Time) bool {
	p := st.phase.Load()
	return p.shardless || st.status(now) == StreamStatusCreating
}

// routes returns the open shards sorted by starting hash key.
func (st *Stream) routes() []*shard {
	return st.routing.Load().shards
}

// route returns the open shard owning hash key k.
func (st *Stream) route(k HashKey) *shard {
	return st.routing.Load().search(k)
}

// setRoutes publishes a new set of open shards; the caller holds st.mu.
func (st *Stream) setRoutes(open []*shard) {
	sort.Slice(open, func(i, j int) bool {
		return open[i].hashRange.StartingHashKey.Cmp(open[j].hashRange.StartingHashKey) < 0
	})
	st.routing.Store(newRouteSet(open))
}

// dropShards releases every shard's records once the stream is gone.
func (st *Stream) dropShards() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, sh := range st.shards {
		sh.drop()
	}
	for _, c := range st.consumers {
		c.endSubscriptions(nil)
		st.e.deletePolicy(c.arn)
	}
	st.e.deletePolicy(st.arn)
}

// liveShards returns the shards that are not expired, by index.
func (st *Stream) liveShards(now time.Time) []*shard {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.liveShardsLocked(now)
}

func (st *Stream) liveShardsLocked(now time.Time) []*shard {
	ret := st.retentionPeriod()
	out := make([]*shard, 0, len(st.shards))
	for _, sh := range st.shards {
		if !sh.expired(now, ret) {
			out = append(out, sh)
		}
	}
	return out
}

func (st *Stream) retentionPeriod() time.Duration {
	return time.Duration(st.retention.Load())
}

// shardByID finds a shard by (normalizable) id. It reports the Kinesis
// errors for unparseable and unknown ids in the GetShardIterator wording.
func (st *Stream) shardByID(id string, now time.Time) (*shard, error) {
	idx, ok := parseShardID(id)
	if !ok {
		return nil, errNotFound("Could not find shard %s in stream %s under account %s.", id, st.name, st.e.cfg.account)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if idx >= len(st.shards) || st.shards[idx].expired(now, st.retentionPeriod()) {
		return nil, st.errShardGone(shardID(idx))
	}
	return st.shards[idx], nil
}

func (st *Stream) errShardGone(id string) error {
	return errNotFound("Shard %s in stream %s under account %s does not exist", id, st.name, st.e.cfg.account)
}

func (st *Stream) errNotActive(s StreamStatus) error {
	return errInUse("Stream %s under account %s not ACTIVE, instead in state %s", st.name, st.e.cfg.account, s)
}

// requireActive returns ResourceInUseException unless the stream is ACTIVE.
func (st *Stream) requireActive(now time.Time) error {
	if s := st.status(now); s != StreamStatusActive {
		return st.errNotActive(s)
	}
	return nil
}

// Name returns the stream's name.
func (st *Stream) Name() string { return st.name }

// ARN returns the stream's ARN.
func (st *Stream) ARN() string { return st.arn }

// CreatedAt returns the stream's creation time.
func (st *Stream) CreatedAt() time.Time { return st.created }

// Stream returns a handle on the stream called name, or
// ResourceNotFoundException.
func (e *Engine) Stream(name string) (*Stream, error) {
	return e.resolve(name, "")
}

// ---- CreateStream ----

// CreateStreamInput is the input of CreateStream.
type CreateStreamInput struct {
	// StreamName is required: 1-128 characters of [a-zA-Z0-9_.-].
	StreamName string
	// ShardCount is the number of shards of a PROVISIONED stream; it must
	// be omitted (zero) for an ON_DEMAND stream, which gets 4 shards.
	ShardCount int
	// StreamModeDetails selects the capacity mode; nil means PROVISIONED.
	StreamModeDetails *StreamModeDetails
	// Tags are applied to the stream at creation.
	Tags map[string]string
	// MaxRecordSizeInKiB is the largest record the stream accepts, 1024 to
	// 10240 KiB; zero means 1024 (1 MiB).
	MaxRecordSizeInKiB int
	// WarmThroughputMiBps is accepted only for ON_DEMAND streams.
	WarmThroughputMiBps int
}

// CreateStreamOutput is the (empty) output of CreateStream.
type CreateStreamOutput struct{}

// CreateStream creates a stream with ShardCount shards whose hash-key
// ranges split the hash space uniformly. The stream is CREATING for the
// engine's create delay (instant by default), then ACTIVE.
func (e *Engine) CreateStream(ctx context.Context, in *CreateStreamInput) (*CreateStreamOutput, error) {
	return invoke(ctx, e, OpCreateStream, in, e.createStream)
}

// createStream implements CreateStream in four steps: validate the input,
// settle the stream's mode, shard count and record size, build the stream
// with its shards, and publish it under e.mu.
func (e *Engine) createStream(ctx context.Context, in *CreateStreamInput) (*CreateStreamOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	mode, count, recordSize, err := e.settleCreateStream(in)
	if err != nil {
		return nil, err
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lookupNameLocked(in.StreamName) != nil {
		return nil, errInUse("Stream %s under account %s already exists.", in.StreamName, e.cfg.account)
	}
	if err := e.checkShardLimit(count); err != nil {
		return nil, err
	}
	st := e.newStream(in, mode, count, recordSize, e.now())
	e.publishStreamLocked(st)
	return &CreateStreamOutput{}, nil
}

// settleCreateStream decides the new stream's capacity mode, shard count
// and maximum record size (in bytes), rejecting combinations Kinesis
// rejects, and checks the tags.
func (e *Engine) settleCreateStream(in *CreateStreamInput) (mode StreamMode, count, recordSize int, err error) {
	mode = StreamModeProvisioned
	if in.StreamModeDetails != nil {
		mode = in.StreamModeDetails.StreamMode
	}
	count = in.ShardCount
	switch {
	case mode == StreamModeOnDemand && count != 0:
		return "", 0, 0, errInvalid("ShardCount is not expected when StreamMode=ON_DEMAND")
	case mode == StreamModeOnDemand && in.WarmThroughputMiBps != 0 && !e.account.committed(e.now()):
		return "", 0, 0, errNoCommitment(e.cfg.account)
	case mode == StreamModeOnDemand:
		count = onDemandShardCount
	case count == 0:
		return "", 0, 0, errInvalid("ShardCount is required when StreamMode=PROVISIONED")
	case in.WarmThroughputMiBps != 0:
		return "", 0, 0, errInvalid("WarmThroughputMiBps is only supported for streams in ON_DEMAND mode")
	}
	if err := validateTags(in.Tags, "stream", in.StreamName, e.cfg.account); err != nil {
		return "", 0, 0, err
	}
	if err := mergeTags(map[string]string{}, in.Tags, "stream", in.StreamName, e.cfg.account); err != nil {
		return "", 0, 0, err // more than 50 tags
	}
	recordSize = defaultRecordSize
	if in.MaxRecordSizeInKiB != 0 {
		recordSize = in.MaxRecordSizeInKiB << 10
	}
	return mode, count, recordSize, nil
}

// newStream builds a CREATING stream created at now, with count shards
// that split the hash space uniformly. It does not publish the stream.
func (e *Engine) newStream(in *CreateStreamInput, mode StreamMode, count, recordSize int, now time.Time) *Stream {
	st := &Stream{
		e:         e,
		id:        e.streamIDs.Add(1),
		name:      in.StreamName,
		arn:       e.streamARN(in.StreamName),
		created:   now,
		mode:      mode,
		tags:      map[string]string{},
		consumers: map[string]*consumer{},
		warmMiBps: in.WarmThroughputMiBps,
	}
	for k, val := range in.Tags {
		st.tags[k] = val
	}
	st.retention.Store(int64(defaultRetention))
	st.maxRecordSize.Store(int64(recordSize))
	st.setPhase(StreamStatusCreating, now, e.cfg.delays.Create)
	created := now.Add(-time.Second) // like production, shards predate the call slightly
	open := st.uniformShards(count, created)
	st.shards = append([]*shard(nil), open...)
	st.setRoutes(open)
	return st
}

// uniformShards makes count shards created at created whose hash-key
// ranges split the hash space uniformly.
func (st *Stream) uniformShards(count int, created time.Time) []*shard {
	// docs/kinesis-notes.md §4.2, production-verified: with w = floor(2^128/N), shard i
	// owns [i·w, (i+1)·w - 1] and the last shard ends at 2^128-1.
	open := make([]*shard, count)
	w, _ := uniformBoundary(1, uint64(count))
	for i := range count {
		start := w.mul(uint64(i))
		end := MaxHashKey
		if i < count-1 {
			end = w.mul(uint64(i + 1)).sub(1)
		}
		open[i] = newShard(st, i, HashKeyRange{StartingHashKey: start, EndingHashKey: end}, created, created.Unix(), "", "")
	}
	return open
}

// publishStreamLocked makes st visible under its name, releasing the shards
// of a deleted stream of that name not yet removed. The caller holds e.mu.
func (e *Engine) publishStreamLocked(st *Stream) {
	if old := e.list()[st.name]; old != nil {
		old.dropShards() // a deleted stream not yet removed: release it now
	}
	next := make(map[string]*Stream, len(e.list())+1)
	for k, s := range e.list() {
		next[k] = s
	}
	next[st.name] = st
	e.storeStreams(next)
}

// lookupNameLocked is lookupName for callers holding e.mu.
func (e *Engine) lookupNameLocked(name string) *Stream {
	st := e.list()[name]
	if st == nil || st.status(e.now()) == streamGone {
		return nil
	}
	return st
}

// ---- DeleteStream ----

// DeleteStreamInput is the input of DeleteStream.
type DeleteStreamInput struct {
	StreamName string
	StreamARN  string
	// EnforceConsumerDeletion deletes the stream even if it has registered
	// consumers (deregistering them); otherwise such a stream is kept and
	// ResourceInUseException returned.
	EnforceConsumerDeletion bool
}

// DeleteStreamOutput is the (empty) output of DeleteStream.
type DeleteStreamOutput struct{}

// DeleteStream deletes a stream with all its shards, records, tags and
// consumers. The stream is DELETING for the engine's delete delay (instant
// by default); reads and writes still work until it is gone.
func (e *Engine) DeleteStream(ctx context.Context, in *DeleteStreamInput) (*DeleteStreamOutput, error) {
	return invoke(ctx, e, OpDeleteStream, in, e.deleteStream)
}

// deleteStream implements DeleteStream.
func (e *Engine) deleteStream(ctx context.Context, in *DeleteStreamInput) (*DeleteStreamOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := e.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	now := e.now()
	st.mu.Lock()
	st.pruneConsumersLocked(now)
	if len(st.consumers) > 0 && !in.EnforceConsumerDeletion {
		st.mu.Unlock()
		return nil, errInUse("Stream %s under account %s has registered consumers.", st.name, e.cfg.account)
	}
	if st.status(now) == StreamStatusDeleting {
		st.mu.Unlock()
		return &DeleteStreamOutput{}, nil
	}
	shardless := st.status(now) == StreamStatusCreating
	st.phase.Store(&phase{status: StreamStatusDeleting, until: now.Add(e.cfg.delays.Delete), shardless: shardless})
	st.mu.Unlock()
	if e.cfg.delays.Delete <= 0 {
		e.removeStream(st)
	}
	return &DeleteStreamOutput{}, nil
}

// ---- DescribeStream / DescribeStreamSummary ----

// DescribeStreamInput is the input of DescribeStream.
type DescribeStreamInput struct {
	StreamName string
	StreamARN  string
	// Limit caps the shards returned, 1 to 10000; at most 100 are returned.
	// Zero means 100.
	Limit int
	// ExclusiveStartShardId lists shards after this one.
	ExclusiveStartShardId string
}

// EnhancedMetrics lists the shard-level metrics enabled on a stream.
type EnhancedMetrics struct {
	ShardLevelMetrics []string
}

// StreamDescription describes a stream and a page of its shards.
type StreamDescription struct {
	StreamName              string
	StreamARN               string
	StreamStatus            StreamStatus
	StreamModeDetails       StreamModeDetails
	Shards                  []Shard
	HasMoreShards           bool
	RetentionPeriodHours    int
	StreamCreationTimestamp time.Time
	EnhancedMonitoring      []EnhancedMetrics
	EncryptionType          EncryptionType
	KeyId                   string
}

// DescribeStreamOutput is the output of DescribeStream.
type DescribeStreamOutput struct {
	StreamDescription StreamDescription
}

// DescribeStream describes a stream and lists its shards (open and closed,
// not expired) in index order, 100 at most per call. While the stream is
// CREATING, Shards is empty.
func (e *Engine) DescribeStream(ctx context.Context, in *DescribeStreamInput) (*DescribeStreamOutput, error) {
	return invoke(ctx, e, OpDescribeStream, in, e.describeStream)
}

// describeStream implements DescribeStream.
func (e *Engine) describeStream(ctx context.Context, in *DescribeStreamInput) (*DescribeStreamOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := e.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	limit := in.Limit
	if limit == 0 || limit > 100 {
		limit = 100
	}
	now := e.now()
	status := st.status(now)
	d := StreamDescription{
		StreamName:              st.name,
		StreamARN:               st.arn,
		StreamStatus:            status,
		RetentionPeriodHours:    int(st.retentionPeriod() / time.Hour),
		StreamCreationTimestamp: st.created,
		Shards:                  []Shard{},
	}
	st.mu.Lock()
	d.StreamModeDetails = StreamModeDetails{StreamMode: st.mode}
	d.EnhancedMonitoring = []EnhancedMetrics{{ShardLevelMetrics: append([]string{}, st.metrics...)}}
	d.EncryptionType, d.KeyId = st.encryptionLocked()
	st.mu.Unlock()
	if st.listsNoShards(now) {
		return &DescribeStreamOutput{StreamDescription: d}, nil
	}
	after := -1
	if in.ExclusiveStartShardId != "" {
		if idx, ok := parseShardID(in.ExclusiveStartShardId); ok {
			after = idx
		}
	}
	for _, sh := range st.liveShards(now) {
		if int(sh.index) <= after {
			continue
		}
		if len(d.Shards) == limit {
			d.HasMoreShards = true
			break
		}
		d.Shards = append(d.Shards, sh.describe())
	}
	return &DescribeStreamOutput{StreamDescription: d}, nil
}

// encryptionLocked returns the stream's encryption settings.
func (st *Stream) encryptionLocked() (EncryptionType, string) {
	if st.keyID == "" {
		return EncryptionNone, ""
	}
	return EncryptionKMS, st.keyID
}

// DescribeStreamSummaryInput is the input of DescribeStreamSummary.
type DescribeStreamSummaryInput struct {
	StreamName string
	StreamARN  string
}

// WarmThroughput reports an on-demand stream's warm throughput.
type WarmThroughput struct {
	TargetMiBps  int
	CurrentMiBps int
}

// StreamDescriptionSummary summarizes a stream without listing its shards.
type StreamDescriptionSummary struct {
	StreamName              string
	StreamARN               string
	StreamStatus            StreamStatus
	StreamModeDetails       StreamModeDetails
	RetentionPeriodHours    int
	StreamCreationTimestamp time.Time
	EnhancedMonitoring      []EnhancedMetrics
	EncryptionType          EncryptionType
	KeyId                   string
	OpenShardCount          int
	ConsumerCount           int
	MaxRecordSizeInKiB      int
	// WarmThroughput is set for ON_DEMAND streams only.
	WarmThroughput *WarmThroughput
}

// DescribeStreamSummaryOutput is the output of DescribeStreamSummary.
type DescribeStreamSummaryOutput struct {
	StreamDescriptionSummary StreamDescriptionSummary
}

// DescribeStreamSummary summarizes a stream: status, mode, retention,
// encryption, open shard and consumer counts.
func (e *Engine) DescribeStreamSummary(ctx context.Context, in *DescribeStreamSummaryInput) (*DescribeStreamSummaryOutput, error) {
	return invoke(ctx, e, OpDescribeStreamSummary, in, e.describeStreamSummary)
}

// describeStreamSummary implements DescribeStreamSummary.
func (e *Engine) describeStreamSummary(ctx context.Context, in *DescribeStreamSummaryInput) (*DescribeStreamSummaryOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := e.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	now := e.now()
	s := StreamDescriptionSummary{
		StreamName:              st.name,
		StreamARN:               st.arn,
		StreamStatus:            st.status(now),
		RetentionPeriodHours:    int(st.retentionPeriod() / time.Hour),
		StreamCreationTimestamp: st.created,
		MaxRecordSizeInKiB:      int(st.maxRecordSize.Load() >> 10),
	}
	if !st.listsNoShards(now) {
		s.OpenShardCount = len(st.routes())
	}
	st.mu.Lock()
	s.StreamModeDetails = StreamModeDetails{StreamMode: st.mode}
	s.EnhancedMonitoring = []EnhancedMetrics{{ShardLevelMetrics: append([]string{}, st.metrics...)}}
	s.EncryptionType, s.KeyId = st.encryptionLocked()
	st.pruneConsumersLocked(now)
	s.ConsumerCount = len(st.consumers)
	if st.mode == StreamModeOnDemand {
		s.WarmThroughput = &WarmThroughput{TargetMiBps: st.warmMiBps, CurrentMiBps: st.warmMiBps}
	}
	st.mu.Unlock()
	return &DescribeStreamSummaryOutput{StreamDescriptionSummary: s}, nil
}

// ---- ListStreams ----

// ListStreamsInput is the input of ListStreams.
type ListStreamsInput struct {
	// Limit caps the names returned, 1 to 10000; at most 100 are returned.
	// Zero means 100.
	Limit int
	// ExclusiveStartStreamName lists streams whose names sort after it.
	ExclusiveStartStreamName string
	// NextToken continues a previous listing; it expires after 300 s and
	// cannot be combined with ExclusiveStartStreamName.
	NextToken string
}

// StreamSummary is one stream of a ListStreams page.
type StreamSummary struct {
	StreamName              string
	StreamARN               string
	StreamStatus            StreamStatus
	StreamModeDetails       StreamModeDetails
	StreamCreationTimestamp time.Time
}

// ListStreamsOutput is the output of ListStreams.
type ListStreamsOutput struct {
	StreamNames     []string
	HasMoreStreams  bool
	NextToken       string
	StreamSummaries []StreamSummary
}

// nextTokenTTL is how long pagination tokens stay valid.
const nextTokenTTL = 300 * time.Second

// ListStreams lists the account's streams in byte order of their names,
// CREATING and DELETING ones included.
func (e *Engine) ListStreams(ctx context.Context, in *ListStreamsInput) (*ListStreamsOutput, error) {
	return invoke(ctx, e, OpListStreams, in, e.listStreams)
}

// listStreams implements ListStreams.
func (e *Engine) listStreams(ctx context.Context, in *ListStreamsInput) (*ListStreamsOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := e.now()
	after := in.ExclusiveStartStreamName
	if in.NextToken != "" {
		if after != "" {
			return nil, errInvalid("NextToken and ExclusiveStartStreamName cannot be provided together.")
		}
		r, err := e.openPageToken(tokenListStreams, in.NextToken, now)
		if err != nil {
			return nil, err
		}
		after = r.str()
		if !r.done() {
			return nil, errInvalidNextToken(in.NextToken)
		}
	}
	limit := in.Limit
	if limit == 0 || limit > 100 {
		limit = 100
	}
	var names []string
	for name, st := range e.list() {
		if name > after && st.status(now) != streamGone {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := &ListStreamsOutput{StreamNames: []string{}, StreamSummaries: []StreamSummary{}}
	if len(names) > limit {
		names = names[:limit]
		out.HasMoreStreams = true
		var w tokenWriter
		w.time(now)
		w.str(names[len(names)-1])
		out.NextToken = e.seal(tokenListStreams, w.b)
	}
	streams := e.list()
	for _, name := range names {
		st := streams[name]
		if st == nil {
			continue
		}
		st.mu.Lock()
		mode := st.mode
		st.mu.Unlock()
		out.StreamNames = append(out.StreamNames, name)
		out.StreamSummaries = append(out.StreamSummaries, StreamSummary{
			StreamName:              name,
			StreamARN:               st.arn,
			StreamStatus:            st.status(now),
			StreamModeDetails:       StreamModeDetails{StreamMode: mode},
			StreamCreationTimestamp: st.created,
		})
	}
	return out, nil
}

// openPageToken opens a pagination token of the given kind, returning a
// reader positioned after its issue time.
func (e *Engine) openPageToken(kind byte, tok string, now time.Time) (*tokenReader, error) {
	payload, ok := e.open(kind, tok)
	if !ok {
		return nil, errInvalidNextToken(tok)
	}
	r := newTokenReader(payload)
	issued := r.time()
	if !r.ok {
		return nil, errInvalidNextToken(tok)
	}
	if now.Sub(issued) > nextTokenTTL {
		return nil, NewError(codeExpiredNextToken, "The token has expired. NextToken was issued at %s and is only valid for %d seconds.",
			javaDate(issued), int(nextTokenTTL/time.Second))
	}
	return r, nil
}

func errInvalidNextToken(tok string) error {
	return errInvalid("Invalid NextToken.")
}

// javaDate formats t like Java's Date.toString in UTC, as Kinesis messages
// print times: "Thu Jan 22 01:22:02 UTC 2015".
func javaDate(t time.Time) string {
	return t.UTC().Format("Mon Jan 02 15:04:05 UTC 2006")
}

// Package otelmetric exports the metrics of freshet engines through an
// OpenTelemetry meter.
//
// [Register] creates asynchronous (observable) instruments on a meter and
// one callback that reads [freshet.Engine.Metrics] whenever the meter's
// reader collects. Every stream reports the stream-level metrics Kinesis
// publishes to CloudWatch, with the attributes account, region and stream;
// the freshet.shard.* instruments add the attribute shard and report only
// the metrics a stream enabled with EnableEnhancedMonitoring, as in
// CloudWatch. The description of every instrument names the CloudWatch
// metric it mirrors.
//
// Counts are int64 observable counters with units such as "By" and
// "{record}"; times are float64 in seconds ("s"), CloudWatch's
// IteratorAgeMilliseconds included. An observable instrument cannot be a
// histogram, so each latency is three instruments: freshet.*.latency.count
// and freshet.*.latency.sum (counters) and freshet.*.latency.max (a gauge of
// the largest latency). PutRecord latency is sampled by the engine, so its
// count is smaller than the number of calls.
//
// Counters count since the stream was created: a stream deleted and created
// again starts from zero. Engines registered on one meter must differ in
// account or region, or their like-named streams report the same
// attributes.
//
// An engine with a data directory also reports its read cache (the blocks
// of segment files read back from disk), with the attributes account and
// region only, as counted since the engine was opened:
// freshet.read_cache.hits, freshet.read_cache.misses and
// freshet.read_cache.evictions (counters, "{block}"), and the gauges
// freshet.read_cache.bytes (held) and freshet.read_cache.max_bytes (its
// budget), in "By".
package otelmetric

import (
	"context"
	"slices"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/freshet-io/freshet"
)

// Register registers instruments on meter for the metrics of engines, and
// a callback that observes them at collection time. Unregister the returned
// registration to stop observing.
//
// Register may be called again on the same meter for engines created
// later: the meter hands back the instruments it already has under the
// same names, and the new callback observes only the new engines.
func Register(meter metric.Meter, engines ...*freshet.Engine) (metric.Registration, error) {
	r := &recorder{engines: slices.Clone(engines)}
	var observables []metric.Observable
	for _, d := range streamDefs {
		in, err := d.spec.create(meter)
		if err != nil {
			return nil, err
		}
		r.stream = append(r.stream, in)
		observables = append(observables, in.observable())
	}
	r.shard = make(map[string]instrument, len(shardDefs))
	for name, d := range shardDefs {
		in, err := d.spec.create(meter)
		if err != nil {
			return nil, err
		}
		r.shard[name] = in
		observables = append(observables, in.observable())
	}
	for _, d := range engineDefs {
		in, err := d.spec.create(meter)
		if err != nil {
			return nil, err
		}
		r.engine = append(r.engine, in)
		observables = append(observables, in.observable())
	}
	return meter.RegisterCallback(r.observe, observables...)
}

// recorder observes the metrics of engines on instruments made from
// streamDefs (in order), shardDefs (by CloudWatch name) and engineDefs
// (in order).
type recorder struct {
	engines []*freshet.Engine
	stream  []instrument
	shard   map[string]instrument
	engine  []instrument
}

// observe is the callback of the instruments.
func (r *recorder) observe(_ context.Context, o metric.Observer) error {
	for _, e := range r.engines {
		account := attribute.String("account", e.Account())
		region := attribute.String("region", e.Region())
		em := e.EngineMetrics()
		engineAttrs := metric.WithAttributeSet(attribute.NewSet(account, region))
		for i, d := range engineDefs {
			if !d.dataDir || em.DataDir {
				r.engine[i].observe(o, d.value(&em), engineAttrs)
			}
		}
		for _, sm := range e.Metrics() {
			stream := attribute.String("stream", sm.StreamName)
			attrs := metric.WithAttributeSet(attribute.NewSet(account, region, stream))
			for i, d := range streamDefs {
				r.stream[i].observe(o, d.value(&sm), attrs)
			}
			for _, shard := range sm.Shards {
				attrs := metric.WithAttributeSet(attribute.NewSet(account, region, stream, attribute.String("shard", shard.ShardId)))
				for _, name := range sm.ShardLevelMetrics {
					d, ok := shardDefs[name]
					if !ok {
						continue // a metric this package does not know yet
					}
					r.shard[name].observe(o, d.value(&shard), attrs)
				}
			}
		}
	}
	return nil
}

// spec describes an instrument. Its values are int64 counts, or int64
// times reported in seconds when perSecond is set.
type spec struct {
	name, unit, description string
	gauge                   bool
	// perSecond is the number of units of a time per second; zero for
	// counts.
	perSecond float64
}

// instrument is a created instrument: an int64 one for counts, a float64
// one for times.
type instrument struct {
	i         metric.Int64Observable
	f         metric.Float64Observable
	perSecond float64
}

// create creates the instrument s describes on meter.
func (s spec) create(meter metric.Meter) (instrument, error) {
	desc, unit := metric.WithDescription(s.description), metric.WithUnit(s.unit)
	in := instrument{perSecond: s.perSecond}
	var err error
	switch {
	case s.perSecond == 0 && s.gauge:
		in.i, err = meter.Int64ObservableGauge(s.name, desc, unit)
	case s.perSecond == 0:
		in.i, err = meter.Int64ObservableCounter(s.name, desc, unit)
	case s.gauge:
		in.f, err = meter.Float64ObservableGauge(s.name, desc, unit)
	default:
		in.f, err = meter.Float64ObservableCounter(s.name, desc, unit)
	}
	return in, err
}

func (in instrument) observable() metric.Observable {
	if in.f != nil {
		return in.f
	}
	return in.i
}

// observe observes v, in seconds if in is a time.
func (in instrument) observe(o metric.Observer, v int64, attrs metric.ObserveOption) {
	if in.f != nil {
		o.ObserveFloat64(in.f, float64(v)/in.perSecond, attrs)
		return
	}
	o.ObserveInt64(in.i, v, attrs)
}

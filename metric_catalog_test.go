package freshet

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The catalog covers every metric of StreamMetrics and ShardMetrics exactly
// once: each entry reads a different field, and every numeric field is
// read by one entry. A metric added to the snapshot without a catalog
// entry fails here, before an adapter silently leaves it out.
func TestMetricCatalogCoversEveryField(t *testing.T) {
	// Give every numeric field a distinct value, then see which value
	// each entry reads.
	var sm StreamMetrics
	fields := map[int64]string{}
	v := reflect.ValueOf(&sm).Elem()
	n := int64(1)
	for i := range v.NumField() {
		switch f := v.Field(i); f.Type() {
		case reflect.TypeFor[int64]():
			f.SetInt(n)
			fields[n] = v.Type().Field(i).Name
			n++
		case reflect.TypeFor[Latency]():
			f.Set(reflect.ValueOf(Latency{Count: n}))
			fields[n] = v.Type().Field(i).Name
			n++
		}
	}
	seen := map[string]bool{}
	names := map[string]bool{}
	for _, m := range StreamMetricCatalog {
		var got int64
		if m.Kind == MetricLatency {
			require.NotNil(t, m.LatencyValue, m.Name)
			got = m.LatencyValue(&sm).Count
		} else {
			require.NotNil(t, m.Value, m.Name)
			got = m.Value(&sm)
		}
		field, ok := fields[got]
		require.True(t, ok, "%s reads no field", m.Name)
		assert.False(t, seen[field], "%s reads %s, read by another entry too", m.Name, field)
		seen[field] = true
		assert.False(t, names[m.Name], "two entries named %s", m.Name)
		names[m.Name] = true
		assert.NotEmpty(t, m.Help, m.Name)
	}
	for _, f := range fields {
		assert.True(t, seen[f], "StreamMetrics.%s is in no catalog entry", f)
	}

	var shm ShardMetrics
	sv := reflect.ValueOf(&shm).Elem()
	shardFields := map[int64]string{}
	for i := range sv.NumField() {
		if f := sv.Field(i); f.Type() == reflect.TypeFor[int64]() {
			f.SetInt(n)
			shardFields[n] = sv.Type().Field(i).Name
			n++
		}
	}
	require.Len(t, ShardMetricCatalog, len(shardFields))
	for _, m := range ShardMetricCatalog {
		field := shardFields[m.Value(&shm)]
		assert.Equal(t, m.EnhancedMonitoring, field, "%s: the enhanced monitoring name is the field's", m.Name)
		assert.Contains(t, shardLevelMetrics, m.EnhancedMonitoring)
	}
}

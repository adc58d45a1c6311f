package otelmetric_test

import (
	"context"
	"fmt"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/otelmetric"
)

// Report an engine's metrics through an OpenTelemetry meter. A program
// would give the MeterProvider a periodic reader and an exporter; the
// ManualReader here collects on demand.
func Example() {
	ctx := context.Background()
	e := freshet.New(freshet.WithRegion("eu-west-1"))
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1}); err != nil {
		panic(err)
	}
	if _, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "orders", PartitionKey: "customer-42", Data: []byte("hello")}); err != nil {
		panic(err)
	}

	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer provider.Shutdown(ctx)
	reg, err := otelmetric.Register(provider.Meter("github.com/freshet-io/freshet"), e)
	if err != nil {
		panic(err)
	}
	defer reg.Unregister()

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		panic(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if m.Name != "freshet.incoming.bytes" && m.Name != "freshet.incoming.records" {
			continue
		}
		for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
			stream, _ := p.Attributes.Value("stream")
			region, _ := p.Attributes.Value("region")
			fmt.Printf("%s{stream=%s,region=%s} %d %s\n", m.Name, stream.AsString(), region.AsString(), p.Value, m.Unit)
		}
	}
	// Output:
	// freshet.incoming.bytes{stream=orders,region=eu-west-1} 16 By
	// freshet.incoming.records{stream=orders,region=eu-west-1} 1 {record}
}

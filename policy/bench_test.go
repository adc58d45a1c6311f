package policy

import "testing"

func BenchmarkEvaluate(b *testing.B) {
	s := matrixSet(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if s.Evaluate(carol, "kinesis:GetRecords", shared) != Allow {
			b.Fatal("not allowed")
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	const p = "arn:aws:kinesis:*:123456789012:stream/orders*/consumer/*"
	const s = "arn:aws:kinesis:us-east-1:123456789012:stream/orders-eu/consumer/app:1700000000"
	for i := 0; i < b.N; i++ {
		if !match(p, s) {
			b.Fatal("no match")
		}
	}
}

package wal

import "testing"

// BenchmarkLogReadFiles: reads of 1,000 records of about 130 bytes on from
// where the last stopped, through 13 MB of log: more than the log's
// default cache holds, so every block comes from the file once per pass.
func BenchmarkLogReadFiles(b *testing.B) {
	l, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	var p []byte
	for i := range 100_000 {
		p = AppendRecord(p, uint64(i+1), int64(1000+i), 0, "k123", make([]byte, 100))
		if len(p) > 60_000 {
			if err := l.Write(p); err != nil {
				b.Fatal(err)
			}
			p = p[:0]
		}
	}
	if err := l.Write(p); err != nil {
		b.Fatal(err)
	}
	pos, n := uint64(1), 0
	b.SetBytes(1000 * 104)
	for b.Loop() {
		r, err := l.ReadFunc(pos, l.Next(), 0, 1000, 10<<20, 0, func(Record) { n++ })
		if err != nil {
			b.Fatal(err)
		}
		if pos = r.Next; pos >= l.Next() {
			pos = 1
		}
	}
}

package lm

import (
	"path/filepath"
	"testing"
)

// BenchmarkReply measures the reference inference: whole replies per
// second on guess-model.npz over its golden queries, one Runner reused as
// the chat loop does.
func BenchmarkReply(b *testing.B) {
	ref := refDir(b)
	m, err := LoadNPZ(filepath.Join(ref, "guess-model.npz"))
	if err != nil {
		b.Fatal(err)
	}
	var queries []string
	for _, g := range readGolden(b, filepath.Join(ref, "guess-expected.txt")) {
		queries = append(queries, goldenQuery(g.query))
	}
	r := NewRunner(m)
	chars := 0
	for i := 0; b.Loop(); i++ {
		chars += len(r.Reply(queries[i%len(queries)], nil))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "replies/s")
	b.ReportMetric(float64(chars)/float64(b.N), "chars/reply")
}

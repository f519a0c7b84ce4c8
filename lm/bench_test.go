package lm

import (
	"testing"

	"z80lm/internal/reftest"
)

// BenchmarkReply measures the reference inference: whole replies per
// second on guess-model.npz over its golden queries, one Runner reused as
// the chat loop does.
func BenchmarkReply(b *testing.B) {
	m, err := LoadNPZ(reftest.Model(b, "guess"))
	if err != nil {
		b.Fatal(err)
	}
	var queries []string
	for _, g := range reftest.Golden(b, "guess") {
		queries = append(queries, goldenQuery(g.Query))
	}
	r := NewRunner(m)
	chars := 0
	for i := 0; b.Loop(); i++ {
		chars += len(r.Reply(queries[i%len(queries)], nil))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "replies/s")
	b.ReportMetric(float64(chars)/float64(b.N), "chars/reply")
}

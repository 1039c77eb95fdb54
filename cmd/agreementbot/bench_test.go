package main

import (
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge/evaluation"
)

// BenchmarkAskBatch measures the batch path, `ask --json` reading one
// question per line, on the development questions repeated to 1,000 lines.
// ns/op is per batch; the per-question figure is reported as µs/question.
func BenchmarkAskBatch(b *testing.B) {
	raw, err := fs.ReadFile(evaluation.DevSets(), "dev-questions.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	qs, err := evaluation.ReadQuestions(strings.NewReader(string(raw)))
	if err != nil {
		b.Fatal(err)
	}
	var lines []string
	for len(lines) < 1000 {
		for _, q := range qs {
			lines = append(lines, q.Text)
		}
	}
	input := strings.Join(lines[:1000], "\n") + "\n"
	for b.Loop() {
		if code := run(b.Context(), []string{"ask", "--json"}, strings.NewReader(input), io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "µs/question")
}

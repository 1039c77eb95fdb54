package match

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// TestSpreadGivesSameIndex checks that however the analysis is spread
// over workers and tasks, it makes the index and the prepared form that
// one worker analysing the facts in one task makes.
func TestSpreadGivesSameIndex(t *testing.T) {
	corpora := map[string]*knowledge.Corpus{
		"golden":    goldenCorpus(t),
		"squad":     squadCorpus(t),
		"synthetic": syntheticCorpus(t, 3500),
	}
	for name, c := range corpora {
		full, fullP, err := build(t.Context(), c, true, spread{workers: 1, taskFacts: len(c.Facts) + 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range []spread{{workers: 2, taskFacts: 1}, {workers: 3, taskFacts: 700}, {workers: 8, taskFacts: 1}} {
			ix, p, err := build(t.Context(), c, true, sp)
			if err != nil {
				t.Fatal(err)
			}
			if sp.taskFacts == 1 && len(splitTasks(c.Facts, sp.taskFacts)) < 3 {
				t.Errorf("%s: %+v makes one task", name, sp)
			}
			sameTables(t, full, ix)
			if !reflect.DeepEqual(p, fullP) {
				t.Errorf("%s: the prepared index spread %+v differs from one worker's", name, sp)
			}
			if !reflect.DeepEqual(ix.an.stems, full.an.stems) {
				t.Errorf("%s: the stems spread %+v differ from one worker's", name, sp)
			}
		}
	}
}

// squadCorpus is the SQuAD set's eight articles.
func squadCorpus(t *testing.T) *knowledge.Corpus {
	t.Helper()
	dir := filepath.Join("..", "evaluation", "testdata", "squad", "sources")
	c, err := source.LoadCorpus(t.Context(), os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBuildStopsWhileAnalysing cancels builds while their workers run:
// each either ends with the context's error and no index, or completes;
// one cancelled a millisecond into a build that takes hundreds must stop;
// and no worker is left running.
func TestBuildStopsWhileAnalysing(t *testing.T) {
	c := syntheticCorpus(t, 20_000)
	before := runtime.NumGoroutine()
	stopped := false
	for _, after := range []time.Duration{0, time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond} {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(after, cancel)
		ix, err := Build(ctx, c)
		switch {
		case err != nil && (ix != nil || !errors.Is(err, context.Canceled)):
			t.Errorf("cancelled after %v: Build = %v, %v; want no index and context.Canceled", after, ix, err)
		case err == nil && len(ix.Facts()) != len(c.Facts):
			t.Errorf("cancelled after %v: Build indexed %d facts, want %d", after, len(ix.Facts()), len(c.Facts))
		case err != nil && after > 0:
			stopped = true
		}
		cancel()
	}
	if !stopped {
		t.Error("no build stopped when cancelled while analysing")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left, %d before the builds", n, before)
	}
}

package library

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/agreementbot/agreementbot/internal/atomicfile"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// missed is a question the article does not answer, and taught are the
// words of the article's fact it is taught for.
const (
	missed = "Is Canada part of the plan?"
	taught = "trilateral working group focused on security"
)

// factWith returns the served fact whose words hold words.
func factWith(t *testing.T, l *Library, words string) knowledge.Fact {
	t.Helper()
	for _, f := range l.Index().Facts() {
		if strings.Contains(f.Text, words) {
			return f
		}
	}
	t.Fatalf("no fact holds %q", words)
	return knowledge.Fact{}
}

// readTaught returns the taught file of the sources directory src, nil
// when there is none.
func readTaught(t *testing.T, src string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(src, source.TaughtFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return raw
}

func TestTeach(t *testing.T) {
	l, src := newTestLibrary(t)
	f := factWith(t, l, taught)
	facts := len(l.Index().Facts())
	if got := firstFact(t, l, missed); got == f.Text {
		t.Fatalf("%q is answered by the fact before it is taught", missed)
	}
	r, err := l.Teach(t.Context(), "  Is Canada\tpart of the plan? ", f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Question != missed || r.Fact.ID != f.ID || r.Fact.Text != f.Text || !slices.Contains(r.Fact.Phrasings, missed) {
		t.Errorf("result question %q, fact %+v: want %q as a phrasing of %s, its words unchanged", r.Question, r.Fact, missed, f.ID)
	}
	if r.Rank != 1 || !r.Answer.Answered || r.Answer.Facts[0].ID != f.ID || len(r.Ranked) == 0 || r.Ranked[0].Explanation == nil {
		t.Errorf("rank %d, answer %+v: want the taught fact first, explained", r.Rank, r.Answer)
	}
	if s := r.Status(); s != TeachAnswered && s != TeachTentative {
		t.Errorf("status %q, want answered", s)
	}
	if r.Report.Facts != facts || len(l.Index().Facts()) != facts {
		t.Errorf("%d facts served after teaching, want %d: no fact is added", r.Report.Facts, facts)
	}
	entries, err := source.ParseTaught(source.TaughtFile, readTaught(t, src))
	if err != nil || len(entries) != 1 || entries[0].Fact != f.ID || entries[0].Source != "article.txt" ||
		entries[0].Text != f.Text || !slices.Equal(entries[0].Questions, []string{missed}) {
		t.Errorf("taught file entries %+v (%v), want the question for %s", entries, err, f.ID)
	}
	// The store keeps it: a library opening it answers the same.
	again, err := New(t.Context(), src, l.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := firstFact(t, again, missed); got != f.Text {
		t.Errorf("after reopening, first fact = %q, want the taught one", got)
	}
}

func TestTeachRefuses(t *testing.T) {
	const curated = "facts:\n  - text: The club meets on Tuesdays.\n    phrasings: [\"When is club night?\"]\n"
	tests := []struct {
		name     string
		question string
		fact     string // words of the fact, or an id when it starts with "f0"
		want     error
	}{
		{"unknown fact", missed, "f00000000000", ErrUnknownFact},
		{"taught to this fact already", "is canadá part of  THE plan?", taught, ErrAlreadyTaught},
		{"taught to another fact already", missed, "Antony Blinken", ErrAlreadyTaught},
		{"a curated phrasing of the fact", "When is club night?", "club meets", ErrAlreadyTaught},
		{"taught to another fact, punctuated otherwise", "¡Is Canada part of the plan!", "Antony Blinken", ErrAlreadyTaught},
		{"a curated phrasing of another fact", "when is club night", "Antony Blinken", ErrAlreadyTaught},
		{"empty question", " \t ", taught, knowledge.ErrEmptyQuestion},
		{"overlong question", strings.Repeat("why ", 300), taught, knowledge.ErrQuestionTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, src := newTestLibrary(t)
			if err := os.WriteFile(filepath.Join(src, "club.yaml"), []byte(curated), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := l.Reload(t.Context()); err != nil {
				t.Fatal(err)
			}
			if _, err := l.Teach(t.Context(), missed, factWith(t, l, taught).ID); err != nil {
				t.Fatal(err)
			}
			before, ix := readTaught(t, src), l.Index()
			id := tt.fact
			if !strings.HasPrefix(id, "f0") {
				id = factWith(t, l, tt.fact).ID
			}
			_, err := l.Teach(t.Context(), tt.question, id)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if !bytes.Equal(readTaught(t, src), before) || l.Index() != ix {
				t.Error("a refused question changed the taught file or the facts served")
			}
		})
	}
}

func TestTeachRefusedWithoutSourcesDirectory(t *testing.T) {
	l, err := New(t.Context(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Teach(t.Context(), missed, factWith(t, l, taught).ID); !errors.Is(err, ErrNoSourcesDir) {
		t.Errorf("error = %v, want ErrNoSourcesDir", err)
	}
}

func TestTeachGoneFactReportedOnReload(t *testing.T) {
	l, src := newTestLibrary(t)
	f := factWith(t, l, taught)
	if _, err := l.Teach(t.Context(), missed, f.ID); err != nil {
		t.Fatal(err)
	}
	before := readTaught(t, src)
	article := filepath.Join(src, "article.txt")
	raw, err := os.ReadFile(article)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(article, bytes.Replace(raw, []byte(f.Text), nil, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := l.Reload(t.Context())
	if err != nil {
		t.Fatalf("a taught question whose fact is gone failed the reload: %v", err)
	}
	if len(rep.Warnings) != 1 || !errors.Is(rep.Warnings[0], source.ErrTaughtFactGone) ||
		!strings.HasPrefix(rep.Warnings[0].Error(), "taught.yaml:7: ") || !strings.Contains(rep.Warnings[0].Error(), f.ID) {
		t.Errorf("warnings = %v, want the gone fact at taught.yaml:7", rep.Warnings)
	}
	if !bytes.Equal(readTaught(t, src), before) {
		t.Error("the reload changed the taught file")
	}
	if _, ok := l.Index().Fact(f.ID); ok {
		t.Error("the removed fact is still served")
	}
}

func TestTeachFailedReloadRestoresTheFile(t *testing.T) {
	for _, fail := range []string{"store full", "taught file full", "broken source"} {
		t.Run(fail, func(t *testing.T) {
			l, src := newTestLibrary(t)
			if _, err := l.Teach(t.Context(), "Who met in Washington?", factWith(t, l, taught).ID); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(src, source.TaughtFile)
			before := append([]byte("# kept as it was\n"), readTaught(t, src)...)
			if err := os.WriteFile(path, before, 0o644); err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			switch fail {
			case "store full", "taught file full":
				target := l.dbPath
				if fail == "taught file full" {
					target = path
				}
				ctx = atomicfile.WithFault(ctx, func(step atomicfile.Step, p string) error {
					if step == atomicfile.StepWrite && p == target {
						return &fs.PathError{Op: "write", Path: p, Err: syscall.ENOSPC}
					}
					return nil
				})
			case "broken source":
				if err := os.WriteFile(filepath.Join(src, "broken.md"), []byte("---\ndate: yesterday\n---\nText.\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ix := l.Index()
			if _, err := l.Teach(ctx, missed, factWith(t, l, taught).ID); err == nil {
				t.Fatal("taught, though the reload failed")
			}
			if after := readTaught(t, src); !bytes.Equal(after, before) {
				t.Errorf("taught file after a failed teach:\n%s\nwant it as it was:\n%s", after, before)
			}
			if l.Index() != ix || firstFact(t, l, "Who met in Washington?") == "" {
				t.Error("a failed teach changed the facts served")
			}
		})
	}
}

func TestTeachConcurrently(t *testing.T) {
	l, src := newTestLibrary(t)
	f := factWith(t, l, taught)
	other := factWith(t, l, "Antony Blinken")
	questions := map[string]string{}
	for i := range 4 {
		id := f.ID
		if i%2 == 1 {
			id = other.ID
		}
		questions[fmt.Sprintf("Question %c number %d?", 'a'+i, i)] = id
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(questions))
	for q, id := range questions {
		wg.Go(func() {
			_, err := l.Teach(t.Context(), q, id)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	entries, err := source.ParseTaught(source.TaughtFile, readTaught(t, src))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range entries {
		for _, q := range e.Questions {
			got[q] = e.Fact
		}
	}
	for q, id := range questions {
		if got[q] != id {
			t.Errorf("question %q taught for %q, want %s", q, got[q], id)
		}
		if served, _ := l.Index().Fact(id); !slices.Contains(served.Phrasings, q) {
			t.Errorf("question %q is not a phrasing of %s served", q, id)
		}
	}
}

// A taught file may be uploaded like a source: checked before it is
// written, served once it is; and the store is never written as one.
func TestTaughtFileUploaded(t *testing.T) {
	l, src := newTestLibrary(t)
	f := factWith(t, l, taught)
	if err := CheckStorePath(t.Context(), filepath.Join(src, source.TaughtFile), src); !errors.Is(err, ErrStoreInSources) {
		t.Errorf("a store written as the taught file: error = %v, want ErrStoreInSources", err)
	}
	if _, err := l.AddSource(t.Context(), source.TaughtFile, []byte("taught:\n  - fact: nope\n")); err == nil || !strings.Contains(err.Error(), "taught.yaml:2") {
		t.Errorf("a broken taught file: error = %v, want one at taught.yaml:2", err)
	}
	if readTaught(t, src) != nil {
		t.Error("a broken taught file was written")
	}
	upload := "taught:\n  - fact: " + f.ID + "\n    source: article.txt\n    text: x\n    questions: [\"" + missed + "\"]\n"
	if _, err := l.AddSource(t.Context(), source.TaughtFile, []byte(upload)); err != nil {
		t.Fatal(err)
	}
	if got := firstFact(t, l, missed); got != f.Text {
		t.Errorf("after the upload, first fact = %q, want the taught one", got)
	}
}

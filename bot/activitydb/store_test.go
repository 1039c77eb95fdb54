package activitydb_test

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/bot/activitydb"
	"github.com/agreementbot/agreementbot/bot/activitytest"
	"github.com/agreementbot/agreementbot/internal/syncbuf"
	"github.com/agreementbot/agreementbot/knowledge/source"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

// open opens the history at path, closed when the test ends.
func open(t *testing.T, path string, opts activitydb.Options) *activitydb.Store {
	t.Helper()
	s, err := activitydb.Open(t.Context(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestContract runs the activity stores' contract on SQLite files.
func TestContract(t *testing.T) {
	activitytest.Run(t, func(t *testing.T) activitytest.Harness {
		path := filepath.Join(t.TempDir(), "agreementbot-activity.db")
		return activitytest.Harness{
			Open: func(t *testing.T, o activitytest.Options) activitytest.Store {
				return open(t, path, activitydb.Options{Retention: o.Retention, KeepUserIDs: o.KeepUserIDs, VoteKey: o.VoteKey, Now: o.Now})
			},
			Dump: func(t *testing.T) string { return dump(t, path) },
		}
	})
}

// dump returns every row of every table of the file at path, as text.
func dump(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s: %q\n", table, vals)
		}
		rows.Close()
	}
	return b.String()
}

// A history is never written over a file that is not one, the fact store
// least of all, and the file is left as it was.
func TestOpenRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	facts := filepath.Join(dir, "agreementbot.db")
	c, err := source.LoadCorpus(t.Context(), source.DefaultSources())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Build(t.Context(), facts, c, nil); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(dir, "notes.md")
	if err := os.WriteFile(doc, []byte("# Notes\n\nkeep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{facts: "the fact store", doc: "not a SQLite database", dir: "not a regular file"} {
		before, _ := os.ReadFile(path)
		_, err := activitydb.Open(t.Context(), path, activitydb.Options{})
		if !errors.Is(err, activitydb.ErrNotActivity) || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%s) = %v, want ErrNotActivity saying %q", path, err, want)
		}
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Errorf("Open(%s) changed the file", path)
		}
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	open(t, empty, activitydb.Options{})
	open(t, empty, activitydb.Options{}) // a history, opened again
}

// A failing history is logged once when it starts failing and once when
// it works again; meanwhile it fails at once.
func TestFailingLoggedOncePerOutage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "activity.db")
	var logs syncbuf.Buffer
	now := time.Now()
	s := open(t, path, activitydb.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil)), Now: func() time.Time { return now }})
	q := bot.ActivityQuestion{At: time.Now(), Question: "where?", Outcome: bot.OutcomeAnswered}
	if err := s.Record(t.Context(), q); err != nil {
		t.Fatal(err)
	}
	// Another process damages the file: the questions table is gone.
	other, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec("ALTER TABLE questions RENAME TO questions_gone"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := s.Record(t.Context(), q); err == nil {
			t.Fatal("recorded with the table gone")
		}
	}
	if err := s.Record(t.Context(), q); !errors.Is(err, activitydb.ErrUnavailable) {
		t.Errorf("while failing: %v, want ErrUnavailable at once", err)
	}
	if _, err := other.Exec("ALTER TABLE questions_gone RENAME TO questions"); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(t.Context(), q); !errors.Is(err, activitydb.ErrUnavailable) {
		t.Errorf("mended, but within the retry delay: %v, want ErrUnavailable", err)
	}
	now = now.Add(activitydb.RetryDelay) // past the retry delay, the next call tries again
	for range 2 {
		if err := s.Record(t.Context(), q); err != nil {
			t.Errorf("mended, past the retry delay: %v", err)
		}
	}
	out := logs.String()
	if strings.Count(out, "level=WARN") != 1 || strings.Count(out, "activity history failing") != 1 ||
		strings.Count(out, "activity history working again") != 1 {
		t.Errorf("want one warning and one line saying it works again:\n%s", out)
	}
}

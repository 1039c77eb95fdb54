package activitydb

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/internal/outage"
)

//go:embed schema.sql
var schema string

// applicationID is the number SQLite keeps in the file's header (PRAGMA
// application_id, set by schema.sql): "agac" in ASCII.
const applicationID = 0x61676163

// factStoreID is the fact store's application id ("agbt"), named in the
// error of a history pointed at the fact store by mistake.
const factStoreID = 0x61676274

// DefaultRetention is how long the history is kept unless Options say
// otherwise: 30 days.
const DefaultRetention = 720 * time.Hour

// RetryDelay is how long a store found failing is left alone: meanwhile
// its calls fail at once with [ErrUnavailable].
const RetryDelay = time.Second

// pruneEvery is how often, at most, a write deletes what is older than
// the retention.
const pruneEvery = time.Minute

// ErrUnavailable is the error of a call not made because the store
// failed less than [RetryDelay] ago.
var ErrUnavailable = errors.New("activity history: unavailable (failing a moment ago)")

// ErrNotActivity is wrapped by the error of a file Open refuses to write
// to: something else's (the fact store, a document), left as it is.
var ErrNotActivity = errors.New("not an agreementbot activity history")

// Options configure a [Store].
type Options struct {
	// Retention is how long questions and votes are kept; 0 means
	// [DefaultRetention].
	Retention time.Duration
	// KeepUserIDs keeps the askers' and voters' Discord ids; without it
	// none is kept, a vote only under a keyed hash (see [bot.VoterKey]).
	KeepUserIDs bool
	// VoteKey is the key votes' members are hashed under; nil: a random
	// key kept in the file (and then whoever reads the file and knows the
	// members can tell who voted). A key given is never written to the
	// file, and one the file kept is deleted.
	VoteKey []byte
	// Logger is told when the store starts failing and when it works
	// again; nil: nobody is.
	Logger *slog.Logger
	// Now is the clock the retention and the retry delay count on; nil:
	// time.Now.
	Now func() time.Time
}

// Store is the activity history in a SQLite file. It implements
// [bot.ActivityLog] and reads reports for the dashboard. It is safe for
// concurrent use, and several processes may share the file.
type Store struct {
	db     *sql.DB
	path   string
	opts   Options
	key    []byte // the voters' hashes' key
	health *outage.Tracker
	log    *slog.Logger

	mu        sync.Mutex
	lastPrune time.Time
}

// Open opens the history at path, creating it when there is no file
// there (or an empty one), and deletes what is older than the retention.
// A file that is not an activity history (the fact store, a document,
// another program's database) is refused with an error wrapping
// [ErrNotActivity], and left as it is.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := checkFile(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open the activity history %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // one writer; other processes wait for the lock
	s := &Store{db: db, path: path, opts: opts, health: outage.New(RetryDelay, opts.Now), log: log}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open the activity history %s: %w", path, err)
	}
	return s, nil
}

// dsn is the driver's name of the file at path: created if missing,
// waiting up to 5 s for another process's lock, writes taking the lock
// at once (so that a vote's read and write are one step), deleted rows
// overwritten.
func dsn(path string) string {
	u := url.URL{Scheme: "file", Path: path,
		RawQuery: "mode=rwc&_busy_timeout=5000&_txlock=immediate&_secure_delete=on"}
	if abs, err := filepath.Abs(path); err == nil {
		u.Path = abs
	}
	return u.String()
}

// checkFile refuses a file at path that is not an activity history: one
// may be opened where there is none, an empty file, or one whose SQLite
// header carries the history's application id.
func checkFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("look at %s before opening the activity history: %w", path, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("refusing to open the activity history at %s, which is not a regular file (%w)", path, ErrNotActivity)
	case fi.Size() == 0:
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("look at %s before opening the activity history: %w", path, err)
	}
	defer f.Close()
	header := make([]byte, 100)
	n, err := io.ReadFull(f, header)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("look at %s before opening the activity history: %w", path, err)
	}
	header = header[:n]
	what := "not a SQLite database"
	if bytes.HasPrefix(header, []byte("SQLite format 3\x00")) && len(header) >= 72 {
		switch binary.BigEndian.Uint32(header[68:72]) {
		case applicationID:
			return nil
		case factStoreID:
			what = "the fact store, which is rebuilt from the sources (give the history a file of its own)"
		default:
			what = "another program's SQLite database"
		}
	}
	return fmt.Errorf("refusing to open the activity history at %s, which is %s (%w); it was left as it was", path, what, ErrNotActivity)
}

// init creates the tables if need be, reads (or makes) the voters' key
// and deletes what is past the retention.
func (s *Store) init(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create the tables: %w", err)
	}
	if s.opts.VoteKey != nil {
		s.key = s.opts.VoteKey
		if _, err := s.db.ExecContext(ctx, "DELETE FROM meta WHERE key = 'vote_key'"); err != nil {
			return fmt.Errorf("forget the voters' key kept: %w", err)
		}
		return s.prune(ctx)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, "INSERT OR IGNORE INTO meta (key, value) VALUES ('vote_key', ?)", key); err != nil {
		return fmt.Errorf("keep the voters' key: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'vote_key'").Scan(&s.key); err != nil {
		return fmt.Errorf("read the voters' key: %w", err)
	}
	return s.prune(ctx)
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// do runs a call unless the store failed a moment ago, and records how
// it went (unless it failed because ctx ended, which says nothing of the
// store), logging the start and the end of an outage once each.
func (s *Store) do(ctx context.Context, what string, run func() error) error {
	if !s.health.Usable() {
		return ErrUnavailable
	}
	err := run()
	switch {
	case err == nil:
		if s.health.Recovered() {
			s.log.Info("activity history working again: questions and votes are kept again", "path", s.path)
		}
	case ctx.Err() == nil:
		if s.health.Failed() {
			s.log.Warn("activity history failing: questions and votes are not kept until it works again", "path", s.path, "error", err)
		}
	}
	if err != nil {
		return fmt.Errorf("activity history %s: %s: %w", s.path, what, err)
	}
	return nil
}

// userID is id as kept: NULL unless ids are kept.
func (s *Store) userID(id string) any {
	if !s.opts.KeepUserIDs || id == "" {
		return nil
	}
	return id
}

// Record keeps one question (see [bot.ActivityLog]).
func (s *Store) Record(ctx context.Context, q bot.ActivityQuestion) error {
	return s.do(ctx, "record a question", func() error {
		_, err := s.db.ExecContext(ctx, `INSERT INTO questions (at, question, qcheck, language, outcome, fact_id, latency_us, user_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, q.At.UnixMilli(), q.Question, q.Check, q.Language, q.Outcome, q.FactID,
			q.Latency.Microseconds(), s.userID(q.UserID))
		if err != nil {
			return err
		}
		return s.maybePrune(ctx)
	})
}

// Vote keeps a member's vote on an answer, one per member and answer
// (see [bot.ActivityLog]). A vote the member had cast already is left as
// it was, its time included.
func (s *Store) Vote(ctx context.Context, v bot.ActivityVote) (bot.VoteResult, error) {
	var res bot.VoteResult
	err := s.do(ctx, "record a vote", func() error {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		voter := bot.VoterKey(s.key, v)
		var up bool
		switch err := tx.QueryRowContext(ctx, "SELECT up FROM votes WHERE voter = ?", voter).Scan(&up); {
		case errors.Is(err, sql.ErrNoRows):
			res = bot.VoteCounted
		case err != nil:
			return err
		case up == v.Up:
			res = bot.VoteKept
			return nil
		default:
			res = bot.VoteChanged
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO votes (voter, at, qcheck, fact_id, question, up, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (voter) DO UPDATE SET at = excluded.at, up = excluded.up, user_id = excluded.user_id,
				question = CASE WHEN excluded.question <> '' THEN excluded.question ELSE question END`,
			voter, v.At.UnixMilli(), v.Check, v.FactID, v.Question, v.Up, s.userID(v.UserID))
		if err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		return s.maybePrune(ctx)
	})
	if err != nil {
		return 0, err
	}
	return res, nil
}

// maybePrune deletes what is past the retention, unless it was done
// less than pruneEvery ago.
func (s *Store) maybePrune(ctx context.Context) error {
	s.mu.Lock()
	due := s.opts.Now().Sub(s.lastPrune) >= pruneEvery
	s.mu.Unlock()
	if !due {
		return nil
	}
	return s.prune(ctx)
}

// prune deletes the questions and votes older than the retention.
func (s *Store) prune(ctx context.Context) error {
	now := s.opts.Now()
	cutoff := now.Add(-s.opts.Retention).UnixMilli()
	if _, err := s.db.ExecContext(ctx, "DELETE FROM questions WHERE at < ?; DELETE FROM votes WHERE at < ?", cutoff, cutoff); err != nil {
		return fmt.Errorf("delete what is past the retention: %w", err)
	}
	s.mu.Lock()
	s.lastPrune = now
	s.mu.Unlock()
	return nil
}

// Report reads the questions asked and the votes cast in [since, until),
// none older than the retention, into a report.
func (s *Store) Report(ctx context.Context, since, until time.Time) (*bot.ActivityReport, error) {
	if oldest := s.opts.Now().Add(-s.opts.Retention); since.Before(oldest) {
		since = oldest
	}
	r := bot.NewActivityReport(since, until)
	err := s.do(ctx, "read a report", func() error {
		if err := s.readQuestions(ctx, r); err != nil {
			return err
		}
		return s.readVotes(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// readQuestions adds the questions of r's window to r.
func (s *Store) readQuestions(ctx context.Context, r *bot.ActivityReport) error {
	rows, err := s.db.QueryContext(ctx, `SELECT at, question, qcheck, language, outcome, fact_id, latency_us, COALESCE(user_id, '')
		FROM questions WHERE at >= ? AND at < ?`, r.Since().UnixMilli(), r.Until().UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var q bot.ActivityQuestion
		var at, latency int64
		if err := rows.Scan(&at, &q.Question, &q.Check, &q.Language, &q.Outcome, &q.FactID, &latency, &q.UserID); err != nil {
			return err
		}
		q.At, q.Latency = time.UnixMilli(at), time.Duration(latency)*time.Microsecond
		r.AddQuestion(q)
	}
	return rows.Err()
}

// readVotes adds the votes of r's window to r.
func (s *Store) readVotes(ctx context.Context, r *bot.ActivityReport) error {
	rows, err := s.db.QueryContext(ctx, `SELECT at, qcheck, fact_id, question, up, COALESCE(user_id, '')
		FROM votes WHERE at >= ? AND at < ?`, r.Since().UnixMilli(), r.Until().UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v bot.ActivityVote
		var at int64
		if err := rows.Scan(&at, &v.Check, &v.FactID, &v.Question, &v.Up, &v.UserID); err != nil {
			return err
		}
		v.At = time.UnixMilli(at)
		r.AddVote(v)
	}
	return rows.Err()
}

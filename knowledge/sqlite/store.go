package sqlite

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/agreementbot/agreementbot/internal/atomicfile"
	"github.com/agreementbot/agreementbot/knowledge"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed schema.sql
var schemaSQL string

// SchemaVersion is the version of the store's tables this build reads and
// writes.
const SchemaVersion = 1

// appID marks a SQLite file as an agreementbot store.
const appID = "agreementbot"

// ErrStore is wrapped by every error that means the store file cannot be
// used as it is (missing, damaged, or of another version) and must be
// rebuilt.
var ErrStore = errors.New("unusable fact store")

// BuildReport says what building a store did.
type BuildReport struct {
	Path       string
	Sources    int
	Facts      int
	Paragraphs int
	Duration   time.Duration
	Diff       knowledge.Diff // against the store that was replaced, if any
	// PreparedBytes is the size of the prepared index kept with the facts
	// (0: none).
	PreparedBytes int
}

// Build writes the corpus to a new SQLite store at path, atomically: it
// writes a temporary file beside path, checks it, and only then renames it
// over path. On any failure path is left as it was. It refuses, wrapping
// ErrNotStore, to replace a file that is not an agreementbot store (see
// CheckReplaceable). p, when not nil, is the corpus's prepared index, kept
// as it is beside the facts (see Store.Prepared).
func Build(ctx context.Context, path string, c *knowledge.Corpus, p *knowledge.Prepared) (BuildReport, error) {
	start := time.Now()
	rep := BuildReport{Path: path, Sources: len(c.Sources), Facts: len(c.Facts), Paragraphs: len(c.Paragraphs)}
	if err := CheckReplaceable(ctx, path); err != nil {
		return rep, fmt.Errorf("build store: %w", err)
	}
	if p != nil {
		rep.PreparedBytes = p.Size()
	}
	oldIDs := map[string]bool{}
	if old, err := Open(ctx, path); err == nil {
		oldIDs, _ = old.factIDs(ctx) // no diff is better than no build
		old.Close()
	}
	rep.Diff = c.DiffFromIDs(oldIDs)

	err := atomicfile.Replace(ctx, path, func(tmpPath string) error {
		return writeFile(ctx, tmpPath, c, p)
	})
	if err != nil {
		return rep, fmt.Errorf("build store: %w", err)
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

// writeFile writes the corpus as a new store into the empty file at path,
// and checks it.
func writeFile(ctx context.Context, path string, c *knowledge.Corpus, p *knowledge.Prepared) error {
	db, err := sql.Open("sqlite3", fileDSN(path, "rwc"))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1) // the pragmas below hold per connection
	// The temporary file needs no journal: if the build fails it is thrown
	// away, and once it succeeds it is synced as a whole before the rename.
	_, err = db.ExecContext(ctx, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
	if err == nil {
		err = writeCorpus(ctx, db, c, p)
	}
	if err == nil {
		err = checkStore(ctx, db, len(c.Facts))
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

func fileDSN(path, mode string) string {
	u := url.URL{Scheme: "file", Path: path, RawQuery: "mode=" + mode + "&_foreign_keys=1"}
	if abs, err := filepath.Abs(path); err == nil {
		u.Path = abs
	}
	return u.String()
}

// Store is an open SQLite fact store.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens an existing store read-only and checks that it is an
// agreementbot store of this schema version. The error of a missing, damaged
// or foreign file wraps ErrStore and says how to get a usable store: for a
// file that is no store (a document given by mistake), never by writing
// over it.
func Open(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, storeError(ctx, path, err)
	}
	db, err := sql.Open("sqlite3", fileDSN(path, "ro"))
	if err != nil {
		return nil, storeError(ctx, path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// OpenMemory writes the corpus to a new in-memory store and returns it
// open. The command line uses it to answer from the embedded sources
// through the same store code as a file.
func OpenMemory(ctx context.Context, c *knowledge.Corpus) (*Store, error) {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		return nil, fmt.Errorf("open memory store: %w", err)
	}
	// Every connection to ":memory:" is a different database: keep one.
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := writeCorpus(ctx, db, c, nil); err != nil {
		db.Close()
		return nil, fmt.Errorf("open memory store: %w", err)
	}
	return &Store{db: db, path: ":memory:"}, nil
}

func storeError(ctx context.Context, path string, err error) error {
	return fmt.Errorf("%w %s: %v; %s", ErrStore, path, err, rebuildHint(ctx, path))
}

func (s *Store) check(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return storeError(ctx, s.path, fmt.Errorf("not a readable SQLite database (%v)", err))
	}
	var app string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'application'").Scan(&app)
	if err != nil || app != appID {
		return storeError(ctx, s.path, errors.New("not an agreementbot fact store"))
	}
	if version != SchemaVersion {
		return storeError(ctx, s.path, fmt.Errorf("schema version %d, this build needs %d", version, SchemaVersion))
	}
	return nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// writeCorpus writes the corpus, and its prepared index p unless nil, to
// the empty database db in one transaction: the schema, then the
// metadata, sources, paragraphs, facts and prepared index, then the
// indexes over them.
func writeCorpus(ctx context.Context, db *sql.DB, c *knowledge.Corpus, p *knowledge.Prepared) error {
	if _, err := db.ExecContext(ctx, schemaSQL); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := writeMeta(ctx, tx, c, p); err != nil {
		return err
	}
	if err := writeSources(ctx, tx, c.Sources); err != nil {
		return err
	}
	if err := writeParagraphs(ctx, tx, c.Paragraphs); err != nil {
		return fmt.Errorf("write paragraphs: %w", err)
	}
	if err := writeFacts(ctx, tx, c); err != nil {
		return err
	}
	if err := writePrepared(ctx, tx, p); err != nil {
		return fmt.Errorf("write prepared index: %w", err)
	}
	// Indexes go on once the rows are in: building them in one pass over
	// sorted keys beats updating them row by row.
	if _, err := tx.ExecContext(ctx, "CREATE UNIQUE INDEX facts_id ON facts (id); CREATE INDEX phrasings_fact ON phrasings (fact_id)"); err != nil {
		return fmt.Errorf("index facts: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// writeMeta writes what the store says of itself: the application and
// schema that read it, when it was built, the vocabulary, the sources'
// origin and, with p, the prepared index's fingerprint.
func writeMeta(ctx context.Context, tx *sql.Tx, c *knowledge.Corpus, p *knowledge.Prepared) error {
	vocab, err := json.Marshal(c.Vocabulary)
	if err != nil {
		return fmt.Errorf("encode vocabulary: %w", err)
	}
	meta := [][2]string{
		{"application", appID},
		{"schema_version", strconv.Itoa(SchemaVersion)},
		{"built_at", time.Now().UTC().Format(time.RFC3339)},
		{"vocabulary", string(vocab)},
		{"origin", c.Origin},
	}
	if p != nil {
		meta = append(meta, [2]string{"prepared", p.Fingerprint})
	}
	for _, kv := range meta {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?)", kv[0], kv[1]); err != nil {
			return fmt.Errorf("write meta: %w", err)
		}
	}
	return nil
}

// writeSources writes the sources, in order.
func writeSources(ctx context.Context, tx *sql.Tx, sources []knowledge.Source) error {
	for i, src := range sources {
		_, err := tx.ExecContext(ctx, `INSERT INTO sources (id, position, title, date, publisher, url, credit, path, format, sha256)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			src.ID, i, src.Title, src.Date, src.Publisher, src.URL, src.Credit, src.Path, src.Format, src.SHA256)
		if err != nil {
			return fmt.Errorf("write source %s: %w", src.ID, err)
		}
	}
	return nil
}

// writeParagraphs writes the sources' paragraphs, in batches.
func writeParagraphs(ctx context.Context, tx *sql.Tx, paragraphs []knowledge.SourceParagraph) error {
	rows := newBatchInserter(tx, "paragraphs (source_id, number, section, text)", 4)
	for _, para := range paragraphs {
		if err := rows.add(ctx, para.SourceID, para.Number, para.Section, para.Text); err != nil {
			return err
		}
	}
	return rows.flush(ctx)
}

// writeFacts writes the facts, in order, with their phrasings, in
// batches. A fact's citation is stored only where it differs from its
// source's, and its clean text only where it differs from its text.
func writeFacts(ctx context.Context, tx *sql.Tx, c *knowledge.Corpus) error {
	facts := newBatchInserter(tx, `facts (id, position, source_id, kind, text, clean, title, date,
		publisher, credit, url, section, paragraph, sentence, start, end)`, 16)
	phrasings := newBatchInserter(tx, "phrasings (fact_id, text)", 2)
	sources := make(map[string]knowledge.Source, len(c.Sources))
	for _, src := range c.Sources {
		sources[src.ID] = src
	}
	for i, f := range c.Facts {
		ct := f.Citation
		src := sources[ct.SourceID]
		clean := f.Clean
		if clean == f.Text {
			clean = "" // the common case: stored once, restored on read
		}
		err := facts.add(ctx, f.ID, i, ct.SourceID, string(f.Kind), f.Text, clean,
			unlessSame(ct.Title, src.Title), unlessSame(ct.Date, src.Date), unlessSame(ct.Publisher, src.Publisher),
			unlessSame(ct.Credit, src.Credit), unlessSame(ct.URL, src.URL), ct.Section, ct.Paragraph, ct.Sentence, ct.Start, ct.End)
		if err != nil {
			return fmt.Errorf("write facts (up to %s, %s paragraph %d): %w", f.ID, ct.SourceID, ct.Paragraph, err)
		}
		for _, text := range f.Phrasings {
			if err := phrasings.add(ctx, f.ID, text); err != nil {
				return fmt.Errorf("write phrasings (up to %s): %w", f.ID, err)
			}
		}
	}
	if err := facts.flush(ctx); err != nil {
		return fmt.Errorf("write facts: %w", err)
	}
	if err := phrasings.flush(ctx); err != nil {
		return fmt.Errorf("write phrasings: %w", err)
	}
	return nil
}

// preparedChunk is the most bytes of a prepared section one row holds:
// SQLite limits a value to a billion bytes, and a few megabytes at a time
// keep both the limit and the copies made on the way small.
const preparedChunk = 4 << 20

// writePrepared writes the sections of p, in order, each cut into chunks.
func writePrepared(ctx context.Context, tx *sql.Tx, p *knowledge.Prepared) error {
	if p == nil {
		return nil
	}
	st, err := tx.PrepareContext(ctx, "INSERT INTO prepared (section, name, chunk, data) VALUES (?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer st.Close()
	for i, sec := range p.Sections {
		data := sec.Data
		for chunk := 0; chunk == 0 || len(data) > 0; chunk++ {
			n := min(len(data), preparedChunk)
			part := data[:n:n]
			if part == nil {
				part = []byte{} // an empty section, not NULL
			}
			if _, err := st.ExecContext(ctx, i, sec.Name, chunk, part); err != nil {
				return fmt.Errorf("section %s: %w", sec.Name, err)
			}
			data = data[n:]
		}
	}
	return nil
}

// batchRows is how many rows one INSERT statement of a bulk write carries:
// one statement per row would spend most of the time in per-call overhead.
const batchRows = 64

// batchInserter writes rows to a table with multi-row INSERT statements.
type batchInserter struct {
	tx   *sql.Tx
	into string // "table (col, ...)"
	cols int
	full *sql.Stmt // prepared on first use for batchRows rows
	args []any
}

func newBatchInserter(tx *sql.Tx, into string, cols int) *batchInserter {
	return &batchInserter{tx: tx, into: into, cols: cols, args: make([]any, 0, cols*batchRows)}
}

// add queues one row, writing a full batch when it has one.
func (b *batchInserter) add(ctx context.Context, row ...any) error {
	b.args = append(b.args, row...)
	if len(b.args) < b.cols*batchRows {
		return nil
	}
	if b.full == nil {
		st, err := b.tx.PrepareContext(ctx, b.statement(batchRows))
		if err != nil {
			return err
		}
		b.full = st
	}
	_, err := b.full.ExecContext(ctx, b.args...)
	b.args = b.args[:0]
	return err
}

// flush writes the queued rows and releases the prepared statement.
func (b *batchInserter) flush(ctx context.Context) error {
	if b.full != nil {
		defer b.full.Close()
	}
	if len(b.args) == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(ctx, b.statement(len(b.args)/b.cols), b.args...)
	b.args = b.args[:0]
	return err
}

func (b *batchInserter) statement(rows int) string {
	row := "(" + strings.Repeat("?, ", b.cols-1) + "?)"
	return "INSERT INTO " + b.into + " VALUES " + strings.Repeat(row+", ", rows-1) + row
}

// unlessSame returns nil (NULL) when a fact's citation field is the same as
// its source's, which is the common case, so the store does not repeat it
// on every row.
func unlessSame(v, sourceValue string) any {
	if v == sourceValue {
		return nil
	}
	return v
}

// checkStore verifies a freshly written store before it replaces the old
// one.
func checkStore(ctx context.Context, db *sql.DB, wantFacts int) error {
	var result string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&result); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("check: %s", result)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM facts").Scan(&n); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if n != wantFacts {
		return fmt.Errorf("check: wrote %d facts, store holds %d", wantFacts, n)
	}
	return nil
}

// factIDs reads the ids of the store's facts.
func (s *Store) factIDs(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id FROM facts")
	if err != nil {
		return nil, s.readError(ctx, "fact ids", err)
	}
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, s.readError(ctx, "fact ids", err)
		}
		ids[id] = true
	}
	return ids, closeRows(rows)
}

// ReadOrigin returns the origin recorded in the store file at path (see
// knowledge.Corpus.Origin) without requiring the file to be a usable store
// of this version: a library deciding whether it may rebuild a store it
// cannot open asks what the file was built from. It is "" when the file
// records none or is no agreementbot store at all.
func ReadOrigin(ctx context.Context, path string) (string, error) {
	if _, err := os.Stat(path); err != nil {
		return "", err
	}
	db, err := sql.Open("sqlite3", fileDSN(path, "ro"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	var origin string
	err = db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'origin'").Scan(&origin)
	if err != nil {
		return "", nil // no meta table, no origin, or not SQLite: nothing recorded
	}
	return origin, nil
}

// Origin returns where the store's sources were read from (see
// knowledge.Corpus.Origin); "" for a store built before it was recorded.
func (s *Store) Origin(ctx context.Context) (string, error) {
	var origin string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'origin'").Scan(&origin)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", s.readError(ctx, "origin", err)
	}
	return origin, nil
}

// Corpus reads the whole store back into memory.
func (s *Store) Corpus(ctx context.Context) (*knowledge.Corpus, error) {
	c := &knowledge.Corpus{}
	var err error
	if c.Vocabulary, err = s.vocabulary(ctx); err != nil {
		return nil, err
	}
	if c.Origin, err = s.Origin(ctx); err != nil {
		return nil, err
	}
	err = s.each(ctx, "sources", "SELECT id, title, date, publisher, url, credit, path, format, sha256 FROM sources ORDER BY position", func(rows *sql.Rows) error {
		var src knowledge.Source
		err := rows.Scan(&src.ID, &src.Title, &src.Date, &src.Publisher, &src.URL, &src.Credit, &src.Path, &src.Format, &src.SHA256)
		c.Sources = append(c.Sources, src)
		return err
	})
	if err != nil {
		return nil, err
	}
	if c.Paragraphs, err = s.paragraphs(ctx); err != nil {
		return nil, err
	}
	if c.Facts, err = s.facts(ctx, c.Sources); err != nil {
		return nil, err
	}
	return c, nil
}

// Prepared returns the prepared index the store keeps beside its facts
// (see Build), or nil when it keeps none, as stores built without one or
// by builds before it was kept do not.
func (s *Store) Prepared(ctx context.Context) (*knowledge.Prepared, error) {
	var fingerprint string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'prepared'").Scan(&fingerprint)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.readError(ctx, "prepared index", err)
	}
	p := &knowledge.Prepared{Fingerprint: fingerprint}
	err = s.each(ctx, "prepared index", "SELECT section, name, data FROM prepared ORDER BY section, chunk", func(rows *sql.Rows) error {
		var section int
		var name string
		var data []byte
		if err := rows.Scan(&section, &name, &data); err != nil {
			return err
		}
		if section == len(p.Sections)-1 {
			last := &p.Sections[section]
			last.Data = append(last.Data, data...)
			return nil
		}
		p.Sections = append(p.Sections, knowledge.PreparedSection{Name: name, Data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// vocabulary reads the vocabulary the store was built with.
func (s *Store) vocabulary(ctx context.Context) (*knowledge.Vocabulary, error) {
	var raw string
	if err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'vocabulary'").Scan(&raw); err != nil {
		return nil, s.readError(ctx, "vocabulary", err)
	}
	v := &knowledge.Vocabulary{}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return nil, s.readError(ctx, "vocabulary", err)
	}
	return v, nil
}

// paragraphs reads the paragraphs in order.
func (s *Store) paragraphs(ctx context.Context) ([]knowledge.SourceParagraph, error) {
	n, err := s.count(ctx, "paragraphs")
	if err != nil {
		return nil, err
	}
	paras := make([]knowledge.SourceParagraph, 0, n)
	intern := map[string]string{} // source ids and sections repeat
	err = s.each(ctx, "paragraphs", "SELECT source_id, number, section, text FROM paragraphs ORDER BY source_id, number", func(rows *sql.Rows) error {
		var p knowledge.SourceParagraph
		err := rows.Scan(&p.SourceID, &p.Number, &p.Section, &p.Text)
		internAll(intern, &p.SourceID, &p.Section)
		paras = append(paras, p)
		return err
	})
	return paras, err
}

// count returns the number of rows of table, so that what reads them can
// allocate once: a growing slice of 100,000 facts would be copied over and
// over.
func (s *Store) count(ctx context.Context, table string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return 0, s.readError(ctx, table, err)
	}
	return n, nil
}

// internAll replaces each of the strings with the copy of it in intern,
// adding those it does not have yet.
func internAll(intern map[string]string, fields ...*string) {
	for _, p := range fields {
		if v, ok := intern[*p]; ok {
			*p = v
		} else {
			intern[*p] = *p
		}
	}
}

// each runs query and calls scan for each row; what names the rows in
// errors.
func (s *Store) each(ctx context.Context, what, query string, scan func(*sql.Rows) error) error {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return s.readError(ctx, what, err)
	}
	for rows.Next() {
		if err := scan(rows); err != nil {
			rows.Close()
			return s.readError(ctx, what, err)
		}
	}
	if err := closeRows(rows); err != nil {
		return s.readError(ctx, what, err)
	}
	return nil
}

// facts reads the facts in order, with their phrasings, their citations
// completed from their sources', and repeated citation fields kept once.
func (s *Store) facts(ctx context.Context, srcs []knowledge.Source) ([]knowledge.Fact, error) {
	phrasings := map[string][]string{}
	err := s.each(ctx, "phrasings", "SELECT fact_id, text FROM phrasings ORDER BY rowid", func(rows *sql.Rows) error {
		var id, text string
		err := rows.Scan(&id, &text)
		phrasings[id] = append(phrasings[id], text)
		return err
	})
	if err != nil {
		return nil, err
	}
	sources := make(map[string]knowledge.Source, len(srcs))
	for _, src := range srcs {
		sources[src.ID] = src
	}
	n, err := s.count(ctx, "facts")
	if err != nil {
		return nil, err
	}
	intern := map[string]string{} // citation fields repeat from fact to fact
	facts := make([]knowledge.Fact, 0, n)
	err = s.each(ctx, "facts", `SELECT id, source_id, kind, text, clean, title, date, publisher, credit, url,
		section, paragraph, sentence, start, end FROM facts ORDER BY position`, func(rows *sql.Rows) error {
		f, err := scanFact(rows, sources, intern)
		f.Phrasings = phrasings[f.ID]
		facts = append(facts, f)
		return err
	})
	return facts, err
}

// scanFact reads one fact row, filling the citation fields the store left
// to its source, and keeping one copy of each repeated field in intern.
func scanFact(rows *sql.Rows, sources map[string]knowledge.Source, intern map[string]string) (knowledge.Fact, error) {
	var f knowledge.Fact
	ct := &f.Citation
	var title, date, publisher, credit, url sql.NullString
	if err := rows.Scan(&f.ID, &ct.SourceID, &f.Kind, &f.Text, &f.Clean, &title, &date, &publisher, &credit,
		&url, &ct.Section, &ct.Paragraph, &ct.Sentence, &ct.Start, &ct.End); err != nil {
		return f, err
	}
	src := sources[ct.SourceID]
	ct.Title = orSource(title, src.Title)
	ct.Date = orSource(date, src.Date)
	ct.Publisher = orSource(publisher, src.Publisher)
	ct.Credit = orSource(credit, src.Credit)
	ct.URL = orSource(url, src.URL)
	if f.Clean == "" {
		f.Clean = f.Text
	}
	internAll(intern, &ct.SourceID, &ct.Title, &ct.Date, &ct.Publisher, &ct.Credit, &ct.URL, &ct.Section)
	return f, nil
}

// orSource is the inverse of unlessSame.
func orSource(v sql.NullString, sourceValue string) string {
	if v.Valid {
		return v.String
	}
	return sourceValue
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *Store) readError(ctx context.Context, what string, err error) error {
	return storeError(ctx, s.path, fmt.Errorf("read %s: %v", what, err))
}

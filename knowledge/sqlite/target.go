package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// applicationID is the number SQLite keeps in a store's header (PRAGMA
// application_id, set by schema.sql): "agbt" in ASCII. A store built before
// it was set is told by its meta table instead.
const applicationID = 0x61676274

// sqliteMagic begins every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// ErrNotStore is wrapped by the error of a build refused because the file
// it would replace is not an agreementbot store: its bytes are someone's
// data, which a build must never destroy.
var ErrNotStore = errors.New("not an agreementbot fact store")

// CheckReplaceable reports whether a store may be written at path: when
// nothing is there, when the file there is empty, or when it is an
// agreementbot store (by the application id in its SQLite header, or the
// marker in its meta table), even one that is damaged or of another
// version. Anything else (a directory, a document, another program's
// database) is refused with an error wrapping ErrNotStore that says what it
// is and leaves it alone.
func CheckReplaceable(ctx context.Context, path string) error {
	what, err := identify(ctx, path)
	if err != nil || what == "" {
		return err
	}
	return fmt.Errorf("refusing to write the fact store over %s, which is %s (%w); it was left as it was: "+
		"give a new path, or move the file away first", path, what, ErrNotStore)
}

// identify says what the file at path is when it is something a store must
// not be written over, and "" when a store may be (see CheckReplaceable).
// The error is for a file that cannot be looked at.
func identify(ctx context.Context, path string) (string, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("look at %s before writing the fact store: %w", path, err)
	case fi.IsDir():
		return "a directory", nil
	case !fi.Mode().IsRegular():
		return "not a regular file", nil
	case fi.Size() == 0:
		return "", nil
	}
	header, err := readHeader(path)
	if err != nil {
		return "", fmt.Errorf("look at %s before writing the fact store: %w", path, err)
	}
	if !bytes.HasPrefix(header, []byte(sqliteMagic)) {
		return "not a SQLite database", nil
	}
	if len(header) >= 72 && binary.BigEndian.Uint32(header[68:72]) == applicationID {
		return "", nil
	}
	if hasMarker(ctx, path) {
		return "", nil
	}
	return "a SQLite database of another program (it has no agreementbot marker)", nil
}

// readHeader returns the first 100 bytes of the file at path (fewer when
// it is shorter): a SQLite database's header.
func readHeader(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	header := make([]byte, 100)
	n, err := io.ReadFull(f, header)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return header[:n], nil
}

// hasMarker reports whether the SQLite database at path, opened read-only,
// records in its meta table that agreementbot built it.
func hasMarker(ctx context.Context, path string) bool {
	db, err := sql.Open("sqlite3", fileDSN(path, "ro"))
	if err != nil {
		return false
	}
	defer db.Close()
	var app string
	err = db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'application'").Scan(&app)
	return err == nil && app == appID
}

// rebuildHint says how to get a usable store at path: rebuild it when a
// store may be written there, else (a document, another program's file)
// use or build one elsewhere, since no command writes over that file.
func rebuildHint(ctx context.Context, path string) string {
	what, err := identify(ctx, path)
	if err != nil || what == "" {
		return "rebuild it with: agreementbot ingest --sources DIR --db " + path
	}
	return "it is " + what + ", so it is left alone: give the path of a store built by agreementbot ingest, " +
		"or build one at a new path with: agreementbot ingest --sources DIR --db NEW_FILE"
}

-- agreementbot fact store.
-- The schema version is kept in two places: PRAGMA user_version, which
-- SQLite reads without touching a table, and meta.schema_version for people
-- looking at the file. Bump both when the tables change; a store of another
-- version is refused with a message that says how to rebuild it.
PRAGMA user_version = 1;

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE sources (
	id        TEXT PRIMARY KEY,
	position  INTEGER NOT NULL UNIQUE,
	title     TEXT NOT NULL,
	date      TEXT NOT NULL,
	publisher TEXT NOT NULL,
	url       TEXT NOT NULL,
	credit    TEXT NOT NULL,
	path      TEXT NOT NULL,
	format    TEXT NOT NULL,
	sha256    TEXT NOT NULL
) STRICT;

CREATE TABLE paragraphs (
	source_id TEXT NOT NULL REFERENCES sources (id),
	number    INTEGER NOT NULL,
	section   TEXT NOT NULL,
	text      TEXT NOT NULL,
	PRIMARY KEY (source_id, number)
) STRICT;

-- position is the rowid, so facts are stored in reading order; the unique
-- index on id is created after the rows are written, which is much faster
-- than keeping it up to date through a bulk insert.
CREATE TABLE facts (
	position  INTEGER PRIMARY KEY,
	id        TEXT NOT NULL,
	source_id TEXT NOT NULL REFERENCES sources (id),
	kind      TEXT NOT NULL,
	text      TEXT NOT NULL,
	clean     TEXT NOT NULL,
	-- NULL in these five: the same as the source's.
	title     TEXT,
	date      TEXT,
	publisher TEXT,
	credit    TEXT,
	url       TEXT,
	section   TEXT NOT NULL,
	paragraph INTEGER NOT NULL,
	sentence  INTEGER NOT NULL,
	start     INTEGER NOT NULL,
	end       INTEGER NOT NULL
) STRICT;

CREATE TABLE phrasings (
	fact_id TEXT NOT NULL,
	text    TEXT NOT NULL
) STRICT;

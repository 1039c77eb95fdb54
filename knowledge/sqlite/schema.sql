-- agreementbot fact store.
-- The schema version is kept in two places: PRAGMA user_version, which
-- SQLite reads without touching a table, and meta.schema_version for people
-- looking at the file. Bump both when the tables change; a store of another
-- version is refused with a message that says how to rebuild it. A table
-- that readers can do without (prepared) does not change the version:
-- builds that do not know it ignore it, and a store without it is read.
PRAGMA user_version = 1;

-- "agbt": marks the file as an agreementbot store in SQLite's own header,
-- where a writer deciding whether it may replace a file looks first (a
-- store built before it was set is told by meta.application).
PRAGMA application_id = 1634165364;

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

-- The matcher's prepared index of the facts (knowledge.Prepared): what it
-- found analysing them when the store was built, so that loading the store
-- need not analyse them again. Its sections are opaque here, in order, each
-- cut into chunks; meta 'prepared' holds the fingerprint of the analysis
-- that made them. Optional: a store without it is analysed on load, and so
-- is one whose fingerprint is not the loading build's.
CREATE TABLE prepared (
	section INTEGER NOT NULL,
	name    TEXT NOT NULL,
	chunk   INTEGER NOT NULL,
	data    BLOB NOT NULL,
	PRIMARY KEY (section, chunk)
) STRICT;

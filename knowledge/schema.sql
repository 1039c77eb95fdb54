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

CREATE TABLE facts (
	id        TEXT PRIMARY KEY,
	position  INTEGER NOT NULL UNIQUE,
	source_id TEXT NOT NULL REFERENCES sources (id),
	kind      TEXT NOT NULL,
	text      TEXT NOT NULL,
	clean     TEXT NOT NULL,
	title     TEXT NOT NULL,
	date      TEXT NOT NULL,
	publisher TEXT NOT NULL,
	credit    TEXT NOT NULL,
	url       TEXT NOT NULL,
	section   TEXT NOT NULL,
	paragraph INTEGER NOT NULL,
	sentence  INTEGER NOT NULL,
	start     INTEGER NOT NULL,
	end       INTEGER NOT NULL
) STRICT;

CREATE TABLE phrasings (
	fact_id TEXT NOT NULL REFERENCES facts (id),
	text    TEXT NOT NULL
) STRICT;

CREATE INDEX phrasings_fact ON phrasings (fact_id);

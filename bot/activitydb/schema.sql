-- agreementbot activity history: the questions asked and the votes on
-- their answers, for the admins' dashboard. Not the fact store: nothing
-- here is rebuilt, and rows older than the retention are deleted.
-- PRAGMA user_version is the schema's version.
PRAGMA user_version = 1;

-- "agac": marks the file as an agreementbot activity history in SQLite's
-- own header, where Open looks before writing to a file.
PRAGMA application_id = 1634165091;

CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL -- 'vote_key': the secret key of the voters' hashes
) STRICT;

CREATE TABLE IF NOT EXISTS questions (
	at         INTEGER NOT NULL, -- Unix milliseconds
	question   TEXT NOT NULL,    -- normalized text
	qcheck     TEXT NOT NULL,    -- the check its vote buttons carry
	language   TEXT NOT NULL,
	outcome    TEXT NOT NULL,    -- answered, tentative, abstained, refused
	fact_id    TEXT NOT NULL,    -- the first fact; '' when none
	latency_us INTEGER NOT NULL,
	user_id    TEXT              -- NULL unless user ids are kept
) STRICT;
CREATE INDEX IF NOT EXISTS questions_at ON questions (at);

-- One row per member and answer.
CREATE TABLE IF NOT EXISTS votes (
	voter    TEXT PRIMARY KEY, -- HMAC-SHA256 of member and answer, hex
	at       INTEGER NOT NULL, -- cast or last changed, Unix milliseconds
	qcheck   TEXT NOT NULL,
	fact_id  TEXT NOT NULL,
	question TEXT NOT NULL,    -- '' when the vote could not read it back
	up       INTEGER NOT NULL, -- 1: 👍, 0: 👎
	user_id  TEXT              -- NULL unless user ids are kept
) STRICT;
CREATE INDEX IF NOT EXISTS votes_at ON votes (at);

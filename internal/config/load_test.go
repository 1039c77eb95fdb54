package config

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

// testPublicKey is an Ed25519 public key in hexadecimal, as the
// developer portal shows one.
const testPublicKey = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"

// writeFile writes content to config.yaml in a new temporary directory and
// returns its path.
func writeFile(t testing.TB, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// env returns a getenv over the given name, value pairs.
func env(pairs ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// relative makes the error message's temporary directory disappear, so
// that it reads "config.yaml:7: ...".
func relative(path string, err error) string {
	if err == nil {
		return "<nil>"
	}
	return strings.ReplaceAll(err.Error(), filepath.Dir(path)+string(filepath.Separator), "")
}

// settingsOf returns c without its origins, for comparing.
func settingsOf(c Config) Config {
	c.origins = nil
	return c
}

func assertSettings(t *testing.T, got, want Config) {
	t.Helper()
	if !reflect.DeepEqual(settingsOf(got), settingsOf(want)) {
		t.Errorf("got  %+v\nwant %+v", settingsOf(got), settingsOf(want))
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
}

func TestLoadDefaults(t *testing.T) {
	for name, path := range map[string]string{
		"no file":       "",
		"empty file":    writeFile(t, ""),
		"comments":      writeFile(t, "# nothing here\n\n# really\n"),
		"null":          writeFile(t, "~\n"),
		"document mark": writeFile(t, "---\n"),
		"null sections": writeFile(t, "discord:\nadmins:\nanswer: ~\nlog:\ndatabase:\n"),
	} {
		for envName, getenv := range map[string]func(string) (string, bool){
			"nil getenv": nil,
			"empty env":  env(),
			"blank vars": env("AGREEMENTBOT_TOP", "", "DISCORD_TOKEN", "  ", "AGREEMENTBOT_DB", ""),
			"other vars": env("HOME", "/root", "AGREEMENTBOT_UNKNOWN", "1"),
		} {
			got, err := Load(path, getenv)
			if err != nil {
				t.Errorf("%s, %s: Load() error: %v", name, envName, err)
				continue
			}
			assertSettings(t, got, Default())
			for _, f := range got.fields() {
				if o := got.Origin(f.key); !o.IsDefault() {
					t.Errorf("%s, %s: Origin(%s) = %v, want the default", name, envName, f.key, o)
				}
			}
		}
	}
}

func TestLoadFile(t *testing.T) {
	path := writeFile(t, `# agreementbot
discord:
  token: "abc.def"
  application_id: 1234567890123456789
  public_key: " 3D4017C3E843895A92B70AA74D1B7EBC9C982CCF2EC4968CC0CD55F12AF4660C "
  guild_ids: [111111111111111111, "222222222222222222"]
  api_url: http://127.0.0.1:8080/api   # the fake; "/" is added
  gateway_url: ws://127.0.0.1:8080/gateway
  shard_id: 2
  shard_count: 3
http:
  addr: "[::1]:0"
  shutdown_delay: 0s
admins:
  user_ids:
    - "333333333333333333"
  role_ids: []
sources: ./sources
database: /var/lib/agreementbot/facts.db
database_poll: 2s
answer:
  top: 5
  threshold: 0.5
  ephemeral: true
rate_limit:
  questions: 2
  per: 1m30s
log:
  level: DEBUG
  format: json
translate:
  url: http://apertium:2737
  timeout: 2s
activity:
  retention: 48h
  keep_user_ids: true
`)
	got, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Discord: Discord{
			Token:         "abc.def",
			ApplicationID: "1234567890123456789",
			PublicKey:     testPublicKey,
			GuildIDs:      []string{"111111111111111111", "222222222222222222"},
			APIURL:        "http://127.0.0.1:8080/api/",
			GatewayURL:    "ws://127.0.0.1:8080/gateway",
			ShardID:       2,
			ShardCount:    3,
		},
		HTTP:         HTTP{Addr: "[::1]:0"},
		Admins:       Admins{UserIDs: []string{"333333333333333333"}},
		Sources:      "./sources",
		Database:     "/var/lib/agreementbot/facts.db",
		DatabasePoll: 2 * time.Second,
		Answer:       Answer{Top: 5, Threshold: 0.5, ConfidentThreshold: knowledge.DefaultConfidentThreshold, Ephemeral: true},
		RateLimit:    RateLimit{Questions: 2, Per: 90 * time.Second},
		Translate:    Translate{URL: "http://apertium:2737", Timeout: 2 * time.Second},
		Activity:     Activity{Retention: 48 * time.Hour, KeepUserIDs: true},
		Log:          Log{Level: "debug", Format: "json"},
	}
	assertSettings(t, got, want)
	for key, line := range map[string]int{"discord.token": 3, "discord.public_key": 5, "discord.shard_count": 10, "http.addr": 12, "http.shutdown_delay": 13, "admins.role_ids": 17, "database_poll": 20, "answer.top": 22, "log.format": 30} {
		if o := got.Origin(key); o.File != path || o.Line != line || o.Env != "" {
			t.Errorf("Origin(%q) = %+v, want %s:%d", key, o, path, line)
		}
	}
	if o := got.Origin("nonsense"); !o.IsDefault() || o.String() != "default" {
		t.Errorf("Origin(nonsense) = %+v", o)
	}
}

func TestLoadAliasesAndNulls(t *testing.T) {
	path := writeFile(t, `ids: &ids ["111111111111111111"]
`)
	if _, err := Load(path, nil); err == nil {
		t.Fatal("unknown key ids accepted")
	}
	path = writeFile(t, `admins:
  user_ids: &ids ["111111111111111111"]
  role_ids: *ids
answer:
  top: &n 4
rate_limit:
  questions: *n
  per:
log: ~
`)
	got, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Admins = Admins{UserIDs: []string{"111111111111111111"}, RoleIDs: []string{"111111111111111111"}}
	want.Answer.Top = 4
	want.RateLimit.Questions = 4
	assertSettings(t, got, want)
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		name, file string
		want       string // the whole message, with the file as "config.yaml"
	}{
		{"unknown key", "discord:\n  token: x\ndiscrod: {}\n", `config.yaml:3: unknown key "discrod" (did you mean "discord"?)`},
		{"unknown nested key", "answer:\n  tpo: 3\n", `config.yaml:2: unknown key "answer.tpo" (did you mean "answer.top"?)`},
		{"unknown key, capitals", "Answer:\n  top: 3\n", `config.yaml:1: unknown key "Answer" (did you mean "answer"?)`},
		{"unknown key, nothing like it", "colour: blue\n", `config.yaml:1: unknown key "colour"`},
		{"key at the wrong level", "token: abc\n", `config.yaml:1: unknown key "token" (did you mean "discord.token"?)`},
		{"key in the wrong section", "answer:\n  level: debug\n", `config.yaml:2: unknown key "answer.level" (did you mean "log.level"?)`},
		{"merge key", "base: &b {top: 3}\n", `config.yaml:1: unknown key "base"`},
		{"only white space in a path", "sources: \"\\t\\n\"\n", `config.yaml:1: sources: must not start or end with white space, got "\t\n"`},
		{"white space around a path", "database: ' facts.db'\n", `config.yaml:1: database: must not start or end with white space, got " facts.db"`},
		{"merge key used", "answer:\n  <<: {top: 3}\n", `config.yaml:2: merge keys ("<<") are not supported`},
		{"threshold too high", "discord:\n  token: x\n\nanswer:\n  top: 3\n\n  threshold: 1.5\n", `config.yaml:7: answer.threshold: must be in (0, 1], got 1.5`},
		{"threshold zero", "answer: {threshold: 0}\n", `config.yaml:1: answer.threshold: must be in (0, 1], got 0`},
		{"threshold negative", "answer:\n  threshold: -0.5\n", `config.yaml:2: answer.threshold: must be in (0, 1], got -0.5`},
		{"threshold NaN", "answer:\n  threshold: .nan\n", `config.yaml:2: answer.threshold: must be in (0, 1], got NaN`},
		{"threshold text", "answer:\n  threshold: high\n", `config.yaml:2: answer.threshold: must be a number in (0, 1], got "high"`},
		{"top text", "answer:\n  top: many\n", `config.yaml:2: answer.top: must be a whole number from 1 to 10, got "many"`},
		{"top quoted", "answer:\n  top: \"3\"\n", `config.yaml:2: answer.top: must be a whole number from 1 to 10, got "3"`},
		{"top fraction", "answer:\n  top: 2.5\n", `config.yaml:2: answer.top: must be a whole number from 1 to 10, got "2.5"`},
		{"top too big", "answer:\n  top: 11\n", `config.yaml:2: answer.top: must be a whole number from 1 to 10, got 11`},
		{"top zero", "answer:\n  top: 0\n", `config.yaml:2: answer.top: must be a whole number from 1 to 10, got 0`},
		{"top overflow", "answer:\n  top: 99999999999999999999999\n", `config.yaml:2: answer.top: must be a whole number from 1 to 10, got "99999999999999999999999"`},
		{"top list", "answer:\n  top: [1]\n", `config.yaml:2: answer.top: must be a whole number from 1 to 10, got a list`},
		{"ephemeral yes", "answer:\n  ephemeral: yes\n", `config.yaml:2: answer.ephemeral: must be true or false, got "yes"`},
		{"questions zero", "rate_limit:\n  questions: 0\n", `config.yaml:2: rate_limit.questions: must be a whole number of at least 1, got 0`},
		{"per without unit", "rate_limit:\n  per: 10\n", `config.yaml:2: rate_limit.per: must be a duration greater than 0, such as 10s, 1m or 1m30s, got "10"`},
		{"shutdown_delay negative", "http:\n  shutdown_delay: -1s\n", `config.yaml:2: http.shutdown_delay: must be a duration of 0 or more, such as 5s (0: close at once), got -1s`},
		{"shutdown_delay without unit", "http:\n  shutdown_delay: 5\n", `config.yaml:2: http.shutdown_delay: must be a duration of 0 or more, such as 5s (0: close at once), got "5"`},
		{"database_poll zero", "database_poll: 0s\n", `config.yaml:1: database_poll: must be a duration greater than 0, such as 10s, 1m or 1m30s, got 0s`},
		{"per zero", "rate_limit:\n  per: 0s\n", `config.yaml:2: rate_limit.per: must be a duration greater than 0, such as 10s, 1m or 1m30s, got 0s`},
		{"per negative", "rate_limit:\n  per: -5s\n", `config.yaml:2: rate_limit.per: must be a duration greater than 0, such as 10s, 1m or 1m30s, got -5s`},
		{"per mapping", "rate_limit:\n  per: {seconds: 10}\n", `config.yaml:2: rate_limit.per: must be a duration greater than 0, such as 10s, 1m or 1m30s, got a mapping`},
		{"log level", "log:\n  level: verbose\n", `config.yaml:2: log.level: must be debug, info, warn or error, got "verbose"`},
		{"log format", "log:\n  format: xml\n", `config.yaml:2: log.format: must be text or json, got "xml"`},
		{"guild ids not a list", "discord:\n  guild_ids: 111111111111111111\n", `config.yaml:2: discord.guild_ids: must be a list of Discord IDs, such as ["1234567890123456789"], got "111111111111111111"`},
		{"guild id not a number", "discord:\n  guild_ids:\n    - 111111111111111111\n    - general\n", `config.yaml:4: discord.guild_ids[1]: must be a Discord ID (a whole number such as 1234567890123456789), got "general"`},
		{"guild id leading zero", "discord:\n  guild_ids: [0123]\n", `config.yaml:2: discord.guild_ids[0]: must be a Discord ID (a whole number such as 1234567890123456789), got "0123"`},
		{"guild id nested list", "discord:\n  guild_ids: [[1]]\n", `config.yaml:2: discord.guild_ids[0]: must be a Discord ID, got a list`},
		{"admin id zero", "admins:\n  role_ids: [0]\n", `config.yaml:2: admins.role_ids[0]: must be a Discord ID (a whole number such as 1234567890123456789), got "0"`},
		{"application id", "discord:\n  application_id: my-bot\n", `config.yaml:2: discord.application_id: must be a Discord ID (a whole number such as 1234567890123456789), got "my-bot"`},
		{"application id float", "discord:\n  application_id: 1.2e18\n", `config.yaml:2: discord.application_id: must be a Discord ID (a whole number such as 1234567890123456789), got "1.2e18"`},
		{"api url scheme", "discord:\n  api_url: ftp://example.com/\n", `config.yaml:2: discord.api_url: must be an absolute https or http URL without a user name or password, such as https://discord.com/api/v9/, got "ftp://example.com/"`},
		{"api url relative", "discord:\n  api_url: /api/v10/\n", `config.yaml:2: discord.api_url: must be an absolute https or http URL without a user name or password, such as https://discord.com/api/v9/, got "/api/v10/"`},
		{"api url password", "discord:\n  api_url: https://bob:hunter2@proxy/\n", `config.yaml:2: discord.api_url: must be an absolute https or http URL without a user name or password, such as https://discord.com/api/v9/, got a URL with a user name or password`},
		{"api url query", "discord:\n  api_url: https://proxy/api?x=1\n", `config.yaml:2: discord.api_url: must not have a query or fragment, got "https://proxy/api?x=1"`},
		{"gateway url scheme", "discord:\n  gateway_url: https://gateway.discord.gg\n", `config.yaml:2: discord.gateway_url: must be an absolute wss or ws URL without a user name or password, such as wss://gateway.discord.gg, got "https://gateway.discord.gg"`},
		{"gateway url query", "discord:\n  gateway_url: wss://gateway.discord.gg/?v=10\n", `config.yaml:2: discord.gateway_url: must not have a query or fragment, got "wss://gateway.discord.gg/?v=10"`},
		{"public key short", "discord:\n  public_key: abc123\n", `config.yaml:2: discord.public_key: must be 64 hexadecimal digits (the application's public key, from the developer portal), got 6 hexadecimal digits`},
		{"public key not hex", "discord:\n  public_key: " + strings.Repeat("g", 64) + "\n", `config.yaml:2: discord.public_key: must be 64 hexadecimal digits (the application's public key, from the developer portal), got 64 characters that are not all hexadecimal digits`},
		{"public key too long", "discord:\n  public_key: " + strings.Repeat("ab", 100) + "\n", `config.yaml:2: discord.public_key: must be 64 hexadecimal digits (the application's public key, from the developer portal), got 200 hexadecimal digits`},
		{"public key number", "discord:\n  public_key: 12\n", `config.yaml:2: discord.public_key: must be 64 hexadecimal digits (the application's public key, from the developer portal), got 2 hexadecimal digits`},
		{"public key list", "discord:\n  public_key: [ab]\n", `config.yaml:2: discord.public_key: must be 64 hexadecimal digits (the application's public key, from the developer portal), got a list`},
		{"http addr without port", "http:\n  addr: localhost\n", `config.yaml:2: http.addr: must be a host:port to listen on, such as 127.0.0.1:8080, got "localhost"`},
		{"http addr port too big", "http:\n  addr: 127.0.0.1:65536\n", `config.yaml:2: http.addr: must be a host:port to listen on, such as 127.0.0.1:8080, got "127.0.0.1:65536"`},
		{"http addr named port", "http:\n  addr: 127.0.0.1:http\n", `config.yaml:2: http.addr: must be a host:port to listen on, such as 127.0.0.1:8080, got "127.0.0.1:http"`},
		{"http addr URL", "http:\n  addr: http://127.0.0.1:8080/\n", `config.yaml:2: http.addr: must be a host:port to listen on, such as 127.0.0.1:8080, got "http://127.0.0.1:8080/"`},
		{"http addr empty", "http:\n  addr: \"\"\n", `config.yaml:2: http.addr: must be a host:port to listen on, such as 127.0.0.1:8080, got ""`},
		{"http not a mapping", "http: 127.0.0.1:8080\n", `config.yaml:1: http: must be a mapping of settings (addr, shutdown_delay, public_url, session_key), got "127.0.0.1:8080"`},
		{"database empty", "database: \"\"\n", `config.yaml:1: database: must not be empty (it is the path of the SQLite fact store)`},
		{"database list", "database: [a, b]\n", `config.yaml:1: database: must be a single value, got a list`},
		{"token mask", "discord:\n  token: (set)\n", `config.yaml:2: discord.token: "(set)" is the mask printed by "agreementbot config check", not a token: give the real token here or in DISCORD_TOKEN`},
		{"token with Bot prefix", "discord:\n  token: Bot abc\n", `config.yaml:2: discord.token: must not contain spaces or control characters (give the bare token, without "Bot ")`},
		{"section not a mapping", "discord: 5\n", `config.yaml:1: discord: must be a mapping of settings (token, client_secret, application_id, public_key, guild_ids, api_url, oauth_url, gateway_url, shard_id, shard_count), got "5"`},
		{"section a list", "answer:\n  - top: 3\n", `config.yaml:2: answer: must be a mapping of settings (top, threshold, confident_threshold, ephemeral), got a list`},
		{"leaf is a mapping", "sources: {dir: x}\n", `config.yaml:1: sources: must be a single value, got a mapping`},
		{"duplicate key", "answer:\n  top: 3\n  top: 4\n", `config.yaml:3: answer.top: set twice (first on line 2)`},
		{"duplicate section", "log: {level: info}\nlog: {format: json}\n", `config.yaml:2: log: set twice (first on line 1)`},
		{"list file", "- top\n- 3\n", `config.yaml:1: the file must be a YAML mapping of settings (key: value), got a list`},
		{"scalar file", "\n\nhello\n", `config.yaml:3: the file must be a YAML mapping of settings (key: value), got "hello"`},
		{"complex key", "? [a, b]\n: 1\n", `config.yaml:1: keys must be names, got a list`},
		{"complex nested key", "answer:\n  ? {a: 1}\n  : 1\n", `config.yaml:2: answer: keys must be names, got a mapping`},
		{"syntax error", "answer:\n  top: [1\n", `config.yaml:2: invalid YAML: did not find expected ',' or ']'`},
		{"tab indentation", "answer:\n\ttop: 3\n", `config.yaml:2: invalid YAML: found character that cannot start any token`},
		{"bad indentation", "answer:\n  top: 3\n threshold: 0.5\n", `config.yaml:3: invalid YAML: did not find expected key`},
		{"two documents", "answer: {top: 3}\n---\nanswer: {top: 4}\n", `config.yaml:2: invalid YAML: only one YAML document is allowed here (remove the "---")`},
		{"unknown alias", "answer:\n  top: *n\n", `config.yaml:2: invalid YAML: unknown anchor 'n' referenced`},
		{"unknown alias, no line", "answer:\n  top: *n\n  threshold: *n\n", `config.yaml: invalid YAML: unknown anchor 'n' referenced`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file)
			c, err := Load(path, nil)
			if got := relative(path, err); got != tt.want {
				t.Errorf("Load(%q)\n got error %s\nwant error %s", tt.file, got, tt.want)
			}
			if err == nil {
				return
			}
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Errorf("error %q does not start with the file name", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Origin.File != path {
				t.Errorf("error %#v is not an *Error about the file", err)
			}
			if !reflect.DeepEqual(c, Config{}) {
				t.Errorf("Load returned %+v with an error, want the zero Config", c)
			}
		})
	}
}

// TestLoadAllErrors checks that every problem in the file is reported
// together, in line order: unknown keys, values of the wrong type and values
// out of range.
func TestLoadAllErrors(t *testing.T) {
	path := writeFile(t, "log:\n  level: loud\ndiscrod: {}\nanswer:\n  top: many\n  threshold: 2\n"+
		"discord:\n  guild_ids: [1, x, [2]]\n")
	_, err := Load(path, nil)
	want := "config.yaml:2: log.level: must be debug, info, warn or error, got \"loud\"\n" +
		"config.yaml:3: unknown key \"discrod\" (did you mean \"discord\"?)\n" +
		"config.yaml:5: answer.top: must be a whole number from 1 to 10, got \"many\"\n" +
		"config.yaml:6: answer.threshold: must be in (0, 1], got 2\n" +
		"config.yaml:8: discord.guild_ids[2]: must be a Discord ID, got a list"
	if got := relative(path, err); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// A list item is blamed on its own line.
	path = writeFile(t, "discord:\n  guild_ids:\n    - 1\n    - x\n    - 0\n")
	_, err = Load(path, nil)
	want = "config.yaml:4: discord.guild_ids[1]: must be a Discord ID (a whole number such as 1234567890123456789), got \"x\"\n" +
		"config.yaml:5: discord.guild_ids[2]: must be a Discord ID (a whole number such as 1234567890123456789), got \"0\""
	if got := relative(path, err); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestLoadLines checks that lines are counted as editors show them, even
// with line breaks YAML counts but editors do not (see internal/yamlpos).
func TestLoadLines(t *testing.T) {
	for name, file := range map[string]string{
		"line separator":   "sources: \"a\u2028b\"\nanswer:\n  top: 50\n",
		"lone CR":          "sources: \"a\rb\"\nanswer:\n  top: 50\n",
		"CRLF":             "#\r\nanswer:\r\n  top: 50\r\n",
		"through an alias": "x: &n 50\nanswer:\n  top: *n\n",
	} {
		path := writeFile(t, file)
		_, err := Load(path, nil)
		want := "config.yaml:3: answer.top: must be a whole number from 1 to 10, got 50"
		if name == "through an alias" {
			want = "config.yaml:1: unknown key \"x\"\n" + want
		}
		if got := relative(path, err); got != want {
			t.Errorf("%s: got %s, want %s", name, got, want)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	_, err := Load(path, nil)
	if got, want := relative(path, err), "config.yaml: reading the configuration: no such file or directory"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(%v, fs.ErrNotExist) = false", err)
	}
	dir := t.TempDir()
	if _, err := Load(dir, nil); err == nil || err.Error() != dir+": reading the configuration: is a directory" {
		t.Errorf("Load(directory) error = %v", err)
	}
}

func TestEnvOverrides(t *testing.T) {
	path := writeFile(t, "answer:\n  top: 5\n  threshold: 0.5\nsources: ./from-file\n")
	getenv := env(
		"DISCORD_TOKEN", " abc.def\n",
		"AGREEMENTBOT_APPLICATION_ID", "1234567890123456789",
		"AGREEMENTBOT_PUBLIC_KEY", testPublicKey,
		"AGREEMENTBOT_HTTP_ADDR", " 0.0.0.0:8443 ",
		"AGREEMENTBOT_HTTP_SHUTDOWN_DELAY", "1m",
		"AGREEMENTBOT_GUILD_IDS", "111111111111111111, 222222222222222222,,",
		"AGREEMENTBOT_API_URL", "http://localhost:9999",
		"AGREEMENTBOT_GATEWAY_URL", "ws://localhost:9999/gw",
		"AGREEMENTBOT_SHARD_COUNT", " AUTO ",
		"AGREEMENTBOT_ADMIN_USER_IDS", "333333333333333333",
		"AGREEMENTBOT_ADMIN_ROLE_IDS", " 444444444444444444 ",
		"AGREEMENTBOT_SOURCES", "/srv/sources",
		"AGREEMENTBOT_DB", "/srv/facts.db",
		"AGREEMENTBOT_DB_POLL", "250ms",
		"AGREEMENTBOT_TOP", "7",
		"AGREEMENTBOT_THRESHOLD", "", // empty: the file's value stays
		"AGREEMENTBOT_EPHEMERAL", "true",
		"AGREEMENTBOT_RATE_QUESTIONS", "1",
		"AGREEMENTBOT_RATE_PER", "1h",
		"AGREEMENTBOT_TRANSLATE_URL", "http://127.0.0.1:2737",
		"AGREEMENTBOT_TRANSLATE_TIMEOUT", "1s",
		"AGREEMENTBOT_ACTIVITY_DB", "/srv/history.db",
		"AGREEMENTBOT_ACTIVITY_RETENTION", "168h",
		"AGREEMENTBOT_ACTIVITY_KEEP_USER_IDS", "true",
		"AGREEMENTBOT_LOG_LEVEL", "Warn",
		"AGREEMENTBOT_LOG_FORMAT", "JSON",
	)
	got, err := Load(path, getenv)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Discord: Discord{
			Token:         "abc.def",
			ApplicationID: "1234567890123456789",
			GuildIDs:      []string{"111111111111111111", "222222222222222222"},
			APIURL:        "http://localhost:9999/",
			GatewayURL:    "ws://localhost:9999/gw",
			PublicKey:     testPublicKey,
			ShardCount:    ShardCountAuto,
		},
		HTTP:         HTTP{Addr: "0.0.0.0:8443", ShutdownDelay: time.Minute},
		Admins:       Admins{UserIDs: []string{"333333333333333333"}, RoleIDs: []string{"444444444444444444"}},
		Sources:      "/srv/sources",
		Database:     "/srv/facts.db",
		DatabasePoll: 250 * time.Millisecond,
		Answer:       Answer{Top: 7, Threshold: 0.5, ConfidentThreshold: knowledge.DefaultConfidentThreshold, Ephemeral: true},
		RateLimit:    RateLimit{Questions: 1, Per: time.Hour},
		Translate:    Translate{URL: "http://127.0.0.1:2737", Timeout: time.Second},
		Activity:     Activity{Database: "/srv/history.db", Retention: 168 * time.Hour, KeepUserIDs: true},
		Log:          Log{Level: "warn", Format: "json"},
	}
	assertSettings(t, got, want)
	if o := got.Origin("answer.top"); o.Env != "AGREEMENTBOT_TOP" || o.String() != "AGREEMENTBOT_TOP" {
		t.Errorf("Origin(answer.top) = %+v, want the environment", o)
	}
	if o := got.Origin("answer.threshold"); o.File != path || o.Line != 3 {
		t.Errorf("Origin(answer.threshold) = %+v, want the file, line 3", o)
	}
	if o := got.Origin("discord.token"); o.Env != "DISCORD_TOKEN" {
		t.Errorf("Origin(discord.token) = %+v", o)
	}
	if got.Log.SlogLevel().String() != "WARN" {
		t.Errorf("SlogLevel() = %v", got.Log.SlogLevel())
	}
}

// TestEnvOverridesFileRange: the environment is applied before the range
// checks, so it can replace an out-of-range value in the file; a value of
// the wrong type in the file is an error all the same.
func TestEnvOverridesFileRange(t *testing.T) {
	path := writeFile(t, "answer:\n  top: 50\n")
	got, err := Load(path, env("AGREEMENTBOT_TOP", "4"))
	if err != nil || got.Answer.Top != 4 {
		t.Errorf("Load = %d, %v; want 4, nil", got.Answer.Top, err)
	}
	path = writeFile(t, "answer:\n  top: many\n")
	if _, err := Load(path, env("AGREEMENTBOT_TOP", "4")); err == nil {
		t.Error("Load accepted top: many")
	}
}

// TestEnvOverridesFileList: a bad list from the environment is blamed on
// the variable, not on the file's list it replaced.
func TestEnvOverridesFileList(t *testing.T) {
	path := writeFile(t, "discord:\n  guild_ids:\n    - 111111111111111111\n    - 222222222222222222\n")
	_, err := Load(path, env("AGREEMENTBOT_GUILD_IDS", "1,x"))
	want := `AGREEMENTBOT_GUILD_IDS: must be a Discord ID (a whole number such as 1234567890123456789), got "x"`
	if got := relative(path, err); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestEnvErrors(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"AGREEMENTBOT_TOP", "x", `AGREEMENTBOT_TOP: must be a whole number from 1 to 10, got "x"`},
		{"AGREEMENTBOT_TOP", "2.0", `AGREEMENTBOT_TOP: must be a whole number from 1 to 10, got "2.0"`},
		{"AGREEMENTBOT_TOP", "11", `AGREEMENTBOT_TOP: must be a whole number from 1 to 10, got 11`},
		{"AGREEMENTBOT_THRESHOLD", "most", `AGREEMENTBOT_THRESHOLD: must be a number in (0, 1], got "most"`},
		{"AGREEMENTBOT_THRESHOLD", "1.01", `AGREEMENTBOT_THRESHOLD: must be in (0, 1], got 1.01`},
		{"AGREEMENTBOT_THRESHOLD", "NaN", `AGREEMENTBOT_THRESHOLD: must be in (0, 1], got NaN`},
		{"AGREEMENTBOT_EPHEMERAL", "maybe", `AGREEMENTBOT_EPHEMERAL: must be true or false, got "maybe"`},
		{"AGREEMENTBOT_RATE_QUESTIONS", "-1", `AGREEMENTBOT_RATE_QUESTIONS: must be a whole number of at least 1, got -1`},
		{"AGREEMENTBOT_RATE_PER", "10", `AGREEMENTBOT_RATE_PER: must be a duration greater than 0, such as 10s, 1m or 1m30s, got "10"`},
		{"AGREEMENTBOT_RATE_PER", "-1s", `AGREEMENTBOT_RATE_PER: must be a duration greater than 0, such as 10s, 1m or 1m30s, got -1s`},
		{"AGREEMENTBOT_LOG_LEVEL", "trace", `AGREEMENTBOT_LOG_LEVEL: must be debug, info, warn or error, got "trace"`},
		{"AGREEMENTBOT_LOG_FORMAT", "logfmt", `AGREEMENTBOT_LOG_FORMAT: must be text or json, got "logfmt"`},
		{"AGREEMENTBOT_GUILD_IDS", "111111111111111111,general", `AGREEMENTBOT_GUILD_IDS: must be a Discord ID (a whole number such as 1234567890123456789), got "general"`},
		{"AGREEMENTBOT_ADMIN_USER_IDS", "-5", `AGREEMENTBOT_ADMIN_USER_IDS: must be a Discord ID (a whole number such as 1234567890123456789), got "-5"`},
		{"AGREEMENTBOT_APPLICATION_ID", "bot", `AGREEMENTBOT_APPLICATION_ID: must be a Discord ID (a whole number such as 1234567890123456789), got "bot"`},
		{"AGREEMENTBOT_API_URL", "discord.com", `AGREEMENTBOT_API_URL: must be an absolute https or http URL without a user name or password, such as https://discord.com/api/v9/, got "discord.com"`},
		{"AGREEMENTBOT_GATEWAY_URL", "http://x", `AGREEMENTBOT_GATEWAY_URL: must be an absolute wss or ws URL without a user name or password, such as wss://gateway.discord.gg, got "http://x"`},
		{"AGREEMENTBOT_PUBLIC_KEY", "nope", `AGREEMENTBOT_PUBLIC_KEY: must be 64 hexadecimal digits (the application's public key, from the developer portal), got 4 characters that are not all hexadecimal digits`},
		{"AGREEMENTBOT_HTTP_ADDR", "8080", `AGREEMENTBOT_HTTP_ADDR: must be a host:port to listen on, such as 127.0.0.1:8080, got "8080"`},
		{"DISCORD_TOKEN", "(set)", `DISCORD_TOKEN: "(set)" is the mask printed by "agreementbot config check", not a token: give the real token here or in DISCORD_TOKEN`},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			path := writeFile(t, "answer:\n  top: 2\n")
			for _, p := range []string{"", path} {
				_, err := Load(p, env(tt.name, tt.value))
				if err == nil || err.Error() != tt.want {
					t.Errorf("Load(%q) with %s=%q:\n got error %v\nwant error %s", p, tt.name, tt.value, err, tt.want)
				}
				var e *Error
				if !errors.As(err, &e) || e.Origin.Env != tt.name {
					t.Errorf("error %#v does not name %s", err, tt.name)
				}
			}
		})
	}
	// All the bad variables are reported.
	_, err := Load("", env("AGREEMENTBOT_TOP", "x", "AGREEMENTBOT_RATE_PER", "y"))
	if err == nil || strings.Count(err.Error(), "\n") != 1 {
		t.Errorf("two bad variables: error %v, want two lines", err)
	}
}

func TestValidate(t *testing.T) {
	c := Default()
	c.Discord.GuildIDs = []string{"1", "x"}
	c.Discord.APIURL = "https://discord.com/api/v9" // Load adds the "/"; Validate does not
	c.Database = ""
	c.Answer.Top = 0
	c.Answer.Threshold = 2
	c.RateLimit.Per = 0
	c.Log.Level = "INFO"
	want := []string{
		`discord.guild_ids[1]: must be a Discord ID (a whole number such as 1234567890123456789), got "x"`,
		`discord.api_url: must end with /, got "https://discord.com/api/v9"`,
		`database: must not be empty (it is the path of the SQLite fact store)`,
		`answer.top: must be a whole number from 1 to 10, got 0`,
		`answer.threshold: must be in (0, 1], got 2`,
		`rate_limit.per: must be a duration greater than 0, such as 10s, 1m or 1m30s, got 0s`,
		`log.level: must be debug, info, warn or error, got "INFO"`,
	}
	err := c.Validate()
	if got := relative("", err); got != strings.Join(want, "\n") {
		t.Errorf("Validate() =\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
	var e *Error
	if !errors.As(err, &e) || e.Key != "discord.guild_ids[1]" {
		t.Errorf("first error %#v, want an *Error for discord.guild_ids[1]", e)
	}
}

func TestOriginString(t *testing.T) {
	for _, tt := range []struct {
		o    Origin
		want string
	}{
		{Origin{}, "default"},
		{Origin{File: "config.yaml", Line: 7}, "config.yaml:7"},
		{Origin{File: "config.yaml"}, "config.yaml"},
		{Origin{Env: "AGREEMENTBOT_TOP"}, "AGREEMENTBOT_TOP"},
	} {
		if got := tt.o.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.o, got, tt.want)
		}
	}
}

func TestSlogLevel(t *testing.T) {
	for level, want := range map[string]string{"debug": "DEBUG", "info": "INFO", "warn": "WARN", "error": "ERROR", "": "INFO"} {
		if got := (Log{Level: level}).SlogLevel().String(); got != want {
			t.Errorf("SlogLevel(%q) = %s, want %s", level, got, want)
		}
	}
}

const defaultOutput = `discord:
  token: (not set) # default
  client_secret: (not set) # default
  application_id: "" # default
  public_key: "" # default
  guild_ids: [] # default
  api_url: https://discord.com/api/v9/ # default
  oauth_url: "" # default
  gateway_url: "" # default
  shard_id: 0 # default
  shard_count: 1 # default
http:
  addr: 127.0.0.1:8080 # default
  shutdown_delay: 5s # default
  public_url: "" # default
  session_key: (not set) # default
admins:
  user_ids: [] # default
  role_ids: [] # default
sources: "" # default
database: agreementbot.db # default
database_poll: 5s # default
answer:
  top: 3 # default
  threshold: 0.027 # default
  confident_threshold: 0.867 # default
  ephemeral: false # default
rate_limit:
  questions: 5 # default
  per: 10s # default
redis:
  url: "" # default
translate:
  url: "" # default
  timeout: 500ms # default
activity:
  database: "" # default
  retention: 720h0m0s # default
  keep_user_ids: false # default
  vote_key: (not set) # default
log:
  level: info # default
  format: text # default
`

func TestWriteDefault(t *testing.T) {
	var b bytes.Buffer
	if err := Default().Write(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != defaultOutput {
		t.Errorf("Default().Write() =\n%s\nwant\n%s", b.String(), defaultOutput)
	}
}

func TestWriteOrigins(t *testing.T) {
	path := writeFile(t, "answer:\n  top: 4\n")
	c, err := Load(path, env("DISCORD_TOKEN", testToken, "AGREEMENTBOT_SOURCES", "/srv/src"))
	if err != nil {
		t.Fatal(err)
	}
	c.Database = "changed.db" // neither default nor loaded: no comment
	var b bytes.Buffer
	if err := c.Write(&b); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"  token: (set) # from DISCORD_TOKEN\n",
		"sources: /srv/src # from AGREEMENTBOT_SOURCES\n",
		"  top: 4 # from " + path + ":2\n",
		"database: changed.db\n",
		"  threshold: 0.027 # default\n",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("Write() output lacks %q:\n%s", line, b.String())
		}
	}
}

// TestWriteRoundTrip checks that Write's output has one line per setting
// and loads back to the same settings.
func TestWriteRoundTrip(t *testing.T) {
	full := Config{
		Discord: Discord{
			Token:         "tok.en",
			ClientSecret:  "cl.ient-secret",
			ApplicationID: "1234567890123456789",
			GuildIDs:      []string{"111111111111111111", "18446744073709551615"},
			APIURL:        "http://127.0.0.1:1/api/v10/",
			GatewayURL:    "wss://gateway.example/",
			PublicKey:     testPublicKey,
			ShardID:       3,
			ShardCount:    4,
		},
		HTTP: HTTP{Addr: ":65535", ShutdownDelay: 90 * time.Second, PublicURL: "https://bot.example.org",
			SessionKey: "0123456789abcdef0123456789abcdef"},
		Admins:       Admins{UserIDs: []string{"2"}, RoleIDs: []string{"3", "4"}},
		Sources:      "dir with spaces/and: colon # and hash\n\tand a tab",
		Database:     "'quoted'.db",
		DatabasePoll: time.Millisecond,
		Answer:       Answer{Top: 10, Threshold: 1, ConfidentThreshold: 1, Ephemeral: true},
		RateLimit:    RateLimit{Questions: 1000000, Per: 90*time.Minute + 1},
		Redis:        Redis{URL: "rediss://redis.example:6380/2"},
		Translate:    Translate{URL: "https://apertium.example/apy/", Timeout: 90 * time.Millisecond},
		Activity:     Activity{Database: "/var/lib/bot/history.db", Retention: 48 * time.Hour, KeepUserIDs: true},
		Log:          Log{Level: "error", Format: "json"},
	}
	odd := Default()
	odd.Sources = "true"
	odd.Database = "123"
	odd.Answer.Threshold = 1e-9
	odd.Log.Level = "debug"
	odd.Discord.ShardCount = ShardCountAuto
	loaded, err := Load(writeFile(t, "answer: {top: 4}\n"), env("AGREEMENTBOT_RATE_PER", "1m"))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]Config{"default": Default(), "full": full, "odd": odd, "loaded": loaded} {
		var b bytes.Buffer
		if err := c.Write(&b); err != nil {
			t.Fatal(err)
		}
		// One line per section and per setting, whatever the values.
		if n := strings.Count(b.String(), "\n"); n != strings.Count(defaultOutput, "\n") {
			t.Errorf("%s: Write wrote %d lines, want one per setting:\n%s", name, n, b.String())
		}
		path := writeFile(t, b.String())
		var getenv func(string) (string, bool)
		if c.Discord.Token.IsSet() {
			getenv = env("DISCORD_TOKEN", c.Discord.Token.Reveal(), "AGREEMENTBOT_CLIENT_SECRET", c.Discord.ClientSecret.Reveal(),
				"AGREEMENTBOT_SESSION_KEY", c.HTTP.SessionKey.Reveal())
		}
		got, err := Load(path, getenv)
		if err != nil {
			t.Errorf("%s: loading Write's output: %v\n%s", name, err, b.String())
			continue
		}
		assertSettings(t, got, c)
		if c.Discord.Token.IsSet() {
			// Without the environment, the mask is refused, on its line.
			_, err := Load(path, nil)
			if got, want := relative(path, err), `config.yaml:2: discord.token: "(set)" is the mask`; !strings.HasPrefix(got, want) {
				t.Errorf("%s: loading the mask: error %s, want %s...", name, got, want)
			}
		}
	}
}

// TestTokenSafetyChecks checks the settings that could leak the token: a
// token pasted as an ID is never echoed, and plain http or ws (the token
// travels with every request) is refused except to this machine.
func TestTokenSafetyChecks(t *testing.T) {
	const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.mnopqrstuvwxyzABCDEFGHIJKLMNOP"
	for _, tt := range []struct {
		name, value string
		want        string // "" for no error
	}{
		{"AGREEMENTBOT_APPLICATION_ID", token, "got 62 characters that are not one"},
		{"AGREEMENTBOT_PUBLIC_KEY", token, "got 62 characters that are not all hexadecimal digits"},
		{"AGREEMENTBOT_ADMIN_ROLE_IDS", "1," + token, "got 62 characters that are not one"},
		{"AGREEMENTBOT_API_URL", "http://proxy.example.com/api/v9/", "must use https (plain http only to this machine, for tests)"},
		{"AGREEMENTBOT_API_URL", "http://127.0.0.1:8080/api/v9/", ""},
		{"AGREEMENTBOT_API_URL", "http://[::1]:8080/api/v9/", ""},
		{"AGREEMENTBOT_API_URL", "http://localhost/", ""},
		{"AGREEMENTBOT_GATEWAY_URL", "ws://gateway.example.com/", "must use wss (plain ws only to this machine, for tests)"},
		{"AGREEMENTBOT_GATEWAY_URL", "ws://127.0.0.1:8080/gw", ""},
		{"AGREEMENTBOT_GATEWAY_URL", "wss://user:" + token + "@gateway.example.com/", "got a URL with a user name or password"},
	} {
		_, err := Load("", env(tt.name, tt.value))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s=%s: %v", tt.name, tt.value, err)
		case tt.want == "":
		case err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), token):
			t.Errorf("%s=%s: error %v, want one saying %q without the token", tt.name, tt.value, err, tt.want)
		}
	}
}

// The activity history's file is beside the fact store unless given, and
// never the fact store itself; its retention must be positive.
func TestActivitySettings(t *testing.T) {
	for db, want := range map[string]string{"agreementbot.db": "agreementbot-activity.db", "/srv/facts.sqlite": "/srv/facts-activity.sqlite",
		"data/facts": "data/facts-activity.db"} {
		c := Default()
		c.Database = db
		if got := c.ActivityDatabase(); got != want {
			t.Errorf("database %s: activity history in %s, want %s", db, got, want)
		}
	}
	if c, err := Load("", env("AGREEMENTBOT_ACTIVITY_DB", "/srv/h.db")); err != nil || c.ActivityDatabase() != "/srv/h.db" {
		t.Errorf("activity.database given: %q, %v", c.ActivityDatabase(), err)
	}
	for _, tt := range []struct{ name, value, want string }{
		{"AGREEMENTBOT_ACTIVITY_DB", "./agreementbot.db", "AGREEMENTBOT_ACTIVITY_DB: must not be the fact store"},
		{"AGREEMENTBOT_ACTIVITY_RETENTION", "0s", "AGREEMENTBOT_ACTIVITY_RETENTION: must be a duration greater than 0"},
		{"AGREEMENTBOT_ACTIVITY_RETENTION", "30d", "AGREEMENTBOT_ACTIVITY_RETENTION: must be a duration greater than 0"},
		{"AGREEMENTBOT_ACTIVITY_KEEP_USER_IDS", "maybe", "must be true or false"},
	} {
		if _, err := Load("", env(tt.name, tt.value)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s=%s: %v, want %q", tt.name, tt.value, err, tt.want)
		}
	}
}

// TestExampleFile checks config.example.yaml: it loads, sets every setting
// (so it is where an admin finds them all), and names each setting's
// environment variable.
func TestExampleFile(t *testing.T) {
	const path = "../../config.example.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.fields() {
		if o := c.Origin(f.key); o.File != path {
			t.Errorf("%s is not set in %s (origin %v)", f.key, path, o)
		}
		if f.env == "" || !regexp.MustCompile(`#.*\b`+f.env+`\b`).Match(data) {
			t.Errorf("%s does not name %s's environment variable %q in a comment", path, f.key, f.env)
		}
	}
}

// TestDashboardSettings checks the dashboard's settings: required
// together, the secrets never echoed.
func TestDashboardSettings(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	base := []string{"AGREEMENTBOT_CLIENT_SECRET", "s3cr3t-value", "AGREEMENTBOT_APPLICATION_ID", "1234567890123456789",
		"AGREEMENTBOT_PUBLIC_URL", "https://bot.example.org/", "AGREEMENTBOT_SESSION_KEY", key}
	with := func(pairs ...string) func(string) (string, bool) {
		m := append(append([]string{}, base...), pairs...)
		return env(m...)
	}
	c, err := Load("", with())
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.PublicURL != "https://bot.example.org" {
		t.Errorf("public_url = %q, want it without the last /", c.HTTP.PublicURL)
	}
	for _, tt := range []struct {
		name  string
		env   []string
		want  string
		never string
	}{
		{"no public url", []string{"AGREEMENTBOT_PUBLIC_URL", " "}, "http.public_url: must be set with discord.client_secret", ""},
		{"no application id", []string{"AGREEMENTBOT_APPLICATION_ID", " "}, "discord.application_id: must be set", ""},
		{"short key", []string{"AGREEMENTBOT_SESSION_KEY", "short-key-here"}, "AGREEMENTBOT_SESSION_KEY: must be at least 32 characters", "short-key-here"},
		{"no key", []string{"AGREEMENTBOT_SESSION_KEY", " "}, "http.session_key: must be at least 32", ""},
		{"masked secret", []string{"AGREEMENTBOT_CLIENT_SECRET", "(set)"}, `AGREEMENTBOT_CLIENT_SECRET: "(set)" is the mask`, ""},
		{"spaced key", []string{"AGREEMENTBOT_SESSION_KEY", "a b" + key}, "AGREEMENTBOT_SESSION_KEY: must not contain spaces", key},
		{"plain http elsewhere", []string{"AGREEMENTBOT_PUBLIC_URL", "http://bot.example.org"}, "AGREEMENTBOT_PUBLIC_URL: must use https", ""},
		{"a path", []string{"AGREEMENTBOT_PUBLIC_URL", "https://bot.example.org/admin"}, "AGREEMENTBOT_PUBLIC_URL: must be an https:// URL without a path", ""},
	} {
		_, err := Load("", with(tt.env...))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
		if err != nil && (strings.Contains(err.Error(), "s3cr3t-value") || tt.never != "" && strings.Contains(err.Error(), tt.never)) {
			t.Errorf("%s: the error quotes a secret: %v", tt.name, err)
		}
	}
	// Without a client secret, the dashboard's other settings are optional.
	if _, err := Load("", env("AGREEMENTBOT_PUBLIC_URL", "https://bot.example.org")); err != nil {
		t.Errorf("public_url alone: %v", err)
	}
	var b bytes.Buffer
	if err := c.Write(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "s3cr3t-value") || strings.Contains(b.String(), key) {
		t.Errorf("config check shows a secret:\n%s", b.String())
	}
}

// TestLoginURL checks that the dashboard's log-in goes to
// discord.oauth_url when it is set, else to discord.api_url, and that an
// oauth_url that would send the client secret in clear is refused.
func TestLoginURL(t *testing.T) {
	c, err := Load(writeFile(t, "discord: {api_url: \"http://127.0.0.1:8081/api/v9/\"}\n"), env())
	if err != nil {
		t.Fatal(err)
	}
	if got := c.LoginURL(); got != "http://127.0.0.1:8081/api/v9/" {
		t.Errorf("without oauth_url: LoginURL %q, want api_url", got)
	}
	c, err = Load(writeFile(t, "discord: {api_url: \"http://127.0.0.1:8081/api/v9/\", oauth_url: \"https://discord.com/api/v9/\"}\n"), env())
	if err != nil {
		t.Fatal(err)
	}
	if got := c.LoginURL(); got != "https://discord.com/api/v9/" {
		t.Errorf("with oauth_url: LoginURL %q, want it", got)
	}
	for _, bad := range []string{"http://proxy.example.org/api/v9/", "https://discord.com/api/v9"} {
		if _, err := Load(writeFile(t, "discord: {oauth_url: \""+bad+"\"}\n"), env()); err == nil || !strings.Contains(err.Error(), "discord.oauth_url") {
			t.Errorf("oauth_url %q: error %v, want one naming discord.oauth_url", bad, err)
		}
	}
}

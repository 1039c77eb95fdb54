package config

import (
	"cmp"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/agreementbot/agreementbot/internal/loopback"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Config is the whole configuration of agreementbot. The yaml tags are the
// keys of the configuration file, the env tags the environment variables
// that override them.
//
// A Config returned by [Load] also remembers where each value came from
// (see [Config.Origin]); that bookkeeping is unexported, so compare Configs
// field by field rather than with reflect.DeepEqual.
type Config struct {
	// Discord is how the bot connects to Discord.
	Discord Discord `yaml:"discord" json:"discord"`
	// HTTP is where "agreementbot serve" takes Discord's interactions, and
	// where both serve and (when it is set) run serve metrics and health.
	HTTP HTTP `yaml:"http" json:"http"`
	// Admins are the users and roles allowed to run admin commands.
	Admins Admins `yaml:"admins" json:"admins"`
	// Sources is the sources directory; empty means the article embedded
	// in the binary (and a reload then has nothing to re-read).
	Sources string `yaml:"sources" json:"sources" env:"AGREEMENTBOT_SOURCES"`
	// Database is the path of the SQLite fact store.
	Database string `yaml:"database" json:"database" env:"AGREEMENTBOT_DB"`
	// DatabasePoll is how often the bot looks whether the store file was
	// rebuilt (by `agreementbot ingest`, or another replica's /reload),
	// greater than 0.
	DatabasePoll time.Duration `yaml:"database_poll" json:"database_poll" env:"AGREEMENTBOT_DB_POLL"`
	// Answer is how questions are answered.
	Answer Answer `yaml:"answer" json:"answer"`
	// RateLimit limits how many questions each user may ask.
	RateLimit RateLimit `yaml:"rate_limit" json:"rate_limit"`
	// Redis is the Redis server the replicas share rate limits and
	// /stats through.
	Redis Redis `yaml:"redis" json:"redis"`
	// Translate is the machine translator questions and sources are
	// translated through.
	Translate Translate `yaml:"translate" json:"translate"`
	// Activity is the history of questions and votes kept for the admins.
	Activity Activity `yaml:"activity" json:"activity"`
	// Log configures logging.
	Log Log `yaml:"log" json:"log"`

	origins map[string]Origin // key path → where Load found the value
}

// Discord is how the bot connects to Discord.
type Discord struct {
	// Token is the bot token. It is never printed or logged.
	Token Secret `yaml:"token" json:"token" env:"DISCORD_TOKEN"`
	// ClientSecret is the application's OAuth2 client secret (developer
	// portal, OAuth2), which admins log in to the dashboard with; empty
	// means no dashboard. It is never printed or logged.
	ClientSecret Secret `yaml:"client_secret" json:"client_secret" env:"AGREEMENTBOT_CLIENT_SECRET"`
	// ApplicationID is the application's ID; empty means take it from
	// the gateway's READY event ("agreementbot serve", which has no
	// gateway, requires it).
	ApplicationID string `yaml:"application_id" json:"application_id" env:"AGREEMENTBOT_APPLICATION_ID"`
	// PublicKey is the application's Ed25519 public key, as the developer
	// portal shows it: 64 hexadecimal digits (32 bytes). "agreementbot
	// serve" requires it and refuses any interaction not signed with the
	// matching private key. It is public: no secret.
	PublicKey string `yaml:"public_key" json:"public_key" env:"AGREEMENTBOT_PUBLIC_KEY"`
	// GuildIDs are the guilds to register the slash commands in (which
	// takes effect at once); empty means register them globally.
	GuildIDs []string `yaml:"guild_ids" json:"guild_ids" env:"AGREEMENTBOT_GUILD_IDS"`
	// APIURL is the base URL of the REST API, ending in "/" (Discord's, a
	// proxy, or the test fake).
	APIURL string `yaml:"api_url" json:"api_url" env:"AGREEMENTBOT_API_URL"`
	// OAuthURL is the base URL, ending in "/", of the API the dashboard's
	// log-in uses: admins' browsers are sent to its oauth2/authorize, and
	// the token exchange and users/@me go to it. Empty means APIURL; set
	// it when APIURL is a REST proxy that browsers cannot reach and that
	// should not see the client secret and the admins' tokens.
	OAuthURL string `yaml:"oauth_url" json:"oauth_url" env:"AGREEMENTBOT_OAUTH_URL"`
	// GatewayURL is the gateway's websocket URL; empty means ask the API
	// (GET /gateway/bot).
	GatewayURL string `yaml:"gateway_url" json:"gateway_url" env:"AGREEMENTBOT_GATEWAY_URL"`
	// ShardID is the gateway shard this process runs, from 0 to
	// ShardCount-1; given, ShardCount must be given too. With ShardCount
	// auto it must be 0 or left out.
	ShardID int `yaml:"shard_id" json:"shard_id" env:"AGREEMENTBOT_SHARD_ID"`
	// ShardCount is how many shards the bot's guilds are split into
	// (Discord sends each guild's events to shard (guild_id >> 22) %
	// ShardCount), or [ShardCountAuto]: as many as GET /gateway/bot
	// recommends, all run by this process. Default 1: one shard.
	ShardCount ShardCount `yaml:"shard_count" json:"shard_count" env:"AGREEMENTBOT_SHARD_COUNT"`
}

// HTTP is where "agreementbot serve" listens for Discord's interactions
// (POST /interactions), metrics (/metrics) and health checks (/healthz,
// /readyz); "agreementbot run" serves the last three there when the
// address is set in the file or the environment.
type HTTP struct {
	// Addr is the host:port to listen on, such as 127.0.0.1:8080 (port 0:
	// any free port). It speaks plain HTTP: put a reverse proxy that
	// terminates TLS in front of it.
	Addr string `yaml:"addr" json:"addr" env:"AGREEMENTBOT_HTTP_ADDR"`
	// ShutdownDelay is how long "agreementbot serve", told to stop, keeps
	// answering while /readyz says 503, so that a load balancer stops
	// sending it requests before it closes its listener; 0: it closes
	// at once.
	ShutdownDelay time.Duration `yaml:"shutdown_delay" json:"shutdown_delay" env:"AGREEMENTBOT_HTTP_SHUTDOWN_DELAY"`
	// PublicURL is the address the dashboard is reached at from a
	// browser, such as https://bot.example.org (behind the reverse
	// proxy): Discord sends admins back to PublicURL/admin/callback after
	// they log in. Required with discord.client_secret.
	PublicURL string `yaml:"public_url" json:"public_url" env:"AGREEMENTBOT_PUBLIC_URL"`
	// SessionKey signs the dashboard's session cookies: at least
	// [MinSessionKeyLength] characters, the same for every replica.
	// Required with discord.client_secret. It is never printed or logged.
	SessionKey Secret `yaml:"session_key" json:"session_key" env:"AGREEMENTBOT_SESSION_KEY"`
}

// MinSessionKeyLength is the shortest http.session_key accepted.
const MinSessionKeyLength = 32

// Admins are the users and roles allowed to run admin commands.
type Admins struct {
	// UserIDs are the IDs of admin users.
	UserIDs []string `yaml:"user_ids" json:"user_ids" env:"AGREEMENTBOT_ADMIN_USER_IDS"`
	// RoleIDs are the IDs of roles whose members are admins.
	RoleIDs []string `yaml:"role_ids" json:"role_ids" env:"AGREEMENTBOT_ADMIN_ROLE_IDS"`
}

// Answer is how questions are answered.
type Answer struct {
	// Top is the most facts shown per answer, 1 to [knowledge.MaxTop].
	Top int `yaml:"top" json:"top" env:"AGREEMENTBOT_TOP"`
	// Threshold is the confidence, in (0, 1], below which the bot says it
	// does not know.
	Threshold float64 `yaml:"threshold" json:"threshold" env:"AGREEMENTBOT_THRESHOLD"`
	// ConfidentThreshold is the confidence, in (0, 1], from which an
	// answer is confident; below it (and from Threshold) the bot shows the
	// closest fact, saying it is not sure.
	ConfidentThreshold float64 `yaml:"confident_threshold" json:"confident_threshold" env:"AGREEMENTBOT_CONFIDENT_THRESHOLD"`
	// Ephemeral makes replies visible only to the asker by default.
	Ephemeral bool `yaml:"ephemeral" json:"ephemeral" env:"AGREEMENTBOT_EPHEMERAL"`
}

// RateLimit limits each user to Questions questions per Per.
type RateLimit struct {
	// Questions is how many questions a user may ask per Per, at least 1.
	Questions int `yaml:"questions" json:"questions" env:"AGREEMENTBOT_RATE_QUESTIONS"`
	// Per is the length of the rate-limit window, greater than 0.
	Per time.Duration `yaml:"per" json:"per" env:"AGREEMENTBOT_RATE_PER"`
}

// Redis is the Redis server that replicas of "agreementbot serve" (or
// several "run" processes) share per-user rate limits and /stats through.
type Redis struct {
	// URL is redis://[:PASSWORD@]HOST:PORT[/DB] (rediss:// for TLS);
	// empty means each process keeps its own limits and counts. Its
	// password is never printed or logged.
	URL RedisURL `yaml:"url" json:"url" env:"AGREEMENTBOT_REDIS_URL"`
}

// Translate is the machine translation server (Apertium's APy) that
// questions asked in another language than the sources, and the
// sources' facts, are translated through, as evidence beside the
// lexicon.
type Translate struct {
	// URL is APy's address, http:// or https://, such as
	// http://127.0.0.1:2737; empty means no translation (the lexicon
	// alone).
	URL string `yaml:"url" json:"url" env:"AGREEMENTBOT_TRANSLATE_URL"`
	// Timeout is the longest a question waits for its translation before
	// it is answered through the lexicon alone, greater than 0.
	Timeout time.Duration `yaml:"timeout" json:"timeout" env:"AGREEMENTBOT_TRANSLATE_TIMEOUT"`
}

// Activity is the history of the questions asked and the votes on their
// answers, which the admins' dashboard reads: kept in Redis when
// redis.url is set (shared by the replicas), else in a SQLite file.
type Activity struct {
	// Database is the SQLite file the history is kept in without Redis;
	// empty means beside the fact store, named after it
	// (agreementbot.db: agreementbot-activity.db). Never the fact store
	// itself, which is rebuilt.
	Database string `yaml:"database" json:"database" env:"AGREEMENTBOT_ACTIVITY_DB"`
	// Retention is how long questions and votes are kept, greater than 0.
	Retention time.Duration `yaml:"retention" json:"retention" env:"AGREEMENTBOT_ACTIVITY_RETENTION"`
	// KeepUserIDs keeps the Discord ids of askers and voters with their
	// questions and votes; without it none is kept.
	KeepUserIDs bool `yaml:"keep_user_ids" json:"keep_user_ids" env:"AGREEMENTBOT_ACTIVITY_KEEP_USER_IDS"`
	// VoteKey is the secret a vote's member is hashed under (see
	// bot.VoterKey), the same for every replica. Empty: a random key
	// kept in the history itself, so that whoever reads the history and
	// knows the members can tell who voted; set it to keep the key out.
	VoteKey Secret `yaml:"vote_key" json:"vote_key" env:"AGREEMENTBOT_ACTIVITY_VOTE_KEY"`
}

// DefaultActivityRetention is the default activity.retention: 30 days.
const DefaultActivityRetention = 720 * time.Hour

// ActivityDatabase is the SQLite file of the activity history:
// activity.database, or beside the fact store, its name with
// "-activity" before the extension; "" when neither is set (a Config
// not made by Load, the facts in memory).
func (c Config) ActivityDatabase() string {
	if c.Activity.Database != "" || c.Database == "" {
		return c.Activity.Database
	}
	ext := filepath.Ext(c.Database)
	return strings.TrimSuffix(c.Database, ext) + "-activity" + cmp.Or(ext, ".db")
}

// DefaultTranslateTimeout is the default translate.timeout: APy
// translates a question in some tens of milliseconds.
const DefaultTranslateTimeout = 500 * time.Millisecond

// Log configures logging.
type Log struct {
	// Level is the least severe level logged: debug, info, warn or error.
	Level string `yaml:"level" json:"level" env:"AGREEMENTBOT_LOG_LEVEL"`
	// Format is the log format: text or json.
	Format string `yaml:"format" json:"format" env:"AGREEMENTBOT_LOG_FORMAT"`
}

// LoginURL is the base URL of the API the dashboard's log-in uses:
// discord.oauth_url, or else discord.api_url.
func (c Config) LoginURL() string { return cmp.Or(c.Discord.OAuthURL, c.Discord.APIURL) }

// DefaultAPIURL is the default discord.api_url: Discord's REST API, at the
// version discordgo v0.29 speaks.
const DefaultAPIURL = "https://discord.com/api/v9/"

// DefaultHTTPAddr is the default http.addr: this machine only, for a
// reverse proxy on the same host to forward to.
const DefaultHTTPAddr = "127.0.0.1:8080"

// DefaultShutdownDelay is the default http.shutdown_delay: a few of a
// load balancer's health checks, or the time Kubernetes takes to take a
// terminating pod out of its Service's endpoints.
const DefaultShutdownDelay = 5 * time.Second

// PublicKeySize is the length in bytes of discord.public_key (an Ed25519
// public key), which is given as twice as many hexadecimal digits.
const PublicKeySize = 32

// Default returns the default configuration: what [Load] returns with no
// file and no environment variables.
func Default() Config {
	return Config{
		Discord:      Discord{APIURL: DefaultAPIURL, ShardCount: 1},
		HTTP:         HTTP{Addr: DefaultHTTPAddr, ShutdownDelay: DefaultShutdownDelay},
		Database:     "agreementbot.db",
		DatabasePoll: 5 * time.Second,
		Answer:       Answer{Top: knowledge.DefaultTop, Threshold: knowledge.DefaultThreshold, ConfidentThreshold: knowledge.DefaultConfidentThreshold},
		RateLimit:    RateLimit{Questions: 5, Per: 10 * time.Second},
		Translate:    Translate{Timeout: DefaultTranslateTimeout},
		Activity:     Activity{Retention: DefaultActivityRetention},
		Log:          Log{Level: "info", Format: "text"},
	}
}

// SlogLevel returns Level as a [slog.Level]; an invalid level counts as
// info.
func (l Log) SlogLevel() slog.Level {
	var level slog.Level // info
	_ = level.UnmarshalText([]byte(l.Level))
	return level
}

// Origin is where [Load] found a setting's value. The zero Origin means
// the default.
type Origin struct {
	// File and Line locate the value in the configuration file.
	File string
	Line int
	// Env is the environment variable the value came from.
	Env string
}

// IsDefault reports whether the value is the default one.
func (o Origin) IsDefault() bool { return o == Origin{} }

// String returns "default", the environment variable's name, or the
// file and line ("config.yaml:7").
func (o Origin) String() string {
	switch {
	case o.Env != "":
		return o.Env
	case o.File != "" && o.Line > 0:
		return o.File + ":" + strconv.Itoa(o.Line)
	case o.File != "":
		return o.File
	}
	return "default"
}

// Origin returns where [Load] found the value of the setting with the given
// key path, such as "answer.top" or "discord.token". It returns the zero
// Origin (the default) for values Load did not set, for unknown keys and for
// Configs not made by Load; it does not notice changes made after Load.
func (c Config) Origin(key string) Origin { return c.origins[key] }

// Error is a configuration problem: where the bad value is, the setting's
// key, and what is wrong.
type Error struct {
	// Origin is where the bad value is: the zero Origin for problems
	// found by [Config.Validate].
	Origin Origin
	// Key is the setting's key path, such as "answer.top" or
	// "discord.guild_ids[2]"; empty for problems with the file as a whole
	// and for unknown keys (whose message names them).
	Key string
	// Err says what is wrong.
	Err error
}

// Error formats the problem as "file:line: key: message",
// "VARIABLE: message" or "key: message".
func (e *Error) Error() string {
	var parts []string
	if !e.Origin.IsDefault() {
		parts = append(parts, e.Origin.String())
	}
	if e.Key != "" && e.Origin.Env == "" {
		parts = append(parts, e.Key)
	}
	return strings.Join(append(parts, e.Err.Error()), ": ")
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Validate checks every setting and returns all the problems found, joined
// (see [errors.Join]); each is an [*Error] naming the key, such as
// "answer.top: must be a whole number from 1 to 10, got 11". It does not
// require a token: commands that need one check [Secret.IsSet] themselves.
func (c Config) Validate() error { return join(c.problems()) }

// join joins problems into one error.
func join(errs []*Error) error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// want says what the value of the setting at p must be, for messages.
func want(key string, p any) string {
	switch key {
	case "answer.top":
		return fmt.Sprintf("a whole number from 1 to %d", knowledge.MaxTop)
	case "answer.threshold", "answer.confident_threshold":
		return "a number in (0, 1]"
	case "rate_limit.questions":
		return "a whole number of at least 1"
	case "discord.public_key":
		return fmt.Sprintf("%d hexadecimal digits (the application's public key, from the developer portal)", 2*PublicKeySize)
	case "http.addr":
		return "a host:port to listen on, such as 127.0.0.1:8080"
	case "http.public_url":
		return "an https:// URL without a path, such as https://bot.example.org (plain http only to this machine)"
	case "http.shutdown_delay":
		return "a duration of 0 or more, such as 5s (0: close at once)"
	case "redis.url":
		return "a redis:// or rediss:// URL, such as redis://127.0.0.1:6379/0"
	case "translate.url":
		return "an http:// or https:// URL of the translation server (apertium-apy), such as http://127.0.0.1:2737"
	case "discord.shard_id":
		return "a whole number of at least 0"
	case "discord.shard_count":
		return "a whole number of at least 1, or auto"
	}
	switch p.(type) {
	case *bool:
		return "true or false"
	case *time.Duration:
		return "a duration greater than 0, such as 10s, 1m or 1m30s"
	case *[]string:
		return `a list of Discord IDs, such as ["1234567890123456789"]`
	}
	return "a single value"
}

// problems checks every setting, in the order of the file.
func (c *Config) problems() []*Error {
	var errs problemList
	check := errs.check
	ids := func(key string, ids []string) {
		for i, id := range ids {
			check(fmt.Sprintf("%s[%d]", key, i), checkID(id))
		}
	}
	check("discord.token", checkToken(c.Discord.Token.Reveal()))
	if c.Discord.ApplicationID != "" {
		check("discord.application_id", checkID(c.Discord.ApplicationID))
	}
	if c.Discord.PublicKey != "" {
		check("discord.public_key", checkPublicKey(c.Discord.PublicKey))
	}
	ids("discord.guild_ids", c.Discord.GuildIDs)
	check("discord.api_url", checkAPIURL(c.Discord.APIURL))
	if c.Discord.OAuthURL != "" {
		check("discord.oauth_url", checkAPIURL(c.Discord.OAuthURL))
	}
	if c.Discord.GatewayURL != "" {
		check("discord.gateway_url", checkURL(c.Discord.GatewayURL, "wss", "wss://gateway.discord.gg"))
	}
	check("discord.shard_id", c.checkShardID())
	check("discord.shard_count", checkShardCount(c.Discord.ShardCount))
	check("http.addr", checkAddr(c.HTTP.Addr))
	if v := c.HTTP.ShutdownDelay; v < 0 {
		check("http.shutdown_delay", fmt.Errorf("must be %s, got %s", want("http.shutdown_delay", nil), v))
	}
	errs = append(errs, c.dashboardProblems()...)
	ids("admins.user_ids", c.Admins.UserIDs)
	ids("admins.role_ids", c.Admins.RoleIDs)
	check("sources", checkPath(c.Sources))
	if c.Database == "" {
		check("database", errors.New("must not be empty (it is the path of the SQLite fact store)"))
	} else {
		check("database", checkPath(c.Database))
	}
	if v := c.DatabasePoll; v <= 0 {
		check("database_poll", fmt.Errorf("must be %s, got %s", want("", &v), v))
	}
	if v := c.Answer.Top; v < 1 || v > knowledge.MaxTop {
		check("answer.top", fmt.Errorf("must be %s, got %d", want("answer.top", nil), v))
	}
	if v := c.Answer.Threshold; !(v > 0 && v <= 1) { // also rejects NaN
		check("answer.threshold", fmt.Errorf("must be in (0, 1], got %g", v))
	}
	if v := c.Answer.ConfidentThreshold; !(v > 0 && v <= 1) {
		check("answer.confident_threshold", fmt.Errorf("must be in (0, 1], got %g", v))
	}
	if v := c.RateLimit.Questions; v < 1 {
		check("rate_limit.questions", fmt.Errorf("must be %s, got %d", want("rate_limit.questions", nil), v))
	}
	if v := c.RateLimit.Per; v <= 0 {
		check("rate_limit.per", fmt.Errorf("must be %s, got %s", want("", &v), v))
	}
	if c.Redis.URL.IsSet() {
		check("redis.url", checkRedisURL(c.Redis.URL.Reveal()))
	}
	if c.Translate.URL != "" {
		check("translate.url", CheckTranslateURL(c.Translate.URL))
	}
	if v := c.Translate.Timeout; v <= 0 {
		check("translate.timeout", fmt.Errorf("must be %s, got %s", want("", &v), v))
	}
	errs = append(errs, c.activityProblems()...)
	check("log.level", checkOneOf(c.Log.Level, "debug", "info", "warn", "error"))
	check("log.format", checkOneOf(c.Log.Format, "text", "json"))
	return errs
}

// problemList gathers the problems of settings, in order.
type problemList []*Error

// check adds err as a problem of the setting key, when there is one.
func (p *problemList) check(key string, err error) {
	if err != nil {
		*p = append(*p, &Error{Key: key, Err: err})
	}
}

// checkAPIURL checks a base URL of Discord's API (discord.api_url,
// discord.oauth_url): https (http only to this machine), ending in "/".
func checkAPIURL(u string) error {
	if err := checkURL(u, "https", DefaultAPIURL); err != nil {
		return err
	}
	if !strings.HasSuffix(u, "/") {
		return fmt.Errorf("must end with /, got %q", u)
	}
	return nil
}

// activityProblems checks the activity history's settings: its file is
// never the fact store, and the vote key is a secret, never quoted.
func (c *Config) activityProblems() []*Error {
	var errs problemList
	check := errs.check
	check("activity.database", checkPath(c.Activity.Database))
	if c.Activity.Database != "" && filepath.Clean(c.Activity.Database) == filepath.Clean(c.Database) {
		check("activity.database", errors.New("must not be the fact store (database), which is rebuilt: give the history a file of its own"))
	}
	if v := c.Activity.Retention; v <= 0 {
		check("activity.retention", fmt.Errorf("must be %s, got %s", want("", &v), v))
	}
	check("activity.vote_key", checkSecret(c.Activity.VoteKey.Reveal(), "AGREEMENTBOT_ACTIVITY_VOTE_KEY"))
	if n := len(c.Activity.VoteKey.Reveal()); n > 0 && n < MinSessionKeyLength {
		check("activity.vote_key", fmt.Errorf("must be at least %d characters, got %d", MinSessionKeyLength, n))
	}
	return errs
}

// dashboardProblems checks the dashboard's settings: the client secret
// and the session key are secrets, never quoted; with a client secret the
// dashboard needs the application id, the public URL and a session key.
func (c *Config) dashboardProblems() []*Error {
	var errs problemList
	check := errs.check
	check("discord.client_secret", checkSecret(c.Discord.ClientSecret.Reveal(), "AGREEMENTBOT_CLIENT_SECRET"))
	check("http.session_key", checkSecret(c.HTTP.SessionKey.Reveal(), "AGREEMENTBOT_SESSION_KEY"))
	if c.HTTP.PublicURL != "" {
		check("http.public_url", checkPublicURL(c.HTTP.PublicURL))
	}
	if !c.Discord.ClientSecret.IsSet() {
		return errs
	}
	if c.Discord.ApplicationID == "" {
		check("discord.application_id", errors.New("must be set with discord.client_secret: it is the dashboard's OAuth2 client id"))
	}
	if c.HTTP.PublicURL == "" {
		check("http.public_url", errors.New("must be set with discord.client_secret: Discord sends admins back to it after they log in"))
	}
	if n := len(c.HTTP.SessionKey.Reveal()); n < MinSessionKeyLength {
		check("http.session_key", fmt.Errorf("must be at least %d characters with discord.client_secret (it signs the dashboard's sessions), got %d", MinSessionKeyLength, n))
	}
	return errs
}

// checkSecret checks a secret other than the token without quoting it.
func checkSecret(v, env string) error {
	switch {
	case v == maskSet:
		return fmt.Errorf("%q is the mask printed by \"agreementbot config check\", not the value: give the real one here or in %s", maskSet, env)
	case strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return errors.New("must not contain spaces or control characters")
	}
	return nil
}

// checkPublicURL checks the dashboard's public address: https (plain
// http only to this machine), a host, no path but "/", no user name,
// query or fragment.
func checkPublicURL(s string) error {
	if err := checkURL(s, "https", "https://bot.example.org"); err != nil {
		return err
	}
	if u, _ := url.Parse(s); strings.Trim(u.Path, "/") != "" {
		return fmt.Errorf("must be %s, got %q", want("http.public_url", nil), s)
	}
	return nil
}

// checkPath checks a file or directory path: no white space (a space, tab
// or line break pasted with it) at either end.
func checkPath(p string) error {
	if strings.TrimSpace(p) != p {
		return fmt.Errorf("must not start or end with white space, got %q", p)
	}
	return nil
}

// checkToken checks the token without ever quoting it.
func checkToken(v string) error {
	switch {
	case v == maskSet:
		return fmt.Errorf("%q is the mask printed by \"agreementbot config check\", not a token: give the real token here or in DISCORD_TOKEN", maskSet)
	case strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return errors.New(`must not contain spaces or control characters (give the bare token, without "Bot ")`)
	}
	return nil
}

// checkID checks a Discord ID (snowflake): a canonical decimal uint64
// other than 0.
func checkID(s string) error {
	if v, err := strconv.ParseUint(s, 10, 64); err == nil && v != 0 && strconv.FormatUint(v, 10) == s {
		return nil
	}
	const msg = "must be a Discord ID (a whole number such as 1234567890123456789), got"
	if len(s) > 24 { // too long for any ID: perhaps a token; do not echo it
		return fmt.Errorf("%s %d characters that are not one", msg, len(s))
	}
	return fmt.Errorf("%s %q", msg, s)
}

// checkPublicKey checks an Ed25519 public key given in hexadecimal.
func checkPublicKey(s string) error {
	b, err := hex.DecodeString(s)
	if err == nil && len(b) == PublicKeySize {
		return nil
	}
	// Never echoed: it might be the token, pasted in the wrong place.
	got := fmt.Sprintf("%d hexadecimal digits", len(s))
	if strings.Trim(s, "0123456789abcdef") != "" {
		got = fmt.Sprintf("%d characters that are not all hexadecimal digits", len(s))
	}
	return fmt.Errorf("must be %s, got %s", want("discord.public_key", nil), got)
}

// checkAddr checks a host:port to listen on.
func checkAddr(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err == nil {
		var n uint64
		n, err = strconv.ParseUint(port, 10, 16)
		if err == nil && strconv.FormatUint(n, 10) != port {
			err = errors.New("not a port")
		}
	}
	if err != nil || strings.ContainsAny(host, " /") {
		return fmt.Errorf("must be %s, got %q", want("http.addr", nil), s)
	}
	return nil
}

// checkURL checks a URL of scheme secure (https, wss) without credentials,
// query or fragment. The token travels with every request, so the plain
// scheme (http, ws) is allowed only to this machine, for tests.
func checkURL(s, secure, example string) error {
	plain := strings.TrimSuffix(secure, "s")
	quoted := strconv.Quote(s)
	if strings.Contains(s, "@") { // might hold a password
		quoted = "a URL with a user name or password"
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != secure && u.Scheme != plain) || u.Host == "" || u.User != nil:
		return fmt.Errorf("must be an absolute %s or %s URL without a user name or password, such as %s, got %s", secure, plain, example, quoted)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return fmt.Errorf("must not have a query or fragment, got %s", quoted)
	case u.Scheme == plain && !loopback.Host(u.Hostname()):
		return fmt.Errorf("must use %s (plain %s only to this machine, for tests), got %s", secure, plain, quoted)
	}
	return nil
}

// CheckTranslateURL checks the translation server's URL, as
// translate.url is checked: http or https (the server is most often a
// process beside the bot, or in the same pod), a host, no user name,
// query or fragment.
func CheckTranslateURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		quoted := strconv.Quote(s)
		if strings.Contains(s, "@") {
			quoted = "a URL with a user name or password (not shown)"
		}
		return fmt.Errorf("must be %s, got %s", want("translate.url", nil), quoted)
	}
	return nil
}

// checkOneOf checks that s is one of values.
func checkOneOf(s string, values ...string) error {
	for _, v := range values {
		if s == v {
			return nil
		}
	}
	last := len(values) - 1
	return fmt.Errorf("must be %s or %s, got %q", strings.Join(values[:last], ", "), values[last], s)
}

// Package config holds the configuration of agreementbot, the Discord bot
// that answers questions about a news story from a SQLite fact store.
//
// Every setting has a default ([Default]); a YAML file may set any of them
// and environment variables override the file ([Load]). The file is read
// strictly: unknown keys, wrong types and invalid values are errors that name
// the file, the line and the key, such as
//
//	config.yaml:7: answer.threshold: must be in (0, 1], got 1.5
//
// and an invalid environment variable is an error that names the variable.
// [Config.Write] prints the effective settings as YAML, with the bot token
// masked and each value's origin in a comment.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of agreementbot. The YAML keys of the
// configuration file are given by the yaml tags.
//
// A Config returned by [Load] also remembers where each value came from
// (see [Config.Origin]); that bookkeeping is unexported, so compare Configs
// field by field rather than with reflect.DeepEqual.
type Config struct {
	// Discord is how the bot connects to Discord.
	Discord Discord `yaml:"discord" json:"discord"`
	// Admins are the users and roles allowed to run admin commands.
	Admins Admins `yaml:"admins" json:"admins"`
	// Sources is the sources directory; empty means the article embedded
	// in the binary (and a reload then has nothing to re-read).
	Sources string `yaml:"sources" json:"sources"`
	// Database is the path of the SQLite fact store.
	Database string `yaml:"database" json:"database"`
	// Answer is how questions are answered.
	Answer Answer `yaml:"answer" json:"answer"`
	// RateLimit limits how many questions each user may ask.
	RateLimit RateLimit `yaml:"rate_limit" json:"rate_limit"`
	// Log configures logging.
	Log Log `yaml:"log" json:"log"`

	// origins maps a key path ("answer.top") to where Load found its
	// value; keys taken from the defaults are absent. Never mutated after
	// Load returns.
	origins map[string]Origin
}

// Discord is how the bot connects to Discord.
type Discord struct {
	// Token is the bot token. It is never printed or logged.
	Token Secret `yaml:"token" json:"token"`
	// ApplicationID is the application's ID; empty means take it from
	// the gateway's READY event.
	ApplicationID string `yaml:"application_id" json:"application_id"`
	// GuildIDs are the guilds to register the slash commands in (which
	// takes effect at once); empty means register them globally.
	GuildIDs []string `yaml:"guild_ids" json:"guild_ids"`
	// APIURL is the base URL of the REST API, ending in "/" (Discord's, a
	// proxy, or the test fake).
	APIURL string `yaml:"api_url" json:"api_url"`
	// GatewayURL is the gateway's websocket URL; empty means ask the API
	// (GET /gateway/bot).
	GatewayURL string `yaml:"gateway_url" json:"gateway_url"`
}

// Admins are the users and roles allowed to run admin commands (such as
// reloading the sources).
type Admins struct {
	// UserIDs are the IDs of admin users.
	UserIDs []string `yaml:"user_ids" json:"user_ids"`
	// RoleIDs are the IDs of roles whose members are admins.
	RoleIDs []string `yaml:"role_ids" json:"role_ids"`
}

// Answer is how questions are answered.
type Answer struct {
	// Top is the most facts shown per answer, 1 to 10.
	Top int `yaml:"top" json:"top"`
	// Threshold is the confidence, in (0, 1], below which the bot says it
	// does not know.
	Threshold float64 `yaml:"threshold" json:"threshold"`
	// Ephemeral makes replies visible only to the asker by default.
	Ephemeral bool `yaml:"ephemeral" json:"ephemeral"`
}

// RateLimit limits each user to Questions questions per Per.
type RateLimit struct {
	// Questions is how many questions a user may ask per Per, at least 1.
	Questions int `yaml:"questions" json:"questions"`
	// Per is the length of the rate-limit window, greater than 0.
	Per time.Duration `yaml:"per" json:"per"`
}

// Log configures logging.
type Log struct {
	// Level is the least severe level logged: debug, info, warn or error.
	Level string `yaml:"level" json:"level"`
	// Format is the log format: text or json.
	Format string `yaml:"format" json:"format"`
}

// Default values of the settings whose default is not empty.
const (
	// DefaultAPIURL is the default discord.api_url: Discord's REST API, at
	// the version discordgo v0.29 speaks.
	DefaultAPIURL = "https://discord.com/api/v9/"
	// DefaultDatabase is the default database path.
	DefaultDatabase = "agreementbot.db"
	// DefaultTop is the default answer.top.
	DefaultTop = 3
	// DefaultThreshold is the default answer.threshold.
	DefaultThreshold = 0.35
	// DefaultRateQuestions is the default rate_limit.questions.
	DefaultRateQuestions = 5
	// DefaultRatePer is the default rate_limit.per.
	DefaultRatePer = 10 * time.Second
	// DefaultLogLevel is the default log.level.
	DefaultLogLevel = "info"
	// DefaultLogFormat is the default log.format.
	DefaultLogFormat = "text"
)

// MaxTop is the largest answer.top: Discord shows at most 10 embeds per
// message.
const MaxTop = 10

// Default returns the default configuration: what [Load] returns with no
// file and no environment variables.
func Default() Config {
	return Config{
		Discord:   Discord{APIURL: DefaultAPIURL},
		Database:  DefaultDatabase,
		Answer:    Answer{Top: DefaultTop, Threshold: DefaultThreshold},
		RateLimit: RateLimit{Questions: DefaultRateQuestions, Per: DefaultRatePer},
		Log:       Log{Level: DefaultLogLevel, Format: DefaultLogFormat},
	}
}

// Validate checks every setting and returns all the problems found, joined
// (see [errors.Join]); each is an [*Error] naming the key, such as
// "answer.top: must be a whole number from 1 to 10, got 11". It does not
// require a token: commands that need one check [Secret.IsSet] themselves.
func (c Config) Validate() error {
	var errs []error
	for _, e := range c.problems() {
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// problems runs every setting's check.
func (c *Config) problems() []*Error {
	var out []*Error
	for i := range settings {
		s := &settings[i]
		if s.check == nil {
			continue
		}
		for _, e := range s.check(c) {
			if e.Key == "" {
				e.Key = s.key
			}
			out = append(out, e)
		}
	}
	return out
}

// SlogLevel returns Level as a [slog.Level]; an invalid level counts as
// info.
func (l Log) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
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

// setOrigin records where a key's value came from.
func (c *Config) setOrigin(key string, o Origin) {
	if c.origins == nil {
		c.origins = make(map[string]Origin)
	}
	c.origins[key] = o
}

// Error is a configuration problem. It says where the bad value is — a line
// of the configuration file, an environment variable, or (from
// [Config.Validate]) just the key — and what is wrong with it.
type Error struct {
	// File is the configuration file; empty if the problem is not in it.
	File string
	// Line is the 1-based line in File, or 0 if not known.
	Line int
	// Env is the environment variable holding the bad value, if any.
	Env string
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
	var b strings.Builder
	switch {
	case e.Env != "":
		b.WriteString(e.Env)
		b.WriteString(": ")
	case e.File != "":
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
		if e.Key != "" {
			b.WriteString(e.Key)
			b.WriteString(": ")
		}
	case e.Key != "":
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// problemf returns an Error for key with a formatted message.
func problemf(key, format string, args ...any) *Error {
	return &Error{Key: key, Err: fmt.Errorf(format, args...)}
}

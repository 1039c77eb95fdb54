package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
)

// redisPasswordMask stands for a password in a printed [RedisURL]
// (what [url.URL.Redacted] writes).
const redisPasswordMask = "xxxxx"

// RedisURL is the address of the Redis server the replicas share, such
// as redis://:PASSWORD@127.0.0.1:6379/0. Its password must never be
// printed or logged: every way of formatting or encoding it (fmt verbs,
// log/slog, JSON, YAML) shows the password as "xxxxx";
// [RedisURL.Reveal] returns the real URL.
type RedisURL string

// Reveal returns the URL with its password. Call it only to connect,
// never to print or log it.
func (u RedisURL) Reveal() string { return string(u) }

// IsSet reports whether a URL is given.
func (u RedisURL) IsSet() bool { return u != "" }

// String returns the URL with its password masked; a URL that does not
// parse, and might hold a password, is not shown at all.
func (u RedisURL) String() string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(string(u))
	if err != nil {
		if strings.Contains(string(u), "@") {
			return "(a URL that does not parse)"
		}
		return string(u)
	}
	return p.Redacted()
}

// GoString returns a Go-syntax form with the password masked, for %#v.
func (u RedisURL) GoString() string { return fmt.Sprintf("config.RedisURL(%q)", u.String()) }

// Format implements [fmt.Formatter] so that every verb prints the masked
// URL.
func (u RedisURL) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		io.WriteString(f, u.GoString())
	case verb == 'q':
		io.WriteString(f, strconv.Quote(u.String()))
	default:
		io.WriteString(f, u.String())
	}
}

// LogValue implements [slog.LogValuer]: logs show the masked URL.
func (u RedisURL) LogValue() slog.Value { return slog.StringValue(u.String()) }

// MarshalText implements [encoding.TextMarshaler] with the masked URL.
func (u RedisURL) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// MarshalYAML implements the YAML Marshaler interface with the masked
// URL.
func (u RedisURL) MarshalYAML() (any, error) { return u.String(), nil }

// checkRedisURL checks a Redis URL: redis:// or rediss://, a host, and
// at most a database number as its path. It never quotes a URL that
// holds a user name or password.
func checkRedisURL(s string) error {
	quoted := strconv.Quote(s)
	if strings.Contains(s, "@") {
		quoted = "a URL with a user name or password (not shown)"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("must be %s, got %s", want("redis.url", nil), quoted)
	}
	if pw, ok := u.User.Password(); ok && pw == redisPasswordMask {
		return errors.New(`has the password mask "xxxxx" printed by "agreementbot config check": give the real password here or in AGREEMENTBOT_REDIS_URL`)
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != "" {
		if n, err := strconv.Atoi(db); err != nil || n < 0 {
			return fmt.Errorf("must end with a database number such as /0, got %s", quoted)
		}
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return fmt.Errorf("must not have a fragment, got %s", quoted)
	}
	return nil
}

package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// setting describes one leaf of the configuration: its key path, its
// environment variable, and how to read, check and print it.
type setting struct {
	// key is the dotted key path, such as "answer.top".
	key string
	// env is the environment variable that overrides it.
	env string
	// get returns the value, for printing and comparing with the default.
	get func(c *Config) any
	// decode sets the value from a non-null scalar/sequence node of the
	// file (aliases resolved). It reports problems with Key and Line set
	// (Key may name an item, such as "discord.guild_ids[1]").
	decode func(c *Config, n *yaml.Node) []*Error
	// parse sets the value from a non-empty, trimmed environment
	// variable; its error is just the message.
	parse func(c *Config, v string) error
	// check validates the value; Key may be left empty (meaning key).
	check func(c *Config) []*Error
}

// settings lists every setting in the order of the file.
var settings = []setting{
	secretSetting("discord.token", "DISCORD_TOKEN", func(c *Config) *Secret { return &c.Discord.Token }),
	stringSetting("discord.application_id", "AGREEMENTBOT_APPLICATION_ID",
		func(c *Config) *string { return &c.Discord.ApplicationID }, strings.TrimSpace, checkOptionalID),
	idListSetting("discord.guild_ids", "AGREEMENTBOT_GUILD_IDS", func(c *Config) *[]string { return &c.Discord.GuildIDs }),
	stringSetting("discord.api_url", "AGREEMENTBOT_API_URL",
		func(c *Config) *string { return &c.Discord.APIURL }, normalizeAPIURL, checkAPIURL),
	stringSetting("discord.gateway_url", "AGREEMENTBOT_GATEWAY_URL",
		func(c *Config) *string { return &c.Discord.GatewayURL }, strings.TrimSpace, checkGatewayURL),
	idListSetting("admins.user_ids", "AGREEMENTBOT_ADMIN_USER_IDS", func(c *Config) *[]string { return &c.Admins.UserIDs }),
	idListSetting("admins.role_ids", "AGREEMENTBOT_ADMIN_ROLE_IDS", func(c *Config) *[]string { return &c.Admins.RoleIDs }),
	stringSetting("sources", "AGREEMENTBOT_SOURCES", func(c *Config) *string { return &c.Sources }, nil, nil),
	stringSetting("database", "AGREEMENTBOT_DB", func(c *Config) *string { return &c.Database }, nil, checkDatabase),
	intSetting("answer.top", "AGREEMENTBOT_TOP", func(c *Config) *int { return &c.Answer.Top },
		1, MaxTop, fmt.Sprintf("a whole number from 1 to %d", MaxTop)),
	floatSetting("answer.threshold", "AGREEMENTBOT_THRESHOLD", func(c *Config) *float64 { return &c.Answer.Threshold }),
	boolSetting("answer.ephemeral", "AGREEMENTBOT_EPHEMERAL", func(c *Config) *bool { return &c.Answer.Ephemeral }),
	intSetting("rate_limit.questions", "AGREEMENTBOT_RATE_QUESTIONS", func(c *Config) *int { return &c.RateLimit.Questions },
		1, int(^uint(0)>>1), "a whole number of at least 1"),
	durationSetting("rate_limit.per", "AGREEMENTBOT_RATE_PER", func(c *Config) *time.Duration { return &c.RateLimit.Per }),
	stringSetting("log.level", "AGREEMENTBOT_LOG_LEVEL", func(c *Config) *string { return &c.Log.Level },
		normalizeWord, checkOneOf("debug", "info", "warn", "error")),
	stringSetting("log.format", "AGREEMENTBOT_LOG_FORMAT", func(c *Config) *string { return &c.Log.Format },
		normalizeWord, checkOneOf("text", "json")),
}

// settingByKey returns the setting with the given key path, or nil.
func settingByKey(key string) *setting {
	for i := range settings {
		if settings[i].key == key {
			return &settings[i]
		}
	}
	return nil
}

// describe describes a node's value for an error message, without ever
// quoting more than a scalar's text.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

// at returns an Error for the node n of setting key.
func at(n *yaml.Node, key, format string, args ...any) *Error {
	e := problemf(key, format, args...)
	e.Line = n.Line
	return e
}

// one wraps a single problem for the check functions; nil for no problem.
func one(e *Error) []*Error {
	if e == nil {
		return nil
	}
	return []*Error{e}
}

func stringSetting(key, env string, field func(*Config) *string, normalize func(string) string, check func(string) *Error) setting {
	if normalize == nil {
		normalize = func(s string) string { return s }
	}
	s := setting{
		key: key,
		env: env,
		get: func(c *Config) any { return *field(c) },
		decode: func(c *Config, n *yaml.Node) []*Error {
			if n.Kind != yaml.ScalarNode {
				return one(at(n, key, "must be a single value, got %s", describe(n)))
			}
			*field(c) = normalize(n.Value)
			return nil
		},
		parse: func(c *Config, v string) error {
			*field(c) = normalize(v)
			return nil
		},
	}
	if check != nil {
		s.check = func(c *Config) []*Error { return one(check(*field(c))) }
	}
	return s
}

func secretSetting(key, env string, field func(*Config) *Secret) setting {
	return setting{
		key: key,
		env: env,
		get: func(c *Config) any { return *field(c) },
		decode: func(c *Config, n *yaml.Node) []*Error {
			if n.Kind != yaml.ScalarNode {
				return one(at(n, key, "must be a single value, got %s", describe(n)))
			}
			v := n.Value
			if v == maskNotSet { // as printed by Config.Write
				v = ""
			}
			*field(c) = Secret(v)
			return nil
		},
		parse: func(c *Config, v string) error {
			*field(c) = Secret(v)
			return nil
		},
		// The messages must never include the token.
		check: func(c *Config) []*Error {
			v := field(c).Reveal()
			switch {
			case v == maskSet:
				return one(problemf("", "%q is the mask printed by \"agreementbot config check\", not a token: give the real token here or in DISCORD_TOKEN", maskSet))
			case strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
				return one(problemf("", "must not contain spaces or control characters (give the bare token, without \"Bot \")"))
			}
			return nil
		},
	}
}

// checkID checks a Discord ID (snowflake): a canonical decimal uint64
// other than 0.
func checkID(s string) error {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v == 0 || strconv.FormatUint(v, 10) != s {
		if len(s) > 24 {
			// Too long for any id: perhaps a token pasted in the wrong
			// place. Do not echo it.
			return fmt.Errorf("must be a Discord ID (a whole number such as 1234567890123456789), got %d characters that are not one", len(s))
		}
		return fmt.Errorf("must be a Discord ID (a whole number such as 1234567890123456789), got %q", s)
	}
	return nil
}

func checkOptionalID(s string) *Error {
	if s == "" {
		return nil
	}
	if err := checkID(s); err != nil {
		return &Error{Err: err}
	}
	return nil
}

// splitList splits a comma-separated environment variable, dropping empty
// items; it returns nil when there are none.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func idListSetting(key, env string, field func(*Config) *[]string) setting {
	return setting{
		key: key,
		env: env,
		get: func(c *Config) any { return *field(c) },
		decode: func(c *Config, n *yaml.Node) []*Error {
			if n.Kind != yaml.SequenceNode {
				return one(at(n, key, "must be a list of Discord IDs, such as [\"1234567890123456789\"], got %s", describe(n)))
			}
			var ids []string
			var errs []*Error
			for i, item := range n.Content {
				item = resolve(item)
				itemKey := fmt.Sprintf("%s[%d]", key, i)
				if item.Kind != yaml.ScalarNode {
					errs = append(errs, at(item, itemKey, "must be a Discord ID, got %s", describe(item)))
					continue
				}
				if err := checkID(item.Value); err != nil {
					errs = append(errs, &Error{Line: item.Line, Key: itemKey, Err: err})
					continue
				}
				ids = append(ids, item.Value)
			}
			if errs == nil {
				*field(c) = ids
			}
			return errs
		},
		parse: func(c *Config, v string) error {
			*field(c) = splitList(v)
			return nil
		},
		check: func(c *Config) []*Error {
			var errs []*Error
			for i, id := range *field(c) {
				if err := checkID(id); err != nil {
					errs = append(errs, &Error{Key: fmt.Sprintf("%s[%d]", key, i), Err: err})
				}
			}
			return errs
		},
	}
}

func intSetting(key, env string, field func(*Config) *int, lo, hi int, want string) setting {
	bad := func(got string) error { return fmt.Errorf("must be %s, got %s", want, got) }
	return setting{
		key: key,
		env: env,
		get: func(c *Config) any { return *field(c) },
		decode: func(c *Config, n *yaml.Node) []*Error {
			var v int
			if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
				return one(&Error{Line: n.Line, Key: key, Err: bad(describe(n))})
			}
			*field(c) = v
			return nil
		},
		parse: func(c *Config, s string) error {
			v, err := strconv.Atoi(s)
			if err != nil {
				return bad(strconv.Quote(s))
			}
			*field(c) = v
			return nil
		},
		check: func(c *Config) []*Error {
			if v := *field(c); v < lo || v > hi {
				return one(&Error{Err: bad(strconv.Itoa(v))})
			}
			return nil
		},
	}
}

func floatSetting(key, env string, field func(*Config) *float64) setting {
	const want = "a number in (0, 1]"
	return setting{
		key: key,
		env: env,
		get: func(c *Config) any { return *field(c) },
		decode: func(c *Config, n *yaml.Node) []*Error {
			var v float64
			if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!float" && n.ShortTag() != "!!int") || n.Decode(&v) != nil {
				return one(at(n, key, "must be %s, got %s", want, describe(n)))
			}
			*field(c) = v
			return nil
		},
		parse: func(c *Config, s string) error {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("must be %s, got %q", want, s)
			}
			*field(c) = v
			return nil
		},
		check: func(c *Config) []*Error {
			if v := *field(c); !(v > 0 && v <= 1) { // also rejects NaN
				return one(problemf("", "must be in (0, 1], got %g", v))
			}
			return nil
		},
	}
}

func boolSetting(key, env string, field func(*Config) *bool) setting {
	return setting{
		key: key,
		env: env,
		get: func(c *Config) any { return *field(c) },
		decode: func(c *Config, n *yaml.Node) []*Error {
			var v bool
			if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
				return one(at(n, key, "must be true or false, got %s", describe(n)))
			}
			*field(c) = v
			return nil
		},
		parse: func(c *Config, s string) error {
			v, err := strconv.ParseBool(s)
			if err != nil {
				return fmt.Errorf("must be true or false, got %q", s)
			}
			*field(c) = v
			return nil
		},
	}
}

func durationSetting(key, env string, field func(*Config) *time.Duration) setting {
	const want = "a duration greater than 0, such as 10s, 1m or 1m30s"
	return setting{
		key: key,
		env: env,
		get: func(c *Config) any { return *field(c) },
		decode: func(c *Config, n *yaml.Node) []*Error {
			if n.Kind != yaml.ScalarNode {
				return one(at(n, key, "must be %s, got %s", want, describe(n)))
			}
			v, err := time.ParseDuration(n.Value)
			if err != nil {
				return one(at(n, key, "must be %s, got %s", want, describe(n)))
			}
			*field(c) = v
			return nil
		},
		parse: func(c *Config, s string) error {
			v, err := time.ParseDuration(s)
			if err != nil {
				return fmt.Errorf("must be %s, got %q", want, s)
			}
			*field(c) = v
			return nil
		},
		check: func(c *Config) []*Error {
			if v := *field(c); v <= 0 {
				return one(problemf("", "must be %s, got %s", want, v))
			}
			return nil
		},
	}
}

// normalizeWord lower-cases an enumerated value such as a log level.
func normalizeWord(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func checkOneOf(values ...string) func(string) *Error {
	list := strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
	return func(s string) *Error {
		for _, v := range values {
			if s == v {
				return nil
			}
		}
		return problemf("", "must be %s, got %q", list, s)
	}
}

func checkDatabase(s string) *Error {
	if s == "" {
		return problemf("", "must not be empty (it is the path of the SQLite fact store)")
	}
	return nil
}

// normalizeAPIURL trims spaces and adds the trailing slash that makes a
// valid URL a base that relative paths resolve under. Invalid URLs are left
// as they are, for checkAPIURL to quote.
func normalizeAPIURL(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		!strings.ContainsAny(s, "?#") && !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}

// quoteURL quotes a URL for an error message unless it might hold a
// password.
func quoteURL(s string) string {
	if strings.Contains(s, "@") {
		return "a URL with a user name or password"
	}
	return strconv.Quote(s)
}

func checkAPIURL(s string) *Error {
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil:
		return problemf("", "must be an http or https URL without a user name or password, such as %s, got %s", DefaultAPIURL, quoteURL(s))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return problemf("", "must not have a query or fragment, got %s", quoteURL(s))
	case !strings.HasSuffix(u.Path, "/"):
		return problemf("", "must end with /, got %s", quoteURL(s))
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		// The token travels in every request's Authorization header.
		return problemf("", "must use https (plain http only to this machine, for tests), got %s", quoteURL(s))
	}
	return nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkGatewayURL(s string) *Error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" || u.User != nil:
		return problemf("", "must be empty or a ws or wss URL without a user name or password, such as wss://gateway.discord.gg, got %s", quoteURL(s))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return problemf("", "must not have a query or fragment (the bot adds its own query), got %s", quoteURL(s))
	}
	return nil
}

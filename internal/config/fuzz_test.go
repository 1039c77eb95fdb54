package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad loads arbitrary bytes as the configuration file. Load must never
// panic; every line of an error must start with the file's name; and a
// configuration it accepts must be valid and survive a Write and re-Load.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"",
		defaultOutput,
		"discord:\n  token: abc\n  guild_ids: [111111111111111111]\nanswer:\n  top: 5\n  threshold: 0.5\n",
		"answer: {top: many}\n",
		"rate_limit:\n  per: 1m30s\n  questions: 2\nlog: {level: DEBUG, format: json}\n",
		"admins:\n  user_ids: &a [\"1\"]\n  role_ids: *a\n",
		"sources: \"a\\tb\\n\"\ndatabase: x.db\n",
		"- a\n",
		"a: [1\n",
		"x: 1\n---\ny: 2\n",
		"? [a]\n: 1\n",
		"answer:\n  <<: {top: 3}\n",
		"discord:\n  api_url: http://127.0.0.1:1/api\n  gateway_url: ws://127.0.0.1:1/gw\n",
		"discord:\n  public_key: " + testPublicKey + "\nhttp:\n  addr: \"[::1]:0\"\n",
		"http: {addr: localhost}\ndiscord: {public_key: xyz}\n",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path, nil)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, path+":") {
					t.Fatalf("error line %q does not start with %q (whole error: %q)", line, path+":", err)
				}
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %#v is not an *Error", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Load accepted an invalid configuration: %v", err)
		}
		var b bytes.Buffer
		if err := c.Write(&b); err != nil {
			t.Fatalf("Write: %v", err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		var getenv func(string) (string, bool)
		if c.Discord.Token.IsSet() {
			getenv = env("DISCORD_TOKEN", c.Discord.Token.Reveal())
		}
		again, err := Load(path, getenv)
		if err != nil {
			t.Fatalf("loading Write's output: %v\n%s", err, b.String())
		}
		// The token comes back through the environment, trimmed.
		again.Discord.Token = c.Discord.Token
		assertSettings(t, again, c)
	})
}

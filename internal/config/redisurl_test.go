package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const redisPassword = "s3cr3t-redis-pw"

// TestRedisURLNeverShowsPassword checks every way of printing the Redis
// URL: the password never appears, the rest of the URL does.
func TestRedisURLNeverShowsPassword(t *testing.T) {
	cfg, err := Load("", env("AGREEMENTBOT_REDIS_URL", "redis://:"+redisPassword+"@127.0.0.1:6379/0"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Redis.URL.Reveal(); !strings.Contains(got, redisPassword) {
		t.Fatalf("Reveal() = %q lost the password", got)
	}
	var out bytes.Buffer
	if err := cfg.Write(&out); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "%v %+v %#v %s %q %v\n", cfg.Redis.URL, cfg, cfg, cfg.Redis.URL, cfg.Redis.URL, cfg.Redis)
	slog.New(slog.NewTextHandler(&out, nil)).Info("x", "url", cfg.Redis.URL, "cfg", cfg)
	j, _ := json.Marshal(cfg)
	out.Write(j)
	if strings.Contains(out.String(), redisPassword) {
		t.Fatalf("the password leaked:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "url: redis://:xxxxx@127.0.0.1:6379/0 # from AGREEMENTBOT_REDIS_URL") {
		t.Errorf("config check output lacks the masked URL:\n%s", out.String())
	}
}

// TestRedisURLChecks checks redis.url's validation: errors name the file
// and line, and never echo a URL holding a password.
func TestRedisURLChecks(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"http://127.0.0.1:6379", `config.yaml:2: redis.url: must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379/0, got "http://127.0.0.1:6379"`},
		{"redis://", `config.yaml:2: redis.url: must be a redis:// or rediss:// URL`},
		{"redis://:" + redisPassword + "@h:1/x", `config.yaml:2: redis.url: must end with a database number such as /0, got a URL with a user name or password (not shown)`},
		{"ftp://:" + redisPassword + "@h:1/0", `config.yaml:2: redis.url: must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379/0, got a URL with a user name or password (not shown)`},
		{"redis://:xxxxx@h:1/0", `config.yaml:2: redis.url: has the password mask "xxxxx"`},
	} {
		_, err := Load(writeFile(t, "redis:\n  url: "+tt.url+"\n"), nil)
		got := relative("", err)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("url %q: error %v, want %s", tt.url, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), redisPassword) {
			t.Errorf("url %q: error echoes the password: %s", tt.url, got)
		}
	}
	for _, ok := range []string{"redis://127.0.0.1:6379", "redis://127.0.0.1:6379/0", "rediss://u:p@redis.example:6380/3"} {
		if _, err := Load(writeFile(t, "redis:\n  url: "+ok+"\n"), nil); err != nil {
			t.Errorf("url %q: %v", ok, err)
		}
	}
}

// TestTranslateChecks checks translate.url's and translate.timeout's
// validation.
func TestTranslateChecks(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"translate:\n  url: ftp://127.0.0.1:2737\n", `config.yaml:2: translate.url: must be an http:// or https:// URL of the translation server (apertium-apy), such as http://127.0.0.1:2737, got "ftp://127.0.0.1:2737"`},
		{"translate:\n  url: http://\n", `config.yaml:2: translate.url: must be an http:// or https:// URL`},
		{"translate:\n  url: http://u:" + redisPassword + "@h:1\n", `translate.url: must be an http:// or https:// URL of the translation server (apertium-apy), such as http://127.0.0.1:2737, got a URL with a user name or password (not shown)`},
		{"translate:\n  url: http://h:1/?q=1\n", `translate.url: must be an http:// or https:// URL`},
		{"translate:\n  timeout: 0s\n", `config.yaml:2: translate.timeout: must be a duration greater than 0`},
	} {
		_, err := Load(writeFile(t, tt.file), nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %s", tt.file, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), redisPassword) {
			t.Errorf("%q: error echoes the password: %v", tt.file, err)
		}
	}
	for _, ok := range []string{"http://127.0.0.1:2737", "https://apertium.example/apy/", "http://apertium:2737"} {
		if _, err := Load(writeFile(t, "translate:\n  url: "+ok+"\n"), nil); err != nil {
			t.Errorf("url %q: %v", ok, err)
		}
	}
}

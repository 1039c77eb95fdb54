package config_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/agreementbot/agreementbot/internal/config"
)

func ExampleLoad() {
	dir, err := os.MkdirTemp("", "agreementbot")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config.yaml")
	err = os.WriteFile(path, []byte(`
answer:
  top: 5
rate_limit:
  per: 1m
`), 0o600)
	if err != nil {
		panic(err)
	}

	// In production pass os.LookupEnv; here, a fixed environment.
	environment := map[string]string{
		"DISCORD_TOKEN":    "not-a-real-token",
		"AGREEMENTBOT_TOP": "4",
	}
	getenv := func(name string) (string, bool) {
		v, ok := environment[name]
		return v, ok
	}

	cfg, err := config.Load(path, getenv)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("top:", cfg.Answer.Top, "from", cfg.Origin("answer.top"))
	fmt.Println("per:", cfg.RateLimit.Per, "threshold:", cfg.Answer.Threshold)
	fmt.Println("token:", cfg.Discord.Token) // masked

	// A bad value names the file, the line and the key.
	os.WriteFile(path, []byte("answer:\n  threshold: 1.5\n"), 0o600)
	_, err = config.Load(path, nil)
	fmt.Println(err.Error()[len(dir)+1:])

	// Output:
	// top: 4 from AGREEMENTBOT_TOP
	// per: 1m0s threshold: 0.027
	// token: (set)
	// config.yaml:2: answer.threshold: must be in (0, 1], got 1.5
}

func ExampleConfig_Write() {
	cfg := config.Default()
	cfg.Answer.Ephemeral = true
	if err := cfg.Write(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// discord:
	//   token: (not set) # default
	//   client_secret: (not set) # default
	//   application_id: "" # default
	//   public_key: "" # default
	//   guild_ids: [] # default
	//   api_url: https://discord.com/api/v9/ # default
	//   oauth_url: "" # default
	//   gateway_url: "" # default
	//   shard_id: 0 # default
	//   shard_count: 1 # default
	// http:
	//   addr: 127.0.0.1:8080 # default
	//   shutdown_delay: 5s # default
	//   public_url: "" # default
	//   session_key: (not set) # default
	// admins:
	//   user_ids: [] # default
	//   role_ids: [] # default
	// sources: "" # default
	// database: agreementbot.db # default
	// database_poll: 5s # default
	// answer:
	//   top: 3 # default
	//   threshold: 0.027 # default
	//   confident_threshold: 0.867 # default
	//   ephemeral: true
	// rate_limit:
	//   questions: 5 # default
	//   per: 10s # default
	// redis:
	//   url: "" # default
	// translate:
	//   url: "" # default
	//   timeout: 500ms # default
	// activity:
	//   database: "" # default
	//   retention: 720h0m0s # default
	//   keep_user_ids: false # default
	//   vote_key: (not set) # default
	// log:
	//   level: info # default
	//   format: text # default
}

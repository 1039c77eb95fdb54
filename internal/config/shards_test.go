package config

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestShardSettings checks discord.shard_id and discord.shard_count as
// the file and the environment give them: a number or auto for the count,
// the id below the count, 0 with auto, and never without the count.
func TestShardSettings(t *testing.T) {
	tests := []struct {
		name, file string
		env        []string
		wantID     int
		wantCount  ShardCount
		wantErr    string // the whole message, the file as "config.yaml"; "" for none
	}{
		{name: "default", wantCount: 1},
		{name: "one of four", file: "discord:\n  shard_id: 1\n  shard_count: 4\n", wantID: 1, wantCount: 4},
		{name: "last of four", file: "discord:\n  shard_count: 4\n  shard_id: 3\n", wantID: 3, wantCount: 4},
		{name: "count alone", file: "discord:\n  shard_count: 2\n", wantCount: 2},
		{name: "auto", file: "discord:\n  shard_count: auto\n", wantCount: ShardCountAuto},
		{name: "auto, capitals", file: "discord:\n  shard_count: Auto\n", wantCount: ShardCountAuto},
		{name: "auto with id 0", file: "discord:\n  shard_id: 0\n  shard_count: auto\n", wantCount: ShardCountAuto},
		{name: "from the environment", env: []string{"AGREEMENTBOT_SHARD_ID", "2", "AGREEMENTBOT_SHARD_COUNT", "3"}, wantID: 2, wantCount: 3},
		{name: "environment auto", env: []string{"AGREEMENTBOT_SHARD_COUNT", "auto"}, wantCount: ShardCountAuto},
		{name: "id in the file, count in the environment", file: "discord:\n  shard_id: 1\n",
			env: []string{"AGREEMENTBOT_SHARD_COUNT", "2"}, wantID: 1, wantCount: 2},
		{name: "the environment's count overrides the file's", file: "discord:\n  shard_id: 0\n  shard_count: 1\n",
			env: []string{"AGREEMENTBOT_SHARD_COUNT", "auto"}, wantCount: ShardCountAuto},

		{name: "id without count", file: "discord:\n  token: x\n  shard_id: 1\n",
			wantErr: "config.yaml:3: discord.shard_id: given without discord.shard_count: set both (this process then runs shard shard_id of shard_count), or neither, or shard_count: auto alone"},
		{name: "id 0 without count", file: "discord:\n  shard_id: 0\n",
			wantErr: "config.yaml:2: discord.shard_id: given without discord.shard_count: set both (this process then runs shard shard_id of shard_count), or neither, or shard_count: auto alone"},
		{name: "id without count, environment", env: []string{"AGREEMENTBOT_SHARD_ID", "1"},
			wantErr: "AGREEMENTBOT_SHARD_ID: given without discord.shard_count: set both (this process then runs shard shard_id of shard_count), or neither, or shard_count: auto alone"},
		{name: "id equal to count", file: "discord:\n  shard_id: 2\n  shard_count: 2\n",
			wantErr: "config.yaml:2: discord.shard_id: must be less than discord.shard_count (2), got 2"},
		{name: "id above count", file: "discord:\n  shard_count: 2\n  shard_id: 5\n",
			wantErr: "config.yaml:3: discord.shard_id: must be less than discord.shard_count (2), got 5"},
		{name: "id negative", file: "discord:\n  shard_id: -1\n  shard_count: 2\n",
			wantErr: "config.yaml:2: discord.shard_id: must be a whole number of at least 0, got -1"},
		{name: "id with auto", file: "discord:\n  shard_id: 1\n  shard_count: auto\n",
			wantErr: "config.yaml:2: discord.shard_id: must be 0 or left out with discord.shard_count auto, which runs every shard in this process, got 1"},
		{name: "id text", file: "discord:\n  shard_id: first\n  shard_count: 2\n",
			wantErr: `config.yaml:2: discord.shard_id: must be a whole number of at least 0, got "first"`},
		{name: "count zero", file: "discord:\n  shard_count: 0\n",
			wantErr: "config.yaml:2: discord.shard_count: must be a whole number of at least 1, or auto, got 0"},
		{name: "count negative", file: "discord:\n  shard_count: -2\n",
			wantErr: `config.yaml:2: discord.shard_count: must be a whole number of at least 1, or auto, got "-2"`},
		{name: "count quoted", file: "discord:\n  shard_count: \"2\"\n",
			wantErr: `config.yaml:2: discord.shard_count: must be a whole number of at least 1, or auto, got "2"`},
		{name: "count fraction", file: "discord:\n  shard_count: 1.5\n",
			wantErr: `config.yaml:2: discord.shard_count: must be a whole number of at least 1, or auto, got "1.5"`},
		{name: "count word", file: "discord:\n  shard_count: automatic\n",
			wantErr: `config.yaml:2: discord.shard_count: must be a whole number of at least 1, or auto, got "automatic"`},
		{name: "count list", file: "discord:\n  shard_count: [2]\n",
			wantErr: `config.yaml:2: discord.shard_count: must be a whole number of at least 1, or auto, got a list`},
		{name: "count environment", env: []string{"AGREEMENTBOT_SHARD_COUNT", "many"},
			wantErr: `AGREEMENTBOT_SHARD_COUNT: must be a whole number of at least 1, or auto, got "many"`},
		{name: "count environment zero", env: []string{"AGREEMENTBOT_SHARD_COUNT", "0"},
			wantErr: `AGREEMENTBOT_SHARD_COUNT: must be a whole number of at least 1, or auto, got 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeFile(t, tt.file)
			}
			c, err := Load(path, env(tt.env...))
			if got := relative(path, err); tt.wantErr != "" || err != nil {
				if got != tt.wantErr {
					t.Fatalf("got error %s\nwant error %s", got, tt.wantErr)
				}
				return
			}
			if c.Discord.ShardID != tt.wantID || c.Discord.ShardCount != tt.wantCount {
				t.Errorf("shard %d of %v, want %d of %v", c.Discord.ShardID, c.Discord.ShardCount, tt.wantID, tt.wantCount)
			}
		})
	}
}

// TestValidateShards checks Validate on Configs made in code, which do
// not know where their values came from: the id is checked against the
// count alone.
func TestValidateShards(t *testing.T) {
	for _, tt := range []struct {
		id    int
		count ShardCount
		want  string
	}{
		{0, 1, ""},
		{1, 2, ""},
		{0, ShardCountAuto, ""},
		{1, 1, "discord.shard_id: must be less than discord.shard_count (1), got 1"},
		{2, ShardCountAuto, "discord.shard_id: must be 0 or left out with discord.shard_count auto, which runs every shard in this process, got 2"},
		{0, 0, "discord.shard_count: must be a whole number of at least 1, or auto, got 0"},
		{0, -5, "discord.shard_count: must be a whole number of at least 1, or auto, got -5"},
	} {
		c := Default()
		c.Discord.ShardID, c.Discord.ShardCount = tt.id, tt.count
		if got := relative("", c.Validate()); (tt.want == "" && got != "<nil>") || (tt.want != "" && got != tt.want) {
			t.Errorf("shard %d of %d: Validate() = %s, want %q", tt.id, tt.count, got, tt.want)
		}
	}
}

// TestShardCountPrinted checks how config check and JSON show the count:
// auto as the word, a number as a number.
func TestShardCountPrinted(t *testing.T) {
	c := Default()
	c.Discord.ShardCount = ShardCountAuto
	var b bytes.Buffer
	if err := c.Write(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "  shard_count: auto\n") {
		t.Errorf("Write() lacks shard_count: auto:\n%s", b.String())
	}
	for count, want := range map[ShardCount]string{ShardCountAuto: `"shard_count":"auto"`, 4: `"shard_count":4`} {
		c.Discord.ShardCount = count
		j, err := json.Marshal(c.Discord)
		if err != nil || !strings.Contains(string(j), want) {
			t.Errorf("JSON of count %v: %s (%v), want %s", count, j, err, want)
		}
	}
}

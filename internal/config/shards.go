package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ShardCount is discord.shard_count: how many shards the bot's gateway
// connections split its guilds into, or [ShardCountAuto]. It is written
// and read as a whole number or the word auto.
type ShardCount int

// ShardCountAuto is the shard_count "auto": as many shards as Discord
// recommends (GET /gateway/bot), all run by this process.
const ShardCountAuto ShardCount = -1

// shardCountAutoText is how [ShardCountAuto] is written.
const shardCountAutoText = "auto"

// IsAuto reports whether the count is [ShardCountAuto].
func (n ShardCount) IsAuto() bool { return n == ShardCountAuto }

// String returns "auto" or the number.
func (n ShardCount) String() string {
	if n.IsAuto() {
		return shardCountAutoText
	}
	return strconv.Itoa(int(n))
}

// MarshalYAML implements the YAML Marshaler interface: the word auto, or
// a number.
func (n ShardCount) MarshalYAML() (any, error) {
	if n.IsAuto() {
		return shardCountAutoText, nil
	}
	return int(n), nil
}

// MarshalJSON implements [encoding/json.Marshaler]: the string "auto",
// or a number.
func (n ShardCount) MarshalJSON() ([]byte, error) {
	v, _ := n.MarshalYAML()
	return json.Marshal(v)
}

// parseShardCount reads a shard count: "auto" (in any case) or a whole
// number of at least 0 (0 is refused later, with the number shown).
func parseShardCount(s string) (ShardCount, bool) {
	if strings.EqualFold(s, shardCountAutoText) {
		return ShardCountAuto, true
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return 0, false
	}
	return ShardCount(v), true
}

// checkShardCount checks discord.shard_count.
func checkShardCount(n ShardCount) error {
	if n.IsAuto() || n >= 1 {
		return nil
	}
	return fmt.Errorf("must be %s, got %d", want("discord.shard_count", nil), n)
}

// checkShardID checks discord.shard_id against discord.shard_count: at
// least 0, below the count, 0 with auto (which runs every shard), and
// not given without the count (when the Config knows where its values
// came from, as [Load]'s do).
func (c *Config) checkShardID() error {
	id, n := c.Discord.ShardID, c.Discord.ShardCount
	given := func(key string) bool { return !c.Origin(key).IsDefault() }
	switch {
	case id < 0:
		return fmt.Errorf("must be %s, got %d", want("discord.shard_id", nil), id)
	case given("discord.shard_id") && !given("discord.shard_count"):
		return errors.New("given without discord.shard_count: set both (this process then runs shard shard_id " +
			"of shard_count), or neither, or shard_count: auto alone")
	case n.IsAuto() && id != 0:
		return fmt.Errorf("must be 0 or left out with discord.shard_count auto, which runs every shard in "+
			"this process, got %d", id)
	case n >= 1 && id >= int(n):
		return fmt.Errorf("must be less than discord.shard_count (%d), got %d", n, id)
	}
	return nil
}

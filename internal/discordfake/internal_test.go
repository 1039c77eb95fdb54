package discordfake

import "testing"

func TestIsDiscordHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"discord.com", true},
		{"DISCORD.COM", true},
		{"canary.discord.com", true},
		{"cdn.discordapp.com", true},
		{"media.discordapp.net", true},
		{"discord.gg", true},
		{"example.com", false},
		{"notdiscord.com", false},
		{"127.0.0.1", false},
	}
	for _, tc := range tests {
		if got := isDiscordHost(tc.host); got != tc.want {
			t.Errorf("isDiscordHost(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}

func TestSnowflakesIncrease(t *testing.T) {
	var g snowflakes
	prev := ""
	for range 1000 {
		id := g.next()
		if len(id) < len(prev) || (len(id) == len(prev) && id <= prev) {
			t.Fatalf("%s not after %s", id, prev)
		}
		prev = id
	}
}

package discordfake

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync/atomic"
	"time"
)

// discordEpochMs is the Discord snowflake epoch (2015-01-01T00:00:00Z) in Unix milliseconds.
const discordEpochMs = 1420070400000

// snowflakes generates unique, monotonically increasing Discord-style IDs
// whose embedded timestamp is the generation time.
type snowflakes struct {
	last atomic.Int64
}

// next returns a new snowflake ID as a decimal string.
func (g *snowflakes) next() string {
	for {
		last := g.last.Load()
		id := (time.Now().UnixMilli() - discordEpochMs) << 22
		if id <= last {
			id = last + 1
		}
		if g.last.CompareAndSwap(last, id) {
			return strconv.FormatInt(id, 10)
		}
	}
}

// randomHex returns n random bytes hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error.
	return hex.EncodeToString(b)
}

package plural

import "testing"

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 clients"}, {1, "1 client"}, {2, "2 clients"}, {16, "16 clients"}} {
		if got := Count(tt.n, "client", "clients"); got != tt.want {
			t.Errorf("Count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

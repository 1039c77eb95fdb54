package editdist

import (
	"fmt"
	"testing"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"guatemala", "guatemala", 2, 0},
		{"gautemala", "guatemala", 2, 1}, // transposition
		{"blinkn", "blinken", 2, 1},      // omission
		{"goverment", "government", 2, 1},
		{"minster", "minister", 2, 1},
		{"opportunity", "oportunidad", 2, 3}, // past the limit: limit+1
		{"martinez", "martínez", 2, 1},       // runes, not bytes
		{"ab", "ba", 1, 1},
		{"", "abc", 2, 3},
		{"kitten", "sitting", 3, 3},
		{"answer.tpo", "answer.top", 2, 1},
		{"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxzy", 2, 1}, // longer than the stack rows
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func ExampleDistance() {
	fmt.Println(Distance("gautemala", "guatemala", 2))
	fmt.Println(Distance("opportunity", "oportunidad", 2))
	// Output:
	// 1
	// 3
}

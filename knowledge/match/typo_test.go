package match

import (
	"slices"
	"testing"
)

// TestDeletionTable checks the table against the plain map of deletions
// it replaces: the same words under the same deletions, for words with
// repeated letters, accents and short ones.
func TestDeletionTable(t *testing.T) {
	words := []string{"ab", "abc", "aabb", "banana", "bannana", "canción", "migration", "migrations", "ñandú", "ooooo", "tree", "trees"}
	slices.Sort(words)
	want := map[string][]int32{}
	for i, w := range words {
		if len(w) < 4 {
			continue
		}
		for _, d := range deletions(w) {
			want[d] = append(want[d], int32(i))
		}
	}
	tab := newDeletionTable(words)
	if len(tab.key) != len(want) {
		t.Errorf("%d deletions, want %d", len(tab.key), len(want))
	}
	for d, ws := range want {
		if got := tab.wordsOf(d); !slices.Equal(got, ws) {
			t.Errorf("wordsOf(%q) = %v, want %v", d, got, ws)
		}
	}
	if got := tab.wordsOf("zzz"); got != nil {
		t.Errorf("wordsOf(zzz) = %v, want none", got)
	}
}

package match

import (
	"slices"
	"unicode/utf8"
)

// deletionTable finds the known words one deleted letter away from a
// string: it holds each string made by deleting one letter of a known word
// of four letters or more, with the words it comes from. Typo correction
// looks up the deletions of an unknown word in it.
//
// It is built with few allocations, which a corpus of 100,000 facts and
// its tens of thousands of words feels at every load: the keys are
// substrings of one string holding them all, and the words of each key a
// range of one slice.
type deletionTable struct {
	key   map[string]int32 // a deletion → its number
	start []int32          // deletion k's words are words[start[k]:start[k+1]]
	words []int32          // into the sorted words, ascending for each key
}

// newDeletionTable builds the table of the sorted words.
func newDeletionTable(sorted []string) deletionTable {
	var buf []byte
	var ends, owners []int32 // each deletion's end in buf, and its word
	for i, w := range sorted {
		if len(w) < 4 {
			continue
		}
		prev := utf8.RuneError
		for at, r := range w {
			if at > 0 && r == prev {
				continue // deleting either of two equal letters makes the same string
			}
			prev = r
			buf = append(buf, w[:at]...)
			buf = append(buf, w[at+utf8.RuneLen(r):]...)
			ends = append(ends, int32(len(buf)))
			owners = append(owners, int32(i))
		}
	}
	all := string(buf)
	t := deletionTable{key: make(map[string]int32, len(ends))}
	ids := make([]int32, len(ends))
	var counts []int32
	from := int32(0)
	for j, end := range ends {
		k := all[from:end]
		from = end
		id, ok := t.key[k]
		if !ok {
			id = int32(len(counts))
			t.key[k] = id
			counts = append(counts, 0)
		}
		ids[j] = id
		counts[id]++
	}
	t.start = make([]int32, len(counts)+1)
	for id, n := range counts {
		t.start[id+1] = t.start[id] + n
	}
	next := slices.Clone(t.start[:len(counts)])
	t.words = make([]int32, len(ends))
	for j, id := range ids {
		t.words[next[id]] = owners[j]
		next[id]++
	}
	return t
}

// wordsOf returns the words (into the sorted words) that deleting one
// letter turns into d.
func (t *deletionTable) wordsOf(d string) []int32 {
	k, ok := t.key[d]
	if !ok {
		return nil
	}
	return t.words[t.start[k]:t.start[k+1]]
}

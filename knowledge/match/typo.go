package match

import (
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/agreementbot/agreementbot/internal/editdist"
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

// wordLevels holds how common each word of a language's dictionary is:
// its SCOWL size (see lang/en/levels.txt), 10 for the most common words up
// to 50. A size stands for a frequency rank, which is what typo correction
// weighs a word by. The sizes are kept beside the dictionary, one byte a
// word, in its order.
type wordLevels struct {
	words, names []uint8 // the size of each word of the words and names; 0 for none
	// lnRank is the log of the frequency rank each size stands for: the
	// rank of the middle word of that size when the words are ordered by
	// size. lnUnlisted is the rank of a word without a size.
	lnRank     [math.MaxUint8 + 1]float64
	lnUnlisted float64
}

// readWordLevels reads the "word size" lines of a language's frequency
// table, sorted, for the words of its dictionary. A missing file is an
// empty table: not every language has one.
func readWordLevels(fsys fs.FS, name string, words, names dictionary) (wordLevels, error) {
	lines, err := listLines(fsys, name)
	if err != nil || lines == nil { // a missing file: an empty table
		return wordLevels{}, err
	}
	t := wordLevels{words: make([]uint8, len(words)), names: make([]uint8, len(names))}
	var counts [math.MaxUint8 + 1]int
	prev, i, j := "", 0, 0 // the lines and both dictionaries are sorted: walk them together
	for _, ln := range lines {
		n, line := ln.n, ln.text
		w, size, ok := strings.Cut(line, " ")
		l, err := strconv.ParseUint(size, 10, 8)
		if !ok || err != nil || l == 0 {
			return wordLevels{}, fmt.Errorf("%s:%d: %q is not a word and its size", name, n, line)
		}
		if w <= prev {
			return wordLevels{}, fmt.Errorf("%s:%d: %q is out of order", name, n, w)
		}
		prev = w
		for i < len(words) && words[i] < w {
			i++
		}
		for j < len(names) && names[j] < w {
			j++
		}
		isWord, isName := i < len(words) && words[i] == w, j < len(names) && names[j] == w
		if !isWord && !isName {
			return wordLevels{}, fmt.Errorf("%s:%d: %q is not in the dictionary", name, n, w)
		}
		if isWord {
			t.words[i] = uint8(l)
		}
		if isName {
			t.names[j] = uint8(l)
		}
		counts[l]++
	}
	below := 0
	for l, n := range counts {
		t.lnRank[l] = math.Log(float64(below) + float64(n+1)/2)
		below += n
	}
	t.lnUnlisted = math.Log(2 * float64(below+1))
	return t, nil
}

// size returns w's SCOWL size, 0 for a word without one.
func (l *language) size(w string) int {
	if i, ok := slices.BinarySearch(l.words, w); ok && l.levels.words[i] != 0 {
		return int(l.levels.words[i])
	}
	if i, ok := slices.BinarySearch(l.names, w); ok && l.levels.names[i] != 0 {
		return int(l.levels.names[i])
	}
	return 0
}

// rank returns the log of w's frequency rank.
func (l *language) rank(w string) float64 {
	if s := l.size(w); s != 0 {
		return l.levels.lnRank[s]
	}
	return l.levels.lnUnlisted
}

// A question's word that is a real word but one no fact has may still be
// a typo of a word the facts have: "meting" for "meeting", "Miler" for
// "Miller". realWordFix weighs the two readings as a noisy channel: the
// log odds of the source word c over the word w as typed are
//
//	ln rank(w) − ln rank(c)   how much commoner c is (lang/en/levels.txt)
//	+ the edit's odds         what one edit of c into w costs, knowing c is
//	                          in the sources and w is not (below)
//	+ contextOdds             when a fact has c beside the question's
//	                          neighbouring word ("Stephen Miller")
//
// and c replaces w when they are positive. The odds were fitted on the
// project's dev questions and SQuAD (see lang/README.md): on its own, a
// source word wins only when a doubled letter is all that differs and it is
// the commoner word; other edits need the context too, so that "posed"
// stays "posed" and "want" never becomes "wait".
const (
	doubledOdds    = 0.0  // a letter doubled or undoubled: "meting", "Miler"
	transposedOdds = -2.0 // two neighbouring letters swapped
	editOdds       = -3.5 // any other one edit
	contextOdds    = 5.0
	// minRealWordTypo is the shortest real word taken for a typo.
	minRealWordTypo = 4
	// maxContextFacts bounds the facts read for a word's context.
	maxContextFacts = 32
)

// realWordFix returns the word of the facts that the i'th word, a real
// word no fact has, likelier stands for, one edit away, or nothing to keep
// it as written. An acronym, or a Spanish word typed with its accent, is
// kept.
func (p *queryParser) realWordFix(i int) ([]string, int) {
	ix, t := p.ix, p.toks[i]
	w := t.lower
	if t.upper || p.accented[w] || utf8.RuneCountInString(w) < minRealWordTypo || utf8.RuneCountInString(w) > maxTypoLength {
		return nil, 0
	}
	en := languages()[langEN]
	lnW := en.rank(w)
	best, bestOdds := "", 0.0
	for _, c := range ix.oneEditAway(w) {
		odds := lnW - en.rank(c) + channelOdds(w, c)
		if odds+contextOdds > bestOdds && p.inContext(i, c) {
			odds += contextOdds
		}
		if odds > bestOdds {
			best, bestOdds = c, odds
		}
	}
	if best == "" {
		return nil, 0
	}
	return []string{best}, 1
}

// oneEditAway returns the words the facts have one edit from w, in order.
func (ix *Index) oneEditAway(w string) []string {
	var out []string
	add := func(c string) {
		if ix.words[c] > 0 && !slices.Contains(out, c) && editdist.Distance(w, c, 1) == 1 {
			out = append(out, c)
		}
	}
	for _, i := range ix.deletions.wordsOf(w) {
		add(ix.sorted[i]) // w with a letter more
	}
	for _, d := range deletions(w) {
		add(d) // w with a letter less
		for _, i := range ix.deletions.wordsOf(d) {
			add(ix.sorted[i]) // w with a letter changed, or two swapped
		}
	}
	slices.Sort(out)
	return out
}

// channelOdds returns the log odds the edit from c to w adds.
func channelOdds(w, c string) float64 {
	a, b := []rune(w), []rune(c)
	switch {
	case len(a)+1 == len(b) && doubledIn(a, b), len(b)+1 == len(a) && doubledIn(b, a):
		return doubledOdds
	case len(a) == len(b) && transposed(a, b):
		return transposedOdds
	}
	return editOdds
}

// doubledIn reports whether long is short with one letter written twice.
func doubledIn(short, long []rune) bool {
	i := 0
	for i < len(short) && short[i] == long[i] {
		i++
	}
	twice := i > 0 && long[i] == long[i-1] || i+1 < len(long) && long[i] == long[i+1]
	return twice && slices.Equal(short[i:], long[i+1:])
}

// transposed reports whether a is b with two neighbouring letters swapped.
func transposed(a, b []rune) bool {
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && slices.Equal(a[i+2:], b[i+2:])
}

// inContext reports whether a fact has c right beside the word next to the
// i'th word of the question, on the same side: "Stephen Miler" finds the
// facts' "Stephen Miller". Stop words and numbers are no context.
func (p *queryParser) inContext(i int, c string) bool {
	for _, j := range []int{i - 1, i + 1} {
		if j >= 0 && j < len(p.toks) && !p.toks[j].stop && !p.toks[j].num && p.ix.adjacent(c, p.toks[j], j > i) {
			return true
		}
	}
	return false
}

// adjacent reports whether a fact has the word c right before the word of
// token n (or right after it, when before is false). It reads the facts
// that have both, at most maxContextFacts of them.
func (ix *Index) adjacent(c string, n token, before bool) bool {
	ni, ok := ix.termIDs[n.key]
	if !ok {
		return false
	}
	ci, ok := ix.termIDs[ix.an.makeToken(c, false).key]
	if !ok {
		return false
	}
	a, b := ix.postings[ci], ix.postings[ni]
	read := 0
	for x, y := 0, 0; x < len(a) && y < len(b) && read < maxContextFacts; {
		switch {
		case a[x].doc < b[y].doc:
			x++
		case a[x].doc > b[y].doc:
			y++
		default:
			if ix.hasPair(a[x].doc, c, n.key, before) {
				return true
			}
			read++
			x, y = x+1, y+1
		}
	}
	return false
}

// hasPair reports whether fact d has the word c followed by a word of key
// (or preceded by one, when before is false), in the text matching reads.
func (ix *Index) hasPair(d int32, c, key string, before bool) bool {
	toks := ix.an.tokens(ix.corpus.Facts[d].Clean)
	for k := 1; k < len(toks); k++ {
		first, second := toks[k-1], toks[k]
		if before && first.lower == c && second.key == key || !before && first.key == key && second.lower == c {
			return true
		}
	}
	return false
}

package match

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/agreementbot/agreementbot/knowledge"
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

// TestRealWordTypos checks that a real word no fact has is read as the
// word of the facts the asker likelier meant, and only then: when that
// word is commoner and a doubled letter away, or has the question's
// neighbouring word beside it in a fact.
func TestRealWordTypos(t *testing.T) {
	tests := []struct {
		name, source, question string
		word, want             string // the question's word, and how it is read
	}{
		{"meting for the meeting the sources hold", "The ministers held a meeting in Washington.",
			"where was the meting held", "meting", "meeting"},
		{"Miler for the name Miller, beside Stephen", "Stephen Miller described large-scale facilities.",
			"what facilities did Stephen Miler describe", "miler", "miller"},
		{"Miler for Miller, a doubled letter alone", "The adviser Miller described large-scale facilities.",
			"Miler deportation", "miler", "miller"},
		{"serf for surf, beside famous", "California has some famous surf breaks.",
			"which famous serf breaks", "serf", "surf"},
		{"posed stays posed though the sources hold posted", "The results were posted online by the ministry.",
			"what problems were posed by the ministry", "posed", "posed"},
		{"want stays want though the sources hold wait", "Migrants wait at the border for weeks.",
			"what does Biden want at the border", "want", "want"},
		{"later stays later, commoner than latter", "The latter group reached the border.",
			"what did the group do later", "later", "later"},
		{"serf stays serf without the context", "California has some surf and sun.",
			"which famous serf breaks", "serf", "serf"},
		{"meting stays meting when the sources hold it", "The court is meting out a sentence after the meeting.",
			"who is meting out sentences", "meting", "meting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parseForTest("a.md", tt.source+"\n\nThe weather in the capital was mild.\n")
			if err != nil {
				t.Fatal(err)
			}
			c := &knowledge.Corpus{Vocabulary: &knowledge.Vocabulary{}}
			c.Add(doc)
			pq := NewIndex(c).parseQuery(tt.question)
			if !slices.Contains(pq.words, tt.want) || tt.want != tt.word && slices.Contains(pq.words, tt.word) {
				t.Errorf("%q reads as %v: want %q for %q", tt.question, pq.words, tt.want, tt.word)
			}
		})
	}
}

// TestChannelOdds checks how an edit is told: a doubled letter, two
// letters swapped, or any other edit.
func TestChannelOdds(t *testing.T) {
	tests := []struct {
		w, c string
		want float64
	}{
		{"meting", "meeting", doubledOdds},
		{"miler", "miller", doubledOdds},
		{"comming", "coming", doubledOdds},
		{"latter", "later", doubledOdds},
		{"meters", "metres", transposedOdds},
		{"trial", "trail", transposedOdds},
		{"posed", "posted", editOdds},
		{"serf", "surf", editOdds},
		{"median", "media", editOdds},
		{"bat", "baa", editOdds},
		{"baa", "bat", editOdds},
		{"señor", "senor", editOdds},
	}
	for _, tt := range tests {
		if got := channelOdds(tt.w, tt.c); got != tt.want {
			t.Errorf("channelOdds(%q, %q) = %v, want %v", tt.w, tt.c, got, tt.want)
		}
	}
}

// TestWordLevels checks the embedded frequency table: every word of the
// English dictionary has a size, commoner words rank first, and a bad table
// is refused.
func TestWordLevels(t *testing.T) {
	en := languages()[langEN]
	for _, d := range []dictionary{en.words, en.names} {
		for _, w := range d {
			if en.size(w) == 0 {
				t.Fatalf("%q has no size in levels.txt", w)
			}
		}
	}
	for _, pair := range [][2]string{{"meeting", "meting"}, {"want", "posed"}, {"posed", "meting"}, {"miller", "miler"}, {"miler", "zzzz"}} {
		if !(en.rank(pair[0]) < en.rank(pair[1])) {
			t.Errorf("%q does not rank before %q", pair[0], pair[1])
		}
	}
	words, names := dictionary{"miller", "want"}, dictionary{"miller", "stephen"}
	good, err := readWordLevels(fstest.MapFS{"levels.txt": {Data: []byte("# sizes\nmiller 35\nstephen 50\nwant 10\n")}}, "levels.txt", words, names)
	if err != nil || !slices.Equal(good.words, []uint8{35, 10}) || !slices.Equal(good.names, []uint8{35, 50}) {
		t.Errorf("read %v %v, %v; want words 35 10, names 35 50", good.words, good.names, err)
	}
	for _, bad := range []string{"want\n", "want x\n", "want 0\n", "want 300\n", "zzz 10\n", "want 10\nwant 20\n", "want 10\nmiller 35\n"} {
		if _, err := readWordLevels(fstest.MapFS{"levels.txt": {Data: []byte(bad)}}, "levels.txt", words, names); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

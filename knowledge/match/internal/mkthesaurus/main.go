package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

func main() {
	senses := flag.Int("senses", 2, "the first `N` senses of each word count")
	size := flag.Int("size", 50, "the largest SCOWL `SIZE` (levels.txt) of a word kept")
	flag.Parse()
	if flag.NArg() != 2 {
		log.Fatal("usage: mkthesaurus [-senses N] [-size SIZE] WORDNET-DIR LEVELS-FILE")
	}
	levels, err := readLevels(flag.Arg(1))
	if err != nil {
		log.Fatal(err)
	}
	th := thesaurus{}
	for _, pos := range []string{"noun", "verb", "adj", "adv"} {
		if err := th.add(flag.Arg(0), pos, *senses, func(w string) bool { return plain(w) && levels[w] > 0 && levels[w] <= *size }); err != nil {
			log.Fatal(err)
		}
	}
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, header, *senses, *size)
	th.write(w)
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
}

// header opens the file: what it is, how it was made, and WordNet's
// licence, which must appear on all copies.
const header = `# English synonyms: "word: synonym, synonym". A question's word also
# matches its synonyms, weakly. Made by knowledge/match/internal/mkthesaurus
# (-senses %d -size %d) from WordNet 3.0 (Debian's wordnet-base): two words
# are synonyms when they share a synset among the first senses of each.
#
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
#
# Permission to use, copy, modify and distribute this software and database
# and its documentation for any purpose and without fee or royalty is hereby
# granted, provided that you agree to comply with the following copyright
# notice and statements, including the disclaimer, and that the same appear
# on ALL copies of the software, database and documentation, including
# modifications that you make for internal use or for distribution.
#
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY
# MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF
# EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS
# OR WARRANTIES OF MERCHANTABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR
# THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL NOT
# INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS.
#
# The name of Princeton University or Princeton may not be used in
# advertising or publicity pertaining to distribution of the software and/or
# database. Title to copyright in this software, database and any associated
# documentation shall at all times remain with Princeton University and
# LICENSEE agrees to preserve same.
`

// thesaurus maps a word to its synonyms.
type thesaurus map[string]map[string]bool

// add adds the synonyms of one part of speech: every pair of words keep
// accepts that share a synset among the first n senses of both.
func (th thesaurus) add(dir, pos string, n int, keep func(string) bool) error {
	senses, err := readIndex(filepath.Join(dir, "index."+pos))
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(dir, "data."+pos))
	if err != nil {
		return err
	}
	for word, offsets := range senses {
		if !keep(word) {
			continue
		}
		for _, off := range offsets[:min(n, len(offsets))] {
			for _, m := range members(data, off) {
				if rank := slices.Index(senses[m], off); m != word && keep(m) && rank >= 0 && rank < n {
					if th[word] == nil {
						th[word] = map[string]bool{}
					}
					th[word][m] = true
				}
			}
		}
	}
	return nil
}

// write writes one "word: synonym, synonym" line a word, sorted.
func (th thesaurus) write(w io.Writer) {
	words := make([]string, 0, len(th))
	for word := range th {
		words = append(words, word)
	}
	slices.Sort(words)
	for _, word := range words {
		var syns []string
		for s := range th[word] {
			syns = append(syns, s)
		}
		slices.Sort(syns)
		fmt.Fprintf(w, "%s: %s\n", word, strings.Join(syns, ", "))
	}
}

// plain reports whether w is one lower-case word of two letters or more.
func plain(w string) bool {
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return len(w) > 1
}

// readLevels reads levels.txt: "word size" lines.
func readLevels(path string) (map[string]int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, line := range strings.Split(string(raw), "\n") {
		if w, n, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") {
			out[w], _ = strconv.Atoi(n)
		}
	}
	return out, nil
}

// readIndex reads a WordNet index file: each lemma's synset offsets, in
// order of sense frequency.
func readIndex(path string) (map[string][]int64, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string][]int64{}
	for _, line := range strings.Split(string(raw), "\n") {
		fs := strings.Fields(line)
		if len(fs) < 6 || strings.HasPrefix(line, " ") {
			continue // the licence at the top, or the last line
		}
		pointers, err := strconv.Atoi(fs[3])
		if err != nil || len(fs) < 6+pointers {
			return nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		for _, o := range fs[6+pointers:] {
			v, err := strconv.ParseInt(o, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: bad offset in %q", path, line)
			}
			out[fs[0]] = append(out[fs[0]], v)
		}
	}
	return out, nil
}

// members returns the words of the synset at offset off of a data file,
// lower-cased, their adjective markers ("(a)") cut.
func members(data []byte, off int64) []string {
	rest := data[off:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	fs := strings.Fields(string(rest))
	n, _ := strconv.ParseInt(fs[3], 16, 64)
	var out []string
	for i := range int(n) {
		w := strings.ToLower(fs[4+2*i])
		if j := strings.IndexByte(w, '('); j >= 0 {
			w = w[:j]
		}
		out = append(out, w)
	}
	return out
}

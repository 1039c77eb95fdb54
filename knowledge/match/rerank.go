package match

import (
	"github.com/agreementbot/agreementbot/knowledge"
	"slices"
	"strings"
)

// rerankDepth is how many of the best candidates are looked at word by
// word: whether they hold the answer the question asks for. It covers the
// deepest page "More" can reach, so that every page is cut from the same
// reranked list and no fact shows twice or is skipped.
const rerankDepth = knowledge.MaxOffset + knowledge.MaxTop + 1

// rerank rescores the best candidates by what their words show, and
// returns the best n. A question that asks for a type (who, when, where,
// how many) is answered by a fact holding a span of that type that the
// question does not itself say: "Who ruled Normandy?" wants a name besides
// Normandy. (How close together a fact says the question's words was
// tried too, as a boost and as a feature of the confidence: it ranked no
// better on the development data, weighed almost nothing in the fitted
// model, and cost 15 µs a question to measure.)
func (ix *Index) rerank(pq query, top []hit, n int) []hit {
	want := wantFeature(pq.wants)
	terms := pq.termGroups()
	for i := range top {
		h := &top[i]
		h.typed = want != 0 && ix.hasNovelSpan(h.doc, want, terms)
		h.score = h.base
		switch {
		case h.typed:
			h.score *= 1 + wantBoost
		case want != 0:
			// "How many" answered by a fact without a number is no answer.
			h.coverage *= typeMismatchPenalty
		}
		if h.focused {
			h.score *= 1 + focusBoost
		}
	}
	slices.SortFunc(top, func(a, b hit) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	return top[:min(n, len(top))]
}

// termGroups maps each term id of the query to the index of its group.
func (pq query) termGroups() map[int32]int {
	out := make(map[int32]int, 3*len(pq.groups))
	for g, grp := range pq.groups {
		for _, t := range grp.terms {
			if _, ok := out[t.id]; !ok {
				out[t.id] = g
			}
		}
	}
	return out
}

// hasNovelSpan reports whether fact d holds a span of type want with a word
// the question does not have.
func (ix *Index) hasNovelSpan(d int32, want featureSet, terms map[int32]int) bool {
	for _, sp := range ix.forward.spansOf(d) {
		if sp.want&want != 0 && novel(ix.forward.spanTerms(sp), terms) {
			return true
		}
	}
	// The vocabulary's entities count too, though no span was seen.
	return len(ix.forward.spansOf(d)) == 0 && ix.feats[d]&want != 0
}

// novel reports whether ids has a word the question does not.
func novel(ids []int32, terms map[int32]int) bool {
	for _, id := range ids {
		if _, asked := terms[id]; id >= 0 && !asked {
			return true
		}
	}
	return false
}

// evidence returns the words of the spans of fact d that hold type want
// and say something the question does not, for explanations.
func (ix *Index) evidence(d int32, want featureSet, terms map[int32]int) []string {
	if want == 0 {
		return nil
	}
	toks := ix.an.tokens(ix.corpus.Facts[d].Clean)
	var out []string
	for _, sp := range ix.forward.spansOf(d) {
		if sp.want&want == 0 || int(sp.end) > len(toks) || !novel(ix.forward.spanTerms(sp), terms) {
			continue
		}
		words := make([]string, 0, sp.end-sp.start)
		for _, t := range toks[sp.start:sp.end] {
			words = append(words, t.lower)
		}
		out = append(out, strings.Join(words, " "))
	}
	return out
}

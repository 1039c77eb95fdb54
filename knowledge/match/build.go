package match

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Indexing a large corpus analyses its facts in parallel: workers analyse
// runs of whole sources (tasks) into batches that name their terms by ids
// of the worker's own, and one merger takes the batches in fact order into
// the index, giving each new term the next id. A term therefore gets its id
// where it first occurs in the facts, and every posting list its facts in
// order: the index is exactly what analysing the facts one by one makes.
// (A term a worker meets first was either met before by another worker,
// in facts already merged, or is met here first of all: the merger looks
// up a worker's new terms in the order it met them.)
//
// Only a source's start cuts the facts into tasks, as what a fact says
// depends on the sentences before it in its source (coreference, the
// previous sentence's terms) and on nothing before that.

// taskFacts is how many facts a task holds at least, unless the corpus
// ends first: the sources of a task are analysed by one worker in turn.
const taskFacts = 1000

// spread is how the analysis of a corpus is spread: over how many workers
// at most, in tasks of how many facts at least. Any spread gives the same
// index; tests try several.
type spread struct{ workers, taskFacts int }

// defaultSpread uses every processor the process may.
func defaultSpread() spread { return spread{runtime.GOMAXPROCS(0), taskFacts} }

// batchFacts is how many facts a batch holds at most: what a worker hands
// the merger at once.
const batchFacts = 256

// batchesAhead is how many batches of a task a worker may have analysed
// that the merger has not yet taken.
const batchesAhead = 2

// buildTask is a run of whole sources, facts [start, end), and the
// channel its batches go through, in order, to the merger.
type buildTask struct {
	start, end int
	out        chan *factBatch
}

// splitTasks cuts the facts into tasks of whole sources, of size or more
// facts each.
func splitTasks(facts []knowledge.Fact, size int) []*buildTask {
	var tasks []*buildTask
	start := 0
	for i := 1; i <= len(facts); i++ {
		if i == len(facts) || i-start >= size && facts[i].Citation.SourceID != facts[i-1].Citation.SourceID {
			tasks = append(tasks, &buildTask{start: start, end: i, out: make(chan *factBatch, batchesAhead)})
			start = i
		}
	}
	return tasks
}

// newTerm is a term by the worker's id for it.
type newTerm struct {
	id   int32
	term string
}

// localPosting is a term of one fact, by the worker's id for it.
type localPosting struct {
	id int32
	st termStat
}

// factBatch is what a worker found in facts [first, first+len(lengths)).
type factBatch struct {
	first  int
	worker int
	// newTerms are the terms the worker first added to a fact in this
	// batch, in the order it added them.
	newTerms []newTerm
	// Each fact's terms are entries[entryEnd[k-1]:entryEnd[k]].
	entries  []localPosting
	entryEnd []int32
	// Each fact's typed spans are spans[spanEnd[k-1]:spanEnd[k]], the term
	// ids of their words in order in spanTerms (-1 for a stop word).
	spans     []typeSpan
	spanEnd   []int32
	spanTerms []int32
	feats     []featureSet
	lengths   []float32
}

// reset empties b for facts from first on, by worker, keeping its buffers.
func (b *factBatch) reset(first, worker int) {
	*b = factBatch{
		first: first, worker: worker,
		entries: b.entries[:0], entryEnd: b.entryEnd[:0],
		spans: b.spans[:0], spanEnd: b.spanEnd[:0], spanTerms: b.spanTerms[:0],
		feats: b.feats[:0], lengths: b.lengths[:0],
	}
}

// analyseFacts analyses every fact of the index's corpus into its terms,
// postings, features, forward index and words, spreading the work as sp
// says, and returns each fact's length in words. It stops with ctx's error
// when ctx ends. A panic in a worker is raised again here, on the caller's
// goroutine.
func (ix *Index) analyseFacts(ctx context.Context, sp spread) ([]float32, error) {
	tasks := splitTasks(ix.corpus.Facts, sp.taskFacts)
	workers := max(1, min(sp.workers, len(tasks)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := pool{tasks: tasks, slots: make(chan struct{}, workers+1), free: make(chan *factBatch, workers*(batchesAhead+2))}
	analysers := make([]*factAnalyser, workers)
	var wg sync.WaitGroup
	for k := range analysers {
		analysers[k] = newFactAnalyser(ix, k, p.free)
		wg.Go(func() { p.work(ctx, cancel, analysers[k]) })
	}
	m := merger{ix: ix, lengths: make([]float32, len(ix.corpus.Facts)), ids: make([][]int32, workers)}
	err := m.mergeAll(ctx, tasks, p.slots, p.free)
	cancel()
	wg.Wait()
	if r := p.panicked.Load(); r != nil {
		panic(r.value)
	}
	if err != nil {
		return nil, err
	}
	for _, w := range analysers {
		for word, f := range w.cache.forms {
			ix.an.stems[word] = f
		}
		for _, wt := range w.words {
			if wt.count > 0 {
				ix.words[wt.lower] += wt.count
			}
		}
	}
	return m.lengths, nil
}

// pool hands the tasks, in order, to the workers. A worker takes a slot
// before its next task and the merger frees it when it has taken the
// task's last batch, so that workers run no more than len(slots) tasks
// ahead of the merger.
type pool struct {
	tasks    []*buildTask
	next     atomic.Int64
	slots    chan struct{}
	free     chan *factBatch // batches the merger is done with, for reuse
	panicked atomic.Pointer[panicValue]
}

// panicValue is what a worker panicked with.
type panicValue struct{ value any }

// work runs tasks with w until there are none left or ctx ends. A panic
// is kept for analyseFacts and ends the build.
func (p *pool) work(ctx context.Context, cancel context.CancelFunc, w *factAnalyser) {
	defer func() {
		if r := recover(); r != nil {
			p.panicked.CompareAndSwap(nil, &panicValue{r})
			cancel()
		}
	}()
	for {
		select {
		case p.slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		j := p.next.Add(1) - 1
		if j >= int64(len(p.tasks)) || !w.run(ctx, p.tasks[j]) {
			return
		}
	}
}

// factAnalyser is one worker's state: the analysis of the facts of its
// current task so far, and buffers reused from fact to fact.
type factAnalyser struct {
	ix     *Index // read only
	worker int
	free   <-chan *factBatch
	cache  *wordCache
	// local gives the terms the worker's ids; terms are the terms by id,
	// and added tells those added to a fact yet. fresh holds the terms
	// first added in the current batch, in the order they were.
	local map[string]int32
	terms []string
	added []bool
	fresh []newTerm
	// words are the term ids of each word the cache holds, by token.terms
	// less one, and the number of times it counts in Index.words.
	words []wordTerms
	bag   termBag
	prev  []localPosting // the previous fact's direct terms
	toks  []token
	ids   []int32
	co    coref
	// The source and paragraph of the previous fact, and whether it is
	// in the same paragraph as the current one.
	lastSource string
	lastPara   int
	hasPrev    bool
}

// wordTerms are the ids of a word's key and family (-1 for none), and how
// many times it counts in Index.words.
type wordTerms struct {
	key, fam int32
	lower    string
	count    int
}

func newFactAnalyser(ix *Index, worker int, free <-chan *factBatch) *factAnalyser {
	w := &factAnalyser{ix: ix, worker: worker, free: free, local: map[string]int32{}}
	w.cache = newWordCache(w.label)
	return w
}

// label gives the tokens of a new word their entries in w.words.
func (w *factAnalyser) label(toks []token) {
	for i := range toks {
		t := &toks[i]
		wt := wordTerms{key: w.termID(t.key), fam: -1, lower: t.lower}
		if t.fam != "" {
			wt.fam = w.termID(t.fam)
		}
		w.words = append(w.words, wt)
		t.terms = int32(len(w.words))
	}
}

// batch returns an empty batch for facts from first on, reusing one the
// merger is done with when there is one.
func (w *factAnalyser) batch(first int) *factBatch {
	select {
	case b := <-w.free:
		b.reset(first, w.worker)
		return b
	default:
		return &factBatch{first: first, worker: w.worker}
	}
}

// run analyses task t, handing its batches to the merger in order. It
// reports false when ctx ended first.
func (w *factAnalyser) run(ctx context.Context, t *buildTask) bool {
	defer close(t.out)
	for i := t.start; i < t.end; {
		if ctx.Err() != nil {
			return false
		}
		b := w.batch(i)
		for ; i < t.end && i-b.first < batchFacts; i++ {
			w.fact(b, i, i == t.start)
		}
		b.newTerms, w.fresh = w.fresh, nil
		select {
		case t.out <- b:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// termID returns the worker's id for a term, adding it if new.
func (w *factAnalyser) termID(term string) int32 {
	if id, ok := w.local[term]; ok {
		return id
	}
	id := int32(len(w.terms))
	term = strings.Clone(term)
	w.local[term] = id
	w.terms = append(w.terms, term)
	w.added = append(w.added, false)
	return id
}

// addID counts term id, of strength s, in the current fact.
func (w *factAnalyser) addID(id int32, s float32) {
	if !w.added[id] {
		w.added[id] = true
		w.fresh = append(w.fresh, newTerm{id, w.terms[id]})
	}
	w.bag.add(id, s)
}

// add counts term, of strength s, in the current fact.
func (w *factAnalyser) add(term string, s float32) {
	w.addID(w.termID(term), s)
}

// addWord counts the key of t, and its family if it has one, of strength
// s, in the current fact.
func (w *factAnalyser) addWord(t *token, s float32) {
	if t.terms == 0 { // not from w.cache
		w.add(t.key, s)
		if t.fam != "" {
			w.add(t.fam, s)
		}
		return
	}
	wt := &w.words[t.terms-1]
	w.addID(wt.key, s)
	if wt.fam >= 0 {
		w.addID(wt.fam, s)
	}
}

// fact analyses fact i into b: its words, names, synonyms and word
// families, the entities its titles and pronouns refer to, and, weakly,
// the words of the sentence before it in the same paragraph. first is set
// for the first fact of a task, which starts a source.
func (w *factAnalyser) fact(b *factBatch, i int, first bool) {
	ix := w.ix
	f := &ix.corpus.Facts[i]
	if first || f.Citation.SourceID != w.lastSource {
		w.co = coref{named: map[string]bool{}}
		w.hasPrev = false
	} else if f.Citation.Paragraph != w.lastPara {
		w.hasPrev = false
	}
	w.lastSource, w.lastPara = f.Citation.SourceID, f.Citation.Paragraph

	lang := ix.sourceLang[f.Citation.SourceID]
	w.toks = ix.an.appendTokensIn(w.toks[:0], f.Clean, w.cache)
	ix.an.setLanguage(w.toks, lang)
	feats, spans := ix.an.docTerms(w, w.toks, &w.co, lang)
	if lang == langES {
		// A Spanish source is also matched by Spanish stems, so that any
		// form of a word finds it ("acordaron", "acordó").
		for _, t := range w.toks {
			if !t.stop && !t.num {
				w.add(ix.an.spanishKey(t), strengthDirect)
			}
		}
	}
	w.addSpans(b, spans)
	n := w.countWords()
	feats |= w.addExtras(f, lang)
	w.addContext(opensWithAnaphor(w.toks, lang))
	b.entries = append(b.entries, w.bag.list...)
	w.bag.reset()
	b.entryEnd = append(b.entryEnd, int32(len(b.entries)))
	b.feats = append(b.feats, feats)
	b.lengths = append(b.lengths, float32(max(n, 1)))
}

// addSpans records the current fact's typed spans with the ids of their
// words; spans past what a factSpan holds are dropped.
func (w *factAnalyser) addSpans(b *factBatch, spans []typeSpan) {
	w.ids = w.ids[:0]
	for _, t := range w.toks {
		id := int32(-1)
		switch {
		case t.stop:
		case t.terms != 0:
			id = w.words[t.terms-1].key
		default:
			id = w.termID(t.key)
		}
		w.ids = append(w.ids, id)
	}
	for _, sp := range spans {
		if sp.end <= math.MaxUint16 {
			b.spans = append(b.spans, sp)
			b.spanTerms = append(b.spanTerms, w.ids[sp.start:sp.end]...)
		}
	}
	b.spanEnd = append(b.spanEnd, int32(len(b.spans)))
}

// countWords counts the current fact's known words and returns its length
// in words.
func (w *factAnalyser) countWords() int {
	n := 0
	for _, t := range w.toks {
		if !t.stop {
			n++
			if !t.num && len(t.lower) >= 3 {
				w.words[t.terms-1].count++
			}
		}
	}
	return n
}

// addExtras adds the terms of fact f beyond its text: its phrasings, a
// caption's credit, and the words of its kind; it returns the features
// they add.
func (w *factAnalyser) addExtras(f *knowledge.Fact, lang int) featureSet {
	an := w.ix.an
	var feats featureSet
	for _, p := range f.Phrasings {
		pf, _ := an.docTerms(w, an.tokensIn(p, w.cache), &w.co, lang)
		feats |= pf
	}
	if f.Kind == knowledge.KindCaption && f.Citation.Credit != "" {
		// "AFP – STRINGER" is not in a caption's words but answers "who
		// took the photo?".
		cf, _ := an.docTerms(w, an.tokensIn(f.Citation.Credit, w.cache), &w.co, lang)
		feats |= cf
	}
	for _, term := range an.kindTerms[f.Kind] {
		w.add(term, strengthAnaphor)
	}
	return feats
}

// addContext adds, weakly, the direct terms of the sentence before the
// current fact in its paragraph that are names or titles, and keeps the
// current fact's direct terms for the next. anaphoric is set when the fact
// opens with a word that points back.
func (w *factAnalyser) addContext(anaphoric bool) {
	if w.hasPrev {
		s := float32(strengthContext)
		if anaphoric {
			s = strengthAnaphor
		}
		for _, e := range w.prev {
			if !w.bag.has(e.id) && e.st.s >= strengthTitle {
				w.bag.put(localPosting{id: e.id, st: termStat{tf: 1, s: -s}}) // negative: not a direct term
			}
		}
	}
	w.prev = w.prev[:0]
	for k := range w.bag.list {
		e := &w.bag.list[k]
		if e.st.s < 0 {
			e.st.s = -e.st.s
			continue
		}
		w.prev = append(w.prev, *e)
	}
	w.hasPrev = true
}

// termBag is the terms of one fact with their frequencies and strengths,
// in the order they were first added.
type termBag struct {
	at   []int32 // by term id: the term's place in list plus one, or 0
	list []localPosting
}

// add counts one more occurrence of term id at strength s.
func (b *termBag) add(id int32, s float32) {
	if int(id) < len(b.at) {
		if k := b.at[id]; k != 0 {
			e := &b.list[k-1]
			e.st.tf++
			e.st.s = max(e.st.s, s)
			return
		}
	}
	b.put(localPosting{id: id, st: termStat{tf: 1, s: max(0, s)}})
}

// has reports whether term id is in the bag.
func (b *termBag) has(id int32) bool {
	return int(id) < len(b.at) && b.at[id] != 0
}

// put adds a term that is not in the bag.
func (b *termBag) put(e localPosting) {
	for int(e.id) >= len(b.at) {
		b.at = append(b.at, make([]int32, len(b.at)+64)...)
	}
	b.list = append(b.list, e)
	b.at[e.id] = int32(len(b.list))
}

// reset empties the bag.
func (b *termBag) reset() {
	for _, e := range b.list {
		b.at[e.id] = 0
	}
	b.list = b.list[:0]
}

// merger takes the workers' batches into the index in fact order.
type merger struct {
	ix      *Index
	lengths []float32
	ids     [][]int32 // by worker, the index's id of each of its terms
}

// mergeAll takes the batches of every task in turn, freeing a slot after
// each task, until all are in or ctx ends. It hands the batches it is
// done with to free.
func (m *merger) mergeAll(ctx context.Context, tasks []*buildTask, slots chan struct{}, free chan<- *factBatch) error {
	for _, t := range tasks {
		for done := false; !done; {
			select {
			case b, ok := <-t.out:
				if !ok {
					done = true
					break
				}
				m.take(b)
				select {
				case free <- b:
				default:
				}
			case <-ctx.Done():
				return fmt.Errorf("index the sources: %w", ctx.Err())
			}
		}
		<-slots
	}
	return nil
}

// take adds batch b to the index.
func (m *merger) take(b *factBatch) {
	ix := m.ix
	ids := m.ids[b.worker]
	for _, t := range b.newTerms {
		if n := int(t.id) + 1 - len(ids); n > 0 {
			ids = append(ids, make([]int32, n)...)
		}
		ids[t.id] = ix.termID(t.term)
	}
	m.ids[b.worker] = ids
	var entry, span, spanTerm int32
	for k, end := range b.entryEnd {
		i := b.first + k
		ix.byID[ix.corpus.Facts[i].ID] = i
		for _, e := range b.entries[entry:end] {
			id := ids[e.id]
			ix.postings[id] = append(ix.postings[id], posting{doc: int32(i), w: e.st.tf, s: e.st.s})
		}
		entry = end
		spanTerm = m.addForward(b, ids, span, b.spanEnd[k], spanTerm)
		span = b.spanEnd[k]
		ix.feats[i] = b.feats[k]
		m.lengths[i] = b.lengths[k]
	}
}

// addForward adds one fact's spans, b.spans[from:to], to the forward
// index, with their words' term ids from b.spanTerms[at:], mapped by ids
// to the index's; it returns
// where the next fact's span terms start.
func (m *merger) addForward(b *factBatch, ids []int32, from, to, at int32) int32 {
	fw := &m.ix.forward
	if len(fw.spanAt) == 0 {
		fw.spanAt = []uint32{0}
	}
	for _, sp := range b.spans[from:to] {
		fw.spans = append(fw.spans, factSpan{uint16(sp.start), uint16(sp.end), sp.want, uint32(len(fw.terms))})
		for _, id := range b.spanTerms[at : at+int32(sp.end-sp.start)] {
			if id >= 0 {
				id = ids[id]
			}
			fw.terms = append(fw.terms, id)
		}
		at += int32(sp.end - sp.start)
	}
	fw.spanAt = append(fw.spanAt, uint32(len(fw.spans)))
	return at
}

package match

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io/fs"
	"math"
	"math/bits"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"

	"github.com/agreementbot/agreementbot/knowledge"
)

// analysisVersion is the version of the analysis whose results a store
// keeps (see Load). Bump it with any change that makes Build find other
// terms, strengths, lengths, answer spans, source languages, words or
// stems for the same corpus and vocabulary: to the tokenizer, the
// stemming, the word families, the phrases, coreference, the answer-type
// reader, kindWords, or internal/fold. Stores made before are then
// analysed again on load instead of being trusted. TestAnalysisGolden
// fails when the analysis of the article changes, as a reminder.
const analysisVersion = 3

// preparedFormat is the version of the encoding of the prepared sections.
const preparedFormat = 1

// stemmerModule is the module whose stemmers the analysis uses: its
// version is part of the fingerprint.
const stemmerModule = "github.com/kljensen/snowball"

// ErrNotPrepared is wrapped by Load's error when the prepared form it is
// given cannot be used: there is none, it was made by another analysis or
// from other facts, or it is damaged. The caller then analyses the corpus
// with Build.
var ErrNotPrepared = errors.New("no usable prepared index")

// The sections of a prepared index, in order.
const (
	sectionHeader   = "header"   // preparedHeader, as JSON
	sectionSources  = "sources"  // each source's language
	sectionTerms    = "terms"    // the terms, by id
	sectionPostings = "postings" // each term's facts, term frequencies and strengths
	sectionFacts    = "facts"    // each fact's length in words and answer-type features
	sectionForward  = "forward"  // each fact's typed spans and their words' term ids
	sectionWords    = "words"    // the known words, sorted, with counts and stems
)

// preparedHeader describes the sections that follow it: what made them,
// from which facts, how many of each thing they hold, and their checksums.
type preparedHeader struct {
	Format    int       `json:"format"`
	Analysis  int       `json:"analysis"`
	Corpus    string    `json:"corpus"` // corpusDigest of the facts analysed
	Facts     int       `json:"facts"`
	Terms     int       `json:"terms"`
	Postings  int       `json:"postings"`
	Spans     int       `json:"spans"`
	SpanTerms int       `json:"span_terms"`
	Words     int       `json:"words"`
	Strengths []float32 `json:"strengths"` // the strengths postings refer to by index
	// CRC32C holds each other section's checksum (Castagnoli), by name.
	CRC32C map[string]uint32 `json:"crc32c"`
}

// Fingerprint identifies the analysis an index of a corpus with vocabulary
// v gets from this build: the analysis and format versions, the stemmer's
// version, the embedded word lists and the vocabulary. A prepared index
// made under another fingerprint is stale.
func Fingerprint(v *knowledge.Vocabulary) string {
	if v == nil {
		v = &knowledge.Vocabulary{}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fingerprint the vocabulary: %v", err)) // plain data: a build defect
	}
	h := sha256.New()
	h.Write([]byte(analysisDigest()))
	h.Write(raw)
	return "a" + strconv.Itoa(analysisVersion) + "-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// analysisDigest is the part of every fingerprint that is the same for
// any vocabulary: the versions and the embedded word lists. It is computed
// once, like the languages: hashing the word lists takes milliseconds.
var analysisDigest = sync.OnceValue(func() string { return analysisDigestOf(langFS) })

// analysisDigestOf is analysisDigest with the word lists under lang/ in
// fsys: every file there, read or not.
func analysisDigestOf(fsys fs.FS) string {
	h := sha256.New()
	fmt.Fprintf(h, "agreementbot analysis %d, format %d, stemmer %s\n", analysisVersion, preparedFormat, moduleVersion(stemmerModule))
	err := fs.WalkDir(fsys, "lang", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(fsys, name)
		fmt.Fprintf(h, "%s %d\n", name, len(raw))
		h.Write(raw)
		return err
	})
	if err != nil {
		panic(fmt.Sprintf("fingerprint the word lists: %v", err)) // embedded files: a build defect
	}
	return hex.EncodeToString(h.Sum(nil))
}

// moduleVersion returns the version of module path this binary was built
// with, "" when the binary does not record it.
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range info.Deps {
		if m.Path == path {
			if m.Replace != nil {
				return m.Replace.Path + "@" + m.Replace.Version
			}
			return m.Version
		}
	}
	return ""
}

// corpusDigest is a digest of everything of c the analysis reads, so that
// a prepared index is used only for the facts it was made from.
func corpusDigest(c *knowledge.Corpus) string {
	d := digester{h: sha256.New()}
	d.int(len(c.Facts))
	for i := range c.Facts {
		f := &c.Facts[i]
		d.str(f.ID)
		d.str(string(f.Kind))
		d.str(f.Clean)
		d.str(f.Citation.SourceID)
		d.int(f.Citation.Paragraph)
		d.str(f.Citation.Credit)
		d.int(len(f.Phrasings))
		for _, p := range f.Phrasings {
			d.str(p)
		}
	}
	return d.sum()
}

// digester feeds length-prefixed fields to a hash through a buffer.
type digester struct {
	h   hash.Hash
	buf []byte
}

func (d *digester) int(v int) {
	d.buf = binary.AppendUvarint(d.buf, uint64(v))
}

func (d *digester) str(s string) {
	d.int(len(s))
	d.buf = append(d.buf, s...)
	if len(d.buf) >= 64<<10 {
		d.h.Write(d.buf)
		d.buf = d.buf[:0]
	}
}

func (d *digester) sum() string {
	d.h.Write(d.buf)
	return hex.EncodeToString(d.h.Sum(nil))
}

// crcTable is the Castagnoli polynomial, which processors compute in
// hardware.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// prepare encodes what the analysis found, before the postings are
// weighed: lengths are the facts' lengths in words.
func (ix *Index) prepare(lengths []float32) (*knowledge.Prepared, error) {
	strengths, err := ix.strengths()
	if err != nil {
		return nil, err
	}
	h := preparedHeader{
		Format: preparedFormat, Analysis: analysisVersion, Corpus: corpusDigest(ix.corpus),
		Facts: len(ix.corpus.Facts), Terms: len(ix.postings), Spans: len(ix.forward.spans),
		SpanTerms: len(ix.forward.terms), Words: len(ix.sorted), Strengths: strengths,
		CRC32C: map[string]uint32{},
	}
	for _, ps := range ix.postings {
		h.Postings += len(ps)
	}
	postings, err := ix.encodePostings(strengths)
	if err != nil {
		return nil, err
	}
	facts, err := ix.encodeFacts(lengths)
	if err != nil {
		return nil, err
	}
	p := &knowledge.Prepared{Fingerprint: Fingerprint(ix.corpus.Vocabulary)}
	p.Sections = []knowledge.PreparedSection{
		{Name: sectionHeader},
		{Name: sectionSources, Data: ix.encodeSources()},
		{Name: sectionTerms, Data: ix.encodeTerms()},
		{Name: sectionPostings, Data: postings},
		{Name: sectionFacts, Data: facts},
		{Name: sectionForward, Data: ix.encodeForward()},
		{Name: sectionWords, Data: ix.encodeWords()},
	}
	for _, s := range p.Sections[1:] {
		h.CRC32C[s.Name] = crc32.Checksum(s.Data, crcTable)
	}
	if p.Sections[0].Data, err = json.Marshal(h); err != nil {
		return nil, fmt.Errorf("prepare the index: %w", err)
	}
	return p, nil
}

// strengths returns the distinct strengths of the postings, in order.
func (ix *Index) strengths() ([]float32, error) {
	var out []float32
	for _, ps := range ix.postings {
		for _, p := range ps {
			if !slices.Contains(out, p.s) {
				out = append(out, p.s)
			}
		}
		if len(out) > math.MaxUint8 {
			return nil, errors.New("prepare the index: too many distinct strengths")
		}
	}
	return out, nil
}

// encoder appends unsigned varints and length-prefixed strings.
type encoder struct{ buf []byte }

func (e *encoder) uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// wholeNumber returns v as an integer when it is a whole number that fits
// in 32 bits.
func wholeNumber(v float32, what string) (uint64, error) {
	if v < 0 || v > math.MaxUint32 || v != float32(math.Trunc(float64(v))) {
		return 0, fmt.Errorf("prepare the index: %s %v is not a whole number", what, v)
	}
	return uint64(v), nil
}

// encodeSources encodes the language of each source, by id, sorted.
func (ix *Index) encodeSources() []byte {
	ids := make([]string, 0, len(ix.sourceLang))
	for id := range ix.sourceLang {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	e := encoder{}
	e.uint(uint64(len(ids)))
	for _, id := range ids {
		e.str(id)
		e.uint(uint64(ix.sourceLang[id]))
	}
	return e.buf
}

// encodeTerms encodes the terms in the order of their ids.
func (ix *Index) encodeTerms() []byte {
	terms := make([]string, len(ix.postings))
	for t, id := range ix.termIDs {
		terms[id] = t
	}
	e := encoder{}
	for _, t := range terms {
		e.str(t)
	}
	return e.buf
}

// strengthBits is how many low bits of an encoded posting hold the index
// of its strength, for n strengths.
func strengthBits(n int) int { return bits.Len(uint(max(n, 1) - 1)) }

// encodePostings encodes each term's postings, by term id: their number,
// then for each its fact (as the gap from the one before) and its term
// frequency and strength (the frequency shifted left by strengthBits, or'd
// with the strength's index).
func (ix *Index) encodePostings(strengths []float32) ([]byte, error) {
	e := encoder{buf: make([]byte, 0, 1<<20)}
	shift := strengthBits(len(strengths))
	for _, ps := range ix.postings {
		e.uint(uint64(len(ps)))
		prev := int32(0)
		for _, p := range ps {
			tf, err := wholeNumber(p.w, "term frequency")
			if err != nil {
				return nil, err
			}
			e.uint(uint64(p.doc - prev))
			e.uint(tf<<shift | uint64(slices.Index(strengths, p.s)))
			prev = p.doc
		}
	}
	return e.buf, nil
}

// encodeFacts encodes each fact's length in words and its features.
func (ix *Index) encodeFacts(lengths []float32) ([]byte, error) {
	e := encoder{buf: make([]byte, 0, 3*len(lengths))}
	for i, l := range lengths {
		n, err := wholeNumber(l, "fact length")
		if err != nil {
			return nil, err
		}
		e.uint(n)
		e.uint(uint64(ix.feats[i]))
	}
	return e.buf, nil
}

// encodeForward encodes each fact's typed spans: their number, then each
// span's start, end and type followed by its words' term ids plus one (0
// for a stop word).
func (ix *Index) encodeForward() []byte {
	e := encoder{}
	for d := range len(ix.corpus.Facts) {
		spans := ix.forward.spansOf(int32(d))
		e.uint(uint64(len(spans)))
		for _, sp := range spans {
			e.uint(uint64(sp.start))
			e.uint(uint64(sp.end))
			e.uint(uint64(sp.want))
			for _, id := range ix.forward.spanTerms(sp) {
				e.uint(uint64(id + 1))
			}
		}
	}
	return e.buf
}

// encodeWords encodes the known words, sorted, each with the number of
// facts using it and its stem (an empty string when the stem is the word
// itself, else the stem with its length plus one).
func (ix *Index) encodeWords() []byte {
	e := encoder{}
	for _, w := range ix.sorted {
		e.str(w)
		e.uint(uint64(ix.words[w]))
		if key := ix.an.forms(w).key; key != w {
			e.uint(uint64(len(key)) + 1)
			e.buf = append(e.buf, key...)
		} else {
			e.uint(0)
		}
	}
	return e.buf
}

// Load builds the index of c from its prepared form p, made by
// BuildPrepared from the same facts and kept by the store, without
// analysing the facts again. The index answers exactly as Build's would.
// When p is nil, was made by another analysis (see Fingerprint) or from
// other facts, or is damaged, the error wraps ErrNotPrepared, and the
// caller should use Build. The index of the facts' translations (when c
// has some) comes from p too, or, when p holds none made from them, from
// analysing them.
func Load(ctx context.Context, c *knowledge.Corpus, p *knowledge.Prepared, opts ...Option) (*Index, error) {
	ix, err := load(ctx, c, p)
	if err != nil {
		return nil, err
	}
	if mc := ix.mirrorCorpus(); mc != nil {
		if ix.mirror, err = loadMirror(ctx, mc, p, ix.mirrorLanguages()); err != nil {
			return nil, err
		}
		ix.mirror.translated = true
	}
	ix.apply(opts)
	return ix, nil
}

// load is Load without the facts' translations.
func load(ctx context.Context, c *knowledge.Corpus, p *knowledge.Prepared) (ix *Index, err error) {
	if p == nil {
		return nil, fmt.Errorf("%w: the store holds none", ErrNotPrepared)
	}
	if want := Fingerprint(c.Vocabulary); p.Fingerprint != want {
		return nil, fmt.Errorf("%w: it was made by another analysis (%s; this build's is %s)", ErrNotPrepared, p.Fingerprint, want)
	}
	h, err := readHeader(p)
	if err != nil {
		return nil, err
	}
	if h.Facts != len(c.Facts) || h.Corpus != corpusDigest(c) {
		return nil, fmt.Errorf("%w: it was made from other facts", ErrNotPrepared)
	}
	if len(c.Facts) >= largeCorpus {
		defer tightGC()()
	}
	defer func() {
		// Damage the checks missed must not take the process down.
		if r := recover(); r != nil {
			ix, err = nil, fmt.Errorf("%w: damaged: %v", ErrNotPrepared, r)
		}
	}()
	ix = newIndex(c)
	lengths, err := ix.decode(ctx, p, h)
	if err != nil {
		return nil, err
	}
	for i := range c.Facts {
		ix.byID[c.Facts[i].ID] = i
	}
	ix.an.frozen = true
	ix.weigh(lengths)
	ix.finishTables()
	return ix, nil
}

// readHeader reads and checks the header of p and the checksums of its
// sections.
func readHeader(p *knowledge.Prepared) (preparedHeader, error) {
	var h preparedHeader
	raw, ok := p.Section(sectionHeader)
	if !ok {
		return h, fmt.Errorf("%w: it has no header", ErrNotPrepared)
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return h, fmt.Errorf("%w: damaged header: %v", ErrNotPrepared, err)
	}
	if h.Format != preparedFormat || h.Analysis != analysisVersion {
		return h, fmt.Errorf("%w: format %d of analysis %d, this build reads format %d of analysis %d",
			ErrNotPrepared, h.Format, h.Analysis, preparedFormat, analysisVersion)
	}
	for _, name := range []string{sectionSources, sectionTerms, sectionPostings, sectionFacts, sectionForward, sectionWords} {
		data, ok := p.Section(name)
		if !ok {
			return h, fmt.Errorf("%w: it has no %s", ErrNotPrepared, name)
		}
		if sum, ok := h.CRC32C[name]; !ok || sum != crc32.Checksum(data, crcTable) {
			return h, fmt.Errorf("%w: its %s are damaged (checksum)", ErrNotPrepared, name)
		}
	}
	return h, checkCounts(h, p)
}

// checkCounts refuses a header whose counts its sections cannot hold: each
// term, posting, span, span term and word takes at least a byte, so no
// count may exceed its section's length. The header has no checksum of its
// own, and decoding allocates by these counts: a damaged one must give an
// error, not ask for more memory than the machine has.
func checkCounts(h preparedHeader, p *knowledge.Prepared) error {
	size := func(name string) int { data, _ := p.Section(name); return len(data) }
	for _, c := range []struct {
		what       string
		n, section int
	}{
		{"terms", h.Terms, size(sectionTerms)},
		{"postings", h.Postings, size(sectionPostings)},
		{"spans", h.Spans, size(sectionForward)},
		{"span terms", h.SpanTerms, size(sectionForward)},
		{"words", h.Words, size(sectionWords)},
	} {
		if c.n < 0 || c.n > c.section {
			return fmt.Errorf("%w: damaged header: %d %s in %d bytes", ErrNotPrepared, c.n, c.what, c.section)
		}
	}
	return nil
}

// decode fills ix from the sections of p, and returns the facts' lengths.
func (ix *Index) decode(ctx context.Context, p *knowledge.Prepared, h preparedHeader) ([]float32, error) {
	steps := []struct {
		name string
		fn   func(*decoder, preparedHeader) error
	}{
		{sectionSources, ix.decodeSources},
		{sectionTerms, ix.decodeTerms},
		{sectionPostings, ix.decodePostings},
		{sectionForward, ix.decodeForward},
		{sectionWords, ix.decodeWords},
	}
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("load the prepared index: %w", err)
		}
		data, _ := p.Section(st.name)
		d := &decoder{buf: data}
		if err := cmpErr(st.fn(d, h), d); err != nil {
			return nil, fmt.Errorf("%w: damaged %s: %v", ErrNotPrepared, st.name, err)
		}
	}
	data, _ := p.Section(sectionFacts)
	d := &decoder{buf: data}
	lengths := ix.decodeFacts(d)
	if err := cmpErr(nil, d); err != nil {
		return nil, fmt.Errorf("%w: damaged %s: %v", ErrNotPrepared, sectionFacts, err)
	}
	return lengths, nil
}

// cmpErr returns err, else the decoder's error, else an error when the
// decoder did not read all of its data.
func cmpErr(err error, d *decoder) error {
	switch {
	case err != nil:
		return err
	case d.err != nil:
		return d.err
	case len(d.buf) != 0:
		return fmt.Errorf("%d bytes left over", len(d.buf))
	}
	return nil
}

// decoder reads what encoder wrote. The first error sticks: later reads
// return zero values.
type decoder struct {
	buf []byte
	err error
}

var errTruncated = errors.New("truncated")

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		if d.err == nil {
			d.err = errTruncated
		}
		d.buf = nil
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// below reads a number that must be less than limit.
func (d *decoder) below(limit int) int {
	v := d.uint()
	if v >= uint64(limit) {
		if d.err == nil {
			d.err = fmt.Errorf("%d out of range (limit %d)", v, limit)
		}
		return 0
	}
	return int(v)
}

// bytes reads n bytes.
func (d *decoder) bytes(n int) []byte {
	if n > len(d.buf) {
		if d.err == nil {
			d.err = errTruncated
		}
		d.buf = nil
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func (d *decoder) str() string {
	return string(d.bytes(d.below(len(d.buf) + 1)))
}

func (ix *Index) decodeSources(d *decoder, _ preparedHeader) error {
	n := d.below(len(d.buf) + 1)
	ix.sourceLang = make(map[string]int, n)
	for range n {
		id := d.str()
		ix.sourceLang[id] = d.below(numLanguages)
	}
	return nil
}

func (ix *Index) decodeTerms(d *decoder, h preparedHeader) error {
	ix.termIDs = make(map[string]int32, h.Terms)
	for id := range h.Terms {
		ix.termIDs[d.str()] = int32(id)
	}
	if len(ix.termIDs) != h.Terms {
		return errors.New("a term is there twice")
	}
	return nil
}

func (ix *Index) decodePostings(d *decoder, h preparedHeader) error {
	all := make([]posting, h.Postings)
	ix.postings = make([][]posting, h.Terms)
	shift := strengthBits(len(h.Strengths))
	mask := uint64(1)<<shift - 1
	if len(h.Strengths) == 0 && h.Postings > 0 {
		return errors.New("no strengths")
	}
	buf, at := d.buf, 0
	for id := range h.Terms {
		n, next := uvarintAt(buf, 0)
		if next < 0 || n > uint64(len(all)-at) {
			return fmt.Errorf("term %d: bad number of postings", id)
		}
		buf = buf[next:]
		ps := all[at : at+int(n) : at+int(n)]
		doc := uint64(0)
		for j := range ps {
			var gap, v uint64
			if len(buf) >= 2 && buf[0] < 0x80 && buf[1] < 0x80 {
				// The common case, two one-byte numbers, the short way.
				gap, v, buf = uint64(buf[0]), uint64(buf[1]), buf[2:]
			} else {
				var i int
				gap, i = uvarintAt(buf, 0)
				v, i = uvarintAt(buf, i)
				if i < 0 || v>>shift > math.MaxUint32 {
					return fmt.Errorf("term %d: bad posting", id)
				}
				buf = buf[i:]
			}
			if doc += gap; doc >= uint64(h.Facts) || v&mask >= uint64(len(h.Strengths)) {
				return fmt.Errorf("term %d: posting of fact %d out of range", id, doc)
			}
			ps[j] = posting{doc: int32(doc), w: float32(v >> shift), s: h.Strengths[v&mask]}
		}
		ix.postings[id] = ps
		at += len(ps)
	}
	d.buf = buf
	if at != len(all) {
		return fmt.Errorf("%d postings, the header says %d", at, len(all))
	}
	return nil
}

// uvarintAt reads the unsigned varint at b[i:] and returns it with the
// index just past it, or -1 when there is none (also when i is -1, so
// reads can be chained and checked once).
func uvarintAt(b []byte, i int) (uint64, int) {
	if i < 0 || i > len(b) {
		return 0, -1
	}
	v, n := binary.Uvarint(b[i:])
	if n <= 0 {
		return 0, -1
	}
	return v, i + n
}

func (ix *Index) decodeFacts(d *decoder) []float32 {
	lengths := make([]float32, len(ix.corpus.Facts))
	for i := range lengths {
		lengths[i] = float32(d.below(math.MaxInt32))
		ix.feats[i] = featureSet(d.below(math.MaxUint8 + 1))
	}
	return lengths
}

func (ix *Index) decodeForward(d *decoder, h preparedHeader) error {
	fw := forwardIndex{
		spans:  make([]factSpan, 0, h.Spans),
		spanAt: make([]uint32, 1, len(ix.corpus.Facts)+1),
		terms:  make([]int32, 0, h.SpanTerms),
	}
	for range len(ix.corpus.Facts) {
		for range d.below(h.Spans - len(fw.spans) + 1) {
			start := d.below(math.MaxUint16 + 1)
			end := d.below(math.MaxUint16 + 1)
			want := featureSet(d.below(math.MaxUint8 + 1))
			if end < start || end-start > h.SpanTerms-len(fw.terms) {
				return fmt.Errorf("span %d–%d out of range", start, end)
			}
			fw.spans = append(fw.spans, factSpan{uint16(start), uint16(end), want, uint32(len(fw.terms))})
			for range end - start {
				fw.terms = append(fw.terms, int32(d.below(h.Terms+1))-1)
			}
		}
		fw.spanAt = append(fw.spanAt, uint32(len(fw.spans)))
	}
	ix.forward = fw
	return nil
}

func (ix *Index) decodeWords(d *decoder, h preparedHeader) error {
	ix.sorted = make([]string, h.Words)
	ix.words = make(map[string]int, h.Words)
	for i := range ix.sorted {
		w := d.str()
		if i > 0 && w <= ix.sorted[i-1] {
			return fmt.Errorf("words out of order at %q", w)
		}
		ix.sorted[i] = w
		ix.words[w] = d.below(math.MaxInt32)
		f := wordForms{key: w, fam: familyOf(w)}
		if n := d.below(len(d.buf) + 2); n > 0 {
			f.key = string(d.bytes(n - 1))
		}
		ix.an.stems[w] = f
	}
	return nil
}

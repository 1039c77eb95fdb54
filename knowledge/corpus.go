package knowledge

import "slices"

// Corpus is every source the bot answers from: the facts in reading order,
// the paragraphs they came from, and the vocabulary that helps match them.
type Corpus struct {
	Sources    []Source
	Facts      []Fact
	Paragraphs []SourceParagraph
	Vocabulary *Vocabulary
	// Origin says where the sources were read from: OriginEmbedded, or the
	// absolute path of a sources directory. A store records it, so that a
	// reload rebuilds from the same sources rather than from others.
	Origin string
	// Translations are the facts' words and the topics machine-translated
	// into the other language (nil: none), made once when the sources are
	// ingested and kept in the store with them.
	Translations Translations
	// Warnings are problems found in the sources that did not stop them
	// being served (a taught question whose fact is gone), each at its
	// file and line, for the admin to be told; a store does not keep them.
	Warnings SourceErrors
}

// OriginEmbedded is the Origin of a corpus read from the article embedded in
// the binary.
const OriginEmbedded = "embedded"

// SourceParagraph is a Paragraph together with the source it belongs to.
type SourceParagraph struct {
	SourceID string
	Paragraph
}

// Add appends a parsed document to the corpus.
func (c *Corpus) Add(doc *Document) {
	c.Sources = append(c.Sources, doc.Source)
	c.Facts = append(c.Facts, doc.Facts...)
	for _, p := range doc.Paragraphs {
		c.Paragraphs = append(c.Paragraphs, SourceParagraph{SourceID: doc.Source.ID, Paragraph: p})
	}
}

// FactCount returns how many facts each source has, by source id.
func (c *Corpus) FactCount() map[string]int {
	out := make(map[string]int, len(c.Sources))
	for _, f := range c.Facts {
		out[f.Citation.SourceID]++
	}
	return out
}

// Diff compares the facts of an older corpus with c's: ids only in c were
// added, ids only in old were removed. Since ids are derived from the
// words, a fact whose wording changed has a new id; when it still stands
// in the same place (source, paragraph, sentence) it counts as changed
// rather than as one removed and one added.
type Diff struct {
	Added, Removed, Changed []string // Changed holds the new ids
}

// DiffFrom returns how c differs from old.
func (c *Corpus) DiffFrom(old *Corpus) Diff {
	oldIDs := map[string]bool{}
	if old == nil {
		return c.DiffFromIDs(oldIDs)
	}
	slots := make(map[factSlot]string, len(old.Facts))
	for _, f := range old.Facts {
		oldIDs[f.ID] = true
		slots[slotOf(f)] = f.ID
	}
	d := c.DiffFromIDs(oldIDs)
	removed := map[string]bool{}
	for _, id := range d.Removed {
		removed[id] = true
	}
	d.Added = d.Added[:0]
	for _, f := range c.Facts {
		if oldIDs[f.ID] {
			continue
		}
		if was, ok := slots[slotOf(f)]; ok && removed[was] {
			d.Changed = append(d.Changed, f.ID)
			delete(removed, was)
			continue
		}
		d.Added = append(d.Added, f.ID)
	}
	d.Removed = d.Removed[:0]
	for id := range removed {
		d.Removed = append(d.Removed, id)
	}
	slices.Sort(d.Removed)
	return d
}

// factSlot is where a fact stands in its source.
type factSlot struct {
	source              string
	paragraph, sentence int
}

func slotOf(f Fact) factSlot {
	return factSlot{f.Citation.SourceID, f.Citation.Paragraph, f.Citation.Sentence}
}

// DiffFromIDs returns how c differs from a corpus that held the given fact
// ids, when only the ids are at hand (a store about to be replaced).
func (c *Corpus) DiffFromIDs(oldIDs map[string]bool) Diff {
	var d Diff
	newIDs := map[string]bool{}
	for _, f := range c.Facts {
		newIDs[f.ID] = true
		if !oldIDs[f.ID] {
			d.Added = append(d.Added, f.ID)
		}
	}
	for id := range oldIDs {
		if !newIDs[id] {
			d.Removed = append(d.Removed, id)
		}
	}
	slices.Sort(d.Removed)
	return d
}

// Without returns a corpus holding every source of c but the one with the
// given id, sharing c's facts and vocabulary. Evaluation uses it to ask
// about a document the sources do not hold.
func (c *Corpus) Without(sourceID string) *Corpus {
	out := &Corpus{Vocabulary: c.Vocabulary, Origin: c.Origin, Translations: c.Translations}
	for _, s := range c.Sources {
		if s.ID != sourceID {
			out.Sources = append(out.Sources, s)
		}
	}
	for _, f := range c.Facts {
		if f.Citation.SourceID != sourceID {
			out.Facts = append(out.Facts, f)
		}
	}
	for _, p := range c.Paragraphs {
		if p.SourceID != sourceID {
			out.Paragraphs = append(out.Paragraphs, p)
		}
	}
	return out
}

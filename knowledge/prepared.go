package knowledge

// Prepared is the analysed form of a corpus: what the matcher computes from
// the facts' words when it indexes them (their terms, postings and answer
// spans), made when a store is built and kept beside the facts, so that
// loading the store does not analyse every fact again.
//
// Its sections belong to the matcher that made them: a store keeps them as
// they are and gives them back. Fingerprint names that matcher (the
// version of its analysis, its word lists and the vocabulary); a matcher
// with another fingerprint, or given another corpus, does not use them and
// analyses the facts instead.
type Prepared struct {
	// Fingerprint identifies the analysis that made the sections.
	Fingerprint string
	// Sections are the named parts of the data, in order.
	Sections []PreparedSection
}

// PreparedSection is one named part of a Prepared.
type PreparedSection struct {
	Name string
	Data []byte
}

// Size returns the bytes the sections hold.
func (p *Prepared) Size() int {
	n := 0
	for _, s := range p.Sections {
		n += len(s.Data)
	}
	return n
}

// Section returns the data of the section called name, and whether there
// is one.
func (p *Prepared) Section(name string) ([]byte, bool) {
	for _, s := range p.Sections {
		if s.Name == name {
			return s.Data, true
		}
	}
	return nil, false
}

package match

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/agreementbot/agreementbot/knowledge"
)

// The features of a match that the confidence is computed from. Each says
// something about whether the fact ranked first answers the question; the
// calibrated model (calibration.json) weighs them.
const (
	featCoverage       = iota // share of the question's weight matched, after penalties
	featMatched               // share of the question's weight matched, before penalties
	featMissingRare           // rarity of the rarest question word the fact lacks, 0 to 1
	featMissingShare          // share of the question's weight the fact lacks entirely
	featUnknownNames          // names and topic words of the question no source has
	featUnknownNumbers        // numbers of the question no source has
	featTypeHit               // the question asks for a type and the fact has one
	featTypeMiss              // the question asks for a type and the fact has none
	featMargin                // how far the fact's score is ahead of the next fact's
	featFocusMiss             // the question's focus word is not in the fact
	featWords                 // log of the number of words and phrases asked about
	featUnknownShare          // share of the question's weight in names and rare words no source has
	featUnknownPlain          // share of the question's weight in ordinary words no source has
	featMatchedRare           // rarity of the rarest question word the fact says, 0 to 1
	featCoverage2             // coverage squared: the model may bend
	featNamesUnknown          // 1 when the question names something no source mentions
	featCrossLingual          // 1 when the question and the fact are in different languages
	featCrossCoverage         // coverage, for a question matched across languages
	numFeatures
)

// featureNames name the features in explanations and in calibration.json.
var featureNames = [numFeatures]string{
	"coverage", "matched", "missing_rare", "missing_share", "unknown_names", "unknown_numbers",
	"type_hit", "type_miss", "margin", "focus_miss", "words",
	"unknown_share", "unknown_plain", "matched_rare", "coverage2", "names_unknown",
	"cross_lingual", "cross_coverage",
}

// features are the values of the features of one match.
type features [numFeatures]float64

// model is a logistic model of the probability that the fact ranked first
// answers the question, fitted by `agreementbot calibrate` on development
// data (see docs/quality.md).
type model struct {
	Intercept float64            `json:"intercept"`
	Weights   map[string]float64 `json:"weights"`
	// Threshold is the confidence below which the engine abstains, chosen
	// with the weights; knowledge.DefaultThreshold must equal it.
	Threshold float64 `json:"threshold"`
	// Penalties multiply the fitted probability once for each unit of a
	// feature: names and numbers a question asks about that no source
	// mentions are strong evidence that the sources do not answer it, too
	// rare in the development data for a fit to learn.
	Penalties map[string]float64 `json:"penalties"`
	// FittedOn says what data the weights were fitted on.
	FittedOn string `json:"fitted_on"`
	w        features
	pen      features // 0 for no penalty
}

//go:embed calibration.json
var calibrationJSON []byte

// calibration is the embedded model, parsed once.
var calibration = sync.OnceValue(func() *model {
	m, err := parseModel(calibrationJSON)
	if err != nil {
		panic(fmt.Sprintf("embedded calibration.json: %v", err))
	}
	return m
})

// parseModel reads a model, refusing unknown feature names.
func parseModel(raw []byte) (*model, error) {
	var m model
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	for name, w := range m.Weights {
		i := slices.Index(featureNames[:], name)
		if i < 0 {
			return nil, fmt.Errorf("unknown feature %q", name)
		}
		m.w[i] = w
	}
	for name, p := range m.Penalties {
		i := slices.Index(featureNames[:], name)
		if i < 0 || p <= 0 || p > 1 {
			return nil, fmt.Errorf("bad penalty %q: %g", name, p)
		}
		m.pen[i] = p
	}
	return &m, nil
}

// probability is the model's confidence for features f.
func (m *model) probability(f features) float64 {
	z := m.Intercept
	for i, v := range f {
		z += m.w[i] * v
	}
	p := 1 / (1 + math.Exp(-z))
	for i, pen := range m.pen {
		if pen > 0 && f[i] > 0 {
			p *= math.Pow(pen, f[i])
		}
	}
	return p
}

// explain lists the features with their values and weights.
func (m *model) explain(f features) []knowledge.Feature {
	out := make([]knowledge.Feature, numFeatures)
	for i, v := range f {
		out[i] = knowledge.Feature{Name: featureNames[i], Value: v, Weight: m.w[i]} // exact: calibrate fits on these
	}
	return out
}

// features computes the features of hit h, the next hit being next (nil
// when there is none).
func (ix *Index) features(pq query, h hit, next *hit) features {
	var f features
	f[featCoverage] = h.coverage
	var matched, missing, unknown, plain float64
	for _, g := range pq.groups {
		m := float64(ix.groupMatch(g, h.doc))
		matched += g.weight * m
		if m == 0 {
			missing += g.weight
		}
		switch {
		case len(g.terms) > 0:
		case g.plainWord:
			plain += g.weight
		default:
			unknown += g.weight
		}
		if m >= weightSynonym && ix.idfMissing > 0 {
			f[featMatchedRare] = max(f[featMatchedRare], g.weight/float64(ix.idfMissing))
		}
		if m < weightSynonym && ix.idfMissing > 0 {
			f[featMissingRare] = max(f[featMissingRare], g.weight/float64(ix.idfMissing))
		}
		if g.focus && m < weightSynonym {
			f[featFocusMiss] = 1
		}
	}
	if pq.total > 0 {
		f[featMatched] = min(matched/pq.total, 1)
		f[featMissingShare] = missing / pq.total
		f[featUnknownShare] = unknown / pq.total
		f[featUnknownPlain] = plain / pq.total
	}
	f[featCoverage2] = h.coverage * h.coverage
	f[featUnknownNames] = float64(pq.unknownSpecifics)
	f[featNamesUnknown] = float64(min(pq.unknownSpecifics+pq.unknownNumbers, 1))
	f[featUnknownNumbers] = float64(pq.unknownNumbers)
	if want := wantFeature(pq.wants); want != 0 {
		if h.typed {
			f[featTypeHit] = 1
		} else {
			f[featTypeMiss] = 1
		}
	}
	f[featMargin] = 1
	if next != nil && h.score > 0 {
		f[featMargin] = 1 - next.score/h.score
	}
	f[featWords] = math.Log1p(float64(len(pq.groups)))
	if ix.sourceLang[ix.corpus.Facts[h.doc].Citation.SourceID] != pq.lang {
		// Matched through the lexicon: a translation matches less surely
		// than the word itself, so coverage means less.
		f[featCrossLingual] = 1
		f[featCrossCoverage] = h.coverage
	}
	return f
}

// groupMatch is how directly fact d says what group g asks about: the best
// of its terms, 0 when the fact has none of them.
func (ix *Index) groupMatch(g group, d int32) float32 {
	var best float32
	for _, t := range g.terms {
		ps := ix.postings[t.id]
		i, found := slices.BinarySearchFunc(ps, d, func(p posting, d int32) int { return int(p.doc - d) })
		if found {
			best = max(best, t.w*ps[i].s)
		}
	}
	return best
}

package logistic

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFitRecoversModel draws outcomes from a known model and checks that
// the fit finds its weights again.
func TestFitRecoversModel(t *testing.T) {
	truth := Model{Intercept: -1, Weights: []float64{2, -3, 0}}
	rng := rand.New(rand.NewPCG(1, 2))
	var x [][]float64
	var y []bool
	for range 20000 {
		row := []float64{rng.NormFloat64(), rng.Float64() * 2, rng.NormFloat64() * 10}
		x = append(x, row)
		y = append(y, rng.Float64() < truth.Probability(row))
	}
	m, err := Fit(x, y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Intercept-truth.Intercept) > 0.15 {
		t.Errorf("intercept %g, want about %g", m.Intercept, truth.Intercept)
	}
	for j, w := range truth.Weights {
		if math.Abs(m.Weights[j]-w) > 0.15 {
			t.Errorf("weight %d = %g, want about %g", j, m.Weights[j], w)
		}
	}
}

// TestFitSeparable checks that a penalty keeps perfectly separable data
// from driving the weights to infinity.
func TestFitSeparable(t *testing.T) {
	x := [][]float64{{0}, {1}, {2}, {3}}
	y := []bool{false, false, true, true}
	m, err := Fit(x, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p0, p3 := m.Probability([]float64{0}), m.Probability([]float64{3}); !(p0 < 0.5 && p3 > 0.5) || math.IsNaN(p0) {
		t.Errorf("probabilities %g and %g, want below and above one half", p0, p3)
	}
}

func TestFitErrors(t *testing.T) {
	if _, err := Fit(nil, nil, 1); err == nil {
		t.Error("no rows: want an error")
	}
	for _, x := range [][][]float64{{{1}, {1, 2}}, {{1, 2}, {1}}} {
		if _, err := Fit(x, []bool{true, false}, 1); err == nil {
			t.Errorf("ragged rows %v: want an error", x)
		}
	}
}

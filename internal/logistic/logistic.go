package logistic

import (
	"errors"
	"math"
)

// Model is a fitted logistic regression.
type Model struct {
	Intercept float64
	Weights   []float64
}

// Probability returns the model's probability of a yes for features x.
func (m Model) Probability(x []float64) float64 {
	z := m.Intercept
	for i, v := range x {
		z += m.Weights[i] * v
	}
	return 1 / (1 + math.Exp(-z))
}

// Fitting bounds: Newton's method converges in a handful of steps on
// problems of this size.
const (
	maxIterations = 100
	tolerance     = 1e-9
)

// Fit fits a model to the rows of x (one row per example, the same number
// of features each) and their outcomes y, by Newton's method on the
// log-likelihood with an L2 penalty of strength l2 on the weights (not the
// intercept), which keeps the fit stable when features are correlated. The
// features are standardised while fitting, so l2 means the same whatever
// their scales.
func Fit(x [][]float64, y []bool, l2 float64) (Model, error) {
	return FitWeighted(x, y, nil, l2)
}

// FitWeighted is Fit with a weight for each example (nil: all 1): an
// example of weight 2 counts as two.
func FitWeighted(x [][]float64, y []bool, weight []float64, l2 float64) (Model, error) {
	if len(x) == 0 || len(x) != len(y) || weight != nil && len(weight) != len(y) {
		return Model{}, errors.New("logistic: need as many outcomes and weights as rows, and at least one")
	}
	if weight == nil {
		weight = make([]float64, len(y))
		for i := range weight {
			weight[i] = 1
		}
	}
	k := len(x[0])
	for _, row := range x {
		if len(row) != k {
			return Model{}, errors.New("logistic: rows of different lengths")
		}
	}
	mean, scale := standardisation(x, k)
	z := make([][]float64, len(x))
	for r, row := range x {
		z[r] = make([]float64, k+1)
		z[r][0] = 1
		for j, v := range row {
			z[r][j+1] = (v - mean[j]) / scale[j]
		}
	}
	beta := make([]float64, k+1)
	for range maxIterations {
		step, err := newtonStep(z, y, weight, beta, l2)
		if err != nil {
			return Model{}, err
		}
		change := 0.0
		for j := range beta {
			beta[j] -= step[j]
			change = max(change, math.Abs(step[j]))
		}
		if change < tolerance {
			break
		}
	}
	m := Model{Intercept: beta[0], Weights: make([]float64, k)}
	for j := range k {
		m.Weights[j] = beta[j+1] / scale[j]
		m.Intercept -= m.Weights[j] * mean[j]
	}
	return m, nil
}

// standardisation returns each feature's mean and standard deviation (1 for
// a constant feature).
func standardisation(x [][]float64, k int) (mean, scale []float64) {
	mean, scale = make([]float64, k), make([]float64, k)
	n := float64(len(x))
	for _, row := range x {
		for j := range k {
			mean[j] += row[j] / n
		}
	}
	for _, row := range x {
		for j := range k {
			d := row[j] - mean[j]
			scale[j] += d * d / n
		}
	}
	for j := range scale {
		scale[j] = math.Sqrt(scale[j])
		if scale[j] < 1e-12 {
			scale[j] = 1
		}
	}
	return mean, scale
}

// newtonStep returns H⁻¹g for the penalised log-likelihood at beta.
func newtonStep(z [][]float64, y []bool, weight, beta []float64, l2 float64) ([]float64, error) {
	k := len(beta)
	grad := make([]float64, k)
	hess := make([][]float64, k)
	for i := range hess {
		hess[i] = make([]float64, k)
	}
	for r, row := range z {
		s := 0.0
		for j, v := range row {
			s += beta[j] * v
		}
		p := 1 / (1 + math.Exp(-s))
		target := 0.0
		if y[r] {
			target = 1
		}
		w := weight[r] * max(p*(1-p), 1e-12)
		for i, vi := range row {
			grad[i] += weight[r] * (p - target) * vi
			for j := i; j < k; j++ {
				hess[i][j] += w * vi * row[j]
			}
		}
	}
	for i := range k {
		for j := 0; j < i; j++ {
			hess[i][j] = hess[j][i]
		}
		if i > 0 {
			grad[i] += l2 * beta[i]
			hess[i][i] += l2
		}
	}
	return solve(hess, grad)
}

// solve solves a·x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) ([]float64, error) {
	n := len(b)
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-15 {
			return nil, errors.New("logistic: singular system; add an L2 penalty")
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for j := c; j < n; j++ {
				a[r][j] -= f * a[c][j]
			}
			b[r] -= f * b[c]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for j := r + 1; j < n; j++ {
			s -= a[r][j] * x[j]
		}
		x[r] = s / a[r][r]
	}
	return x, nil
}

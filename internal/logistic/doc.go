// Package logistic fits a logistic regression: the probability of a yes
// as 1/(1+e^-z), z a weighted sum of features. The answer engine's
// confidence is such a model, fitted on development data by `agreementbot
// calibrate`; this package is the fitting, with nothing of the engine in it.
package logistic

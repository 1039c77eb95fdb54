// Package fold reduces text to the form agreementbot compares: Unicode
// compatibility decomposition with the combining marks dropped, lower case,
// and typographic quotes and dashes replaced by their ASCII forms. It is the
// one definition of "the same words" shared by matching and evaluation, so
// "Martínez" and "martinez", or ’ and ', are always equal.
package fold

// Package editdist measures how far apart two words are, for typo
// tolerance and "did you mean" suggestions. There is one edit distance in
// agreementbot and it lives here.
package editdist

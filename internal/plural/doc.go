// Package plural writes counts with their English nouns, singular for one,
// for the reports the command line prints (ingest, loadtest): one helper
// instead of a copy per report.
package plural

// Package sqlite keeps a [knowledge.Corpus] in a SQLite file, the fact
// store: the sources, their paragraphs and facts, the vocabulary, where
// the sources were read from ([ReadOrigin]), and the matcher's prepared
// index as opaque sections, so that a bot loading the store need not
// analyse its facts again. It is the only package that imports the
// SQLite driver.
//
// [Build] writes a new store atomically, beside the old one and renamed
// over it once complete and checked, so that a reader sees the old file
// or the new one, never half of one. [Open] opens a store read-only and
// refuses, with [ErrStore] and how to rebuild it, a file that is missing,
// damaged, foreign or of another [SchemaVersion]; [OpenMemory] puts a
// corpus in a store in memory, for the command line's embedded sources.
//
// A question does not reach the store: it is answered from the index
// built from what [Store.Corpus] and [Store.Prepared] read back, at start
// and at each reload.
package sqlite

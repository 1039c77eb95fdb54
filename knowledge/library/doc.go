// Package library serves the index the bot answers from, and rebuilds it
// when admins change the sources. It wires the other parts of knowledge
// together: sources are read by knowledge/source, kept by knowledge/sqlite
// and indexed by knowledge/match.
//
// Every question is asked of [Library.Index], the index serving now,
// which never changes under its caller: a reload builds a whole new index
// and swaps it in, so questions are answered from the old facts until it
// is complete, and from them still when it fails. [New] opens the store
// (or builds it from the sources); [Library.Reload] rebuilds it from the
// sources it was built from, never from others; [Library.AddSource] adds
// an uploaded source and reloads; [Library.Teach] adds a question to the
// taught file, as a phrasing of the fact an admin says answers it, reloads
// and says how the question is answered now; [Library.Refresh] and
// [Library.WatchStore] load a store something else rebuilt, such as
// `agreementbot ingest` ([BuildStore]) or another replica. A store loads
// through the prepared index it keeps ([IndexStore]). Each reload is told
// to the hook of [WithOnLoad], with the [StoreVersion] it served.
package library
